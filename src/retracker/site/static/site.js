// retracker timeline filters: read the URL query, hide the rows that do not match, keep the
// URL in step with the form. Which element and country keys find each row is computed by
// retracker itself (data-element, data-country); this script only compares keys.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var body = document.getElementById("rows");
  if (!form || !body) {
    return;
  }
  var rows = Array.prototype.slice.call(body.querySelectorAll("tr[data-id]"));
  var newestFirst = rows.slice();
  var aliases = JSON.parse(document.getElementById("aliases").textContent);
  var count = document.getElementById("count");
  var FIELDS = ["element", "country", "kind", "verification", "since", "until", "order", "q"];

  function terms(params, name) {
    var out = [];
    params.getAll(name).forEach(function (value) {
      value.split(",").forEach(function (part) {
        part = part.trim();
        if (part) {
          out.push(part);
        }
      });
    });
    return out;
  }

  function keysOf(params, name) {
    // element=antimony, element=锑 and element=Sb are one key; an unknown term stays as typed
    var table = aliases[name] || {};
    return terms(params, name).map(function (term) {
      var key = table[term.toLowerCase()];
      return { term: term, key: key === undefined ? null : key };
    });
  }

  function has(row, attr, wanted) {
    if (!wanted.length) {
      return true;
    }
    var own = (row.getAttribute(attr) || "").split(" ");
    return wanted.some(function (w) {
      return w.key !== null && own.indexOf(w.key) !== -1;
    });
  }

  function oneOf(row, attr, values) {
    return !values.length || values.indexOf(row.getAttribute(attr)) !== -1;
  }

  function apply(params) {
    var elements = keysOf(params, "element");
    var countries = keysOf(params, "country");
    var kinds = terms(params, "kind").map(function (k) { return k.toLowerCase(); });
    var checks = terms(params, "verification").map(function (k) { return k.toLowerCase(); });
    var since = params.get("since") || "";
    var until = params.get("until") || "";
    var words = (params.get("q") || "").toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var day = row.getAttribute("data-date");
      var ok = has(row, "data-element", elements) && has(row, "data-country", countries) &&
        oneOf(row, "data-kind", kinds) && oneOf(row, "data-verification", checks) &&
        (!since || day >= since) && (!until || day.slice(0, until.length) <= until);
      if (ok && words.length) {
        var text = row.textContent.toLowerCase();
        ok = words.every(function (w) { return text.indexOf(w) !== -1; });
      }
      row.hidden = !ok;
      if (ok) {
        shown += 1;
      }
    });
    var order = params.get("order") === "oldest" ? newestFirst.slice().reverse() : newestFirst;
    order.forEach(function (row) { body.appendChild(row); });
    var unknown = elements.concat(countries).filter(function (w) { return w.key === null; });
    var text = shown + " / " + rows.length;
    if (unknown.length) {
      text += " (unknown: " + unknown.map(function (w) { return w.term; }).join(", ") + ")";
    }
    count.textContent = text;
  }

  function syncForm(params) {
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (!field) {
        return;
      }
      var value = params.get(name) || "";
      if (name === "element" || name === "country") {
        var found = keysOf(params, name);
        value = found.length === 1 && found[0].key !== null ? found[0].key : "";
      }
      field.value = value;
      if (field.value !== value) {
        field.value = "";
      }
    });
  }

  function fromForm() {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value) {
        params.set(name, field.value);
      }
    });
    return params;
  }

  function update() {
    var params = fromForm();
    var query = params.toString();
    try {
      history.replaceState(null, "", query ? "?" + query : location.pathname);
    } catch (err) {
      // some browsers refuse to change a file:// URL; the filter still applies
    }
    apply(params);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });
  form.addEventListener("change", update);
  form.elements.q.addEventListener("input", update);
  var start = new URLSearchParams(location.search);
  syncForm(start);
  apply(start);
})();
