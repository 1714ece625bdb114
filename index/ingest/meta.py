"""Report-level facts found in a title line or file name: district, year, period."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping

from index.datafiles import read_json
from index.ingest.normalize import to_simplified
from index.vocabulary import (
    HALF,
    HAN,
    MONTH,
    MONTH_RANGE,
    NOT_NAME_WORDS,
    NOT_PLACES,
    PLACE_SUFFIXES,
    QUARTER,
    QUARTER_NAMES,
    REGION_NAME,
    YEAR,
)


@lru_cache(maxsize=1)
def region_aliases() -> dict[str, str]:
    """Alias → canonical district name, from the general-knowledge data file."""
    raw = read_json("region_aliases.json")
    table: dict[str, str] = {}
    for canonical, aliases in raw.items():
        if canonical.startswith("_"):
            continue
        for alias in aliases:
            table[alias] = canonical
    return table


def take_names(text: str, names: Mapping[str, str]) -> tuple[list[str], str]:
    """What the names found in text stand for (longest name first, so 北京城市副中心 wins over 城市副中心),
    and the text with those names blanked out."""
    found: list[str] = []
    for name in sorted(names, key=len, reverse=True):
        if name in text:
            found.append(names[name])
            text = text.replace(name, " ")
    return found, text


def find_regions(text: str) -> list[str]:
    """District/city names in a title-like text, most specific last (北京市大兴区 → [北京市, 大兴区])."""
    found, text = take_names(to_simplified(text), region_aliases())
    for run in re.findall(rf"[{HAN}]+", text):
        pos = 0
        while pos < len(run):
            match = REGION_NAME.match(run, pos)
            if not match:
                break
            name = match.group(0)
            if name in NOT_PLACES or NOT_NAME_WORDS.search(match.group(1)):
                break
            found.append(name)
            pos = match.end()
    return found


def find_region(text: str) -> str:
    """The most specific district named at the start of a title-like text, or ""."""
    regions = find_regions(text)
    if not regions:
        return ""
    county = [r for r in regions if not r.endswith(("省", "自治区", "特别行政区"))]
    return (county or regions)[-1]


def find_year(text: str) -> int | None:
    """The first four-digit year written with 年."""
    match = YEAR.search(text)
    return int(match.group(1)) if match else None


def strip_periods(text: str) -> str:
    """Text without the year and period words find_year/find_period read (2024年度, 一季度, 上半年, 1-9月)."""
    text = re.sub(YEAR.pattern + "度?", " ", text)
    for pattern in (QUARTER, HALF, MONTH_RANGE, MONTH):
        text = pattern.sub(" ", text)
    return text


def find_period(text: str) -> str:
    """The reporting period a title names: 一季度, 上半年, 1-9月, 12月 …, or ""."""
    text = to_simplified(text)
    text = YEAR.sub(" ", text)
    match = QUARTER.search(text)
    if match:
        return QUARTER_NAMES.get(match.group(1), match.group(1)) + "季度"
    match = HALF.search(text)
    if match:
        return match.group(1)
    match = MONTH_RANGE.search(text)
    if match:
        return f"{int(match.group(1))}-{int(match.group(2))}月"
    match = MONTH.search(text)
    if match and 1 <= int(match.group(1)) <= 12:
        return f"{int(match.group(1))}月"
    return ""


def short_forms(region: str) -> list[str]:
    """Names people use for a district besides its full name: 密云区 → 密云; 济宁高新区 → 济宁, 济宁高新."""
    forms = [alias for alias, canonical in region_aliases().items() if canonical == region]
    suffixes = sorted((s for s in PLACE_SUFFIXES if region.endswith(s)), key=len, reverse=True)
    if suffixes:
        stem = region[: -len(suffixes[0])]
        if len(stem) >= 2:
            forms.append(stem)
            # "高新区" is also said as "高新" after the place name.
            if suffixes[0] == "高新区":
                forms.append(stem + "高新")
    return list(dict.fromkeys(f for f in forms if f != region))


@lru_cache(maxsize=1)
def region_parents() -> dict[str, tuple[str, ...]]:
    """Province/city → the places inside it, from the general-knowledge data file."""
    raw = read_json("region_parents.json")
    return {parent: tuple(children) for parent, children in raw.items() if not parent.startswith("_")}


def places_within(parent: str) -> set[str]:
    """Every place inside a province or city, at any depth (山东省 → 济宁市 → 济宁高新区)."""
    found: set[str] = set()
    todo = [parent]
    while todo:
        for child in region_parents().get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found
