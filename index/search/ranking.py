"""Ranking hits: reciprocal-rank fusion of the dense and BM25 lists with topic coverage, one place per record,
the best hit of each district first, and the evidence a hit gives for answering at all."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from minsheng.index.indexing.chunk import Chunk, field_text, states
from minsheng.index.ingest.status_lists import status_lists
from minsheng.index.kinds import Wants, answer_field
from minsheng.index.search.query import Query
from minsheng.index.search.results import Hit
from minsheng.index.sentences import split_sentences
from minsheng.index.vocabulary import (
    AHEAD,
    CAUSE,
    DATE,
    DEADLINE,
    ENUMERATED,
    FIELD_SECTIONS,
    PROBLEM_TEXT,
    RANKED,
    STATEMENT,
    WHOLE_AREA_ROW,
)

# Reciprocal-rank constant: small, so a first place counts clearly more than a fifth.
_RRF_K = 10

_STATED_BONUS = 0.3
# Words by which a passage (no labelled fields) states problems or a plan.
_CUES = {Wants.PROBLEMS: PROBLEM_TEXT, Wants.PLAN: AHEAD}
# A passage is a few sentences: the model finds any question a little more like it than like a whole record, so
# its similarity must clear a higher pivot to count as evidence.
_PASSAGE_LIFT = 0.05
# Enough to put the whole area's row before its counties' rows, which tie with it on every other signal.
_WHOLE_ROW_LIFT = 0.3
# Enough to put the text giving a rank before the text about the same ranking.
_RANK_LIFT = 0.3
# Enough to put the text answering the aspect asked (the names of a status's projects, a cause, a date) before
# texts only about the topic.
_ASPECT_LIFT = 0.3
# Enough to put a report's own sentences before its furniture, which shares the report's topic words.
_FURNITURE_DROP = 0.3
# Where an enumeration's members start: after a sentence end, a colon or a line end.
_SENTENCE = re.compile(r"[。；;:：！？!?\n]")


def reciprocal_rank(rankings: list[list[tuple[str, float]]]) -> dict[str, float]:
    """Each id's reciprocal-rank sum over the rankings (best first in each), in order of first appearance."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, (chunk_id, _) in enumerate(ranking):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (_RRF_K + rank + 1)
    return fused


def hybrid_score(rrf: float, coverage: float) -> float:
    """A hit's score: its reciprocal-rank sum scaled so first place in both lists gives 1, plus half its topic
    coverage."""
    return rrf * (_RRF_K + 1) / 2 + 0.5 * coverage


def by_record(hits: list[Hit], wants: str) -> list[Hit]:
    """Hits ranked by record: a long record split into parts ranks by its best part, and the part that
    holds the field asked for (problems, plan, task; else progress) comes first with that score. When
    problems or a plan are asked for, a record that states some beats one that says there are none."""
    name = answer_field(wants)
    records: dict[tuple[str, int], list[Hit]] = {}
    for hit in hits:
        records.setdefault((hit.chunk.source, hit.chunk.record), []).append(hit)
    keyed: list[tuple[float, int, Hit]] = []
    for parts in records.values():
        best = max(h.score for h in parts)
        if wants in (Wants.PROBLEMS, Wants.PLAN):
            stated = any(states(field_text(h.chunk.text, name)) for h in parts) or any(
                h.chunk.is_passage and _CUES[wants].search(h.chunk.search_text) for h in parts)
            # A passage alone that does not word it is no answer to the question (a record saying "无" is one).
            loose = not stated and all(h.chunk.is_passage for h in parts)
            best = round(best + (_STATED_BONUS if stated else -_STATED_BONUS if loose else 0.0), 4)
        # The part holding most of the topic leads (a long news record's first part holds the "进展" label and
        # nothing asked about); among those, the one holding the field asked for, then the best scored.
        # A passage inside the record lends the record its score and signals, and the record's own part leads:
        # it holds the labelled fields the answer quotes.
        most = max(h.coverage for h in ([h for h in parts if not h.chunk.is_passage] or parts))
        # When problems are asked, a part stating them leads: a passage of the record holding the list the record
        # reader lost ("还存在一些问题:" then "一是…二是…") before the record saying none. (Not for a plan: 预计 in a
        # passage is as often what was done.)
        parts.sort(key=lambda h: (wants == Wants.PROBLEMS and not _states_asked(h, wants, name), h.chunk.is_passage,
                                  h.coverage < most, not field_text(h.chunk.text, name), -h.score))
        lead = parts[0]
        # A passage holding more of the topic than the record's parts (text the record reader lost) lends its
        # evidence; similarity alone is not lent (a short passage resembles any question more than a record does).
        lender = max(parts, key=lambda h: h.coverage)
        if lender.coverage > lead.coverage:
            lead = replace(lead, coverage=lender.coverage, dense=max(lead.dense, lender.dense),
                           strong=lead.strong or lender.strong)
        keyed.append((best, 0, replace(lead, score=best)))
        keyed.extend((min(h.score, best), 1, h) for h in parts[1:])
    # On a tie a record leads a passage holding the same words: its fields tell progress from target and name the lead.
    keyed.sort(key=lambda t: (-t[0], t[1], t[2].chunk.is_passage, t[2].chunk.source, t[2].chunk.record, t[2].chunk.part))
    return [hit for _, _, hit in keyed]


