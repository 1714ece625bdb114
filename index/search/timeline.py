"""The index's reports over time, made on first use from the searcher's chunks: series, reports published twice,
each record's earlier points, and scorecards."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from minsheng.index.indexing.catalog import Coverage, ReportFacts, damaged, open_catalog, read_reports
from minsheng.index.indexing.chunk import Chunk
from minsheng.index.indexing.database import Catalog, CatalogUnreadable
from minsheng.index.kinds import Status
from minsheng.index.search.scorecard import Scorecard, changes, scorecard
from minsheng.index.search.series import (
    Project,
    ReportRef,
    duplicates,
    latest_reports,
    link,
    projects,
    report_refs,
    series,
)


@dataclass(frozen=True)
class EarlierPoint:
    """The same project in an earlier report of its series."""

    report: ReportRef
    project: Project
    chunk: Chunk  # the record's first chunk, to cite


# Reports whose chunks a timeline keeps read (a district's series is a few dozen; a whole-list question about every
# place of a small index reads them all).
_HELD_REPORTS = 2_000


class Timeline:
    """Series, duplicates, links and scorecards over one index's reports: their facts known up front, their chunks
    read per report when first needed (a large index is never read whole)."""

    def __init__(self, refs: dict[str, ReportRef], chunks_of: Callable[[str], list[Chunk]]) -> None:
        self.refs = refs
        self._chunks_of = chunks_of
        self._cards: dict[str, Scorecard] = {}
        self._projects: dict[str, list[Project]] = {}
        self._own: dict[str, list[Chunk]] = {}
        self._by_region: dict[str, list[str]] = {}
        for ref in refs.values():
            self._by_region.setdefault(ref.region, []).append(ref.source)
        self._repeated: dict[str, dict[str, str]] = {}
        self._series: dict[str, dict[tuple[str, str], list[ReportRef]]] = {}
        self._latest: dict[bool, tuple[frozenset[str], frozenset]] = {}

    @classmethod
    def of(cls, chunks: Iterable[Chunk]) -> "Timeline":
        """The timeline of chunks held in memory."""
        by_source = _by_source(chunks)
        return cls(report_refs(own[0] for own in by_source.values()), lambda source: by_source.get(source, []))

    @classmethod
    def of_index(cls, index_dir: Path) -> tuple["Timeline", dict[str, tuple[str, ...]]]:
        """The timeline of an index directory and each place's path (no model loaded; the catalog stays open for
        the reports' chunks, read when a card needs them)."""
        catalog = open_catalog(index_dir)
        try:
            reports = read_reports(catalog)
        except CatalogUnreadable as exc:
            catalog.close()
            raise damaged(index_dir, exc) from None
        return cls.of_catalog(catalog, reports.values()), Coverage.of_reports(reports.values()).paths

    @classmethod
    def of_catalog(cls, catalog: Catalog, reports: Iterable[ReportFacts]) -> "Timeline":
        """The timeline of an index's catalog: its reports' facts up front, each report's chunks read when needed."""
        return cls(report_refs(reports), lambda source: catalog.chunks([source])[0])

    def hold(self, chunks: Iterable[Chunk]) -> None:
        """Keep chunks read for another purpose (a question's reports) as their reports' own: read once."""
        by_source = _by_source(chunks)
        if len(self._own) + len(by_source) > _HELD_REPORTS:
            self._forget()
        for source, own in by_source.items():
            self._own.setdefault(source, own)

    def latest_rows(self, chunks: list[Chunk], by_year: bool) -> tuple[np.ndarray, frozenset]:
        """Which of these chunks belong to the latest report of their series, among every report of the index (of
        their year too, when by_year), and the places (with their year) whose series hold several reports; the
        reports' side found once."""
        if by_year not in self._latest:
            self._latest[by_year] = latest_reports(self.refs, by_year)
        latest, several = self._latest[by_year]
        return np.array([c.source in latest for c in chunks], dtype=bool), several

    def own(self, source: str) -> list[Chunk]:
        """A report's chunks, in catalog order (read once)."""
        if source not in self._own:
            if len(self._own) >= _HELD_REPORTS:
                self._forget()
            self._own[source] = self._chunks_of(source) if source in self.refs else []
        return self._own[source]

    def _forget(self) -> None:
        """Drop what was read: a bot answering about one place after another would end up holding every report."""
        for held in (self._own, self._projects, self._cards, self._repeated, self._series):
            held.clear()

    def projects(self, source: str) -> list[Project]:
        """A report's records, in report order."""
        if source not in self._projects:
            self._projects[source] = projects(self.own(source)).get(source, [])
        return self._projects[source]

    def copy_of(self, source: str) -> str:
        """The report kept when this one is a copy of it (published twice: two sites, two file names), else ""."""
        ref = self.refs.get(source)
        return self._repeated_in(ref.region).get(source, "") if ref else ""

    def _repeated_in(self, region: str) -> dict[str, str]:
        """A place's reports published twice → the copy kept (only that place's reports are read)."""
        if region not in self._repeated:
            self._repeated[region] = duplicates(self._refs_in(region), self.projects)
        return self._repeated[region]

    def _series_in(self, region: str) -> dict[tuple[str, str], list[ReportRef]]:
        """(place, issuer) → the place's reports, earliest first."""
        if region not in self._series:
            self._series[region] = series(self._refs_in(region), self._repeated_in(region))
        return self._series[region]

    def _refs_in(self, region: str) -> dict[str, ReportRef]:
        """A place's reports, by source name."""
        return {source: self.refs[source] for source in self._by_region.get(region, [])}

    def points(self, source: str) -> list[ReportRef]:
        """The reports of the series a report belongs to, earliest first."""
        ref = self.refs.get(self.copy_of(source) or source)
        return self._series_in(ref.region).get((ref.region, ref.issuer), []) if ref else []

    def previous(self, source: str) -> ReportRef | None:
        """The report before this one in its series."""
        found = self.points(source)
        kept = self.copy_of(source) or source
        at = next((i for i, ref in enumerate(found) if ref.source == kept), None)
        return found[at - 1] if at else None

    def series_of_place(self, region: str) -> list[list[ReportRef]]:
        """Each series of a place (earliest report first), the government's first."""
        found = [(issuer, reports) for (_, issuer), reports in self._series_in(region).items()]
        return [reports for _, reports in sorted(found, key=lambda pair: (pair[0] != "", pair[0]))]

    def citing(self, card: Scorecard, statuses: tuple[Status, ...] = ()) -> list[Chunk]:
        """The chunks to cite for a card: those holding the sentences it quotes (the statuses asked first), then
        the report's opening."""
        quoted = [listed.sentence for listed in card.lists if not statuses or listed.status in statuses]
        quoted += [card.summary] if card.summary else []
        own = self.own(card.report.source)
        found = []
        for sentence in quoted:
            holder = next((c for c in own if c.is_passage and sentence in c.search_text), None)
            if holder is not None and holder not in found:
                found.append(holder)
        first = self.first_chunk(card.report.source)
        return found + ([first] if first is not None and first not in found else [])

    def earlier(self, chunk: Chunk) -> list[EarlierPoint]:
        """The record's project in each earlier report of its series, latest first (only the links found)."""
        # A passage inside a record shares its record number; one outside every record (a news report's paragraph)
        # stands for what it tells, linked to an earlier project by the name it holds.
        own = next((p for p in self.projects(chunk.source) if p.record == chunk.record), None) or Project(
            chunk.source, chunk.record, "", chunk.section, "", chunk.lead_unit, chunk.status, chunk.text.split("\n", 1)[-1])
        points = []
        current = own
        ref = self.previous(chunk.source)
        while ref is not None:
            linked = link(current, self.projects(ref.source))
            if linked is None:
                break
            holder = next(c for c in self.own(ref.source) if not c.is_passage and c.record == linked.record)
            points.append(EarlierPoint(ref, linked, holder))
            current = linked
            ref = self.previous(ref.source)
        return points

    def text(self, source: str) -> str:
        """A report's whole text (Simplified), from its passages in order, without their context lines."""
        parts = sorted((c.part, c.search_text.split("\n", 1)[-1]) for c in self.own(source)
                       if c.is_passage)
        return "\n".join(text for _, text in parts)

    def card(self, source: str) -> Scorecard:
        """The scorecard of a report, with the previous report of its series as its `previous`."""
        if source not in self._cards:
            before = self.previous(source)
            card = scorecard(self.refs[source], self.projects(source), self.text(source),
                             self.card(before.source) if before else None)
            if before is not None:
                card.changes = changes(card)
            self._cards[source] = card
        return self._cards[source]

    def first_chunk(self, source: str) -> Chunk | None:
        """A report's first passage (its title and opening), to cite it."""
        own = self.own(source)
        return min((c for c in own if c.is_passage), key=lambda c: c.part, default=own[0] if own else None)


def _by_source(chunks: Iterable[Chunk]) -> dict[str, list[Chunk]]:
    """Chunks grouped by their report, in the order they come."""
    found: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        found.setdefault(chunk.source, []).append(chunk)
    return found
