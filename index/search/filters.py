"""A question's filters as rows of the index: places, year, period (matched by the month it ends), lead unit."""
from __future__ import annotations

import numpy as np

from minsheng.index.indexing.catalog import split_units
from minsheng.index.indexing.chunk import Chunk, period_label
from minsheng.index.ingest.meta import find_months
from minsheng.index.kinds import QueryKind
from minsheng.index.search.query import Query
from minsheng.index.search.results import Note


class Filters:
    """The chunks' filter values as integer columns and row lists, and the rows a question's filters allow."""

    def __init__(self, chunks: list[Chunk], texts: list[str]) -> None:
        self.chunks = chunks
        self._texts = texts
        # Filters as integer columns (one code per distinct value), so a filter is a vectorised comparison
        # instead of a Python loop over every record.
        self._codes: dict[str, dict[object, int]] = {}
        self._columns: dict[str, np.ndarray] = {}
        for name in ("region", "year", "period", "last_month"):
            codes: dict[object, int] = {}
            self._columns[name] = np.array([codes.setdefault(getattr(c, name), len(codes)) for c in chunks],
                                           dtype=np.int32)
            self._codes[name] = codes
        self._unit_rows: dict[str, list[int]] = {}
        self._place_rows: dict[str, list[int]] = {}
        for row, chunk in enumerate(chunks):
            for unit in split_units(chunk.lead_unit):
                self._unit_rows.setdefault(unit, []).append(row)
            for place in chunk.places.split():
                self._place_rows.setdefault(place, []).append(row)

    def allowed(self, query: Query, keep: np.ndarray) -> tuple[np.ndarray, dict | None, list[Note]]:
        """Rows among keep (a mask it narrows) the filters allow (districts named, a period the index holds for
        them, a lead unit), the same filters as a vector-store `where`, and notes on filters it could not apply."""
        notes: list[Note] = []
        clauses: list[dict] = []
        if query.regions:
            keep &= np.isin(self._columns["region"], [self._codes["region"].get(r, -1) for r in query.regions])
            clauses.append({"region": {"$in": list(query.regions)}})
        for name, wanted in (("year", query.year), ("period", query.period)):
            if not wanted or not keep.any():
                continue
            same = keep & (self._columns[name] == self._codes[name].get(wanted, -1))
            clause: dict = {name: wanted}
            if name == "period" and not same.any():
                same, clause = self.same_end(keep, str(wanted))
            if same.any():
                keep = same
                clauses.append(clause)
            else:
                notes.append(Note("period", period_label(wanted, "") if name == "year" else str(wanted)))
                if name == "period":
                    # "三季度" of a place reported on for 一季度 and 二季度: the nearest report answers.
                    near, clause = self.nearest_end(keep, str(wanted))
                    if near.any():
                        keep = near
                        clauses.append(clause)
        if query.inside and keep.any():
            # A place inside covered reports (丹棱县 in 眉山市's table): the records that name it.
            naming = np.zeros(len(self.chunks), dtype=bool)
            for name in query.inside:
                naming[self._place_rows.get(name, [])] = True
                if not naming.any():
                    naming |= np.array([name in text for text in self._texts], dtype=bool)
            if (keep & naming).any():
                keep &= naming
                notes.extend(Note("inside", name) for name in query.inside)
                notes.extend(Note("inside_report", region) for region in
                             dict.fromkeys(self.chunks[row].region or self.chunks[row].report
                                           for row in np.flatnonzero(keep)))
        if query.kind == QueryKind.UNIT_LIST:
            unit_rows = [self._unit_rows.get(u, ()) for u in query.lead_units]
            of_unit = np.zeros(len(self.chunks), dtype=bool)
            for found in unit_rows:
                of_unit[list(found)] = True
            keep &= of_unit
        where = None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}
        return np.flatnonzero(keep), where, notes

    def same_end(self, keep: np.ndarray, period: str) -> tuple[np.ndarray, dict]:
        """Rows among keep whose report ends in the month a period asked ends in ("截至6月底" is the "6月" report's,
        "一季度" a "截至3月31日" one's), and the store filter for their periods."""
        months = find_months(period)
        if months is None:
            return np.zeros_like(keep), {}
        same = keep & (self._columns["last_month"] == self._codes["last_month"].get(months[1], -1))
        periods = sorted({self.chunks[row].period for row in np.flatnonzero(same)})
        return same, {"period": {"$in": periods}}

    def nearest_end(self, keep: np.ndarray, period: str) -> tuple[np.ndarray, dict]:
        """Rows among keep of each place's report ending nearest to the month a period asked ends in (the later
        of two as near), and the store filter for their periods; nothing when the period names no months."""
        months = find_months(period)
        if months is None:
            return np.zeros_like(keep), {}
        rows = np.flatnonzero(keep)
        ends: dict[str, set[int]] = {}
        for row in rows:
            chunk = self.chunks[row]
            ends.setdefault(chunk.region, set()).add(chunk.last_month or 12)
        best = {region: min(found, key=lambda m: (abs(m - months[1]), -m)) for region, found in ends.items()}
        near = np.zeros_like(keep)
        near[[row for row in rows if (self.chunks[row].last_month or 12) == best[self.chunks[row].region]]] = True
        periods = sorted({self.chunks[row].period for row in np.flatnonzero(near)})
        return near, {"period": {"$in": periods}}
