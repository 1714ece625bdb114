"""Hybrid search over chunks held in memory (a small index whole, or the reports one question concerns):
district/period filters, dense + BM25 fused, per-district lists, evidence for abstaining."""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from minsheng.index.indexing.catalog import Coverage
from minsheng.index.indexing.chunk import Chunk, field_text, search_texts, states
from minsheng.index.indexing.embed import Embedder
from minsheng.index.indexing.lexical import LexicalIndex
from minsheng.index.indexing.passages import join_windows
from minsheng.index.indexing.store import VectorStore
from minsheng.index.indexing.vectors import RowVectors
from minsheng.index.kinds import COLLECTION_KINDS, QueryKind, Wants, answer_field
from minsheng.index.script import to_simplified
from minsheng.index.search.dense import Dense
from minsheng.index.search.filters import Filters
from minsheng.index.search.keywords import Keywords, WordWeights
from minsheng.index.search.meaning import Closest, SentenceVectors, closest
from minsheng.index.search.query import Query, parse_query
from minsheng.index.search.ranking import (
    aspect_lift,
    by_record,
    enumerates,
    evidence,
    furniture_drop,
    gives_rank,
    hybrid_score,
    one_per_region,
    passage_states,
    rank_lift,
    reciprocal_rank,
    whole_area_lift,
)
from minsheng.index.search.reports import ReportRows
from minsheng.index.search.results import Hit, Note, SearchResult
from minsheng.index.search.scorecard import Scorecard, behind_first
from minsheng.index.search.timeline import EarlierPoint, Timeline
from minsheng.index.search.topic import topic_coverage
from minsheng.index.vocabulary import LIST_NAME_WORDS

# How far the sentence found by meaning must stand above the median sentence of the candidates: measured on
# questions in everyday wording (0.1–0.15) against topics the asked place's reports lack (mostly below 0.09).
_MEANING_MARGIN = 0.1
# How many candidates each retriever contributes before fusion.
_CANDIDATES = 40
# Most records one lead unit's list shows.
_UNIT_LIST_MAX = 30
# Enough to lead when a series of reports says much the same in each; not enough to outrank a clearly better match.
_LATEST_LIFT = 0.2
# A list asked for ("哪10件实事") that runs past its passage is read on through the next windows up to this many
# characters (the answer's own list budget).
_READ_ON = 1000


@dataclass(frozen=True)
class IndexWide:
    """What the searchers of one index share, whatever chunks each holds: what it covers, its reports over time,
    its word weights, how many chunks it holds, and the question's sentence vectors."""

    coverage: Coverage
    timeline: Timeline
    weights: WordWeights
    total: int
    sentence_vectors: SentenceVectors
    examples: Callable[[], tuple[str, ...]]  # the index's example questions (found over the whole index)


