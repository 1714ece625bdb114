"""The dense side of a search: the chunks nearest a question's vector among the rows its filters allow."""
from __future__ import annotations

import numpy as np

from minsheng.index.indexing.chunk import Chunk
from minsheng.index.indexing.store import VectorStore
from minsheng.index.indexing.vectors import RowVectors, nearest

# Up to this many rows allowed by a question's filters are scored exactly against the vector matrix (≤ 4 ms on
# 2 cores, mostly reading float16 rows into float32); beyond it the vector store's graph search is faster.
_EXACT_ROWS = 4_000


class Dense:
    """Nearest chunks by vector: exactly from the stored vectors for few rows, else the store's search."""

    def __init__(self, chunks: list[Chunk], store: VectorStore, vectors: RowVectors | None,
                 row: dict[str, int], total: int | None = None) -> None:
        self.chunks = chunks
        self.total = len(chunks) if total is None else total  # the store's vectors (a reader may load fewer chunks)
        self.store = store
        # The chunks' stored vectors, for scoring the rows a filter leaves exactly.
        self.vectors = vectors
        self._row = row  # chunk id → row, shared with the searcher

    def nearest(self, vector: list[float], rows: np.ndarray, where: dict | None,
                limit: int) -> list[tuple[str, float]]:
        """The nearest chunks among rows with their similarity. Few rows: scored exactly from their stored vectors
        (the filter comes first). Many: the store's graph search, unfiltered (filtered graph search is the slow
        case of a large collection) and asked for enough candidates that the allowed ones still fill the list."""
        matrix = self.vectors.matrix(rows) if self.vectors is not None and len(rows) <= _EXACT_ROWS else None
        if matrix is not None:
            found = nearest(matrix, np.arange(len(rows)), vector, limit)
            return [(self.chunks[rows[i]].id, sim) for i, sim in found]
        wanted = limit
        if len(rows) < self.total:
            # The store's own filter (region, period) may allow more than rows do (a lead unit, a place named
            # inside a report, chunks not loaded): enough candidates that the allowed ones still fill the list.
            wanted = min(self.total, -(-limit * self.total // len(rows)))
            if self.vectors is not None:
                where = None
        allowed = np.zeros(len(self.chunks), dtype=bool)
        allowed[rows] = True
        hits = self.store.query(vector, wanted, where)
        return [(h.id, 1.0 - h.distance) for h in hits
                if h.id in self._row and allowed[self._row[h.id]]][:limit]
