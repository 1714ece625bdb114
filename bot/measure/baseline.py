"""The plain pipelines our figures are held against: in `minsheng eval`, plain BM25 and plain dense retrieval over
300-character chunks of the same files (what a LangChain tutorial builds); in `minsheng bench`, the model as shipped
over our chunks in a collection of its own. No filters, no abstaining, the top chunk's text as the answer."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from minsheng.bot.answer.render import to_json
from minsheng.bot.answer.types import Answer
from minsheng.index.indexing import Chunk, nearest, search_texts
from minsheng.index.search import Hit, Query, SearchResult
from minsheng.index.topk import best_first

if TYPE_CHECKING:
    from minsheng.index.indexing import Embedder

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


class ShippedCollection:
    """The embedding model as shipped (sentence-transformers, float32) and a Chroma collection of its own,
    filled the way a tutorial fills one: the same chunks in file order, sentence-transformers' default batch of
    32, `add` and nothing else. What `minsheng bench` compares."""

    NAME = "plain"

    def __init__(self, model: str, path: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        from minsheng.index.indexing import SentenceTransformerEmbedder

        self.model_name = model
        self.path = path
        self.model = SentenceTransformerEmbedder(model).model
        client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
        self._collection = client.get_or_create_collection(self.NAME, metadata={"hnsw:space": "cosine"},
                                                           embedding_function=None)
        self._held: set[str] = set(self._collection.get(include=[])["ids"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """The texts' vectors, as a tutorial computes them."""
        return self.model.encode(list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False)

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray | None = None) -> None:
        """Embed (unless their vectors are given) and add chunks."""
        if vectors is None:
            vectors = self.encode(search_texts(chunks))
        step = 1000
        for start in range(0, len(chunks), step):
            part = chunks[start:start + step]
            self._collection.add(ids=[c.id for c in part], embeddings=[v.tolist() for v in vectors[start:start + step]],
                                 documents=[c.text for c in part])
        self._held.update(c.id for c in chunks)

    def delete(self, ids: list[str]) -> None:
        """Remove chunks by id."""
        self._collection.delete(ids=ids)
        self._held.difference_update(ids)

    def holds(self, chunk_id: str) -> bool:
        """Whether a chunk was added (and not deleted)."""
        return chunk_id in self._held

    def embed(self, question: str) -> list[float]:
        """The question's vector, as typed."""
        return self.model.encode([question], normalize_embeddings=True, show_progress_bar=False)[0].tolist()

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
            "from index.indexing.embed import resolve_model\n"
            f"model = SentenceTransformer(resolve_model({self.model_name!r}), device='cpu')\n"
            f"client = chromadb.PersistentClient(path={str(self.path)!r}, settings=Settings(anonymized_telemetry=False))\n"
            f"col = client.get_collection({self.NAME!r}, embedding_function=None)\n"
            f"v = model.encode([{question!r}], normalize_embeddings=True, show_progress_bar=False)[0].tolist()\n"
            "print(col.query(query_embeddings=[v], n_results=5, include=['documents'])['ids'])\n"
        )


# --- the tutorial pipelines over 300-character chunks -------------------------------------------------------
# What `minsheng eval` holds every figure against: the same files split the way a LangChain tutorial splits
# them, searched plainly by BM25 and by the embedding model, the top chunk as the answer.
PLAIN_CHUNK_CHARS = 300
PLAIN_OVERLAP = 50


def plain_chunks(files: Sequence[Path], size: int = PLAIN_CHUNK_CHARS, overlap: int = PLAIN_OVERLAP) -> list[Chunk]:
    """Every readable report cut by LangChain's RecursiveCharacterTextSplitter into size-character chunks
    (files that cannot be read are skipped, as the index skips them)."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from minsheng.index.errors import MinshengError
    from minsheng.index.ingest import read_text

    splitter = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=overlap)
    chunks: list[Chunk] = []
    for path in files:
        try:
            text = read_text(path)
        except MinshengError:
            continue
        for number, piece in enumerate(splitter.split_text(text)):
            chunks.append(Chunk(id=f"plain-{len(chunks)}", text=piece, source=path.name, report=path.stem, region="",
                                year=0, period="", item="", section="", lead_unit="", status="", record=number,
                                part=0))
    return chunks


@dataclass(frozen=True)
class PlainPipeline:
    """A ranking function over plain chunks, the nearest chunk's text as the answer, never abstaining."""

    rank: Callable[[str, int], list[tuple[int, float]]]
    chunks: list[Chunk]

    def reply(self, question: str, k: int) -> dict[str, Any]:
        """The `ask --json` object of the plain pipeline."""
        hits = [Hit(self.chunks[row], score) for row, score in self.rank(question, k)]
        result = SearchResult(query=Query(question, question, False), hits=hits)
        return to_json(question, Answer(hits[0].chunk.text if hits else ""), result, k)


def plain_bm25(chunks: list[Chunk]) -> PlainPipeline:
    """bm25s over jieba's words of each chunk (lower-cased, punctuation dropped), nothing else."""
    import bm25s
    import jieba

    jieba.setLogLevel(60)

    def words(text: str) -> list[str]:
        return [w for w in jieba.lcut(text.lower()) if w.strip() and any(ch.isalnum() for ch in w)]

    bm25 = bm25s.BM25()
    bm25.index([words(c.text) or [""] for c in chunks], show_progress=False)

    def rank(question: str, k: int) -> list[tuple[int, float]]:
        known = [w for w in words(question) if w in bm25.vocab_dict]
        if not known or not chunks:
            return []
        scores = np.asarray(bm25.get_scores(known))
        return [(int(i), round(float(scores[i]), 4)) for i in best_first(scores, k)]

    return PlainPipeline(rank, chunks)


def plain_dense(chunks: list[Chunk], embedder: "Embedder") -> PlainPipeline:
    """The embedding model over each chunk's text as it is, nearest by cosine similarity."""
    matrix = np.asarray(embedder.embed_documents([c.text for c in chunks]), dtype=np.float32).reshape(len(chunks), -1)

    rows = np.arange(len(chunks))

    def rank(question: str, k: int) -> list[tuple[int, float]]:
        return [(row, round(sim, 4)) for row, sim in nearest(matrix, rows, embedder.embed_query(question), k)]

    return PlainPipeline(rank, chunks)
