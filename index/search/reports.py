"""The index's reports over time as rows: each place's latest report, and reports published twice left out."""
from __future__ import annotations

from functools import cached_property

import numpy as np

from minsheng.index.indexing.chunk import Chunk
from minsheng.index.search.query import Query
from minsheng.index.search.timeline import Timeline


class ReportRows:
    """The row masks the timeline implies for searching the chunks loaded: each place's latest report, reposts."""

    def __init__(self, chunks: list[Chunk], timeline: Timeline) -> None:
        self.chunks = chunks
        self.timeline = timeline
        # Rows of each place's latest report (by year, then the last month it covers), for "latest first".
        self._latest, self._series = timeline.latest_rows(chunks, by_year=False)
        self._reposted: np.ndarray | None = None

    def answering(self) -> np.ndarray:
        """A fresh mask of the rows that may answer: all but a reposted copy's (a report published twice, on two
        sites or under two file names, answers once, as the copy kept)."""
        if self._reposted is None:
            copies = {source for source in dict.fromkeys(c.source for c in self.chunks) if self.timeline.copy_of(source)}
            self._reposted = np.array([c.source in copies for c in self.chunks], dtype=bool)
        return ~self._reposted

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
        return self.timeline.latest_rows(self.chunks, by_year=True)
