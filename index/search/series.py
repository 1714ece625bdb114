"""Reports over time: each place's reports grouped into series (same place, same issuer) and ordered by the months
they cover, the same report published twice counted once, and each project linked to itself in the earlier
reports of its series. Pure functions over the index's chunks."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePath

from minsheng.index.indexing.chunk import Chunk, field_text, period_label
from minsheng.index.kinds import Field
from minsheng.index.vocabulary import (
    BUREAU_ISSUER,
    DATE_UNITS,
    GOVERNMENT_ISSUER,
    GOVERNMENT_LEVELS,
    LEVEL_ONLY_PLACE,
    PIECE_BREAK,
    VERB_FIGURE,
)

# Two reports of one period whose records are this alike are one report published twice.
_SAME_REPORT = 0.8
# A project is itself in an earlier report when its task reads this alike (with the same item number, less).
_LINK = 0.6
_LINK_SAME_ITEM = 0.35
# A text holds an earlier project when it has this share of the character pairs of one of its task's clauses, of
# at least this many pairs.
_HELD = 0.5
_CLAUSE_PAIRS = 4
_NAME_CHARS = 40


@dataclass(frozen=True)
class ReportRef:
    """One report file as a point of its series."""

    source: str
    title: str
    region: str
    issuer: str
    year: int
    period: str
    last_month: int

    @property
    def when(self) -> tuple[int, int]:
        """Order within a series: year, then the last month covered (a year-end report is month 12)."""
        return self.year, self.last_month or 12

    @property
    def label(self) -> str:
        """"2024年一季度"."""
        return period_label(self.year, self.period)


@dataclass(frozen=True)
class Project:
    """One record of a report, as the series and the status lists see it."""

    source: str
    record: int
    item: str
    section: str
    task: str
    lead_unit: str
    status: str
    text: str
    # The record's share of its target done (1.879 for 187.9%), None when it states none.
    share: float | None = None

    @cached_property
    def name(self) -> str:
        """A short name: the task's first clause (or the section when there is no task), as written."""
        source = self.task or self.section or self.progress or self.text.split("\n", 1)[-1]
        first = re.split(r"[。;；,，:：]", source, maxsplit=1)[0]
        return (first or source)[:_NAME_CHARS]

    @cached_property
    def progress(self) -> str:
        """The progress field ("" when the record has none)."""
        return field_text(self.text, Field.PROGRESS)


def issuer_of(texts: Iterable[str], region: str) -> str:
    """The bureau a report is issued by when its title or file name names one right after the place ("怀柔区城市
    管理委2022年…" → "城市管理委"), else "" (the government, its office or its 民生办 speak for the whole place)."""
    if not region:
        return ""
    short = region[:-1] if len(region) > 2 and region[-1] in GOVERNMENT_LEVELS else region
    for text in texts:
        at = text.find(short)
        if at >= 0:
            rest = text[at + len(short):].lstrip(GOVERNMENT_LEVELS)
        else:
            word = LEVEL_ONLY_PLACE.match(text)
            if not word:
                continue
            rest = text[word.end():]
        match = BUREAU_ISSUER.match(rest)
        if match and not GOVERNMENT_ISSUER.search(match.group(1)):
            return match.group(1)
    return ""


def report_refs(chunks: Iterable[Chunk]) -> dict[str, ReportRef]:
    """Each report file of the index, by source name."""
    refs: dict[str, ReportRef] = {}
    for chunk in chunks:
        if chunk.source not in refs:
            issuer = issuer_of((PurePath(chunk.source).stem, chunk.report), chunk.region)
            refs[chunk.source] = ReportRef(chunk.source, chunk.report, chunk.region, issuer, chunk.year,
                                           chunk.period, chunk.last_month)
    return refs


def projects(chunks: Iterable[Chunk]) -> dict[str, list[Project]]:
    """Each report's records, in report order, by source name; a record cut into parts is whole again (its first
    part's text, then the others' without their context line)."""
    rest: dict[tuple[str, int], list[tuple[int, str]]] = {}
    firsts: list[Chunk] = []
    for chunk in chunks:
        if chunk.is_passage:
            continue
        if chunk.part == 0:
            firsts.append(chunk)
        else:
            rest.setdefault((chunk.source, chunk.record), []).append((chunk.part, chunk.text.split("\n", 1)[-1]))
    found: dict[str, list[Project]] = {}
    for chunk in firsts:
        more = [text for _, text in sorted(rest.get((chunk.source, chunk.record), []))]
        found.setdefault(chunk.source, []).append(Project(
            chunk.source, chunk.record, chunk.item, chunk.section, field_text(chunk.text, Field.TASK),
            chunk.lead_unit, chunk.status, "\n".join([chunk.text, *more]), chunk.share if chunk.share >= 0 else None))
    return found


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' character pairs (0 for an empty text)."""
    pa, pb = _pairs(a), _pairs(b)
    if not pa or not pb:
        return 0.0
    return 2 * len(pa & pb) / (len(pa) + len(pb))


