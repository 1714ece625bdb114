"""What the index covers, in words: one line of places and periods ("城关区（兰州市，2025年）、青岛市（2022年上半年）…",
grouped by province when there are many), and a place with its parent ("城关区（兰州市）")."""
from __future__ import annotations

from minsheng.bot import texts
from minsheng.index.indexing import Coverage


def covered_line(coverage: Coverage, group_over: int = 8) -> str:
    """One line for people: "城关区（兰州市，2025年）、青岛市（2022年上半年）…", grouped by province when more than
    group_over places ("北京市：大兴区（2024年一季度）、密云区（2022年三季度）；山东省：…"); a report that names no place
    by its title."""
    named = [region for region in coverage.regions if region]
    untitled = [_entry_of(texts.TITLE.format(title=title), "", periods) for title, periods in coverage.unplaced.items()]
    if len(named) <= group_over:
        return texts.LIST_JOIN.join([*(_entry(coverage, region) for region in named), *untitled])
    groups: dict[str, list[str]] = {}
    for region in sorted(named, key=coverage.order):
        province = coverage.province(region)
        groups.setdefault(province or texts.PROVINCE_NOT_SETTLED, []).append(_entry(coverage, region, shown=province))
    # A municipality reporting as a whole (天津市) stands alone, not under itself.
    parts = [entries[0] if len(entries) == 1 and entries[0].startswith(texts.PLACE_OPEN.format(place=province))
             else texts.PROVINCE_GROUP.format(province=province, places=texts.LIST_JOIN.join(entries))
             for province, entries in groups.items()]
    if coverage.unplaced:
        parts.append(texts.NO_PLACE_GROUP.format(reports=texts.LIST_JOIN.join(untitled)))
    return texts.CLAUSE_JOIN.join(parts)


def covered_near(coverage: Coverage, places: list[str], examples: int = 4, named_already: bool = False) -> str:
    """After a refusal: the covered places near what was asked (those asked, the same city's or province's), else a
    few, and how many places and reports the index holds in all; not every place. named_already: the refusal named
    the places near already, the count alone follows."""
    named = [region for region in coverage.regions if region]
    reports = sum(max(len(periods), 1) for periods in coverage.regions.values()) + len(coverage.unplaced)
    if named_already:
        return texts.COVERED_COUNT.format(regions=len(named), reports=reports)
    near = [region for region in dict.fromkeys(places) if region in coverage.regions]
    shown = texts.LIST_JOIN.join(_entry(coverage, region) for region in (near or named[:examples]))
    form = texts.COVERED_NEAR if near else texts.COVERED_SOME
    return form.format(places=shown, regions=len(named), reports=reports)


def place_label(coverage: Coverage, region: str) -> str:
    """A place with its parent, as shown to people ("城关区（兰州市）", "青岛市")."""
    parent = coverage.parent(region)
    return texts.NAME_WITH.format(name=region, detail=parent) if parent else region


def _entry(coverage: Coverage, region: str, shown: str = "") -> str:
    parent = coverage.parent(region)
    return _entry_of(region, "" if parent == shown or parent == region else parent, coverage.regions[region])


def _entry_of(name: str, parent: str, periods: tuple[str, ...]) -> str:
    facts = texts.COMMA_JOIN.join(p for p in (parent, texts.LIST_JOIN.join(periods)) if p)
    return texts.NAME_WITH.format(name=name, detail=facts) if facts else name
