"""The index's reports over time as rows: each place's latest report, and reports published twice left out."""
from __future__ import annotations

from functools import cached_property

import numpy as np

from minsheng.index.indexing.chunk import Chunk
from minsheng.index.search.query import Query
from minsheng.index.search.timeline import Timeline


def latest_rows(chunks: list[Chunk], by_year: bool, issuers: dict[str, str] | None = None) -> tuple[np.ndarray, set]:
    """Which rows belong to the latest report of their series (place and issuer: a district's bureau reports apart
    from its government; of their year too, when by_year), by year and last month covered; and the places (place
    and year) with a series of more than one report."""
    issuers = issuers or {}

    def key(chunk: Chunk) -> tuple[str, str, int]:
        return chunk.region, issuers.get(chunk.source, ""), chunk.year if by_year else 0

    periods: dict[tuple[str, str, int], set[tuple[int, int]]] = {}
    for chunk in chunks:
        periods.setdefault(key(chunk), set()).add((chunk.year, chunk.last_month or 12))
    newest = {k: max(found) for k, found in periods.items()}
    rows = np.array([(c.year, c.last_month or 12) == newest[key(c)] for c in chunks], dtype=bool)
    several = {(k[0], k[2]) if by_year else k[0] for k, found in periods.items() if len(found) > 1}
    return rows, several


class ReportRows:
    """The timeline (series, reposts, earlier points, scorecards) and the row masks it implies for searching."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        # Series, reports published twice, earlier points and scorecards, made on first use.
        self.timeline = Timeline(chunks)
        # Rows of each place's latest report (by year, then the last month it covers), for "latest first".
        self._latest, self._series = latest_rows(chunks, by_year=False, issuers=self._issuers)
        self._reposted: np.ndarray | None = None

    @cached_property
    def _issuers(self) -> dict[str, str]:
        return {source: ref.issuer for source, ref in self.timeline.refs.items()}

    def answering(self) -> np.ndarray:
        """A fresh mask of the rows that may answer: all but a reposted copy's (a report published twice, on two
        sites or under two file names, answers once, as the copy kept)."""
        keep = np.ones(len(self.chunks), dtype=bool)
        if self.timeline.repeated:
            if self._reposted is None:
                self._reposted = np.array([c.source in self.timeline.repeated for c in self.chunks], dtype=bool)
            keep &= ~self._reposted
        return keep

    def leads(self, query: Query, row: int, chunk: Chunk) -> bool:
        """Whether a row of a place reported on several times is the report that leads for this question: with no
        period asked, its latest report; with a year asked, that year's last (its year-end) report."""
        if not (query.year or query.period) and self._latest[row] and chunk.region in self._series:
            return True
        return bool(query.year) and not query.period and bool(self._latest_of_year[0][row]) and \
            (chunk.region, chunk.year) in self._latest_of_year[1]

    @cached_property
    def _latest_of_year(self) -> tuple[np.ndarray, set]:
        """Rows of each place's last report of each year, and the (place, year) pairs with several reports: for a
        year asked, the year-end report over the mid-year ones; made the first time a year is asked."""
        return latest_rows(self.chunks, by_year=True, issuers=self._issuers)
