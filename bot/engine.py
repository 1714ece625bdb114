"""Wiring at the edge: settings → store, embedder, index build and retriever (what CLI and bot share)."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bot.answer import Answer, compose, in_script, note_lines
from bot.settings import Settings
from index.build import BuildReport, ProgressFactory, build_index
from index.embed import Embedder, SentenceTransformerEmbedder
from index.retriever import MinshengRetriever
from index.search import Hit, Searcher, SearchResult
from index.store import ChromaStore, open_store

if TYPE_CHECKING:
    from bot.llm import LLMComposer

CHROMA_DIR = "chroma"


def make_store(settings: Settings) -> ChromaStore:
    """The configured vector store: embedded under the index directory, or a Chroma server."""
    s = settings.index
    return open_store(s.store_mode, settings.index_dir / CHROMA_DIR, s.store_host, s.store_port, s.collection)


@lru_cache(maxsize=4)
def _embedder(model: str, batch_size: int) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model, batch_size)


def make_embedder(settings: Settings) -> Embedder:
    """The configured embedding model, loaded once per process."""
    return _embedder(settings.index.model, settings.index.batch_size)


def tqdm_progress(total: int, label: str) -> Any:
    """A progress bar on standard error."""
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="chunk", file=sys.stderr, leave=False, dynamic_ncols=True)


def run_index(settings: Settings, full: bool = False, progress: ProgressFactory | None = tqdm_progress) -> BuildReport:
    """Bring the configured index up to date with the corpus."""
    return build_index(
        settings.corpus_dir, settings.index_dir, make_store(settings), lambda: make_embedder(settings),
        settings.index.model, settings.index.max_tokens, full=full, progress=progress,
    )


def open_retriever(settings: Settings) -> MinshengRetriever:
    """The retriever over the configured index (models loaded once)."""
    searcher = Searcher.open(settings.index_dir, make_store(settings), make_embedder(settings),
                             settings.search.min_evidence, settings.search.dense_pivot)
    return MinshengRetriever(searcher=searcher, k=settings.search.k)


@dataclass(frozen=True)
class Source:
    """One cited chunk as the `ask --json` contract describes it."""

    id: str
    report: str
    region: str
    period: str
    item: str
    lead_unit: str
    text: str
    score: float


def source_of(hit: Hit) -> Source:
    """The JSON source object of a hit."""
    c = hit.chunk
    return Source(c.id, c.report, c.region, c.period_label, c.item, c.lead_unit, c.text, hit.score)


class Responder:
    """Search result → Answer: the extractive answer, worded by the optional LLM composer when one is set."""

    def __init__(self, composer: "LLMComposer | None" = None) -> None:
        self.composer = composer

    def answer(self, question: str, result: SearchResult) -> Answer:
        """The answer shown to the user; the LLM's only when its every figure is found in the records it cites."""
        extractive = compose(result)
        if self.composer is None or extractive.abstained:
            return extractive
        worded = self.composer.compose(question, result.hits, extractive)
        if worded.composer != "llm":
            return worded
        # The caveats (a place or period not held) are the bot's, not the model's, so they stay.
        text = "\n".join([*note_lines(result), worded.text])
        return in_script(result.query, Answer(text, worded.citations, False, worded.composer, worded.notes))


def make_responder(settings: Settings, api_key: str | None) -> Responder:
    """The responder the settings ask for; the API key is read from the environment by the caller."""
    from bot.llm import make_composer

    return Responder(make_composer(settings.llm, api_key))
