"""Wiring at the edge: settings → store, embedder, index build and retriever (what CLI and bot share)."""
from __future__ import annotations

import gc
import hashlib
import logging
import os
import sys
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from minsheng.bot.answer.extractive import answers_with_figure
from minsheng.bot.settings import Settings
from minsheng.index.errors import MinshengError
from minsheng.index.indexing import (
    CHROMA_DIR,
    MODELS_DIR,
    ChromaStore,
    Embedder,
    LazyStore,
    VectorStore,
    generation,
    open_store,
    require_index,
)
from minsheng.index.search import Searcher

if TYPE_CHECKING:
    # The builder and LangChain cost a second or two to import; answering one question needs neither.
    from minsheng.bot.arrivals import Destination, Incoming
    from minsheng.index.indexing import BuildReport, FileLimits, FileReader, ProgressFactory
    from minsheng.index.search import MinshengRetriever

log = logging.getLogger("minsheng.index")


def make_store(settings: Settings, fresh: bool = False) -> ChromaStore:
    """The configured vector store: embedded under the index directory, or a Chroma server. Each embedding
    model has its own collection, so a model change builds beside the old vectors instead of over them."""
    s = settings.index
    name = embedding_name(settings)
    collection = f"{s.collection}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"
    return open_store(s.store_mode, settings.index_dir / CHROMA_DIR, s.store_host, s.store_port, collection, fresh)


def embedding_name(settings: Settings) -> str:
    """The embedder's name as the index records it (a model or backend change rebuilds)."""
    from minsheng.index.indexing import onnx_name

    s = settings.index
    return onnx_name(s.model) if s.backend == "onnx-int8" else s.model


@lru_cache(maxsize=4)
def _embedder(model: str, backend: str, batch_size: int, models_dir: Path) -> Embedder:
    if backend == "onnx-int8":
        from minsheng.index.indexing import OnnxEmbedder

        return OnnxEmbedder(model, models_dir, workers=os.cpu_count() or 1)
    from minsheng.index.indexing import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model, batch_size)


def make_embedder(settings: Settings) -> Embedder:
    """The configured embedding model, loaded once per process (the ONNX export is made on first use and kept
    in the models directory)."""
    s = settings.index
    return _embedder(s.model, s.backend, s.batch_size, settings.models_dir or settings.index_dir / MODELS_DIR)


def model_ready(settings: Settings) -> bool:
    """Whether the configured embedding model can be used at once (its ONNX export made already)."""
    if settings.index.backend != "onnx-int8":
        return True
    from minsheng.index.indexing import export_ready

    return export_ready(settings.models_dir or settings.index_dir / MODELS_DIR, settings.index.model)


def tqdm_progress(total: int, label: str) -> Any:
    """A progress bar on standard error."""
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="chunk", file=sys.stderr, leave=False, dynamic_ncols=True)


def run_index(settings: Settings, full: bool = False, progress: ProgressFactory | None = tqdm_progress,
              wait: float | None = None, reader: FileReader | None = None,
              embedder: Callable[[], Embedder] | None = None, names: Sequence[str] | None = None) -> BuildReport:
    """Bring the configured index up to date with the corpus (waiting `wait` seconds, default
    [index] lock_wait, when another build holds the lock); files are read by `reader` when given (a running bot or
    watcher keeps one warm), else by a worker of this run; documents are embedded by `embedder` when given (the
    bench puts a cache in front of the model), else by the configured model; names: only these corpus files changed
    (an upload), the rest of the folder is not looked at."""
    from minsheng.index.indexing import build_index

    s = settings.index
    return build_index(
        settings.corpus_dir, settings.index_dir, make_store(settings), embedder or (lambda: make_embedder(settings)),
        embedding_name(settings), s.max_tokens, full=full, progress=progress, wait=s.lock_wait if wait is None else wait,
        max_file_bytes=s.max_file_bytes, limits=file_limits(settings), reader=reader, names=names,
    )


def file_limits(settings: Settings) -> FileLimits:
    """What one report file may become while it is read ([index] max_file_seconds and the rest)."""
    from minsheng.index.indexing import FileLimits

    s = settings.index
    return FileLimits(seconds=s.max_file_seconds, memory_mb=s.max_file_memory_mb, unpacked_mb=s.max_unpacked_mb,
                      part_mb=s.max_part_mb, zip_entries=s.max_zip_entries, text_chars=s.max_text_chars,
                      chunks=s.max_chunks_per_file)


def open_searcher(settings: Settings, fresh: bool = False) -> Searcher:
    """The search over the configured index's live generation (models loaded once per process);
    fresh: re-read the vector store from disk (after another process re-indexed)."""
    require_index(settings.index_dir, embedding_name(settings))  # before the model: seconds to load, or to export
    # An embedded store is opened when first asked (a small index never asks it); a server is reached at once, so
    # that one which is down says so now.
    store: VectorStore = LazyStore(lambda: make_store(settings, fresh)) \
        if settings.index.store_mode == "embedded" else make_store(settings, fresh)
    searcher = Searcher.open(settings.index_dir, store, make_embedder(settings),
                             settings.search.min_evidence, settings.search.dense_pivot,
                             settings.search.meaning_pivot)
    searcher.example_check = answers_with_figure
    # What a large index's searcher holds for its life (every report's facts, the places' names) is hundreds of
    # thousands of objects; frozen, the collector no longer walks them at each full collection (80 ms of a
    # question at 1,000 districts, at random).
    gc.freeze()
    return searcher


