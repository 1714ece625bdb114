"""index.indexing.vectors: the chunks' float16 vectors stored in the catalog, read back per question and searched."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from minsheng.index.indexing.database import Catalog, vector_blob
from minsheng.index.indexing.vectors import MatrixVectors, StoredVectors, nearest


def unit_rows(n: int, width: int = 8, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((n, width)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def _catalog(tmp_path: Path, matrix: np.ndarray, missing: int | None = None) -> Catalog:
    catalog = Catalog.open(tmp_path / "catalog.sqlite", create=True)
    with catalog.write():
        for row, vector in enumerate(matrix, start=10):
            catalog.put_terms(row, "", "")
            if row - 10 != missing:
                catalog.db.execute("UPDATE chunks SET vector=? WHERE row=?", (vector_blob(vector), row))
    return catalog


def test_stored_vectors_read_back_as_float16_in_the_order_asked(tmp_path: Path) -> None:
    matrix = unit_rows(5)
    # Catalog positions 0..4 are database rows 14, 13, … (a reader's order need not be the table's).
    stored = StoredVectors(_catalog(tmp_path, matrix), np.array([14, 13, 12, 11, 10]))
    read = stored.matrix(np.array([0, 4, 2]))
    assert read is not None and read.dtype == np.float16
    assert np.abs(read.astype(np.float32) - matrix[[4, 0, 2]]).max() < 1e-3


def test_a_row_without_a_stored_vector_gives_none(tmp_path: Path) -> None:
    stored = StoredVectors(_catalog(tmp_path, unit_rows(3), missing=1), np.array([10, 11, 12]))
    assert stored.matrix(np.array([0, 2])) is not None
    assert stored.matrix(np.array([0, 1])) is None  # the store's search answers instead


def test_matrix_vectors_take_rows_of_a_matrix_in_memory() -> None:
    matrix = unit_rows(4)
    assert np.array_equal(MatrixVectors(matrix).matrix(np.array([3, 1])), matrix[[3, 1]])


def test_nearest_is_exact_among_the_given_rows() -> None:
    matrix = unit_rows(200, width=16).astype(np.float16)
    query = unit_rows(1, width=16, seed=9)[0]
    rows = np.arange(0, 200, 3)
    found = nearest(matrix, rows, query.tolist(), 5)
    sims = matrix.astype(np.float32) @ query
    want = sorted(rows.tolist(), key=lambda r: -sims[r])[:5]
    assert [r for r, _ in found] == want
    assert all(abs(sim - sims[r]) < 1e-5 for r, sim in found)
    assert [r for r, _ in nearest(matrix, rows[:3], query.tolist(), 10)] == sorted(rows[:3].tolist(),
                                                                                   key=lambda r: -sims[r])
    assert nearest(matrix, np.array([], dtype=np.int64), query.tolist(), 5) == []
