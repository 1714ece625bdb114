"""Report-level facts: the report's place (a gazetteer unit, index/places.py), its year, and its period as the
report words it and as months.

The place comes from, in order of trust: the title line; the issuer, source and signature lines ("来源:苍南县人民
政府办公室", "作者:寿县民生工程"); the file name; then the units the body names most. The most specific unit
consistent with the more trusted ones wins (兰州市城关区 → 城关区 under 兰州市). The year comes from the file name
(the label whoever collected the report gave it), then the title, the publication lines, and the years in the text.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from minsheng.index.ingest.fields import cn_number
from minsheng.index.places import COUNTY, ZONE, Place, gazetteer
from minsheng.index.script import to_simplified
from minsheng.index.vocabulary import (
    BARE_YEAR,
    CN_MONTH,
    FIRST_MONTHS,
    HALF,
    HALF_MONTHS,
    ISSUER_LABEL,
    MONTH,
    MONTH_LABEL,
    MONTH_RANGE,
    MONTHS_LABEL,
    PUBLISHED_YEAR,
    QUARTER,
    QUARTER_LABEL,
    QUARTER_NAMES,
    QUARTER_NUMBERS,
    SIGNATURE_END,
    UNTIL_MONTH,
    YEAR,
    YEAR_END_WORDS,
    YEAR_OF,
)


@dataclass(frozen=True)
class ReportPlace:
    """Where a report is from: its unit (None when no place is found), the path from the province down, the name it
    is shown under, which evidence gave it, and a note for people when it is doubtful."""

    place: Place | None
    path: tuple[str, ...]
    region: str
    source: str  # title, issuer, file name, body, or "" when not found
    note: str = ""


def report_place(title: str, issuers: list[str], stem: str, body: str) -> ReportPlace:
    """The report's place from its title, issuer lines, file name and body (see the module's docstring)."""
    gaz = gazetteer()
    tiers = [("title", title), ("issuer", " ".join(issuers)), ("file name", stem)]
    # A title, issuer line or file name names its place as a question's opening does: a full name jieba also knows
    # as a noun (东营市, 大观区) counts there unless it is a common or generic word (城区, 开发区).
    found = {name: gaz.mentions(text, county_short=False, lone_at=frozenset()) for name, text in tiers}
    context = [m for mentions in found.values() for m in mentions] + gaz.mentions(body, short=False)
    best: Place | None = None
    source = ""
    for name, _ in tiers:
        place = gaz.resolve(found[name], context)
        if place is not None and (best is None or (place != best and gaz.inside(place, best))):
            best, source = place, name
    if best is None:
        best = _most_named(body)
        source = "body" if best else ""
    if best is not None:
        alone = source == "file name" and not any(name in to_simplified(body) for name in gaz.names(best))
        return ReportPlace(best, tuple(p.name for p in gaz.path(best)), best.name, source,
                           "read from the file name only; the report does not name it" if alone else "")
    # A real name that could be several places (西湖区 in 杭州 and in 南昌), with no parent named anywhere.
    ambiguous = next((m for _, text in tiers for m in gaz.mentions(text, short=False) if len(m.places) > 1), None)
    if ambiguous is not None:
        where = "、".join(dict.fromkeys(gaz.label(p) for p in ambiguous.places))
        return ReportPlace(None, (), ambiguous.name, "", f"{ambiguous.name} could be {where}; no parent is named")
    return ReportPlace(None, (), "", "", "no place found in the title, issuer lines, file name or text")


def _most_named(body: str) -> Place | None:
    """The unit the body names most by full name (a county over its city on a tie), when one stands out; its
    city instead when the body names three or more of the city's other units, together at least twice as often
    (a city's report going through its districts: 黄岛区 twice, 市南区, 城阳区, 市北区 and 莱西市 once each)."""
    gaz = gazetteer()
    counts: Counter[Place] = Counter()
    for place in gaz.resolve_each(gaz.mentions(body, short=False)):
        if place is not None:
            counts[place] += 1
    if not counts:
        return None
    best = max(counts, key=lambda p: (counts[p], len(gaz.path(p))))
    siblings = [p for p in counts if p != best and p.parent and p.parent == best.parent]
    if best.parent and len(siblings) >= _SIBLINGS and sum(counts[p] for p in siblings) >= 2 * counts[best]:
        return gaz.get(best.parent)
    return best


# A body naming this many of its most-named unit's sibling units is about their parent.
_SIBLINGS = 3


def places_named(text: str, report_path: tuple[str, ...]) -> list[str]:
    """The counties, districts, zones and townships a record's text names, other than the report's own place and
    its parents (丹棱县 in a row of 眉山市's table, 寿春镇 in 寿县's)."""
    gaz = gazetteer()
    mentions = gaz.mentions(text, short=False)
    names = [p.name for m in mentions for p in m.places[:1] if p.level in (COUNTY, ZONE)]
    return [n for n in dict.fromkeys([*names, *gaz.townships(text)]) if n not in report_path]


def issuer_lines(lines: list[str]) -> list[str]:
    """Lines naming who issued or published the report: "来源:…", "作者:…", "发布单位:…", and a signature line
    among the last lines ("苍南县人民政府办公室")."""
    found = [line.strip() for line in lines if ISSUER_LABEL.search(to_simplified(line))]
    tail = [line.strip() for line in lines if line.strip()][-4:]
    found += [line for line in tail if len(line) <= 30 and SIGNATURE_END.search(to_simplified(line))]
    return found


def find_region(text: str) -> str:
    """The name of the place a title-like text names (the most specific consistent one), or ""."""
    gaz = gazetteer()
    mentions = gaz.mentions(text)
    place = gaz.resolve(mentions)
    return place.name if place is not None else ""


def report_year(stem: str, title: str, lines: list[str]) -> tuple[int | None, str]:
    """The report's year and where it was read: the file name, the title, a publication line ("发布日期:2022-12-14"),
    else the year the text names most; (None, "") when there is none."""
    match = BARE_YEAR.search(stem)
    if match:
        return int(match.group(1)), "file name"
    match = YEAR.search(title)
    if match:
        return int(match.group(1)), "title"
    for line in lines:
        match = PUBLISHED_YEAR.search(line)
        if match:
            return int(match.group(1)), "publication line"
    years = Counter(int(m.group(1)) for line in lines for m in YEAR.finditer(line))
    return (years.most_common(1)[0][0], "text") if years else (None, "")


def find_year(text: str) -> int | None:
    """The first four-digit year written with 年."""
    match = YEAR.search(text)
    return int(match.group(1)) if match else None


def strip_periods(text: str) -> str:
    """Text without the year and period words find_year/find_period read (2024年度, 一季度, 上半年, 1-9月)."""
    text = YEAR_OF.sub(" ", text)
    for pattern in (UNTIL_MONTH, QUARTER, HALF, MONTH_RANGE, MONTH):
        text = pattern.sub(" ", text)
    return text


def find_period(text: str) -> str:
    """The reporting period as the text words it: 一季度, 上半年, 1-9月, 12月, 截至5月31日 …, or ""."""
    return _period(text)[0]


def _digit_months(text: str) -> str:
    """Months in Chinese numerals as digits ("截至四月底" → "截至4月底"), "前八个月" as "1-8月"."""
    text = FIRST_MONTHS.sub(lambda m: MONTHS_LABEL.format(first=1, last=cn_number(m.group(1))), text)
    return CN_MONTH.sub(lambda m: str(cn_number(m.group(1)) or m.group(1)), text)


def find_months(text: str) -> tuple[int, int] | None:
    """The months a period covers: 一季度 → (1, 3), 上半年 → (1, 6), 1-8月 → (1, 8), 截至9月底 → (1, 9),
    10月份 → (10, 10), 全年 or 完成情况 → (1, 12); None when the text names no period."""
    return _period(text)[1]


def _period(text: str) -> tuple[str, tuple[int, int] | None]:
    text = _digit_months(YEAR.sub(" ", to_simplified(text)))
    match = UNTIL_MONTH.search(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return match.group(0).strip(), (1, int(match.group(2)))
    match = HALF.search(text)  # before the quarters: 前三季度 is January to September, not the third quarter
    if match:
        return match.group(1), HALF_MONTHS[match.group(1)]
    match = QUARTER.search(text)
    if match:
        quarter = QUARTER_NAMES.get(match.group(1), match.group(1))
        number = QUARTER_NUMBERS[quarter]
        return QUARTER_LABEL.format(quarter=quarter), (3 * number - 2, 3 * number)
    match = MONTH_RANGE.search(text)
    if match and 1 <= int(match.group(1)) <= int(match.group(2)) <= 12:
        first, last = int(match.group(1)), int(match.group(2))
        return MONTHS_LABEL.format(first=first, last=last), (first, last)
    match = MONTH.search(text)
    if match and 1 <= int(match.group(1)) <= 12:
        month = int(match.group(1))
        return MONTH_LABEL.format(month=month), (month, month)
    if YEAR_END_WORDS.search(text):
        return "", (1, 12)
    return "", None
