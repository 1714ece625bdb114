"""index.indexing.vectors: the generation's float16 vector matrix, written, read back and searched."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from minsheng.index.indexing.layout import VECTORS
from minsheng.index.indexing.vectors import assemble, nearest, read_vectors, write_vectors


def unit_rows(n: int, width: int = 8, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((n, width)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_written_matrix_reads_back_memory_mapped_as_float16(tmp_path: Path) -> None:
    matrix = unit_rows(5)
    write_vectors(tmp_path, matrix)
    read = read_vectors(tmp_path, 5)
    assert isinstance(read, np.memmap) and read.dtype == np.float16
    assert np.abs(np.asarray(read, dtype=np.float32) - matrix).max() < 1e-3


def test_a_missing_damaged_or_wrong_length_matrix_reads_as_none(tmp_path: Path) -> None:
    assert read_vectors(tmp_path, 3) is None
    write_vectors(tmp_path, unit_rows(3))
    assert read_vectors(tmp_path, 4) is None  # the catalog has another length: not this generation's matrix
    (tmp_path / VECTORS).write_bytes(b"\x93NUMPY garbage")
    assert read_vectors(tmp_path, 3) is None


def test_assemble_takes_new_kept_and_fetched_vectors_in_order() -> None:
    old = unit_rows(3, seed=1)
    new = unit_rows(2, seed=2)
    fetched = unit_rows(1, seed=3)
    asked: list[list[str]] = []

    def fetch(ids: list[str]) -> dict[str, list[float]]:
        asked.append(ids)
        return {"z": fetched[0].tolist()}

    matrix = assemble(["b", "n1", "z", "a", "n2"], {"n1": new[0].tolist(), "n2": new[1].tolist()},
                      ["a", "b", "c"], old, fetch)
    assert matrix is not None and matrix.dtype == np.float16
    want = np.stack([old[1], new[0], fetched[0], old[0], new[1]])
    assert np.abs(matrix.astype(np.float32) - want).max() < 1e-3
    assert asked == [["z"]]  # only the one neither new nor kept


def test_assemble_without_a_previous_matrix_fetches_and_gives_up_on_gaps() -> None:
    vectors = unit_rows(2)
    whole = assemble(["a", "b"], {}, ["a", "b"], None, lambda ids: {i: vectors[n].tolist() for n, i in enumerate(ids)})
    assert whole is not None and whole.shape == (2, 8)
    assert assemble(["a", "b"], {}, [], None, lambda ids: {"a": vectors[0].tolist()}) is None


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
