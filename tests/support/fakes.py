"""Test doubles: a deterministic, model-free embedder that records what it embedded."""
from __future__ import annotations

import math
import zlib
from typing import Callable, Sequence

DIM = 64


class FakeEmbedder:
    """The `Embedder` protocol of index/embed.py: L2-normalized hashed character bigrams, no model.

    Texts sharing bigrams get close vectors, so nearest-neighbour queries behave sensibly.
    `embedded` lists every document text embedded so far (queries are not counted).
    """

    def __init__(self, name: str = "fake", batch_size: int = 16) -> None:
        self.name = name
        self.batch_size = batch_size
        self.embedded: list[str] = []

    def vector(self, text: str) -> list[float]:
        """The vector of one text (crc32, not hash(): the same in every process)."""
        values = [0.0] * DIM
        grams = [text[i:i + 2] for i in range(len(text) - 1)] or [text]
        for gram in grams:
            values[zlib.crc32(gram.encode("utf-8")) % DIM] += 1.0
        norm = math.sqrt(sum(v * v for v in values))
        if norm == 0.0:
            return [1.0] + [0.0] * (DIM - 1)
        return [v / norm for v in values]

    def embed_documents(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[list[float]]:
        """Vectors for texts in order; progress(n) after each batch of n."""
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start:start + self.batch_size])
            vectors.extend(self.vector(text) for text in batch)
            self.embedded.extend(batch)
            if progress:
                progress(len(batch))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """The vector of one question."""
        return self.vector(text)
