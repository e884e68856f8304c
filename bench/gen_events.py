"""Generate a synthetic, lint-clean retracker event log of N events.

The log looks like the real one: one YAML file per event under ``events/YYYY/<id>.yaml``
(about 2.3 KB each, like the bundled log's 2.4 KB), ids that read
``<date>-<issuer>-<authority>[-<number>]-<slug>``, real material keys (Sb, Ga, Ge, Dy,
rare-earths, graphite ...), 1-5 sourced pages per event, relations to earlier events only
(``suspends`` with ``ends``, ``ID#part`` targets on events that declare the part,
``extends``, ``revokes``, ``supersedes``, ``amends``, ``responds-to``, ``related``), folded
summaries, figures on trade data. Output is a deterministic function of ``n`` and ``seed``.
Besides ``dataset.yaml`` and ``events/``, ``all.json`` holds the same events as one JSON
array (for the jq peer).

    python bench/gen_events.py 1000 /tmp/log1k [SEED]      # stdlib only
    python bench/gen_events.py 1000 /tmp/log1kw --warnings  # the same, with lint warnings

With ``--warnings`` the files carry lint warnings as a curated log does (the bundled one
averages about 1.8 per file, mostly RT307): about half the sources lose their title (RT307),
a fifth of Chinese instruments their Chinese title (RT305), a tenth of measures the
``primary`` mark on their sources (RT303). Errors stay at zero.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEED = 20251009
FIRST_DAY = dt.date(2010, 1, 1)
COVERAGE = dt.date(2026, 6, 30)

MEASURE_KINDS = ("export-control", "export-ban", "technology-control", "regulation", "licensing", "tariff")
KIND_WEIGHTS = {
    "export-control": 20,
    "export-ban": 5,
    "technology-control": 4,
    "regulation": 6,
    "licensing": 5,
    "tariff": 6,
    "suspension": 7,
    "revocation": 2,
    "enforcement": 11,
    "investigation": 4,
    "deal": 5,
    "trade-data": 16,
    "statement": 9,
}

# (materials, English phrase, Chinese phrase, weight). Sb ends up in about 19 % of events.
CLUSTERS: list[tuple[list[str], str, str, int]] = [
    (["Ga", "Ge"], "gallium and germanium", "镓、锗", 10),
    (["Sb", "superhard-materials"], "antimony and superhard materials", "锑、超硬材料", 9),
    (["Sb"], "antimony", "锑", 4),
    (
        ["Ga", "Ge", "Sb", "superhard-materials", "graphite"],
        "gallium, germanium, antimony, superhard materials and graphite",
        "镓、锗、锑、超硬材料、石墨",
        4,
    ),
    (["graphite"], "graphite", "石墨", 8),
    (["rare-earths"], "rare earths", "稀土", 14),
    (["Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"], "seven medium and heavy rare earths", "七类中重稀土", 5),
    (["Ho", "Er", "Tm", "Eu", "Yb"], "five more medium and heavy rare earths", "五类中重稀土", 3),
    (["Dy", "Tb"], "dysprosium and terbium", "镝、铽", 5),
    (["Nd", "Pr"], "neodymium and praseodymium", "钕、镨", 4),
    (["rare-earth-magnets", "Dy", "Tb"], "rare-earth permanent magnets", "稀土永磁体", 5),
    (
        ["rare-earth-technology", "rare-earth-equipment"],
        "rare-earth extraction and separation technology",
        "稀土提取分离技术",
        3,
    ),
    (
        ["W", "Te", "Bi", "Mo", "In"],
        "tungsten, tellurium, bismuth, molybdenum and indium",
        "钨、碲、铋、钼、铟",
        3,
    ),
    (["W"], "tungsten", "钨", 3),
    (["Li", "lithium-battery", "graphite"], "lithium-battery materials", "锂电池材料", 4),
    (["Li"], "lithium", "锂", 3),
    (["Co"], "cobalt", "钴", 3),
    (["Ni"], "nickel", "镍", 3),
    (["critical-minerals"], "critical minerals", "关键矿产", 5),
    (["Ga", "Ge", "Sb", "W", "rare-earths"], "strategic minerals", "战略矿产", 3),
    (["heavy-rare-earths"], "heavy rare earths", "重稀土", 2),
    (["platinum-group-metals"], "platinum-group metals", "铂族金属", 1),
]
EXTRA_MATERIALS = ["Sb", "Ga", "Ge", "Dy", "Tb", "graphite", "W", "In", "Re", "Te", "Bi", "Mo", "Sc", "Y"]
MINERAL_NAMES = {
    "Ga": "gallium",
    "Ge": "germanium",
    "Sb": "antimony",
    "Dy": "dysprosium",
    "Tb": "terbium",
    "W": "tungsten",
    "Li": "lithium",
    "Co": "cobalt",
    "Ni": "nickel",
}


@dataclass(frozen=True)
class Issuer:
    code: str
    weight: int
    authorities: list[tuple[str, str, str]]  # (name, id slug, instrument template)
    lang: str
    official: list[tuple[str, str]]  # (publisher, url template)


ISSUERS = [
    Issuer(
        "CN",
        46,
        [
            ("MOFCOM", "mofcom", "MOFCOM Announcement No. {n} of {y}"),
            ("MOFCOM and GACC", "mofcom-gacc", "MOFCOM and GACC Announcement No. {n} of {y}"),
            ("State Council", "state-council", "State Council Decree No. {n}"),
            ("MIIT", "miit", "MIIT Notice No. {n} of {y}"),
            ("GACC", "gacc", "GACC Announcement No. {n} of {y}"),
            ("Ministry of Natural Resources", "mnr", "MNR Notice No. {n} of {y}"),
        ],
        "zh",
        [
            ("Ministry of Commerce of the PRC", "https://www.mofcom.gov.cn/zwgk/zcfb/art/{y}/art_{h}.html"),
            (
                "General Administration of Customs",
                "http://www.customs.gov.cn/customs/302249/zfxxgk/{n}/index.html",
            ),
            ("State Council of the PRC", "https://www.gov.cn/zhengce/content/{y}{m}/content_{n}.htm"),
        ],
    ),
    Issuer(
        "US",
        20,
        [
            ("BIS", "bis", "BIS Interim Final Rule {y}-{n}"),
            ("USTR", "ustr", "USTR Notice {y}-{n}"),
            ("White House", "white-house", "Executive Order {n}"),
            ("Department of Commerce", "doc", "Section 232 Proclamation {n}"),
        ],
        "en",
        [
            ("Federal Register", "https://www.federalregister.gov/documents/{y}/{m}/{d}/{y}-{n}/{slug}"),
            ("The White House", "https://www.whitehouse.gov/presidential-actions/{y}/{m}/{slug}/"),
            (
                "Office of the US Trade Representative",
                "https://ustr.gov/about-us/policy-offices/press-office/{slug}",
            ),
        ],
    ),
    Issuer(
        "EU",
        7,
        [
            ("European Commission", "commission", "Regulation (EU) {y}/{n}"),
            ("Council of the EU", "council", "Council Decision (EU) {y}/{n}"),
        ],
        "en",
        [("European Commission", "https://ec.europa.eu/commission/presscorner/detail/en/ip_{yy}_{n}")],
    ),
    Issuer(
        "JP",
        5,
        [("METI", "meti", "METI Ordinance No. {n} of {y}")],
        "ja",
        [
            (
                "Ministry of Economy, Trade and Industry",
                "https://www.meti.go.jp/press/{y}/{m}/{y}{m}{d}001/{y}{m}{d}001.html",
            )
        ],
    ),
    Issuer(
        "KR",
        3,
        [("MOTIE", "motie", "MOTIE Notice {y}-{n}")],
        "ko",
        [
            (
                "Ministry of Trade, Industry and Energy",
                "https://www.motie.go.kr/kor/article/ATCL3f49a5a8c/{n}/view",
            )
        ],
    ),
    Issuer(
        "AU",
        3,
        [("DISR", "disr", "Critical Minerals Strategy Update {y}-{n}")],
        "en",
        [("Department of Industry, Science and Resources", "https://www.industry.gov.au/news/{slug}")],
    ),
    Issuer(
        "ID",
        3,
        [("ESDM", "esdm", "ESDM Regulation No. {n} of {y}")],
        "id",
        [
            (
                "Ministry of Energy and Mineral Resources",
                "https://www.esdm.go.id/id/media-center/arsip-berita/{slug}",
            )
        ],
    ),
    Issuer(
        "MY",
        2,
        [("Ministry of Economy", "moe", "Cabinet Decision {y}-{n}")],
        "en",
        [("Ministry of Economy Malaysia", "https://www.ekonomi.gov.my/en/news/{slug}")],
    ),
    Issuer(
        "CD",
        2,
        [("Ministry of Mines", "mines", "Ministerial Order No. {n} of {y}")],
        "fr",
        [("ARECOMS", "https://arecoms.gouv.cd/communique-{n}-{slug}/")],
    ),
    Issuer(
        "VN",
        2,
        [("Ministry of Industry and Trade", "moit", "Decision No. {n}/QD-TTg")],
        "vi",
        [("Government of Viet Nam", "https://en.baochinhphu.vn/{slug}-{n}.htm")],
    ),
    Issuer(
        "CA",
        2,
        [("Global Affairs Canada", "gac", "Order {y}-{n}")],
        "en",
        [
            (
                "Government of Canada",
                "https://www.canada.ca/en/natural-resources-canada/news/{y}/{m}/{slug}.html",
            )
        ],
    ),
    Issuer(
        "G7",
        1,
        [("G7 leaders", "leaders", "Critical Minerals Action Plan {y}")],
        "en",
        [("G7 Presidency", "https://g7.canada.ca/en/news-and-media/news/{slug}/")],
    ),
]
ISSUER_BY_CODE = {i.code: i for i in ISSUERS}

TARGET_SETS = [
    (["ALL"], 40),
    (["US"], 18),
    (["JP"], 5),
    (["US", "JP", "NL"], 3),
    (["EU"], 3),
    (["CN"], 12),
    (["KR"], 2),
    (["US", "EU"], 3),
    (["IN"], 2),
    (["TW"], 2),
    (["US", "GB", "CA", "AU"], 2),
]
NEWS = [
    ("Reuters", "en", "https://www.reuters.com/markets/commodities/{slug}-{y}-{m}-{d}/"),
    ("Bloomberg", "en", "https://www.bloomberg.com/news/articles/{y}-{m}-{d}/{slug}"),
    ("South China Morning Post", "en", "https://www.scmp.com/economy/china-economy/article/{n}/{slug}"),
    ("Financial Times", "en", "https://www.ft.com/content/{h}-{n}"),
    ("Caixin", "zh", "https://www.caixin.com/{y}-{m}-{d}/{n}.html"),
    ("Global Times", "en", "https://www.globaltimes.cn/page/{y}{m}/{n}.shtml"),
    ("Xinhua", "zh", "http://www.news.cn/fortune/{y}{m}{d}/{h}/c.html"),
    ("Nikkei Asia", "en", "https://asia.nikkei.com/economy/trade-war/{slug}"),
    ("Argus Media", "en", "https://www.argusmedia.com/en/news-and-insights/latest-market-news/{n}-{slug}"),
    ("Fastmarkets", "en", "https://www.fastmarkets.com/insights/{slug}/"),
    ("Mining.com", "en", "https://www.mining.com/{slug}/"),
    ("Yonhap", "ko", "https://www.yna.co.kr/view/AKR{y}{m}{d}{n}"),
]
ANALYSIS = [
    ("CSIS", "https://www.csis.org/analysis/{slug}"),
    ("Benchmark Mineral Intelligence", "https://source.benchmarkminerals.com/article/{slug}"),
    ("Project Blue", "https://www.projectblue.com/blue/news-analysis/{n}/{slug}"),
    ("Adamas Intelligence", "https://www.adamasintel.com/{slug}/"),
    ("Baker McKenzie", "https://sanctionsnews.bakermckenzie.com/{slug}/"),
]
DATA = [
    ("China customs statistics (GACC)", "zh", "http://stats.customs.gov.cn/indexEn?d={y}{m}{n}"),
    ("USGS Mineral Commodity Summaries", "en", "https://pubs.usgs.gov/periodicals/mcs{y}/mcs{y}-{slug}.pdf"),
    ("UN Comtrade", "en", "https://comtradeplus.un.org/TradeFlow?Frequency=M&Reporters={n}&period={y}{m}"),
    ("Eurostat Comext", "en", "https://ec.europa.eu/eurostat/comext/newxtweb/{slug}-{n}"),
]
QUOTES_ZH = [
    "对相关物项实施出口管制，未经许可，不得出口。",
    "出口经营者应当按照有关规定办理许可手续，省级商务主管部门受理后报商务部审查。",
    "经批准，自即日起暂停实施，具体期限另行公告。",
    "严厉打击战略矿产走私出口违法犯罪活动，维护国家安全和利益。",
    "任何国家和地区的组织和个人违反相关规定，将依法追究法律责任。",
    "对符合规定的民用用途出口申请予以许可，确保相关物项合规贸易。",
]
QUOTES_EN = [
    "Exports of the listed items require a licence issued by the competent authority.",
    "The measures take effect from the date of publication and apply to all destinations.",
    "The suspension applies until the date set out in the annex, after which the measures resume.",
    "Applications for civilian end uses that meet the requirements will be approved.",
    "The Department will continue to monitor supply-chain risks to critical minerals.",
    "Any transfer in breach of these provisions will be investigated and penalised.",
]
TAGS = [
    "dual-use",
    "licensing",
    "us-china-trade-war",
    "de-escalation",
    "escalation",
    "extraterritorial",
    "smuggling",
    "transshipment",
    "supply-chain",
    "magnets",
    "semiconductors",
    "batteries",
    "defence",
    "stockpiling",
    "price-impact",
    "quotas",
    "wto",
    "country-specific",
]
PART_SETS = [
    [
        ("art1", "licence requirement for listed items"),
        ("art2", "exports to listed end users denied in principle"),
    ],
    [
        ("art1", "export of dual-use items to military end users prohibited"),
        ("art2", "exports of the listed items to the target denied in principle"),
        ("art3", "foreign transfers of Chinese-origin items held liable"),
    ],
    [
        ("origin", "items of domestic origin listed in Annex 1"),
        ("de-minimis", "foreign-made items above 0.1% value"),
    ],
    [("phase1", "ores and concentrates"), ("phase2", "oxides, metals and alloys")],
    [("annex1", "items in Annex 1"), ("annex2", "technologies in Annex 2")],
]
NEWS_HEADS = ["Explainer:", "Analysis -", "Update 2 -", "Factbox:", "Markets react as"]
ANALYSIS_HEADS = ["What it means for supply chains", "Briefing", "Client alert", "Market note"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
PLACES = ["Guangxi", "Yunnan", "Shenzhen", "Guangzhou", "Hunan", "Inner Mongolia", "Jiangxi", "Xiamen"]
COVERS = ["ceramic tiles", "stainless-steel parts", "plastic pellets", "glass beads", "zinc ingots", "pipes"]
PARTNERS = ["US", "JP", "KR", "AU", "CA", "SA", "BR", "VN", "KZ", "UA", "ZA", "IN", "CL", "AR"]
COUNTRY_NAMES = {
    "CN": "China",
    "US": "the United States",
    "EU": "the EU",
    "JP": "Japan",
    "KR": "South Korea",
    "AU": "Australia",
    "ID": "Indonesia",
    "MY": "Malaysia",
    "CD": "the DR Congo",
    "VN": "Viet Nam",
    "CA": "Canada",
    "G7": "the G7",
    "SA": "Saudi Arabia",
    "BR": "Brazil",
    "KZ": "Kazakhstan",
    "UA": "Ukraine",
    "ZA": "South Africa",
    "IN": "India",
    "CL": "Chile",
    "AR": "Argentina",
    "NL": "the Netherlands",
    "GB": "the UK",
    "TW": "Taiwan",
    "ALL": "all destinations",
}
RELATION_NOTES = [
    "Reported as the response to the measure by official media.",
    "Cites the earlier instrument as its legal basis.",
    "Announced the same week; analysts link the two.",
    "Replaces the licence catalogue of the earlier instrument.",
]
SLUG_TOPICS = {
    "export-control": "export-controls",
    "export-ban": "export-ban",
    "technology-control": "technology-export-catalogue",
    "regulation": "management-measures",
    "licensing": "export-licensing",
    "tariff": "tariffs",
    "suspension": "suspension",
    "revocation": "revocation",
    "enforcement": "smuggling-crackdown",
    "investigation": "investigation",
    "deal": "minerals-agreement",
    "trade-data": "exports",
    "statement": "spokesperson-remarks",
}


@dataclass
class Meta:
    """What later events need to know about an earlier one."""

    id: str
    kind: str
    issuer: str
    materials: list[str]
    phrase: str
    phrase_zh: str
    targets: list[str]
    instrument: str | None
    parts: list[str] = field(default_factory=list)
    ends: dt.date | None = None


# ------------------------------------------------------------------ YAML text


_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", ""}


def scalar(value: str, flow: bool = False) -> str:
    """A YAML scalar: plain where that reads back as the same string, else single-quoted."""
    plain = (
        value[:1].isalpha()
        and value.strip() == value
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and "\n" not in value
        and value.lower() not in _RESERVED
        and not (flow and any(c in value for c in ",[]{}"))
    )
    return value if plain else "'" + value.replace("'", "''") + "'"


def flow_list(items: list[str]) -> str:
    return "[" + ", ".join(scalar(i, flow=True) for i in items) + "]"


def to_yaml(doc: dict[str, Any]) -> str:
    """One event file, in the style of the bundled log (flow lists, folded summary)."""
    lines = ["# yaml-language-server: $schema=../../../schema/event.schema.json"]
    for key, value in doc.items():
        if key in ("materials", "targets", "tags"):
            lines.append(f"{key}: {flow_list(value)}")
        elif key == "parts":
            lines.append("parts:")
            for p in value:
                note = scalar(p["note"], flow=True)
                lines.append(f"  - {{id: {p['id']}, effective: {p['effective']}, note: {note}}}")
        elif key == "relations":
            lines.append("relations:")
            for r in value:
                if "note" in r:
                    lines += [f"  - type: {r['type']}", f"    target: {r['target']}"]
                    lines.append(f"    note: {scalar(r['note'])}")
                else:
                    lines.append(f"  - {{type: {r['type']}, target: {r['target']}}}")
        elif key == "sources":
            lines.append("sources:")
            for s in value:
                for i, (k, v) in enumerate(s.items()):
                    if isinstance(v, bool):
                        text = "true" if v else "false"
                    else:
                        text = v if k == "date" else scalar(v)
                    lines.append(f"  {'- ' if i == 0 else '  '}{k}: {text}")
        elif key == "figures":
            lines.append("figures:")
            for f in value:
                unit, note = scalar(f["unit"], flow=True), scalar(f["note"], flow=True)
                lines.append(
                    f"  - {{metric: {f['metric']}, value: {f['value']}, unit: {unit}, "
                    f"period: '{f['period']}', note: {note}}}"
                )
        elif key == "summary":
            lines.append("summary: >-")
            lines += ["  " + line for line in textwrap.wrap(value, 96)]
        elif key in ("id", "instrument_key", "date", "kind", "issuer", "effective", "ends", "verification"):
            lines.append(f"{key}: {value}")
        else:
            lines.append(f"{key}: {scalar(value)}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ the generator


class Generator:
    """Draws events in date order; relations only point at events drawn before."""

    def __init__(self, n: int, seed: int = SEED) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.metas: list[Meta] = []
        self.measures: list[int] = []
        self.suspensions: list[int] = []
        self.ids: set[str] = set()
        self.numbers: dict[tuple[str, str, int], int] = {}

    def pick(self, seq: list[Any]) -> Any:
        return seq[self.rng.randrange(len(seq))]

    def recent(self, pool: list[int] | None = None, window: int = 400) -> int:
        """An index from the last ``window`` entries of ``pool`` (None: all earlier events)."""
        size = len(pool) if pool is not None else len(self.metas)
        back = int(self.rng.random() ** 2 * min(window, size))
        return pool[size - 1 - back] if pool is not None else size - 1 - back

    def dates(self) -> list[dt.date]:
        span = (COVERAGE - FIRST_DAY).days
        # Skewed towards recent years, as the real log is.
        days = (int(span * self.rng.random() ** 0.55) for _ in range(self.n))
        return sorted(FIRST_DAY + dt.timedelta(days=d) for d in days)

    def unique_id(self, base: str) -> str:
        candidate, k = base, 1
        while candidate in self.ids:
            k += 1
            candidate = f"{base}-{k}"
        self.ids.add(candidate)
        return candidate

    def url(self, template: str, day: dt.date, slug: str) -> str:
        return template.format(
            y=day.year,
            yy=f"{day.year % 100:02d}",
            m=f"{day.month:02d}",
            d=f"{day.day:02d}",
            n=self.rng.randrange(1000, 999999),
            h=f"{self.rng.getrandbits(40):010x}",
            slug=slug,
        )

    def generate(self) -> list[dict[str, Any]]:
        docs = []
        for day in self.dates():
            doc, meta = self.event(day)
            index = len(self.metas)
            self.metas.append(meta)
            if meta.kind in MEASURE_KINDS:
                self.measures.append(index)
            elif meta.kind == "suspension":
                self.suspensions.append(index)
            docs.append(doc)
        return docs

    def event(self, day: dt.date) -> tuple[dict[str, Any], Meta]:
        rng = self.rng
        kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
        if kind in ("suspension", "revocation") and not self.measures:
            kind = "export-control"
        is_measure = kind in MEASURE_KINDS
        issuer = rng.choices(ISSUERS, [i.weight for i in ISSUERS])[0]
        materials, phrase, phrase_zh, _ = rng.choices(CLUSTERS, [c[3] for c in CLUSTERS])[0]
        materials = list(materials)
        drawn = rng.choices(TARGET_SETS, [t[1] for t in TARGET_SETS])[0][0]
        targets = [t for t in drawn if t != issuer.code] or ["ALL"]
        relations: list[dict[str, str]] = []
        acted_on: Meta | None = None

        if kind in ("suspension", "revocation"):
            pool = self.measures
            extends = kind == "suspension" and bool(self.suspensions) and rng.random() < 0.15
            if extends or (kind == "revocation" and self.suspensions and rng.random() < 0.3):
                pool = self.suspensions
            acted_on = self.metas[self.recent(pool)]
            issuer = ISSUER_BY_CODE[acted_on.issuer]
            materials, phrase, phrase_zh = list(acted_on.materials), acted_on.phrase, acted_on.phrase_zh
            targets = list(acted_on.targets)
            rel_type = "extends" if extends else ("suspends" if kind == "suspension" else "revokes")
            target = acted_on.id
            if rel_type == "suspends" and acted_on.parts and rng.random() < 0.6:
                target += "#" + self.pick(acted_on.parts)
            relations.append({"type": rel_type, "target": target})
        elif is_measure and rng.random() < 0.4 and len(materials) < 5:
            extra = self.pick(EXTRA_MATERIALS)
            if extra not in materials:
                materials.append(extra)
        elif not is_measure and rng.random() < 0.5:
            targets = []

        authority, auth_slug, instrument_tpl = self.pick(issuer.authorities)
        numbered = (is_measure or kind in ("suspension", "revocation")) and rng.random() < 0.75
        numbered = numbered and issuer.code.isalpha()  # instrument keys start with letters
        instrument = instrument_key = number = None
        if numbered:
            key = (issuer.code, auth_slug, day.year)
            number = self.numbers[key] = self.numbers.get(key, 0) + 1
            instrument = instrument_tpl.format(n=number, y=day.year)
            instrument_key = f"{issuer.code}-{auth_slug.replace('-', '').upper()}-{day.year}-{number}"

        words = [w.strip(",").lower() for w in phrase.split() if w not in ("and", "more", "medium")]
        slug = "-".join([*words[:3], SLUG_TOPICS[kind]])
        base = f"{day.isoformat()}-{issuer.code.lower()}-{auth_slug}" + (f"-{number}" if number else "")
        event_id = self.unique_id(f"{base}-{slug}")
        title, title_zh = self.titles(kind, issuer.code, phrase, phrase_zh, targets, day, acted_on)

        parts: list[dict[str, str]] = []
        effective = ends = None
        if is_measure and rng.random() < 0.3:
            chosen = self.pick(PART_SETS)
            offsets = sorted(rng.choice([0, 0, 30, 60, 90]) for _ in chosen)
            parts = [
                {"id": pid, "effective": (day + dt.timedelta(days=off)).isoformat(), "note": note}
                for (pid, note), off in zip(chosen, offsets, strict=True)
            ]
        elif is_measure and rng.random() < 0.4:
            effective = day + dt.timedelta(days=rng.choice([14, 30, 60, 90]))
        start = effective or day
        if kind == "suspension":
            extending = relations[0]["type"] == "extends" and acted_on and acted_on.ends
            base_end = max(acted_on.ends, start) if extending else start  # type: ignore[union-attr, type-var]
            ends = base_end + dt.timedelta(days=rng.randrange(90, 540))
            if relations[0]["type"] == "suspends" and rng.random() < 0.1:
                ends = None  # an indefinite suspension
        elif is_measure and rng.random() < 0.08:
            ends = start + dt.timedelta(days=rng.randrange(180, 1500))

        if self.metas:
            for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 3])):
                other = self.metas[self.recent()]
                if other.id in {r["target"].partition("#")[0] for r in relations}:
                    continue
                rel_type = "related"
                if is_measure and other.kind in MEASURE_KINDS and other.issuer == issuer.code:
                    rel_type = rng.choice(["amends", "related", "related", "supersedes"])
                elif other.issuer != issuer.code:
                    rel_type = rng.choice(["responds-to", "related"])
                rel = {"type": rel_type, "target": other.id}
                if rng.random() < 0.2:
                    rel["note"] = self.pick(RELATION_NOTES)
                relations.append(rel)

        verification, sources = self.sources(kind, issuer, day, slug, title, title_zh)
        doc: dict[str, Any] = {"id": event_id}
        if instrument_key:
            doc["instrument_key"] = instrument_key
        doc["title"] = title
        if title_zh:
            doc["title_zh"] = title_zh
        doc.update(date=day.isoformat(), kind=kind, issuer=issuer.code, authority=authority)
        if instrument:
            doc["instrument"] = instrument
        doc.update(materials=materials, targets=targets)
        if effective:
            doc["effective"] = effective.isoformat()
        if parts:
            doc["parts"] = parts
        if ends:
            doc["ends"] = ends.isoformat()
        if relations:
            doc["relations"] = relations
        doc.update(verification=verification, sources=sources)
        doc["summary"] = self.summary(
            kind, issuer.code, authority, instrument, phrase, targets, day, acted_on
        )
        figures = self.figures(kind, materials, day)
        if figures:
            doc["figures"] = figures
        doc["tags"] = sorted(rng.sample(TAGS, rng.randrange(1, 4)))
        parts_ids = [p["id"] for p in parts]
        meta = Meta(
            event_id, kind, issuer.code, materials, phrase, phrase_zh, targets, instrument, parts_ids, ends
        )
        return doc, meta

    def titles(
        self,
        kind: str,
        issuer: str,
        phrase: str,
        zh: str,
        targets: list[str],
        day: dt.date,
        acted_on: Meta | None,
    ) -> tuple[str, str | None]:
        rng = self.rng
        where = COUNTRY_NAMES.get(targets[0], targets[0]) if targets else "all destinations"
        month = f"{MONTHS[day.month - 1]} {day.year}"
        what = (acted_on.instrument if acted_on else None) or f"the earlier measures on {phrase}"
        pct = rng.choice([10, 15, 25, 34, 50])
        titles = {
            "export-control": (
                f"Export controls on {phrase}-related items, with licences required for exports to {where}",
                f"关于对{zh}相关物项实施出口管制的公告",
            ),
            "export-ban": (
                f"Ban on exports of unprocessed {phrase} ore and concentrates to raise domestic processing",
                f"关于禁止{zh}原矿出口的公告",
            ),
            "technology-control": (
                f"Technologies for the extraction and processing of {phrase} added to the catalogue of "
                "technologies prohibited or restricted from export",
                f"关于调整《中国禁止出口限制出口技术目录》涉及{zh}技术的公告",
            ),
            "regulation": (
                f"Interim measures on the total-volume control of {phrase} mining, smelting and separation",
                f"{zh}开采、冶炼分离总量调控管理暂行办法",
            ),
            "licensing": (
                f"General licences introduced for compliant civilian exports of {phrase} to {where}",
                f"关于{zh}出口通用许可的公告",
            ),
            "tariff": (
                f"Additional tariffs of {pct}% on {phrase} products imported from {where}",
                f"关于对原产于相关国家的{zh}产品加征关税的公告",
            ),
            "suspension": (
                f"Suspension of {what} for exports to {where}, pending the outcome of trade talks",
                f"关于暂停实施{zh}相关出口管制措施的公告",
            ),
            "revocation": (
                f"Revocation of {what}, with licences already granted remaining valid until expiry",
                f"关于废止{zh}相关出口管制措施的公告",
            ),
            "enforcement": (
                f"Customs in {self.pick(PLACES)} seize {rng.randrange(2, 400)} t of {phrase} "
                f"smuggled as {self.pick(COVERS)}",
                f"海关查获走私出口{zh}案件",
            ),
            "investigation": (
                f"Anti-dumping and countervailing investigation into imports of {phrase} from {where}",
                f"关于对原产于相关国家的{zh}进行反倾销调查的公告",
            ),
            "deal": (
                f"Framework agreement with {COUNTRY_NAMES[self.pick(PARTNERS)]} on securing supply of "
                f"{phrase}, with offtake and investment commitments",
                f"关于{zh}供应链合作的框架协议",
            ),
            "trade-data": (
                f"{COUNTRY_NAMES.get(issuer, issuer)} {phrase} exports "
                f"{rng.choice(['fall', 'rise', 'slump', 'recover'])} {rng.randrange(3, 95)}% "
                f"year on year in {month}",
                f"{day.year}年{day.month}月{zh}出口数据",
            ),
            "statement": (
                f"Spokesperson answers questions on export licences for {phrase} "
                "and the review of applications",
                f"新闻发言人就{zh}出口许可答记者问",
            ),
        }
        title, title_zh = titles[kind]
        title = title[:1].upper() + title[1:]
        return title, (title_zh if issuer == "CN" else None)

    def summary(
        self,
        kind: str,
        issuer: str,
        authority: str,
        instrument: str | None,
        phrase: str,
        targets: list[str],
        day: dt.date,
        acted_on: Meta | None,
    ) -> str:
        rng = self.rng
        who = f"{authority} ({COUNTRY_NAMES.get(issuer, issuer)})"
        where = COUNTRY_NAMES.get(targets[0], targets[0]) if targets else "all destinations"
        ref = f" in {instrument}" if instrument else ""
        earlier = (acted_on.instrument if acted_on else None) or "an earlier announcement"
        partner = COUNTRY_NAMES[self.pick(PARTNERS)]
        openers = {
            "export-control": f"{who} placed {phrase} and related items under export control{ref}, requiring "
            f"exporters to apply for a dual-use licence for every shipment to {where}.",
            "export-ban": f"{who} banned exports of unprocessed {phrase}{ref}, saying the country should "
            "capture more of the value chain by refining at home.",
            "technology-control": f"{who} added technologies for the extraction, separation and processing "
            f"of {phrase} to its export catalogue{ref}, so that their transfer abroad needs approval.",
            "regulation": f"{who} issued rules{ref} on the total-volume control of {phrase}, setting mining "
            "and smelting quotas and requiring producers to report output and inventories.",
            "licensing": f"{who} introduced general licences{ref} for compliant exports of {phrase} to "
            f"civilian end users in {where}, shortening the review of individual applications.",
            "tariff": f"{who} imposed additional tariffs on {phrase} products from {where}{ref}, citing "
            "national-security concerns about dependence on a single supplier.",
            "suspension": f"{who} suspended{ref} the measures on {phrase} described in {earlier}, for "
            f"exports to {where}.",
            "revocation": f"{who} revoked{ref} the earlier measures on {phrase}; licences already granted "
            "stay valid until they expire.",
            "enforcement": f"{who} reported a case of {phrase} smuggling in which shipments were declared as "
            f"{self.pick(COVERS)} and routed through third countries to evade licensing.",
            "investigation": f"{who} opened an investigation into imports of {phrase} from {where}, at the "
            "request of domestic producers who say prices were depressed by subsidised supply.",
            "deal": f"{who} signed a framework agreement on {phrase} with {partner}, covering offtake, joint "
            "processing projects and stockpiling.",
            "trade-data": f"Customs data published by {who} show exports of {phrase} in "
            f"{MONTHS[day.month - 1]} {day.year} changed sharply against the same month a year earlier.",
            "statement": f"A spokesperson for {who} said applications to export {phrase} for civilian uses "
            "would be approved if they complied with the rules, and that the measures target no country.",
        }
        middles = [
            f"Traders quoted by the press said prices of {phrase} outside China moved within days of the "
            "announcement, while domestic prices were steady.",
            "Exporters have to name the end user and the end use, and the licensing authority reviews each "
            "application within the statutory 45 working days.",
            "Industry associations in importing countries asked their governments for stockpiles and for "
            "faster permits for new mines and refineries.",
            f"The measure follows earlier steps on {phrase} and is read by analysts as part of a wider "
            "effort to manage strategic-mineral exports.",
            "Officials said the rules are consistent with international practice and aim to safeguard "
            "national security and fulfil non-proliferation obligations.",
            "Shipments that left before the effective date are not affected, and licences issued under "
            "earlier rules remain valid until they expire.",
            f"Buyers in {where} reported delays of several weeks for licences, and some switched to "
            "suppliers in third countries.",
            "The announcement lists the customs commodity codes affected and names the provincial commerce "
            "departments that receive applications.",
        ]
        closers = [
            "The record will be updated when the implementing details are published.",
            "Figures are as reported by the source; no official breakdown by destination was published.",
            f"The log links this event to earlier and later steps on {phrase} through its relations.",
            "Later reporting said the first licences were granted within two months.",
        ]
        return " ".join([openers[kind], *rng.sample(middles, rng.randrange(2, 6)), self.pick(closers)])

    def sources(
        self, kind: str, issuer: Issuer, day: dt.date, slug: str, title: str, title_zh: str | None
    ) -> tuple[str, list[dict[str, Any]]]:
        rng = self.rng
        out: list[dict[str, Any]] = []
        official = kind not in ("enforcement", "trade-data", "deal") and rng.random() < 0.6
        if official:
            publisher, tpl = self.pick(issuer.official)
            out.append(
                {
                    "url": self.url(tpl, day, slug),
                    "kind": "spokesperson" if kind == "statement" else "official-text",
                    "publisher": publisher,
                    "title": title_zh or title,
                    "date": day.isoformat(),
                    "lang": issuer.lang,
                    "primary": True,
                }
            )
            if issuer.lang == "zh" and rng.random() < 0.35:
                tpl = "https://english.mofcom.gov.cn/News/announcements/art/{y}/art_{h}.html"
                out.append(
                    {
                        "url": self.url(tpl, day, slug),
                        "kind": "official-translation",
                        "publisher": "Ministry of Commerce of the PRC (English)",
                        "title": title,
                        "date": (day + dt.timedelta(days=rng.randrange(0, 4))).isoformat(),
                        "lang": "en",
                    }
                )
        if kind == "trade-data":
            publisher, lang, tpl = self.pick(DATA)
            out.append(
                {
                    "url": self.url(tpl, day, slug),
                    "kind": "data",
                    "publisher": publisher,
                    "title": f"Monthly trade statistics, {MONTHS[day.month - 1]} {day.year}",
                    "date": day.isoformat(),
                    "lang": lang,
                    "primary": True,
                }
            )
        for k in range(rng.choice([1, 1, 2, 2, 3])):
            publisher, lang, tpl = self.pick(NEWS)
            headline = title if k == 0 else f"{self.pick(NEWS_HEADS)} {title[:1].lower() + title[1:]}"
            out.append(
                {
                    "url": self.url(tpl, day, slug),
                    "kind": "news",
                    "publisher": publisher,
                    "title": headline if lang == "en" else (title_zh or headline),
                    "date": (day + dt.timedelta(days=rng.randrange(0, 3))).isoformat(),
                    "lang": lang,
                }
            )
        if rng.random() < 0.35:
            publisher, tpl = self.pick(ANALYSIS)
            out.append(
                {
                    "url": self.url(tpl, day, slug),
                    "kind": "analysis",
                    "publisher": publisher,
                    "title": f"{self.pick(ANALYSIS_HEADS)}: {title[:1].lower() + title[1:]}",
                    "lang": "en",
                }
            )
        if not any(s.get("primary") for s in out):
            out[0]["primary"] = True
        for s in out:
            if rng.random() < 0.25:
                s["quote"] = self.pick(QUOTES_ZH if s["lang"] == "zh" else QUOTES_EN)
        verification = "official" if official else "reported"
        if not official and len(out) >= 2 and rng.random() < 0.08:
            verification = "disputed"
        return verification, out

    def figures(self, kind: str, materials: list[str], day: dt.date) -> list[dict[str, Any]]:
        rng = self.rng
        if kind != "trade-data" and not (kind == "enforcement" and rng.random() < 0.4):
            return []
        return [
            {
                "metric": "exports" if kind == "trade-data" else "seized",
                "value": round(rng.uniform(0.5, 9000), 1),
                "unit": rng.choice(["t", "kg", "USD million"]),
                "period": f"{day.year}-{day.month:02d}",
                "note": f"{MINERAL_NAMES.get(mat, mat)}, all destinations",
            }
            for mat in materials[:2]
        ]


DATASET_YAML = f"""\
# A synthetic retracker log written by bench/gen_events.py for benchmarks: every event is invented.
schema_version: 1
title: synthetic benchmark log
coverage: {COVERAGE.isoformat()}
coverage_note: >-
  Generated; dates run from {FIRST_DAY.isoformat()} to the coverage date.
