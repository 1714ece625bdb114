"""index.topk: top-k positions, best first, ties in position order."""
from __future__ import annotations

import numpy as np

from minsheng.index.topk import best_first


def test_best_first_partial_and_whole() -> None:
    scores = np.array([0.2, 0.9, 0.5, 0.9, 0.1, 0.5], dtype=np.float32)
    assert best_first(scores, 3).tolist() == [1, 3, 2]
    assert best_first(scores, 10).tolist() == [1, 3, 2, 5, 0, 4]
    assert best_first(scores, 0).tolist() == [] and best_first(scores[:0], 5).tolist() == []


def test_ties_come_in_position_order_however_many() -> None:
    scores = np.zeros(1000, dtype=np.float32)
    scores[[700, 3, 500]] = 1.0
    assert best_first(scores, 5).tolist()[:3] == [3, 500, 700]
