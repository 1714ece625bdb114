"""Question → Query: script, districts, period, lead unit, the field wanted, the kind of question, topic words."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from index.build.catalog import Coverage, bare_unit
from index.ingest.meta import (
    find_period,
    find_year,
    places_within,
    region_aliases,
    region_parents,
    short_forms,
    strip_periods,
    take_names,
)
from index.ingest.normalize import clean, to_simplified
from index.kinds import QueryKind, Wants
from index.vocabulary import (
    COMPARE_JOIN,
    FILLERS,
    GREETING,
    HAN,
    JOINERS,
    NOT_PLACE_CHARS,
    NOT_PLACE_ENDS,
    PER_REGION_CUE,
    QUESTION_PLACE,
    UNIT_LIST_CUE,
    WANTS_CUES,
)
from index.wording import expansions, unit_aliases


@dataclass(frozen=True)
class Query:
    """What a question asks, in the terms of the index."""

    text: str
    simplified: str
    traditional: bool
    regions: tuple[str, ...] = ()
    uncovered: tuple[str, ...] = ()
    year: int | None = None
    period: str = ""
    lead_units: tuple[str, ...] = ()
    wants: Wants = Wants.PROGRESS
    kind: QueryKind = QueryKind.SINGLE
    topic: str = ""
    expansions: tuple[str, ...] = ()

    @property
    def search_text(self) -> str:
        """Topic plus report wording, the text searched for."""
        return " ".join(p for p in (self.topic, *self.expansions) if p)


def region_names(coverage: Coverage) -> dict[str, str]:
    """Every name of every covered district (full, short, aliases) → the district."""
    names: dict[str, str] = {}
    for region in coverage.regions:
        if not region:
            continue
        names.setdefault(region, region)
        for alias in short_forms(region):
            names.setdefault(alias, region)
    return names


def find_units(text: str, units: tuple[str, ...]) -> tuple[str, ...]:
    """Index lead units a question names, by full name, name without 区/市/县, or a common short name."""
    found: list[str] = []
    cores: list[str] = []
    for short, full_names in unit_aliases().items():
        if short in text:
            cores.extend(full_names)
            cores.append(short)
    for unit in units:
        bare = bare_unit(unit)
        if (len(bare) >= 2 and bare in text) or any(core in bare for core in cores):
            found.append(unit)
    return tuple(found)


def parse_query(text: str, coverage: Coverage, in_reports: Callable[[str], bool] = lambda name: False) -> Query:
    """Understand a question against what the index covers; in_reports tells whether a name occurs in report text."""
    cleaned = clean(text).strip()
    simplified = to_simplified(cleaned)
    small_talk = _small_talk(simplified)
    if small_talk is not None:
        return Query(text=text, simplified=simplified, traditional=simplified != cleaned, kind=small_talk)
    rest = simplified

    names = region_names(coverage)
    regions, rest = take_names(rest, names)
    regions = sorted(set(regions), key=lambda r: _first_mention(simplified, r, names))
    # A larger place named (北京, 山东省): the indexed places inside it, unless a district was named too.
    parents, rest = take_names(rest, {name: p for p in region_parents() for name in (p, *short_forms(p))})
    wider: list[str] = []
    for parent in dict.fromkeys(parents):
        wider.extend([r for r in coverage.regions if r in places_within(parent)] or [parent])
    regions = regions or [r for r in dict.fromkeys(wider) if r in coverage.regions]
    # A lead unit's name ("区城市管理委") is not a place, though it reads like one ("区城市").
    masked = rest
    for unit in sorted(find_units(rest, coverage.lead_units), key=len, reverse=True):
        masked = masked.replace(unit, " ").replace(bare_unit(unit), " ")
    places = question_places(masked)
    for place in places:
        rest = rest.replace(place, " ")
    uncovered = tuple(
        [p for p in dict.fromkeys(wider) if p not in coverage.regions and not regions]
        + [p for p in places if p not in coverage.regions and not in_reports(p)]
    )

    year = find_year(rest)
    period = find_period(rest)
    rest = strip_periods(rest)

    units = find_units(rest, coverage.lead_units)
    kind = QueryKind.SINGLE
    if units and UNIT_LIST_CUE.search(rest):
        kind = QueryKind.UNIT_LIST
        for unit in units:
            rest = rest.replace(bare_unit(unit), " ")
        for short in unit_aliases():
            rest = rest.replace(short, " ")
    elif len(regions) >= 2 and COMPARE_JOIN.search(simplified):
        kind = QueryKind.COMPARE
    elif not regions and PER_REGION_CUE.search(simplified):
        kind = QueryKind.PER_REGION

    wanted = next((name for name, cue in WANTS_CUES if cue.search(simplified)), Wants.PROGRESS)
    topic = re.sub(r"\s+", " ", FILLERS.sub(" ", re.sub(r"[^\w%.]+", " ", rest).strip())).strip()
    # What is left between removed names ("青岛和大兴区的学校" → "和 的学校") is joining words, not topic.
    topic = " ".join(w for w in (t.lstrip("的之") for t in topic.split()) if w and w not in JOINERS)
    return Query(
        text=text,
        simplified=simplified,
        traditional=simplified != cleaned,
        regions=tuple(regions),
        uncovered=uncovered,
        year=year,
        period=period,
        lead_units=units,
        wants=wanted,
        kind=kind,
        topic=topic,
        expansions=tuple(expansions(simplified)),
    )


def _small_talk(simplified: str) -> QueryKind | None:
    """A greeting or "what can you do" (GREETING), a question with no Chinese in it (FOREIGN), else None."""
    bare = _NOT_WORD.sub("", simplified).lower()
    if bare and GREETING.fullmatch(bare):
        return QueryKind.GREETING
    if not _HAN_CHAR.search(simplified) and _LATIN_WORD.search(simplified):
        return QueryKind.FOREIGN
    return None


_NOT_WORD = re.compile(r"[\W_]+")
_HAN_CHAR = re.compile(rf"[{HAN}]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def question_places(text: str) -> list[str]:
    """District- or city-like names in a question (from the alias file, or a stem plus an admin suffix)."""
    places, text = take_names(text, region_aliases())
    for match in QUESTION_PLACE.finditer(text):
        if not (NOT_PLACE_CHARS & set(match.group(1))) and not match.group(0).endswith(NOT_PLACE_ENDS):
            places.append(match.group(0))
    return list(dict.fromkeys(places))


def _first_mention(text: str, region: str, names: dict[str, str]) -> int:
    positions = [text.find(name) for name, target in names.items() if target == region and name in text]
    return min(positions) if positions else len(text)
