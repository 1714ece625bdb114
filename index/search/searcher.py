"""An index opened for questions. Opening reads only each report's facts (place, period, lead units): what the index
covers and its reports over time. Each question reads the chunks of the reports it concerns (the places it names,
or the reports of its best keyword and vector candidates) and is answered by a search over those alone, so a
process holds about one district's reports however many the index holds."""
from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Iterator

from minsheng.index.indexing.catalog import (
    Coverage,
    Manifest,
    ReportFacts,
    damaged,
    generation_name,
    manifest_from,
    open_catalog,
    read_reports,
    require_index,
)
from minsheng.index.indexing.chunk import Chunk
from minsheng.index.indexing.database import Catalog, CatalogUnreadable, fts_any
from minsheng.index.indexing.embed import Embedder
from minsheng.index.indexing.lexical import LexicalIndex, Tokenizer
from minsheng.index.indexing.store import VectorStore
from minsheng.index.indexing.vectors import loaded_vectors
from minsheng.index.kinds import COLLECTION_KINDS, QueryKind
from minsheng.index.script import to_simplified
from minsheng.index.search.examples import example_questions
from minsheng.index.search.keywords import SAMPLE_TEXTS, WordWeights
from minsheng.index.search.loaded import IndexWide, LoadedSearch
from minsheng.index.search.meaning import SentenceVectors
from minsheng.index.search.query import Query, parse_query
from minsheng.index.search.results import Hit, SearchResult
from minsheng.index.search.timeline import Timeline
from minsheng.index.synonyms import report_terms

# Searches over a question's reports kept loaded (a conversation asks about one place several times in a row).
_KEPT_SCOPES = 8
# Keyword and vector candidates whose reports a question about no place reads (as many as the search ranks).
_CANDIDATES = 40
# Keyword rows read to find the candidates among the years asked.
_CANDIDATE_ROWS = 400
# Rows whose text is read to tell whether a name occurs in a report.
_NAME_ROWS = 400
# An index of up to this many chunks is read whole for a question about no place (as many as one place's reports
# at most: reading them costs less than finding the candidates, and never opens the vector store).
WHOLE_ROWS = 4_000


