"""A generation's dense vectors as one float16 matrix in catalog order, memory-mapped by readers: a question
whose filters leave few rows is scored exactly against those rows, before (instead of) a vector-store search
that would filter afterwards or walk a filtered graph (about 100 ms at 95,000 vectors in Chroma)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from minsheng.index.indexing.layout import VECTORS
from minsheng.index.topk import best_first

Fetch = Callable[[list[str]], dict[str, list[float]]]


def write_vectors(gen_dir: Path, matrix: np.ndarray) -> None:
    """Save the matrix (rows in catalog order) as float16, flushed to disk before the generation is published."""
    with (gen_dir / VECTORS).open("wb") as handle:
        np.save(handle, np.asarray(matrix, dtype=np.float16), allow_pickle=False)
        handle.flush()
        os.fsync(handle.fileno())


def read_vectors(gen_dir: Path, rows: int) -> np.ndarray | None:
    """The generation's matrix, memory-mapped (pages are read when a question touches their rows); None when
    it is missing, damaged or not `rows` long, and the vector store answers alone."""
    try:
        matrix = np.load(gen_dir / VECTORS, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError):
        return None
    return matrix if matrix.ndim == 2 and matrix.shape[0] == rows else None


def assemble(ids: Sequence[str], fresh: dict[str, list[float]], previous_ids: Sequence[str],
             previous: np.ndarray | None, fetch: Fetch) -> np.ndarray | None:
    """The matrix for ids: new vectors from `fresh`, kept ones from the previous generation's matrix, and any
    other (a previous matrix missing) fetched from the vector store in one call; None when the store lacks
    some (the store then answers alone)."""
    old_row = {chunk_id: row for row, chunk_id in enumerate(previous_ids)} if previous is not None else {}
    missing = [i for i in ids if i not in fresh and i not in old_row]
    fetched = fetch(missing) if missing else {}
    if any(i not in fetched for i in missing):
        return None
    some = next(iter(fresh.values()), None) or next(iter(fetched.values()), None)
    width = len(some) if some is not None else previous.shape[1] if previous is not None and previous.ndim == 2 else 0
    matrix = np.empty((len(ids), width), dtype=np.float16)
    kept_rows, kept_from = [], []
    for row, chunk_id in enumerate(ids):
        if chunk_id in fresh:
            matrix[row] = fresh[chunk_id]
        elif chunk_id in old_row:
            kept_rows.append(row)
            kept_from.append(old_row[chunk_id])
        else:
            matrix[row] = fetched[chunk_id]
    if kept_rows:
        matrix[kept_rows] = previous[kept_from]  # type: ignore[index]
    return matrix


def nearest(matrix: np.ndarray, rows: np.ndarray, query: Sequence[float], k: int) -> list[tuple[int, float]]:
    """The k rows (among `rows`) most similar to the query, best first, with their cosine similarity
    (vectors are unit length)."""
    if k < 1 or len(rows) == 0:
        return []
    sims = np.asarray(matrix[rows], dtype=np.float32) @ np.asarray(query, dtype=np.float32)
    return [(int(rows[i]), float(sims[i])) for i in best_first(sims, k)]