class LoadedSearch:
    """The chunks held, in parts (filters, keywords, dense side, report rows), answering searches; `complete` when
    they are all the index holds of the places a question may concern (a question's scope or the whole index),
    not only its candidates."""

    def __init__(self, chunks: list[Chunk], lexical: LexicalIndex, store: VectorStore, embedder: Embedder,
                 min_evidence: float, dense_pivot: float, vectors: RowVectors | None,
                 meaning_pivot: float, wide: IndexWide, complete: bool) -> None:
        self.chunks = chunks
        self.embedder = embedder
        self.min_evidence = min_evidence
        self.dense_pivot = dense_pivot
        self.meaning_pivot = meaning_pivot
        self.sentence_vectors = wide.sentence_vectors
        self.coverage = wide.coverage
        self.timeline = wide.timeline
        self.total = wide.total
        self.examples = wide.examples
        texts = search_texts(chunks)
        self._row = {c.id: i for i, c in enumerate(chunks)}
        self._passage_at = {(c.source, c.part): i for i, c in enumerate(chunks) if c.is_passage}
        self.filters = Filters(chunks, texts)
        self.keywords = Keywords(lexical, texts, np.array([not c.is_passage for c in chunks], dtype=bool),
                                 wide.weights, complete, wide.total)
        self.dense = Dense(chunks, store, vectors, self._row, wide.total)
        self.reports = ReportRows(chunks, self.timeline)

    def in_reports(self, name: str) -> bool:
        """Whether a name occurs in any report text (a place inside a district, not a district we lack)."""
        return self.keywords.in_reports(name)

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
            meant = tuple(n.value for n in notes if n.kind == "meaning")
            if meant:
                query = replace(query, meant=meant)
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
        if query.regions and query.wants in (Wants.PROBLEMS, Wants.PLAN) and not LIST_NAME_WORDS.sub("", query.topic).strip():
            # "安溪为民办实事碰到了什么困难": the list's own name is no topic; the report's problems (or plan) answer.
            return self._overview(rows, query.wants)[:k], "", notes
        hits = self._rank(query, rows, where)
        if query.inside and any(n.kind == "inside" for n in notes) and not (hits and self.strong(hits[0])):
            # Nothing on the topic among the records naming the place (丹棱县's row may hold other figures): the
            # reports that name it answer, and the answer says it is not about that place.
            naming = tuple(n.value for n in notes if n.kind == "inside_report")
            wide_rows, wide_where, wide_notes = self.filters.allowed(
                replace(query, inside=(), regions=query.regions or naming), self.reports.answering())
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
        if not self.strong(best) and not gives_rank(best, query.asks_rank):
            found = self._by_meaning(query, hits)
            if found is None:
                return [], "weak", notes
            hits = [replace(found.hit, strong=True), *(h for h in hits if h.chunk.id != found.hit.chunk.id)]
            notes = [*notes, Note("meaning", found.sentence)]
        if query.asks_list and enumerates(best.chunk):
            hits = [self.read_on(best, _READ_ON), *hits[1:]]
        if query.kind in (QueryKind.PER_REGION, QueryKind.COMPARE):
            hits = one_per_region(hits, query.regions, self.strong)
            notes.extend(Note("region", r) for r in query.regions
                         if not any(h.chunk.region == r and self.strong(h) for h in hits))
        return hits[:k], "", notes

    def _scope(self, query: Query) -> tuple[str, np.ndarray, dict | None, list[Note]]:
        """Why the question cannot be answered here ("" when it can), the rows the filters allow, their store
        filter and the notes on filters the index could not apply."""
        if query.uncovered and not query.regions:
            return "region", np.zeros(0, dtype=np.int64), None, []
        if not self.chunks:
            # Nothing loaded of an index that holds chunks: the question's scope holds none (no candidates).
            return "empty" if not self.total else "weak", np.zeros(0, dtype=np.int64), None, []
        rows, where, notes = self.filters.allowed(query, self.reports.answering())
        if query.uncovered and any(n.kind == "period" for n in notes):
            # Another place (the uncovered district's city) and another period at once answer a different question.
            return "region", rows, where, notes
        return "", rows, where, notes

    def _by_meaning(self, query: Query, hits: list[Hit]) -> Closest | None:
        """The sentence of the asked place's best candidates that means what the question asks, when its words are
        not the report's; None when nothing comes near (or no covered place is asked: the whole index is too wide
        for a near sentence to be evidence)."""
        if not query.regions or query.uncovered:
            return None
        found = closest(hits, self.embedder.embed_query(query.search_text or query.simplified), self.sentence_vectors)
        if found is None or found.similarity < self.meaning_pivot or found.margin < _MEANING_MARGIN:
            return None
        return found

    def strong(self, hit: Hit) -> bool:
        """Whether a hit is evidence enough to answer from."""
        return evidence(hit, self.dense_pivot) >= self.min_evidence

    def _overview(self, rows: np.ndarray, wants: str) -> list[Hit]:
        name = answer_field(wants)
        chunks = [self.chunks[i] for i in rows if not self.chunks[i].is_passage]
        chunks.sort(key=lambda c: (not states(field_text(c.text, name)), c.source, c.record, c.part))
        # "X存在哪些问题" about the whole list: the report's own passage on its problems (or plan) first.
        stating = [self.chunks[i] for i in rows if self.chunks[i].is_passage and passage_states(self.chunks[i], wants)]
        return [Hit(c, 0.0, strong=True) for c in [*stating, *chunks]]

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

    def _rank(self, query: Query, rows: np.ndarray, where: dict | None) -> list[Hit]:
        """Dense and BM25 candidates among rows, fused by reciprocal rank plus topic coverage."""
        if len(rows) == 0:
            return []
        lexical = self.keywords.candidates(query.search_text, rows, _CANDIDATES, query.regions)
        dense = self.dense.nearest(self.embedder.embed_query(query.search_text or query.simplified), rows, where,
                                   _CANDIDATES)
        fused = reciprocal_rank([dense, lexical])
        if query.kind == QueryKind.UNIT_LIST:
            for i in rows:
                fused.setdefault(self.chunks[i].id, 0.0)
        dense_of = dict(dense)
        lex_of = dict(lexical)
        top_lex = max(lex_of.values(), default=0.0) or 1.0
        topic_words = self.keywords.words(query.topic)
        phrases = list(query.phrases)
        weight = self.keywords.telling_among(rows)
        texts = self.keywords.texts
        hits = []
        for chunk_id, rrf in fused.items():
            row = self._row[chunk_id]
            chunk = self.chunks[row]
            cover = topic_coverage(topic_words, phrases, texts[row], weight)
            score = (hybrid_score(rrf, cover) + whole_area_lift(chunk, query.inside) + furniture_drop(chunk)
                     + rank_lift(chunk, query.asks_rank)
                     + aspect_lift(chunk, query, lambda text: topic_coverage(topic_words, phrases, text, weight)))
            if self.reports.leads(query, row, chunk):
                # A place reported on several times: with no period asked the latest leads; with a year asked, that
                # year's last report (its year-end one).
                score += _LATEST_LIFT
            hit = Hit(chunk, round(score, 4), round(dense_of.get(chunk_id, 0.0), 4),
                      round(lex_of.get(chunk_id, 0.0) / top_lex, 4), round(cover, 4))
            hits.append(replace(hit, strong=self.strong(hit)))
        return by_record(hits, query.wants)
