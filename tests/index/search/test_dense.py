"""index/search/dense.py: the nearest chunks among a question's rows, exactly from their stored vectors or through
the store's search, the same either way."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import minsheng.index.search.dense as dense_module
from minsheng.index.indexing.chunk import Chunk
from minsheng.index.indexing.store import StoredHit
from minsheng.index.indexing.vectors import MatrixVectors
from minsheng.index.search.dense import Dense

QUESTIONS = ["青岛口袋公园建了多少个", "大兴区就业服务进展", "密云区政务服务站设置了多少个", "养老服务驿站", "区城市管理委负责哪些项目"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_exact_filtered_dense_search_agrees_with_the_store(retriever, question: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The rows a filter leaves, scored from their stored vectors, give the store's own neighbours and
    similarities."""
    searcher = retriever.searcher.whole()
    dense = searcher.dense
    assert dense.vectors is not None and dense.vectors.matrix(np.arange(len(searcher.chunks))) is not None
    query = searcher.parse(question)
    rows, where, _ = searcher.filters.allowed(query, searcher.reports.answering())
    vector = searcher.embedder.embed_query(query.search_text or query.simplified)
    exact = dense.nearest(vector, rows, where, 40)
    monkeypatch.setattr(dense_module, "_EXACT_ROWS", -1)  # force the store's graph search
    stored = dense.nearest(vector, rows, where, 40)
    assert [i for i, _ in exact[:5]] == [i for i, _ in stored[:5]]
    assert all(abs(a - b) < 2e-3 for (_, a), (_, b) in zip(exact, stored))
    allowed = {searcher.chunks[r].id for r in rows}
    assert {i for i, _ in exact} <= allowed and {i for i, _ in stored} <= allowed


def test_answers_are_the_same_without_the_stored_vectors(retriever) -> None:  # type: ignore[no-untyped-def]
    """Without stored vectors to score rows exactly, the store's search alone gives the same answers."""
    searcher = retriever.searcher.whole()
    with_matrix = [searcher.search(q).hits[0].chunk.id for q in QUESTIONS]
    kept, searcher.dense.vectors = searcher.dense.vectors, None
    try:
        assert [searcher.search(q).hits[0].chunk.id for q in QUESTIONS] == with_matrix
    finally:
        searcher.dense.vectors = kept


class _Store:
    """A store answering every query with all its items, nearest first, and remembering what it was asked."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self.asked: list[tuple[int, dict | None]] = []

    def query(self, embedding: list[float], k: int, where: dict | None = None) -> list[StoredHit]:
        self.asked.append((k, where))
        return [StoredHit(i, d / 10, {}) for d, i in enumerate(self.ids)][:k]


def _dense(n: int, vectors: np.ndarray | None) -> tuple[Dense, _Store]:
    base = Chunk(id="", text="", source="a.txt", report="r", region="甲区", year=2024, period="", item="1",
                 section="", lead_unit="", status="", record=0, part=0)
    chunks = [replace(base, id=f"c{i}", record=i) for i in range(n)]
    store = _Store([c.id for c in chunks])
    held = MatrixVectors(vectors) if vectors is not None else None
    return Dense(chunks, store, held, {c.id: i for i, c in enumerate(chunks)}), store  # type: ignore[arg-type]


def test_many_rows_go_to_the_store_asked_for_enough_that_the_allowed_fill_the_list(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond the exact-scoring limit: the store is asked for limit × all / allowed candidates, unfiltered when
    the matrix exists (its filter is the slow case), and only allowed rows come back, at most limit."""
    monkeypatch.setattr(dense_module, "_EXACT_ROWS", 2)
    dense, store = _dense(12, np.eye(12, dtype=np.float16))
    rows = np.array([1, 3, 5, 7])
    found = dense.nearest([0.0] * 12, rows, {"region": "甲区"}, 2)
    assert found == [("c1", pytest.approx(0.9)), ("c3", pytest.approx(0.7))]
    assert store.asked == [(6, None)]
    without_matrix, store = _dense(12, None)
    without_matrix.nearest([0.0] * 12, rows, {"region": "甲区"}, 2)
    assert store.asked == [(6, {"region": "甲区"})]


def test_few_rows_are_scored_exactly_from_the_matrix_without_the_store() -> None:
    dense, store = _dense(4, np.eye(4, dtype=np.float16))
    assert dense.nearest([0.0, 0.0, 1.0, 0.0], np.array([0, 2, 3]), None, 2)[0] == ("c2", 1.0)
    assert store.asked == []
