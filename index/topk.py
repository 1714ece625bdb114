"""Top-k selection shared by the BM25 and the dense searches."""
from __future__ import annotations

import numpy as np


def best_first(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores, best first, ties in position order. A partial sort: sorting every row
    of a large index costs milliseconds per question."""
    if k < 1 or len(scores) == 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return top[np.lexsort((top, -scores[top]))]
