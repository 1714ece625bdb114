"""Hybrid search: district/period filters, dense + BM25 fused, per-district lists, evidence for abstaining."""
from __future__ import annotations

import random
import time
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Callable

import numpy as np

from minsheng.index.indexing.catalog import Coverage, live_dir, read_chunks, require_index, split_units
from minsheng.index.indexing.chunk import Chunk, field_text, search_texts, states
from minsheng.index.indexing.embed import Embedder
from minsheng.index.indexing.layout import BM25_DIR
from minsheng.index.indexing.lexical import LexicalIndex
from minsheng.index.indexing.passages import join_windows
from minsheng.index.indexing.store import VectorStore
from minsheng.index.indexing.vectors import nearest, read_vectors
from minsheng.index.ingest.meta import find_months
from minsheng.index.ingest.normalize import to_simplified
from minsheng.index.kinds import COLLECTION_KINDS, QueryKind, answer_field
from minsheng.index.search.examples import example_questions
from minsheng.index.search.query import Query, parse_query
from minsheng.index.search.ranking import (
    by_record,
    enumerates,
    evidence,
    furniture_drop,
    hybrid_score,
    one_per_region,
    reciprocal_rank,
    whole_area_lift,
)
from minsheng.index.search.results import Hit, Note, SearchResult
from minsheng.index.search.scorecard import Scorecard, behind_first
from minsheng.index.search.timeline import EarlierPoint, Timeline
from minsheng.index.search.topic import topic_coverage
from minsheng.index.synonyms import matched_phrases
from minsheng.index.vocabulary import LIST_ASKED

# How many candidates each retriever contributes before fusion.
_CANDIDATES = 40
# Up to this many rows allowed by a question's filters are scored exactly against the vector matrix (≤ 4 ms on
# 2 cores, mostly reading float16 rows into float32); beyond it the vector store's graph search is faster.
_EXACT_ROWS = 4_000
_SAMPLE_TEXTS = 5_000
# A word in more than this share of records starts counting less in topic coverage, down to _FLOOR.
_COMMON = 0.1
_FLOOR = 0.2
# How many records a question's filters must leave for a word's share among them to count (fewer say little: in
# a report of one record every word is in all of them), and at most (more take too long to count per question).
_LOCAL_ROWS = (20, 4_000)
# Most records one lead unit's list shows.
_UNIT_LIST_MAX = 30


# Enough to lead when a series of reports says much the same in each; not enough to outrank a clearly better match.
_LATEST_LIFT = 0.15
# A list asked for ("哪10件实事") that runs past its passage is read on through the next windows up to this many
# characters (the answer's own list budget).
_READ_ON = 1000


def latest_rows(chunks: list[Chunk], by_year: bool) -> tuple[np.ndarray, set]:
    """Which rows belong to their place's latest report (of their year, when by_year), by year and last month
    covered; and the places (place and year) with more than one report."""
    periods: dict[tuple[str, int], set[tuple[int, int]]] = {}
    for chunk in chunks:
        periods.setdefault((chunk.region, chunk.year if by_year else 0), set()).add((chunk.year, chunk.last_month or 12))
    newest = {key: max(found) for key, found in periods.items()}
    rows = np.array([(c.year, c.last_month or 12) == newest[(c.region, c.year if by_year else 0)] for c in chunks],
                    dtype=bool)
    several = {key if by_year else key[0] for key, found in periods.items() if len(found) > 1}
    return rows, several