class Searcher:
    """An index opened for questions: its reports' facts held, each question's reports read for it."""

    def __init__(self, catalog: Catalog, store: VectorStore, embedder: Embedder, min_evidence: float = 0.4,
                 dense_pivot: float = 0.7, meaning_pivot: float = 0.75, whole_rows: int = WHOLE_ROWS) -> None:
        self.catalog = catalog
        self.whole_rows = whole_rows
        self.store = store
        self.embedder = embedder
        self._pivots = (min_evidence, dense_pivot, meaning_pivot)
        self.min_evidence = min_evidence
        self.facts: dict[str, ReportFacts] = read_reports(catalog)
        self._files_of: dict[str, list[str]] = {}  # place → its reports
        for name, facts in self.facts.items():
            self._files_of.setdefault(facts.region, []).append(name)
        self.total = sum(f.chunks for f in self.facts.values())
        self.coverage = Coverage.of_reports(self.facts.values())
        self.timeline = Timeline.of_catalog(catalog, self.facts.values())
        self._tokenizer: Tokenizer | None = None
        self.weights = WordWeights(self._share, lambda: catalog.sample_texts(SAMPLE_TEXTS))
        self._wide = IndexWide(self.coverage, self.timeline, self.weights, self.total,
                               SentenceVectors(embedder.embed_documents), self.examples)
        self._loaded: OrderedDict[tuple[frozenset[str], bool], LoadedSearch] = OrderedDict()
        self._lock = threading.RLock()
        self._mentioned: dict[str, bool] = {}
        self._holding: dict[str, int | None] = {}
        self._examples: tuple[str, ...] | None = None
        # The index generation this searcher read; a reader compares it with catalog.generation() to notice a
        # re-index by another process.
        self.generation = generation_name(catalog.generation())
        # The answer layer's test that an example question is answered well (set by whoever wires the searcher).
        self.example_check: Callable[[SearchResult], bool] | None = None

    @classmethod
    def open(cls, index_dir: Path, store: VectorStore, embedder: Embedder, min_evidence: float = 0.4,
             dense_pivot: float = 0.7, meaning_pivot: float = 0.75) -> "Searcher":
        """Open an index directory built by `minsheng index` on one snapshot of its catalog, kept by this searcher
        (a build committing meanwhile is seen by the next searcher, never half by this one)."""
        require_index(index_dir, embedder.name)
        catalog = open_catalog(index_dir)
        try:
            catalog.begin_snapshot()
            return cls(catalog, store, embedder, min_evidence, dense_pivot, meaning_pivot)
        except CatalogUnreadable as exc:
            catalog.close()
            raise damaged(index_dir, exc) from None

    @property
    def tokenizer(self) -> Tokenizer:
        """The keyword tokenizer with the corpus's words (made on the first question: loading jieba takes a while)."""
        with self._lock:
            if self._tokenizer is None:
                self._tokenizer = Tokenizer(set(self.catalog.words()) | report_terms())
            return self._tokenizer

    def _share(self, token: str) -> float | None:
        """The share of the index's rows holding a token (None when none do)."""
        found = self.rows_holding(token)
        return None if found is None else found / max(self.total, 1)

    def rows_holding(self, token: str) -> int | None:
        """How many of the index's rows hold a keyword token (None: none); remembered (counting reads the token's
        whole posting list)."""
        with self._lock:
            if token not in self._holding:
                if len(self._holding) > 100_000:
                    self._holding.clear()
                self._holding[token] = self.catalog.token_rows(token)
            return self._holding[token]

    def manifest(self) -> Manifest | None:
        """The manifest of the catalog snapshot this searcher read (None when unreadable)."""
        try:
            return manifest_from(self.catalog)
        except CatalogUnreadable:
            return None

    # --- questions -----------------------------------------------------------------------------------------------

    def search(self, question: str, k: int = 5) -> SearchResult:
        """The best chunks for a question, or an abstention that says why."""
        return self.search_query(self.parse(question), k)

    def parse(self, question: str) -> Query:
        """A question understood against what this index covers."""
        return parse_query(question, self.coverage, self.in_reports)

    def search_query(self, query: Query, k: int = 5) -> SearchResult:
        """Search for an already parsed (possibly follow-up-completed) query, over the reports it concerns."""
        files, complete = self._scope(query)
        return self._search_over(files, complete).search_query(query, k)

    def _scope(self, query: Query) -> tuple[frozenset[str], bool]:
        """The reports a question concerns, and whether they are all the index holds of what its filters allow
        (False: the reports of its best candidates, for a question that names no place)."""
        if query.kind in (QueryKind.GREETING, QueryKind.FOREIGN) or (query.uncovered and not query.regions):
            return frozenset(), True
        if query.regions:
            return frozenset(n for region in query.regions for n in self._files_of.get(region, ())), True
        of_year = [n for n, f in self.facts.items() if not query.year or f.year == query.year] or list(self.facts)
        if self.total <= self.whole_rows:
            return frozenset(self.facts), True
        if query.kind in COLLECTION_KINDS or query.kind == QueryKind.REPORT:
            # Every place's scorecard, or "this report" when one report is all there is: the whole index.
            return frozenset(of_year), True
        if query.kind == QueryKind.UNIT_LIST:
            wanted = set(query.lead_units)
            return frozenset(n for n, f in self.facts.items() if wanted & set(f.units)), True
        files = set(self._candidates(query, set(of_year)))
        for name in query.inside:
            files |= self._naming(name)
        return frozenset(files), False

    def _candidates(self, query: Query, eligible: set[str]) -> list[str]:
        """The reports of the best keyword and vector matches of a question among eligible reports."""
        text = query.search_text or query.simplified
        found: list[str] = []
        rows = self.catalog.best_rows(fts_any(self.tokenizer.tokens(query.search_text)), _CANDIDATE_ROWS)
        if rows:
            of_row = self.catalog.file_of_rows(rows)
            found.extend(of_row[r] for r in rows if of_row.get(r) in eligible)
            del found[_CANDIDATES:]
        if text:
            hits = self.store.query(self.embedder.embed_query(text), _CANDIDATES,
                                    {"year": query.year} if query.year else None)
            found.extend(f for f in self.catalog.file_of_ids([h.id for h in hits]).values() if f in eligible)
        return list(dict.fromkeys(found))

    def _naming(self, name: str) -> set[str]:
        """The reports whose text holds a name."""
        return set(self.catalog.file_of_rows(self._rows_naming(name)).values())

    def _rows_naming(self, name: str) -> list[int]:
        """Rows whose text holds a name: among those holding one of its tokens, those where it is written."""
        simplified = to_simplified(name)
        tokens = set(self.tokenizer.tokens(simplified, simplified=True)) | set(self.tokenizer.words(simplified))
        rows = self.catalog.best_rows(fts_any(tokens), _NAME_ROWS) if tokens else []
        return [row for row, chunk in self.catalog.rows(rows) if simplified in chunk.search_text]

    def in_reports(self, name: str) -> bool:
        """Whether a name occurs in any report text (a place inside a district, not a district we lack);
        remembered."""
        with self._lock:
            if name not in self._mentioned:
                if len(self._mentioned) > 10_000:
                    self._mentioned.clear()
                self._mentioned[name] = bool(self._rows_naming(name))
            return self._mentioned[name]

    def _search_over(self, files: frozenset[str], complete: bool) -> LoadedSearch:
        """The search over some reports' chunks (kept for the next questions about them)."""
        key = (files, complete)
        with self._lock:
            if key in self._loaded:
                self._loaded.move_to_end(key)
                return self._loaded[key]
            read = self.catalog.rows_of_files(files)
            chunks = read.chunks
            self.timeline.hold(chunks)
            lexical = LexicalIndex(self.catalog, [c.id for c in chunks], read.rows, self.tokenizer, self.total,
                                   self.rows_holding, read.tokens)
            min_evidence, dense_pivot, meaning_pivot = self._pivots
            loaded = LoadedSearch(chunks, lexical, self.store, self.embedder, min_evidence, dense_pivot,
                                  loaded_vectors(self.catalog, read.rows, read.vectors), meaning_pivot, self._wide,
                                  complete)
            self._loaded[key] = loaded
            while len(self._loaded) > _KEPT_SCOPES:
                self._loaded.popitem(last=False)
            return loaded

    def whole(self) -> LoadedSearch:
        """The search over every report's chunks at once (what a question's scope must agree with; tools, tests)."""
        return self._search_over(frozenset(self.facts), True)

    # --- what the answer layer and the bot read ------------------------------------------------------------------

    def record_count(self) -> int:
        """How many records this index holds."""
        return sum(f.records for f in self.facts.values())

    def has(self, chunk_id: str) -> bool:
        """Whether this index holds a chunk (ids are content-addressed: the same id is the same text)."""
        return self.catalog.holds(chunk_id)

    def record_hits(self, source: str, record: int) -> list[Hit]:
        """Every part of one record, in order (a follow-up about "it" reads the same record again)."""
        return [Hit(c, 1.0, strong=True) for c in self.catalog.record_chunks(source, record)]

    def examples(self) -> tuple[str, ...]:
        """Questions this index answers well (index/search/examples.py), found on first use."""
        if self._examples is None:
            self._examples = ()  # the searches that find them must not look for them again
            self._examples = example_questions(self._places(), self.search, accept=self.example_check)
        return self._examples

    def _places(self) -> Iterator[tuple[str, list[Chunk]]]:
        """Each place with its records' first chunks, read one place at a time, places in catalog order."""
        for place in dict.fromkeys(f.region for _, f in sorted(self.facts.items()) if f.region):
            yield place, [c for c in self.catalog.chunks(self._files_of[place])[0] if c.part == 0]