def open_retriever(settings: Settings, fresh: bool = False) -> MinshengRetriever:
    """open_searcher as a LangChain retriever (what the bot, chat and eval use)."""
    from minsheng.index.search import MinshengRetriever

    return MinshengRetriever(searcher=open_searcher(settings, fresh), k=settings.search.k)


class LiveRetriever:
    """The retriever of the live index generation (a committed state of the catalog). Each question checks which
    generation is live (one row of the catalog) and, when another process or this one has committed a newer one,
    loads it before answering, so
    the next question after a re-index is answered from the new index. `poll` loads new generations in the
    background as well, so a question seldom waits for the load. A question never sees half of each."""

    def __init__(self, settings: Settings, opener: Callable[[bool], MinshengRetriever] | None = None,
                 check_every: float = 0.0) -> None:
        self.settings = settings
        self._opener = opener or (lambda fresh: open_retriever(settings, fresh))
        self.check_every = check_every
        self._retriever = self._opener(False)
        self._checked = time.monotonic()
        self._loading = threading.Lock()
        self._failed = ("", 0.0)  # a generation that could not be loaded, and when to try it again
        self.listeners: list[Callable[[MinshengRetriever], None]] = []

    def current(self) -> MinshengRetriever:
        """The retriever to answer with now: the live generation's, loaded first when it is newer than ours."""
        now = time.monotonic()
        if now - self._checked >= self.check_every:
            self._checked = now
            if self.outdated():
                self.reload(wait=True)
        return self._retriever

    def outdated(self) -> bool:
        """Whether a newer generation than the loaded one has been published."""
        live = generation(self.settings.index_dir)
        return bool(live) and live != self._retriever.searcher.generation

    def reload(self, wait: bool = False) -> bool:
        """Load the live generation now and switch to it; False when it is already loaded, could not be loaded, or
        (wait False) another load is under way. A generation that failed to load is tried again after a pause."""
        if not self._loading.acquire(blocking=wait):
            return False
        try:
            if not self.outdated():
                return False
            live = generation(self.settings.index_dir)
            if live == self._failed[0] and time.monotonic() < self._failed[1]:
                return False
            try:
                retriever = self._opener(True)
            except MinshengError as exc:
                # A catalog damaged under our feet, or a store hiccup: keep answering from the old one.
                log.warning("could not load the new index generation: %s", exc)
                self._failed = (live, time.monotonic() + _RETRY_SECONDS)
                return False
            self._retriever = retriever
            for listener in self.listeners:
                listener(retriever)
            log.info("now answering from index generation %s", retriever.searcher.generation)
            return True
        finally:
            self._loading.release()

    def poll(self, interval: float = 1.0) -> threading.Event:
        """Load new generations in the background every `interval` seconds, until the returned event is set."""
        stop = threading.Event()

        def run() -> None:
            while not stop.wait(interval):
                if self.outdated():
                    self.reload()

        threading.Thread(target=run, name="index-poll", daemon=True).start()
        return stop


# Seconds before a generation that failed to load is tried again.
_RETRY_SECONDS = 30.0


def destination(settings: Settings) -> Destination:
    """Where added reports go and the limits they are read within."""
    from minsheng.bot.arrivals import Destination

    return Destination(settings.corpus_dir, settings.index_dir, settings.index.max_file_bytes,
                       settings.index.max_tokens, file_limits(settings))


def incoming_link(settings: Settings, url: str, by: str) -> Incoming:
    """A report fetched from a link ([fetch] limits), named after its page's title or its file; FetchError (a
    MinshengError) saying why it could not be."""
    from minsheng.bot.arrivals import Incoming
    from minsheng.bot.fetch import FetchLimits, fetch_report
    from minsheng.bot.intake import Origin

    f = settings.fetch
    fetched = fetch_report(url, FetchLimits(max_bytes=int(f.max_mb * 1_000_000), timeout=f.timeout,
                                            max_redirects=f.max_redirects, allow_networks=f.allow_networks))
    hint = fetched.name_hint if fetched.name_hint.lower().endswith(fetched.suffix) else ""
    # A page's title names the report better than its address ("index.html", "t20240412_123.html").
    name = f"{fetched.title}{fetched.suffix}" if fetched.title and (fetched.suffix == ".txt" or not hint) else \
        hint or f"report{fetched.suffix}"
    return Incoming(fetched.data, name, Origin("link", url=fetched.url, final_url=fetched.final_url,
                                               fetched_at=fetched.fetched_at, by=by))