class Searcher:
    """Holds the loaded index (catalog, BM25, vector store, embedder) and answers searches."""

    def __init__(self, chunks: list[Chunk], lexical: LexicalIndex, store: VectorStore, embedder: Embedder,
                 min_evidence: float = 0.4, dense_pivot: float = 0.7, vectors: np.ndarray | None = None) -> None:
        self.chunks = chunks
        # The chunks' vectors in catalog order (memory-mapped), for scoring the rows a filter leaves exactly.
        self.vectors = vectors
        self.lexical = lexical
        self.store = store
        self.embedder = embedder
        self.min_evidence = min_evidence
        self.dense_pivot = dense_pivot
        self.coverage = Coverage.of(chunks)
        self._texts = search_texts(chunks)
        # Filters as integer columns (one code per distinct value), so a filter is a vectorised comparison
        # instead of a Python loop over every record.
        self._codes: dict[str, dict[object, int]] = {}
        self._columns: dict[str, np.ndarray] = {}
        for name in ("region", "year", "period", "last_month"):
            codes: dict[object, int] = {}
            self._columns[name] = np.array([codes.setdefault(getattr(c, name), len(codes)) for c in chunks],
                                           dtype=np.int32)
            self._codes[name] = codes
        self._unit_rows: dict[str, list[int]] = {}
        self._place_rows: dict[str, list[int]] = {}
        for row, chunk in enumerate(chunks):
            for unit in split_units(chunk.lead_unit):
                self._unit_rows.setdefault(unit, []).append(row)
            for place in chunk.places.split():
                self._place_rows.setdefault(place, []).append(row)
        # Rows of each place's latest report (by year, then the last month it covers), for "latest first".
        self._latest, self._series = latest_rows(chunks, by_year=False)
        # One string holding every text, for "does any report mention X" in one search.
        self._all_text = "\x00".join(self._texts)
        # A fixed random sample of the texts, for estimating how common a non-token string is: a count over
        # every text costs ~40 ms on a 1,000-district index, over 5,000 ~2 ms (a share within ±1.5 points at
        # 95% confidence). Random, not every n-th: reports repeat in cycles a stride could fall in step with.
        picked = sorted(random.Random(0).sample(range(len(self._texts)), _SAMPLE_TEXTS)) \
            if len(self._texts) > _SAMPLE_TEXTS else range(len(self._texts))
        sample = [self._texts[i] for i in picked]
        self._sample_text = "\x00".join(sample)
        self._sample_size = len(sample)
        self._row = {c.id: i for i, c in enumerate(chunks)}
        self._passage_at = {(c.source, c.part): i for i, c in enumerate(chunks) if c.is_passage}
        self._is_record = np.array([not c.is_passage for c in chunks], dtype=bool)
        self._telling: dict[str, float] = {}
        self._mentioned: dict[str, bool] = {}
        # The index generation this searcher loaded ("" when built in memory); a reader compares it with
        # catalog.generation() to notice a re-index by another process.
        self.generation = ""
        self._examples: tuple[str, ...] | None = None
        # Series, reports published twice, earlier points and scorecards, made on first use.
        self.timeline = Timeline(chunks)
        self._reposted: np.ndarray | None = None
        # The answer layer's test that an example question is answered well (set by whoever wires the searcher).
        self.example_check: Callable[[SearchResult], bool] | None = None

    @classmethod
    def open(cls, index_dir: Path, store: VectorStore, embedder: Embedder, min_evidence: float = 0.4,
             dense_pivot: float = 0.7) -> "Searcher":
        """Load an index directory built by `minsheng index`."""
        require_index(index_dir, embedder.name)
        live = live_dir(index_dir)
        assert live is not None  # read_manifest found a manifest in it
        chunks = read_chunks(index_dir)
        searcher = cls(chunks, LexicalIndex.load(live / BM25_DIR), store, embedder, min_evidence, dense_pivot,
                       read_vectors(live, len(chunks)))
        searcher.generation = live.name
        return searcher

    def in_reports(self, name: str) -> bool:
        """Whether a name occurs in any report text (a place inside a district, not a district we lack);
        remembered, as each new name is a pass over every text."""
        if name not in self._mentioned:
            if len(self._mentioned) > 10_000:
                self._mentioned.clear()
            self._mentioned[name] = to_simplified(name) in self._all_text
        return self._mentioned[name]

    def search(self, question: str, k: int = 5) -> SearchResult:
        """The best chunks for a question, or an abstention that says why."""
        return self.search_query(self.parse(question), k)

    def parse(self, question: str) -> Query:
        """A question understood against what this index covers."""
        return parse_query(question, self.coverage, self.in_reports)

    def search_query(self, query: Query, k: int = 5) -> SearchResult:
        """Search for an already parsed (possibly follow-up-completed) query."""
        started = time.monotonic()
        cards: list[Scorecard] = []
        earlier: list[EarlierPoint] = []
        if query.kind in COLLECTION_KINDS:
            hits, reason, notes, cards = self._whole_list(query)
        else:
            hits, reason, notes = self._search(query, k)
            if hits and not reason and query.kind in (QueryKind.SINGLE, QueryKind.CHANGE):
                earlier = self.timeline.earlier(hits[0].chunk)
        return SearchResult(query=query, hits=hits, abstained=bool(reason), reason=reason, coverage=self.coverage,
                            seconds=time.monotonic() - started, notes=notes,
                            examples=self.examples() if reason else (), cards=cards, earlier=earlier)

    def _whole_list(self, query: Query) -> tuple[list[Hit], str, list[Note], list[Scorecard]]:
        """A question about places' projects as a whole: the scorecard of each place's latest report (of the period
        asked), each series of the place; hits are the passages holding what the cards quote, for citing."""
        reason, rows, _, notes = self._scope(query)
        if reason:
            return [], reason, notes, []
        allowed = {self.chunks[row].source for row in rows}
        places = query.regions or tuple(sorted({self.chunks[row].region for row in rows if self.chunks[row].region}))
        cards = []
        for place in places:
            for reports in self.timeline.series_of_place(place):
                chosen = [ref for ref in reports if ref.source in allowed]
                if chosen:
                    cards.append(self.timeline.card(chosen[-1].source))
        if not cards:
            return [], "weak", notes, []
        if not query.regions:
            cards.sort(key=behind_first)
        hits = []
        seen: set[str] = set()
        for card in cards:
            for chunk in self.timeline.citing(card, query.statuses):
                if chunk.id not in seen:
                    seen.add(chunk.id)
                    hits.append(Hit(chunk, 1.0, strong=True))
        return hits, "", notes, cards

    def examples(self) -> tuple[str, ...]:
        """Questions this index answers well (index/search/examples.py), found on first use."""
        if self._examples is None:
            self._examples = ()  # the searches that find them must not look for them again
            self._examples = example_questions(self, accept=self.example_check)
        return self._examples

    def _search(self, query: Query, k: int) -> tuple[list[Hit], str, list[Note]]:
        if query.kind in (QueryKind.GREETING, QueryKind.FOREIGN):
            return [], str(query.kind), []  # answered with an introduction, not from the reports
        reason, rows, where, notes = self._scope(query)
        if reason:
            return [], reason, notes
        if query.kind == QueryKind.REPORT:
            heads = self._report_heads(rows)
            # With no place named, "这份报告" is one report only when the filters leave one.
            return (heads[:k], "", notes) if query.regions or len(heads) == 1 else ([], "topic", notes)
        if not query.topic and query.kind != QueryKind.UNIT_LIST:
            if not query.regions:
                return [], "topic", notes
            # "密云区下月计划": no topic, so the district's records in report order, those stating the field first.
            return self._overview(rows, query.wants)[:k], "", notes
        hits = self._rank(query, rows, where)
        if query.inside and any(n.kind == "inside" for n in notes) and not (hits and self.strong(hits[0])):
            # Nothing on the topic among the records naming the place (丹棱县's row may hold other figures): the
            # reports that name it answer, and the answer says it is not about that place.
            naming = tuple(n.value for n in notes if n.kind == "inside_report")
            wide_rows, wide_where, wide_notes = self._allowed_rows(
                replace(query, inside=(), regions=query.regions or naming))
            wide = self._rank(query, wide_rows, wide_where)
            if wide and self.strong(wide[0]):
                hits = wide
                notes = wide_notes + [Note("inside_missing", n.value) for n in notes if n.kind == "inside"] + [
                    n for n in notes if n.kind == "inside_report"]
        if not hits:
            return [], "weak", notes
        if query.kind == QueryKind.UNIT_LIST:
            # Every record of the unit is listed in the answer, not only the first k.
            return hits[:max(k, _UNIT_LIST_MAX)], "", notes
        best = hits[0]
        if not self.strong(best):
            return [], "weak", notes
        if LIST_ASKED.search(query.simplified) and enumerates(best.chunk):
            hits = [self.read_on(best, _READ_ON), *hits[1:]]
        if query.kind in (QueryKind.PER_REGION, QueryKind.COMPARE):
            hits = one_per_region(hits, query.regions, self.strong)
            notes.extend(Note("region", r) for r in query.regions
                         if not any(h.chunk.region == r and self.strong(h) for h in hits))
        return hits[:k], "", notes

    @cached_property
    def _latest_of_year(self) -> tuple[np.ndarray, set]:
        """Rows of each place's last report of each year, and the (place, year) pairs with several reports: for a
        year asked, the year-end report over the mid-year ones; made the first time a year is asked."""
        return latest_rows(self.chunks, by_year=True)

    def _scope(self, query: Query) -> tuple[str, np.ndarray, dict | None, list[Note]]:
        """Why the question cannot be answered here ("" when it can), the rows the filters allow, their store
        filter and the notes on filters the index could not apply."""
        if query.uncovered and not query.regions:
            return "region", np.zeros(0, dtype=np.int64), None, []
        if not self.chunks:
            return "empty", np.zeros(0, dtype=np.int64), None, []
        rows, where, notes = self._allowed_rows(query)
        if query.uncovered and any(n.kind == "period" for n in notes):
            # Another place (the uncovered district's city) and another period at once answer a different question.
            return "region", rows, where, notes
        return "", rows, where, notes

    def _allowed_rows(self, query: Query) -> tuple[np.ndarray, dict | None, list[Note]]:
        """Rows the filters allow (districts named, a period the index holds for them, a lead unit),
        the same filters as a vector-store `where`, and notes on filters the index could not apply."""
        notes: list[Note] = []
        keep = np.ones(len(self.chunks), dtype=bool)
        if self.timeline.repeated:
            # A report published twice (two sites, two file names) answers once, as the copy kept.
            if self._reposted is None:
                self._reposted = np.array([c.source in self.timeline.repeated for c in self.chunks], dtype=bool)
            keep &= ~self._reposted
        clauses: list[dict] = []
        if query.regions:
            keep &= np.isin(self._columns["region"], [self._codes["region"].get(r, -1) for r in query.regions])
            clauses.append({"region": {"$in": list(query.regions)}})
        for name, wanted in (("year", query.year), ("period", query.period)):
            if not wanted or not keep.any():
                continue
            same = keep & (self._columns[name] == self._codes[name].get(wanted, -1))
            clause: dict = {name: wanted}
            if name == "period" and not same.any():
                same, clause = self._same_end(keep, str(wanted))
            if same.any():
                keep = same
                clauses.append(clause)
            else:
                notes.append(Note("period", f"{wanted}年" if name == "year" else str(wanted)))
                if name == "period":
                    # "三季度" of a place reported on for 一季度 and 二季度: the nearest report answers.
                    near, clause = self._nearest_end(keep, str(wanted))
                    if near.any():
                        keep = near
                        clauses.append(clause)
        if query.inside and keep.any():
            # A place inside covered reports (丹棱县 in 眉山市's table): the records that name it.
            naming = np.zeros(len(self.chunks), dtype=bool)
            for name in query.inside:
                naming[self._place_rows.get(name, [])] = True
                if not naming.any():
                    naming |= np.array([name in text for text in self._texts], dtype=bool)
            if (keep & naming).any():
                keep &= naming
                notes.extend(Note("inside", name) for name in query.inside)
                notes.extend(Note("inside_report", region) for region in
                             dict.fromkeys(self.chunks[row].region or self.chunks[row].report
                                           for row in np.flatnonzero(keep)))
        if query.kind == QueryKind.UNIT_LIST:
            unit_rows = [self._unit_rows.get(u, ()) for u in query.lead_units]
            of_unit = np.zeros(len(self.chunks), dtype=bool)
            for found in unit_rows:
                of_unit[list(found)] = True
            keep &= of_unit
        where = None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}
        return np.flatnonzero(keep), where, notes

    def _same_end(self, keep: np.ndarray, period: str) -> tuple[np.ndarray, dict]:
        """Rows among keep whose report ends in the month a period asked ends in ("截至6月底" is the "6月" report's,
        "一季度" a "截至3月31日" one's), and the store filter for their periods."""
        months = find_months(period)
        if months is None:
            return np.zeros_like(keep), {}
        same = keep & (self._columns["last_month"] == self._codes["last_month"].get(months[1], -1))
        periods = sorted({self.chunks[row].period for row in np.flatnonzero(same)})
        return same, {"period": {"$in": periods}}

    def _nearest_end(self, keep: np.ndarray, period: str) -> tuple[np.ndarray, dict]:
        """Rows among keep of each place's report ending nearest to the month a period asked ends in (the later
        of two as near), and the store filter for their periods; nothing when the period names no months."""
        months = find_months(period)
        if months is None:
            return np.zeros_like(keep), {}
        rows = np.flatnonzero(keep)
        ends: dict[str, set[int]] = {}
        for row in rows:
            chunk = self.chunks[row]
            ends.setdefault(chunk.region, set()).add(chunk.last_month or 12)
        best = {region: min(found, key=lambda m: (abs(m - months[1]), -m)) for region, found in ends.items()}
        near = np.zeros_like(keep)
        near[[row for row in rows if (self.chunks[row].last_month or 12) == best[self.chunks[row].region]]] = True
        periods = sorted({self.chunks[row].period for row in np.flatnonzero(near)})
        return near, {"period": {"$in": periods}}

    def _dense(self, vector: list[float], rows: np.ndarray, where: dict | None) -> list[tuple[str, float]]:
        """The nearest chunks among rows with their similarity. Few rows: scored exactly from the vector matrix
        (the filter comes first). Many: the store's graph search, unfiltered (filtered graph search is the slow
        case of a large collection) and asked for enough candidates that the allowed ones still fill the list."""
        if self.vectors is not None and len(rows) <= _EXACT_ROWS:
            return [(self.chunks[row].id, sim) for row, sim in nearest(self.vectors, rows, vector, _CANDIDATES)]
        wanted = _CANDIDATES
        if len(rows) < len(self.chunks):
            # The store's own filter (region, period) may allow more than rows do (a lead unit, a place named
            # inside a report): enough candidates that the allowed ones still fill the list.
            wanted = min(len(self.chunks), -(-_CANDIDATES * len(self.chunks) // len(rows)))
            if self.vectors is not None:
                where = None
        allowed = np.zeros(len(self.chunks), dtype=bool)
        allowed[rows] = True
        hits = self.store.query(vector, wanted, where)
        return [(h.id, 1.0 - h.distance) for h in hits
                if h.id in self._row and allowed[self._row[h.id]]][:_CANDIDATES]

    def telling(self, word: str) -> float:
        """How much a word says about a record: 1 when at most a tenth of the records hold it, falling to
        0.2 as it nears all of them (服务, 建设, 工作 say little)."""
        if word not in self._telling:
            # The share of chunks whose BM25 tokens hold the word; a string that is no token anywhere (a
            # character pair across words, or a word cut differently in the texts) is counted in a sample.
            share = self.lexical.share(word)
            if share is None:
                share = min(1.0, self._sample_text.count(word) / max(self._sample_size, 1))
            self._telling[word] = 1.0 if share <= _COMMON else max(_FLOOR, 1.0 - (share - _COMMON) * 2)
        return self._telling[word]

    def _telling_among(self, rows: np.ndarray) -> Callable[[str], float]:
        """How telling a word is among the records a question's filters allow (服务 is in most of 密云区's records,
        however rare across many tables of figures elsewhere); the whole index's measure when the filters leave
        too few records to count on, or too many to count quickly."""
        # Counted over records: passages repeat their records' words, so they would not change a word's share,
        # but where no record holds a text its passages alone would.
        if len(rows) == len(self.chunks):
            return self.telling
        records = rows[self._is_record[rows]]
        if not _LOCAL_ROWS[0] <= len(records) <= _LOCAL_ROWS[1]:
            return self.telling
        texts = [self._texts[row] for row in records]
        known: dict[str, float] = {}

        def weight(word: str) -> float:
            if word not in known:
                share = sum(word in text for text in texts) / len(texts)
                known[word] = 1.0 if share <= _COMMON else max(_FLOOR, 1.0 - (share - _COMMON) * 2)
            return min(known[word], self.telling(word))
        return weight

    def strong(self, hit: Hit) -> bool:
        """Whether a hit is evidence enough to answer from."""
        return evidence(hit, self.dense_pivot) >= self.min_evidence

    def _overview(self, rows: np.ndarray, wants: str) -> list[Hit]:
        name = answer_field(wants)
        chunks = [self.chunks[i] for i in rows if not self.chunks[i].is_passage]
        chunks.sort(key=lambda c: (not states(field_text(c.text, name)), c.source, c.record, c.part))
        return [Hit(c, 0.0, strong=True) for c in chunks]

    def _report_heads(self, rows: np.ndarray) -> list[Hit]:
        """The first passage of each report among rows (its title and opening lines), the latest report first."""
        heads: dict[str, Chunk] = {}
        for row in rows:
            chunk = self.chunks[row]
            if chunk.is_passage and (chunk.source not in heads or chunk.part < heads[chunk.source].part):
                heads[chunk.source] = chunk
        ordered = sorted(heads.values(), key=lambda c: (-c.year, -c.last_month, c.source))
        return [Hit(c, 1.0, strong=True) for c in ordered]

    def read_on(self, hit: Hit, budget: int) -> Hit:
        """A passage hit with the windows after it under the same heading joined on, up to budget characters."""
        chunk = hit.chunk
        text, part = chunk.text, chunk.part
        while len(text) < budget:
            row = self._passage_at.get((chunk.source, part + 1))
            if row is None or self.chunks[row].section != chunk.section:
                break
            text = join_windows(text, self.chunks[row].text.split("\n", 1)[-1])
            part += 1
        if text == chunk.text:
            return hit
        return replace(hit, chunk=replace(chunk, text=text, simplified=to_simplified(text) if chunk.simplified else ""))

    def has(self, chunk_id: str) -> bool:
        """Whether this index holds a chunk (ids are content-addressed: the same id is the same text)."""
        return chunk_id in self._row

    def record_hits(self, source: str, record: int) -> list[Hit]:
        """Every part of one record, in order (a follow-up about "it" reads the same record again)."""
        return [Hit(c, 1.0, strong=True) for c in self.chunks if c.source == source and c.record == record]

    def _rank(self, query: Query, rows: np.ndarray, where: dict | None) -> list[Hit]:
        """Dense and BM25 candidates among rows, fused by reciprocal rank plus topic coverage."""
        if len(rows) == 0:
            return []
        tokens = self.lexical.tokenizer.tokens(query.search_text)
        lexical = self.lexical.search(tokens, _CANDIDATES, rows)
        dense = self._dense(self.embedder.embed_query(query.search_text or query.simplified), rows, where)
        fused = reciprocal_rank([dense, lexical])
        if query.kind == QueryKind.UNIT_LIST:
            for i in rows:
                fused.setdefault(self.chunks[i].id, 0.0)
        dense_of = dict(dense)
        lex_of = dict(lexical)
        top_lex = max(lex_of.values(), default=0.0) or 1.0
        topic_words = list(dict.fromkeys(self.lexical.tokenizer.words(query.topic)))
        phrases = matched_phrases(query.simplified)
        weight = self._telling_among(rows)
        hits = []
        for chunk_id, rrf in fused.items():
            row = self._row[chunk_id]
            chunk = self.chunks[row]
            cover = topic_coverage(topic_words, phrases, self._texts[row], weight)
            score = hybrid_score(rrf, cover) + whole_area_lift(chunk, query.inside) + furniture_drop(chunk)
            if not (query.year or query.period) and self._latest[row] and chunk.region in self._series:
                score += _LATEST_LIFT  # a place reported on several times: with no period asked, the latest leads
            elif query.year and not query.period and self._latest_of_year[0][row] and \
                    (chunk.region, chunk.year) in self._latest_of_year[1]:
                score += _LATEST_LIFT  # a year asked: that year's last report (its year-end one) leads
            hit = Hit(chunk, round(score, 4), round(dense_of.get(chunk_id, 0.0), 4),
                      round(lex_of.get(chunk_id, 0.0) / top_lex, 4), round(cover, 4))
            hits.append(replace(hit, strong=self.strong(hit)))
        return by_record(hits, query.wants)