def _pairs(text: str) -> set[str]:
    text = re.sub(r"[\s\d.,，。;；:：、()（）%]", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def duplicates(refs: dict[str, ReportRef], projects_of: Callable[[str], list[Project]]) -> dict[str, str]:
    """Reports that repeat another of the same place and period (two sites, two file names) → the one kept (the
    first by name). Only reports sharing a place and period are read."""
    groups: dict[tuple[str, int, str, int], list[str]] = {}
    for ref in refs.values():
        groups.setdefault((ref.region, ref.year, ref.period, ref.last_month), []).append(ref.source)
    repeated: dict[str, str] = {}
    for sources in groups.values():
        if len(sources) < 2:
            continue
        kept: list[str] = []
        for source in sorted(sources):
            original = next((k for k in kept if _same_report(projects_of(k), projects_of(source))), None)
            if original:
                repeated[source] = original
            else:
                kept.append(source)
    return repeated


def _same_report(a: list[Project], b: list[Project]) -> bool:
    if not a or not b or abs(len(a) - len(b)) > max(1, len(a) // 10):
        return False
    body = [p.text.split("\n", 1)[-1] for p in a]
    other = [p.text.split("\n", 1)[-1] for p in b]
    alike = sum(1 for x, y in zip(body, other) if x == y or similarity(x, y) >= 0.95)
    return alike >= _SAME_REPORT * max(len(a), len(b))


def series(refs: dict[str, ReportRef], repeated: dict[str, str] | None = None) -> dict[tuple[str, str], list[ReportRef]]:
    """(place, issuer) → its reports, earliest first; a report published twice appears once."""
    repeated = repeated or {}
    grouped: dict[tuple[str, str], list[ReportRef]] = {}
    for ref in refs.values():
        if ref.source not in repeated:
            grouped.setdefault((ref.region, ref.issuer), []).append(ref)
    return {key: sorted(found, key=lambda r: (r.when, r.source)) for key, found in grouped.items()}


def figure_change(new: str, old: str) -> tuple[str, str] | None:
    """The first figure of new that old writes with another number after the same words and with the same unit,
    the n-th such figure of one text against the n-th of the other: ("已开工19部", "已开工26部")."""
    if new == old:
        return None
    earlier = _figures(old)
    for key, match in _figures(new).items():
        before = earlier.get(key)
        if before is not None and before.group(2) != match.group(2):
            # The words before each figure: all that both texts share ("医疗机构"), else the three matched by.
            same = before.group(1) == match.group(1)
            return _shown(before, same), _shown(match, same)
    return None


def _shown(match: re.Match[str], whole: bool) -> str:
    """"已开工19部": the figure with the words before it, as written."""
    return match.group(0) if whole else match.group(0)[len(match.group(1)) - len(match.group(1)[-3:]):]


def _figures(text: str) -> dict[tuple[str, str, str, int], re.Match[str]]:
    """Each figure by (the words before it, magnitude, unit, how many times that came before)."""
    found: dict[tuple[str, str, str, int], re.Match[str]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for match in VERB_FIGURE.finditer(text):
        if len(match.group(1)) < 2 or match.group(4) in DATE_UNITS:
            continue  # "19部" alone has no words to match it by; "截至9月" is a date, not a figure
        base = (match.group(1)[-3:], match.group(3) or "", match.group(4))
        seen[base] = seen.get(base, -1) + 1
        found[(*base, seen[base])] = match
    return found


def link(project: Project, earlier: list[Project]) -> Project | None:
    """The same project in an earlier report: the same item number with a like task, or a clearly like task; for
    text with no task of its own (a news paragraph after a table), the earlier project whose name it holds."""
    best, best_score = None, (0.0, False)
    key = project.task or project.name
    for other in earlier:
        score = similarity(key, other.task or other.name)
        same_item = bool(project.item) and project.item == other.item
        # Two items of one report may share a task word for word (大兴区's 第16/17项): the same number wins a tie.
        if score >= (_LINK_SAME_ITEM if same_item else _LINK) and (score, same_item) > best_score:
            best, best_score = other, (score, same_item)
    if best is None and not project.task:
        return named_in(project.text, earlier)
    return best


def named_in(text: str, earlier: list[Project]) -> Project | None:
    """The earlier project one of whose task's clauses a text holds best, most of that clause's character pairs
    ("稳步开展老楼加梯工作" in "…老楼加梯工作稳步推进，已开工26部"), or None; a clause must say something (a few pairs)."""
    held = _pairs(text)
    best, best_share = None, 0.0
    for other in earlier:
        for clause in PIECE_BREAK.split(other.task or other.name):
            pairs = _pairs(clause)
            share = len(pairs & held) / len(pairs) if len(pairs) >= _CLAUSE_PAIRS else 0.0
            if share >= _HELD and share > best_share:
                best, best_share = other, share
    return best


def latest_reports(refs: dict[str, ReportRef], by_year: bool) -> tuple[frozenset[str], frozenset]:
    """The reports that are the latest of their series (see latest_rows), and the places (place and year) with a
    series of more than one report."""

    def key(ref: ReportRef) -> tuple[str, str, int]:
        return ref.region, ref.issuer, ref.year if by_year else 0

    periods: dict[tuple[str, str, int], set[tuple[int, int]]] = {}
    for ref in refs.values():
        periods.setdefault(key(ref), set()).add(ref.when)
    newest = {k: max(found) for k, found in periods.items()}
    latest = frozenset(source for source, ref in refs.items() if ref.when == newest[key(ref)])
    several = frozenset((k[0], k[2]) if by_year else k[0] for k, found in periods.items() if len(found) > 1)
    return latest, several
