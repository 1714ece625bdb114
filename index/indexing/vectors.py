"""The chunks' vectors as readers score them: a question whose filters leave few rows is scored exactly against
those rows' stored vectors (float16 in the catalog, read per question), before (instead of) a vector-store search
that would filter afterwards or walk a filtered graph (22–43 ms for a filtered query at 50,000 vectors in Chroma,
against a few ms to read and score 4,000 rows)."""
from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

from minsheng.index.indexing.database import Catalog
from minsheng.index.topk import best_first


class RowVectors(Protocol):
    """Vectors by catalog position."""

    def matrix(self, rows: np.ndarray) -> np.ndarray | None:
        """The vectors of these positions in their order; None when one of them has none stored."""
        ...


class StoredVectors:
    """Vectors read from the catalog database per question (only the rows asked for)."""

    def __init__(self, catalog: Catalog, db_rows: np.ndarray) -> None:
        self._catalog = catalog
        self._db_rows = db_rows

    def matrix(self, rows: np.ndarray) -> np.ndarray | None:
        """The stored vectors of catalog positions, in order; None when some are missing."""
        wanted = self._db_rows[np.asarray(rows, dtype=np.int64)]
        found = self._catalog.vectors(wanted.tolist())
        if len(found) != len(wanted):
            return None
        return np.stack([found[int(r)] for r in wanted]) if len(wanted) else None


def loaded_vectors(catalog: Catalog, db_rows: np.ndarray, blobs: Sequence[bytes | None]) -> RowVectors:
    """The stored vectors of some database rows, read with their chunks and held (a question's reports: half a
    megabyte for a district, not read again at each question), or read per question when some row has none."""
    if not len(db_rows) or any(blob is None for blob in blobs):
        return StoredVectors(catalog, db_rows)
    return MatrixVectors(np.stack([np.frombuffer(blob, dtype=np.float16) for blob in blobs]))  # type: ignore[arg-type]


class MatrixVectors:
    """Vectors held in memory in catalog order (an index built in memory, or tests)."""

    def __init__(self, matrix: np.ndarray) -> None:
        self._matrix = matrix

    def matrix(self, rows: np.ndarray) -> np.ndarray | None:
        """The rows of the matrix."""
        return np.asarray(self._matrix[np.asarray(rows, dtype=np.int64)])


def nearest(matrix: np.ndarray, rows: np.ndarray, query: Sequence[float], k: int) -> list[tuple[int, float]]:
    """The k rows (among `rows`) most similar to the query, best first, with their cosine similarity
    (vectors are unit length)."""
    if k < 1 or len(rows) == 0:
        return []
    sims = np.asarray(matrix[rows], dtype=np.float32) @ np.asarray(query, dtype=np.float32)
    return [(int(rows[i]), float(sims[i])) for i in best_first(sims, k)]
