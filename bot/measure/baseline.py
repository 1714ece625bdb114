"""The plain dense pipeline our figures are held against, in `minsheng eval` and `minsheng bench` alike: the
question embedded as typed, the nearest chunks of one vector collection, no filters, no abstaining, and the
nearest chunk's text as the answer."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from bot.answer.render import to_json
from bot.answer.types import Answer
from index.build.chunk import Chunk, search_texts
from index.search.query import Query
from index.search.results import Hit, SearchResult
from index.search.searcher import Searcher

Nearest = Callable[[list[float], int], list[tuple[str, float]]]


@dataclass(frozen=True)
class PlainDense:
    """A question's vector, its nearest chunks by cosine similarity, nothing else."""

    embed: Callable[[str], list[float]]
    nearest: Nearest
    chunks: dict[str, Chunk]

    def hits(self, question: str, k: int) -> list[Hit]:
        """The k nearest chunks, best first, scored by their similarity."""
        found = self.nearest(self.embed(question), k)
        return [Hit(self.chunks[i], sim, dense=sim) for i, sim in found if i in self.chunks]

    def reply(self, question: str, k: int) -> dict[str, Any]:
        """The `ask --json` object of the plain pipeline: the nearest chunk as it is, never abstaining."""
        hits = self.hits(question, k)
        result = SearchResult(query=Query(question, question, False), hits=hits)
        return to_json(question, Answer(hits[0].chunk.text if hits else ""), result, k)


def over_index(searcher: Searcher) -> PlainDense:
    """Our own chunks and vectors (the configured embedder), searched plainly: what `minsheng eval` compares."""

    def nearest(vector: list[float], k: int) -> list[tuple[str, float]]:
        return [(h.id, round(1.0 - h.distance, 4)) for h in searcher.store.query(vector, k)]

    return PlainDense(searcher.embedder.embed_query, nearest, {c.id: c for c in searcher.chunks})


class ShippedCollection:
    """The embedding model as shipped (sentence-transformers, float32) and a Chroma collection of its own,
    filled the way a tutorial fills one: the same chunks in file order, sentence-transformers' default batch of
    32, `add` and nothing else. What `minsheng bench` compares."""

    NAME = "plain"

    def __init__(self, model: str, path: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        from index.build.embed import SentenceTransformerEmbedder

        self.model_name = model
        self.path = path
        self.model = SentenceTransformerEmbedder(model).model
        client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
        self._collection = client.get_or_create_collection(self.NAME, metadata={"hnsw:space": "cosine"},
                                                           embedding_function=None)

    def add(self, chunks: Sequence[Chunk]) -> None:
        """Embed and add chunks."""
        texts = search_texts(chunks)
        vectors = self.model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        step = 1000
        for start in range(0, len(chunks), step):
            part = chunks[start:start + step]
            self._collection.add(ids=[c.id for c in part], embeddings=[v.tolist() for v in vectors[start:start + step]],
                                 documents=[c.text for c in part])

    def delete(self, ids: list[str]) -> None:
        """Remove chunks by id."""
        self._collection.delete(ids=ids)

    def embed(self, question: str) -> list[float]:
        """The question's vector, as typed."""
        return self.model.encode([question], normalize_embeddings=True)[0].tolist()

    def nearest(self, vector: list[float], k: int) -> list[tuple[str, float]]:
        """The k nearest chunk ids with their similarity."""
        found = self._collection.query(query_embeddings=[vector], n_results=k, include=["distances"])
        return [(i, round(1.0 - d, 4)) for i, d in zip(found["ids"][0], found["distances"][0])]

    def pipeline(self, chunks: Sequence[Chunk]) -> PlainDense:
        """The plain pipeline over this collection."""
        return PlainDense(self.embed, self.nearest, {c.id: c for c in chunks})

    def cold_ask_script(self, question: str) -> str:
        """A fresh process that loads the model and the collection and asks one question (for the cold figures)."""
        return (
            "import sys, chromadb\n"
            "from chromadb.config import Settings\n"
            "from sentence_transformers import SentenceTransformer\n"
            "from index.build.embed import resolve_model\n"
            f"model = SentenceTransformer(resolve_model({self.model_name!r}), device='cpu')\n"
            f"client = chromadb.PersistentClient(path={str(self.path)!r}, settings=Settings(anonymized_telemetry=False))\n"
            f"col = client.get_collection({self.NAME!r}, embedding_function=None)\n"
            f"v = model.encode([{question!r}], normalize_embeddings=True)[0].tolist()\n"
            "print(col.query(query_embeddings=[v], n_results=5, include=['documents'])['ids'])\n"
        )
