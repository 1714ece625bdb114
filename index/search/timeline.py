"""The index's reports over time, made on first use from the searcher's chunks: series, reports published twice,
each record's earlier points, and scorecards."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from minsheng.index.indexing.chunk import Chunk
from minsheng.index.kinds import Status
from minsheng.index.search.scorecard import Scorecard, changes, scorecard
from minsheng.index.search.series import Project, ReportRef, duplicates, link, projects, report_refs, series


@dataclass(frozen=True)
class EarlierPoint:
    """The same project in an earlier report of its series."""

    report: ReportRef
    project: Project
    chunk: Chunk  # the record's first chunk, to cite


class Timeline:
    """Series, duplicates, links and scorecards over one index's chunks."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self._cards: dict[str, Scorecard] = {}
        self._projects: dict[str, list[Project]] = {}

    @cached_property
    def refs(self) -> dict[str, ReportRef]:
        """Every report, by source name."""
        return report_refs(own[0] for own in self._by_source.values())

    def projects(self, source: str) -> list[Project]:
        """A report's records, in report order."""
        if source not in self._projects:
            self._projects[source] = projects(self._by_source.get(source, [])).get(source, [])
        return self._projects[source]

    @cached_property
    def repeated(self) -> dict[str, str]:
        """Reports published twice → the copy kept."""
        return duplicates(self.refs, self.projects)

    @cached_property
    def series(self) -> dict[tuple[str, str], list[ReportRef]]:
        """(place, issuer) → reports, earliest first."""
        return series(self.refs, self.repeated)

    @cached_property
    def _by_source(self) -> dict[str, list[Chunk]]:
        found: dict[str, list[Chunk]] = {}
        for chunk in self.chunks:
            found.setdefault(chunk.source, []).append(chunk)
        return found

    @cached_property
    def _series_of(self) -> dict[str, tuple[str, str]]:
        return {ref.source: key for key, found in self.series.items() for ref in found}

    def points(self, source: str) -> list[ReportRef]:
        """The reports of the series a report belongs to, earliest first."""
        key = self._series_of.get(self.repeated.get(source, source))
        return self.series.get(key, []) if key else []

    def previous(self, source: str) -> ReportRef | None:
        """The report before this one in its series."""
        found = self.points(source)
        at = next((i for i, ref in enumerate(found) if ref.source == self.repeated.get(source, source)), None)
        return found[at - 1] if at else None

    def series_of_place(self, region: str) -> list[list[ReportRef]]:
        """Each series of a place (earliest report first), the government's first."""
        found = [(issuer, reports) for (place, issuer), reports in self.series.items() if place == region]
        return [reports for _, reports in sorted(found, key=lambda pair: (pair[0] != "", pair[0]))]

    def citing(self, card: Scorecard, statuses: tuple[Status, ...] = ()) -> list[Chunk]:
        """The chunks to cite for a card: those holding the sentences it quotes (the statuses asked first), then
        the report's opening."""
        quoted = [listed.sentence for listed in card.lists if not statuses or listed.status in statuses]
        quoted += [card.summary] if card.summary else []
        own = self._by_source.get(card.report.source, [])
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
            holder = next(c for c in self._by_source[ref.source] if not c.is_passage and c.record == linked.record)
            points.append(EarlierPoint(ref, linked, holder))
            current = linked
            ref = self.previous(ref.source)
        return points

    def text(self, source: str) -> str:
        """A report's whole text (Simplified), from its passages in order, without their context lines."""
        parts = sorted((c.part, c.search_text.split("\n", 1)[-1]) for c in self._by_source.get(source, [])
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
        own = self._by_source.get(source, [])
        return min((c for c in own if c.is_passage), key=lambda c: c.part, default=own[0] if own else None)