description: >-
  Synthetic policy events on rare earths and other critical minerals, shaped like the real log.
"""


def with_warnings(docs: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """The same events with lint warnings (RT307, RT305, RT303), deterministically."""
    rng = random.Random(seed + 1)
    for doc in docs:
        for source in doc["sources"]:
            if rng.random() < 0.5:
                source.pop("title", None)
        if doc.get("title_zh") and rng.random() < 0.2:
            doc.pop("title_zh")
        if doc["kind"] in MEASURE_KINDS and rng.random() < 0.1:
            for source in doc["sources"]:
                source.pop("primary", None)
    return docs


def write_log(n: int, dest: Path, seed: int = SEED, warnings: bool = False) -> dict[str, Any]:
    """Write ``dataset.yaml``, ``events/YYYY/<id>.yaml`` and ``all.json`` under ``dest``."""
    docs = Generator(n, seed).generate()
    if warnings:
        docs = with_warnings(docs, seed)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "dataset.yaml").write_text(DATASET_YAML, encoding="utf-8")
    total = 0
    years: set[str] = set()
    for doc in docs:
        year = doc["date"][:4]
        folder = dest / "events" / year
        if year not in years:
            folder.mkdir(parents=True, exist_ok=True)
            years.add(year)
        data = to_yaml(doc).encode("utf-8")
        (folder / f"{doc['id']}.yaml").write_bytes(data)
        total += len(data)
    (dest / "all.json").write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
    relations = [r for d in docs for r in d.get("relations", [])]
    return {
        "events": len(docs),
        "yaml_bytes": total,
        "bytes_per_file": round(total / max(len(docs), 1)),
        "with_Sb": sum("Sb" in d["materials"] for d in docs),
        "suspends": sum(r["type"] == "suspends" for r in relations),
        "suspends_with_ends": sum(
            d.get("ends") is not None
            for d in docs
            if any(r["type"] == "suspends" for r in d.get("relations", []))
        ),
        "part_targets": sum("#" in r["target"] for r in relations),
        "relations": len(relations),
        "years": f"{min(years)}-{max(years)}" if years else "",
    }


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--warnings"]
    if len(args) not in (2, 3):
        sys.exit("usage: python bench/gen_events.py N DEST [SEED] [--warnings]")
    seed = int(args[2]) if len(args) == 3 else SEED
    print(json.dumps(write_log(int(args[0]), Path(args[1]), seed, "--warnings" in sys.argv)))