def passage_states(chunk: Chunk, wants: str) -> bool:
    """Whether a passage states the problems or plan asked for under their label ("存在问题:", "下一步工作安排:") or
    as a list after one ("还存在一些问题: 一是…")."""
    labelled = FIELD_SECTIONS.get(answer_field(wants))
    return labelled is not None and bool(labelled.search(chunk.search_text))


def _states_asked(hit: Hit, wants: str, name: str) -> bool:
    """Whether a part answers the problems or plan asked: a record's field, even one saying there are none ("无": the
    report's own answer), or a passage with their cue."""
    if hit.chunk.is_passage:
        return bool(_CUES[wants].search(hit.chunk.search_text))
    return bool(field_text(hit.chunk.text, name).strip())


def whole_area_lift(chunk: Chunk, inside: tuple[str, ...]) -> float:
    """A lift for a table row about the whole area ("全市 27800 52242…") when the question names no place inside
    the report: the city's figure answers it, not the first county's."""
    if inside or not chunk.is_passage:
        return 0.0
    body = chunk.text.split("\n", 1)[-1].strip()
    return _WHOLE_ROW_LIFT if WHOLE_AREA_ROW.match(body) else 0.0


def rank_lift(chunk: Chunk, asks_rank: bool) -> float:
    """A lift for a text giving a rank ("位居全县后三名") when the question asks for one: the sentence naming the
    places ranked answers, not the one that says a ranking was made."""
    return _RANK_LIFT if asks_rank and RANKED.search(chunk.text) else 0.0


def aspect_lift(chunk: Chunk, query: Query, covers: Callable[[str], float]) -> float:
    """A lift for a text answering the aspect a question asks on its topic, beside the texts only about the topic:
    the names of a status's projects when which ones are asked ("其中4项已提前完成全年任务,分别是A、B、C和D"), a
    cause when why ("…受水源地论证和管材采购影响"), a date when when ("确保12月20日前全面完成")."""
    lift = 0.0
    if query.asks_list and any(found.names and covers(found.sentence) >= 0.5 for found in status_lists(chunk.text)):
        lift += _ASPECT_LIFT
    # When a project is to be done is a deadline ("12月15日前"), not the day the news was written ("10月18日").
    cue = CAUSE if query.asks_why else (DEADLINE if query.wants == Wants.STATUS else DATE) if query.asks_when else None
    if cue is not None and any(cue.search(s) and covers(s) >= 0.5 for s in split_sentences(chunk.text)):
        lift += _ASPECT_LIFT
    return lift


def gives_rank(hit: Hit, asks_rank: bool) -> bool:
    """Whether a hit gives the rank a question asks for ("排名靠后的是炎陵县、茶陵县") on its topic: evidence enough,
    however little else of the question's wording it holds."""
    return asks_rank and hit.coverage > 0 and bool(RANKED.search(hit.chunk.text))


def furniture_drop(chunk: Chunk) -> float:
    """A drop for a passage of titles and header cells only ("附件:…滞后项目情况表 / 序号 / 目标任务 / 进展情况"): it
    names what the report is about, so it matches many questions, but it states nothing, no sentence, no figure."""
    if not chunk.is_passage:
        return 0.0
    return 0.0 if STATEMENT.search(chunk.text.split("\n", 1)[-1]) else -_FURNITURE_DROP


def enumerates(chunk: Chunk) -> bool:
    """Whether a passage holds members of an enumeration ("一是…;二是…", "①…", "(1)…") that may run past it."""
    return chunk.is_passage and any(ENUMERATED.match(piece.strip()) for piece in _SENTENCE.split(chunk.text))


def evidence(hit: Hit, dense_pivot: float) -> float:
    """How sure a hit is relevant: the share of the question's topic it holds, raised or lowered by how far
    its embedding similarity is from the pivot (the model's similarity of loosely related texts). Either
    signal alone lets off-topic questions through: one common word matches, or all texts look alike."""
    pivot = dense_pivot + (_PASSAGE_LIFT if hit.chunk.is_passage else 0.0)
    return hit.coverage + 3.0 * (hit.dense - pivot)


def one_per_region(hits: list[Hit], regions: tuple[str, ...], strong: Callable[[Hit], bool]) -> list[Hit]:
    """The best hit of each district first (named districts in their order), then the rest by score;
    a district whose best hit is weak evidence gets no lead place."""
    firsts: dict[str, Hit] = {}
    for hit in hits:
        if strong(hit):
            firsts.setdefault(hit.chunk.region, hit)
    order = [r for r in regions if r in firsts] + [r for r in firsts if r not in regions]
    lead = [firsts[r] for r in order]
    chosen = {h.chunk.id for h in lead}
    return lead + [h for h in hits if h.chunk.id not in chosen]
