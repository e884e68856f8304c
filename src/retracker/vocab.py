"""Vocabularies: materials (elements, material keys, groups) and countries.

Every input form (symbol, English name, Chinese name, any case) normalises to one canonical
key: the element symbol (``Sb``), a material key (``graphite``) or a group key
(``rare-earths``). Countries normalise to ISO 3166-1 alpha-2 codes (pycountry), plus ``EU``
and ``ALL``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

MaterialType = Literal["element", "material", "group"]


@dataclass(frozen=True)
class Material:
    key: str
    name: str
    name_zh: str
    type: MaterialType
    members: tuple[str, ...] = ()
    aliases: tuple[str, ...] = field(default=())

    @property
    def covers(self) -> frozenset[str]:
        """The keys this entry stands for: a group covers its members and itself."""
        return frozenset((self.key, *self.members))


# The 17 rare-earth elements, in atomic-number order after Sc and Y.
_RARE_EARTHS = [
    ("Sc", "scandium", "钪"),
    ("Y", "yttrium", "钇"),
    ("La", "lanthanum", "镧"),
    ("Ce", "cerium", "铈"),
    ("Pr", "praseodymium", "镨"),
    ("Nd", "neodymium", "钕"),
    ("Pm", "promethium", "钷"),
    ("Sm", "samarium", "钐"),
    ("Eu", "europium", "铕"),
    ("Gd", "gadolinium", "钆"),
    ("Tb", "terbium", "铽"),
    ("Dy", "dysprosium", "镝"),
    ("Ho", "holmium", "钬"),
    ("Er", "erbium", "铒"),
    ("Tm", "thulium", "铥"),
    ("Yb", "ytterbium", "镱"),
    ("Lu", "lutetium", "镥"),
]

# Other elements on the critical-minerals lists of the US, EU, China and their partners.
_OTHER_ELEMENTS = [
    ("Li", "lithium", "锂"),
    ("Be", "beryllium", "铍"),
    ("B", "boron", "硼"),
    ("F", "fluorine", "氟"),
    ("Mg", "magnesium", "镁"),
    ("Al", "aluminium", "铝"),
    ("Si", "silicon", "硅"),
    ("P", "phosphorus", "磷"),
    ("K", "potassium", "钾"),
    ("Ti", "titanium", "钛"),
    ("V", "vanadium", "钒"),
    ("Cr", "chromium", "铬"),
    ("Mn", "manganese", "锰"),
    ("Co", "cobalt", "钴"),
    ("Ni", "nickel", "镍"),
    ("Cu", "copper", "铜"),
    ("Zn", "zinc", "锌"),
    ("Ga", "gallium", "镓"),
    ("Ge", "germanium", "锗"),
    ("As", "arsenic", "砷"),
    ("Rb", "rubidium", "铷"),
    ("Zr", "zirconium", "锆"),
    ("Nb", "niobium", "铌"),
    ("Mo", "molybdenum", "钼"),
    ("Ru", "ruthenium", "钌"),
    ("Rh", "rhodium", "铑"),
    ("Pd", "palladium", "钯"),
    ("Ag", "silver", "银"),
    ("In", "indium", "铟"),
    ("Sn", "tin", "锡"),
    ("Sb", "antimony", "锑"),
    ("Te", "tellurium", "碲"),
    ("Cs", "caesium", "铯"),
    ("Ba", "barium", "钡"),
    ("Hf", "hafnium", "铪"),
    ("Ta", "tantalum", "钽"),
    ("W", "tungsten", "钨"),
    ("Re", "rhenium", "铼"),
    ("Os", "osmium", "锇"),
    ("Ir", "iridium", "铱"),
    ("Pt", "platinum", "铂"),
    ("Bi", "bismuth", "铋"),
    ("U", "uranium", "铀"),
]

_EXTRA_ALIASES = {
    "Al": ("aluminum",),
    "Cs": ("cesium",),
    "Sb": ("stibium",),
    "W": ("wolfram",),
}

LIGHT_RARE_EARTHS = ("La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu")
"""Light (cerium-group) rare earths: lanthanum to europium."""

HEAVY_RARE_EARTHS = ("Y", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu")
"""Heavy (yttrium-group) rare earths: gadolinium to lutetium, plus yttrium.
Scandium belongs to neither sub-group; it is a member of ``rare-earths`` only."""

_GROUPS = [
    Material(
        "rare-earths",
        "rare earths (all 17 elements)",
        "稀土",
        "group",
        tuple(sym for sym, _, _ in _RARE_EARTHS),
        ("rare earth", "rare earths", "rare-earth", "ree", "rees", "稀土元素"),
    ),
    Material(
        "light-rare-earths",
        "light rare earths",
        "轻稀土",
        "group",
        LIGHT_RARE_EARTHS,
        ("light rare earth", "light rare earths", "lree"),
    ),
    Material(
        "heavy-rare-earths",
        "heavy rare earths",
        "重稀土",
        "group",
        HEAVY_RARE_EARTHS,
        ("heavy rare earth", "heavy rare earths", "hree", "medium and heavy rare earths", "中重稀土"),
    ),
    Material(
        "platinum-group-metals",
        "platinum-group metals",
        "铂族金属",
        "group",
        ("Ru", "Rh", "Pd", "Os", "Ir", "Pt"),
        ("pgm", "pgms"),
    ),
]

_MATERIAL_KEYS = [
    Material("graphite", "graphite", "石墨", "material", (), ("natural graphite",)),
    Material(
        "superhard-materials",
        "superhard materials (synthetic diamond and related)",
        "超硬材料",
        "material",
        (),
        ("superhard", "synthetic diamond"),
    ),
    Material(
        "lithium-battery",
        "lithium batteries, cathode and anode materials",
        "锂电池",
        "material",
        (),
        ("lithium batteries", "battery materials"),
    ),
    Material(
        "rare-earth-magnets",
        "rare-earth permanent magnets",
        "稀土永磁",
        "material",
        (),
        ("magnets", "rare earth magnets", "ndfeb", "稀土永磁体"),
    ),
    Material(
        "rare-earth-technology",
        "rare-earth extraction, separation and magnet technology",
        "稀土技术",
        "material",
        (),
        ("rare earth technology", "稀土相关技术"),
    ),
    Material(
        "rare-earth-equipment",
        "rare-earth production equipment and auxiliary materials",
        "稀土设备",
        "material",
        (),
        ("rare earth equipment", "稀土设备和原辅料"),
    ),
    Material(
        "critical-minerals",
        "critical minerals in general (no one material named)",
        "关键矿产",
        "material",
        (),
        ("critical minerals", "critical raw materials", "strategic minerals", "战略矿产"),
    ),
]


def _elements() -> list[Material]:
    return [
        Material(sym, name, zh, "element", (), _EXTRA_ALIASES.get(sym, ()))
        for sym, name, zh in _RARE_EARTHS + _OTHER_ELEMENTS
    ]


MATERIALS: dict[str, Material] = {m.key: m for m in _elements() + _MATERIAL_KEYS + _GROUPS}
"""Every material entry by canonical key."""


def _material_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for m in MATERIALS.values():
        for form in (m.key, m.name, m.name_zh, *m.aliases):
            index.setdefault(form.casefold(), m.key)
    return index


_MATERIAL_INDEX = _material_index()


class UnknownTerm(ValueError):
    """A term outside the vocabulary; carries close matches for a "did you mean"."""

    def __init__(self, kind: str, term: str, suggestions: list[str], shown: list[str] | None = None) -> None:
        self.kind = kind
        self.term = term
        self.suggestions = suggestions
        shown = shown or suggestions
        hint = f" (did you mean {' or '.join(shown)}?)" if shown else ""
        super().__init__(f"unknown {kind} '{term}'{hint}")


def material_key(term: str) -> str:
    """Canonical key for a material term, or raise :class:`UnknownTerm`."""
    key = _MATERIAL_INDEX.get(str(term).strip().casefold())
    if key is None:
        close = _close(str(term), _MATERIAL_INDEX)
        names = [_shown(k, f, material_name(k)) for k, f in close]
        raise UnknownTerm("material", str(term), [k for k, _ in close], names)
    return key


def suggest_material(term: str) -> list[str]:
    """Up to three canonical keys close to ``term``, by key or by name (``antimon``: Sb)."""
    return [k for k, _ in _close(term, _MATERIAL_INDEX)]


def _close(term: str, index: dict[str, str]) -> list[tuple[str, str]]:
    """``(key, spelling)`` of the keys whose spellings are closest to ``term`` (a prefix of
    three letters or more counts as close), best first, at most three."""
    folded = term.strip().casefold()
    if not folded:
        return []
    best: dict[str, tuple[float, str]] = {}
    for form, key in index.items():
        matcher = difflib.SequenceMatcher(None, folded, form)
        if matcher.real_quick_ratio() < 0.6 and not form.startswith(folded):
            continue
        ratio = matcher.ratio()
        if len(folded) >= 3 and form.startswith(folded):
            ratio = max(ratio, 0.9)
        if ratio >= 0.6 and ratio > best.get(key, (0.0, ""))[0]:
            best[key] = (ratio, form)
    if not best:
        return []
    top = max(r for r, _ in best.values())
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
    return [(key, form) for key, (r, form) in ranked if r >= top - 0.05][:3]


def _shown(key: str, form: str, name: str) -> str:
    """How a suggestion reads: the key when it was the key that came close, else
    ``antimony (Sb)``."""
    return key if form == key.casefold() else f"{name} ({key})"


def material_spellings() -> list[str]:
    """Every spelling a file may use for a material: keys, names, Chinese names, aliases."""
    forms: set[str] = set()
    for m in MATERIALS.values():
        for form in (m.key, m.name, m.name_zh, *m.aliases):
            forms.update((form, form.casefold()))
    return sorted(forms)


def covers(key: str) -> frozenset[str]:
    """The keys a material key stands for (a group: its members and itself)."""
    return MATERIALS[key].covers


def groups_of(key: str) -> list[str]:
    """The groups a key belongs to."""
    return [m.key for m in _GROUPS if key in m.members]


DERIVED: dict[str, tuple[str, ...]] = {
    "rare-earth-magnets": ("rare-earths",),
    "rare-earth-technology": ("rare-earths",),
    "rare-earth-equipment": ("rare-earths",),
    "lithium-battery": ("Li",),
}
"""Material keys made from (or for) other materials: a magnet, technology or equipment control
touches every rare earth; battery materials touch lithium. A filter on a source material also
finds what is derived from it (shown "via rare-earth-magnets")."""


def derived_from(key: str) -> frozenset[str]:
    """The material keys derived from ``key`` or from any member of it."""
    reach = covers(key)
    return frozenset(d for d, sources in DERIVED.items() if any(covers(s) & reach for s in sources))


# ---------------------------------------------------------------- countries

SPECIAL_COUNTRIES = {
    "EU": ("European Union", "欧盟", ("europe", "eu27", "european union")),
    "G7": ("Group of Seven", "七国集团", ("group of seven", "g-7")),
    "WTO": ("World Trade Organization", "世界贸易组织", ("world trade organization", "世贸组织")),
    "ALL": ("all jurisdictions", "所有国家和地区", ("all", "any", "global", "worldwide")),
}

_COUNTRY_ALIASES = {
    "usa": "US",
    "america": "US",
    "united states": "US",
    "u.s.": "US",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "south korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "taiwan": "TW",
    "vietnam": "VN",
    "iran": "IR",
    "laos": "LA",
    "bolivia": "BO",
    "congo": "CD",
    "drc": "CD",
    "dr congo": "CD",
    "democratic republic of the congo": "CD",
    "tanzania": "TZ",
    "turkey": "TR",
    "czech republic": "CZ",
    "prc": "CN",
}


@cache
def _country_data() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(alias -> code, code -> English name, code -> Chinese name), built on first use."""
    import gettext

    import pycountry

    try:
        zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
        translate = zh.gettext
    except OSError:  # pragma: no cover - pycountry always ships zh_CN
        translate = str
    index: dict[str, str] = {}
    names: dict[str, str] = {}
    names_zh: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        name = getattr(country, "common_name", None) or country.name
        names[code] = name
        names_zh[code] = translate(country.name)
        forms = [code, country.alpha_3, country.name, name, names_zh[code]]
        forms.append(getattr(country, "official_name", "") or "")
        for form in forms:
            if form:
                index.setdefault(form.casefold(), code)
    for code, (name, name_zh, aliases) in SPECIAL_COUNTRIES.items():
        names[code], names_zh[code] = name, name_zh
        for form in (code, name, name_zh, *aliases):
            index[form.casefold()] = code
    for alias, code in _COUNTRY_ALIASES.items():
        index[alias] = code
    return index, names, names_zh


EU_MEMBERS = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)  # fmt: skip
"""The 27 member states of the European Union."""

G7_MEMBERS = ("CA", "FR", "DE", "IT", "JP", "GB", "US")
"""The seven members of the Group of Seven (the EU takes part but is not a member)."""

MEMBERSHIP: dict[str, tuple[str, ...]] = {"EU": EU_MEMBERS, "G7": G7_MEMBERS}
"""Groups whose acts and measures a member's filter finds (shown "via EU"). The WTO is not
here: nearly every country is a member, so it would find every WTO event for every country."""


def member_of(code: str) -> list[str]:
    """The groups (EU, G7) that a country belongs to."""
    return [group for group, members in MEMBERSHIP.items() if code in members]


def country_code(term: str) -> str:
    """Canonical code for a country term, or raise :class:`UnknownTerm`."""
    text = str(term).strip()
    if len(text) == 2 and text.isupper() and text.isalpha():
        # Fast path for codes: the common case in event files.
        index, names, _ = _country_data()
        if text in names:
            return text
    index, _, _ = _country_data()
    code = index.get(text.casefold())
    if code is None:
        close = _close(text, index)
        raise UnknownTerm(
            "country", text, [k for k, _ in close], [_shown(k, f, country_name(k)) for k, f in close]
        )
    return code


def country_spellings() -> list[str]:
    """Every spelling a file may use for a country: codes, names and aliases as listed."""
    index, names, names_zh = _country_data()
    return sorted(set(index) | set(names) | set(names.values()) | set(names_zh.values()))


def suggest_country(term: str) -> list[str]:
    index, _, _ = _country_data()
    return [k for k, _ in _close(term, index)]


def country_name(code: str, lang: str = "en") -> str:
    _, names, names_zh = _country_data()
    table = names_zh if lang == "zh" else names
    return table.get(code, code)


def country_codes() -> list[str]:
    """Every accepted code: ISO 3166-1 alpha-2 first, then EU, G7, WTO and ALL."""
    _, names, _ = _country_data()
    return sorted(c for c in names if c not in SPECIAL_COUNTRIES) + list(SPECIAL_COUNTRIES)


def material_name(key: str, lang: str = "en") -> str:
    m = MATERIALS.get(key)
    if m is None:
        return key
    return m.name_zh if lang == "zh" else m.name
