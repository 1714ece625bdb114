"""Choosing the report's own sentences that answer: a field cut into sentences, each scored against what the question
asks (its topic, the asked unit and verb, a date for when, a cause for why, the members for which ones), the best
kept in their order and long ones cut to their best clauses. Figures are never rewritten."""
from __future__ import annotations

import re
from functools import lru_cache

from minsheng.index.kinds import Field, Wants
from minsheng.index.places import name_forms
from minsheng.index.script import to_simplified
from minsheng.index.search import Query, topic_coverage
from minsheng.index.sentences import rows_of_cells, split_sentences
from minsheng.index.vocabulary import (
    BEHIND,
    CAUSE,
    CLAUSE_BREAK,
    CLAUSE_TRIM,
    COUNTED_IN_SENTENCE,
    DATE,
    DAY,
    DONE,
    DONE_WORDS,
    ENUMERATED,
    ENUMERATOR,
    FIELD_SECTIONS,
    IN_CLAUSE,
    LABEL_AT,
    LIST_COMMA,
    NOT_STARTED,
    PLAN_TEXT,
    PROBLEM_TEXT,
    RANKED,
    STATE_WORDS,
    figure_with_unit,
)

_DIGIT = re.compile(r"\d")
# Words by which text states problems or a plan.
_STATES = {Field.PROBLEMS: PROBLEM_TEXT, Field.PLAN: PLAN_TEXT}
# How far into a sentence a field's label may open ("年度任务:", "目前进展情况:").
_LABEL_REACH = 10
# A field holding a short text is quoted whole; a longer one by its best sentences.
_WHOLE_FIELD = {Field.PROGRESS: 50, Field.TASK: 120, Field.PROBLEMS: 220, Field.PLAN: 220}
PIECE = 160
LIST_PIECE = 70
# How much of an enumeration a "which ones" answer quotes.
_LIST_BUDGET = 700


def best_sentences(text: str, query: Query, name: Field = Field.PROGRESS, limit: int = PIECE) -> str:
    """The sentences of a field that answer the question, in their order, figures exactly as written."""
    text = rows_of_cells(text.strip())
    if not text:
        return ""
    if len(text) <= min(_WHOLE_FIELD.get(name, 50), limit * 2):
        return text
    raw = split_sentences(text)
    sentences = [ENUMERATOR.sub("", s) for s in raw]
    if not sentences:
        return text[:limit]
    scores = [score(s, query) for s in sentences]
    covers = [cover(s, query) for s in sentences]
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    take = [order[0]]
    budget = _WHOLE_FIELD.get(name, limit) if name in (Field.PROBLEMS, Field.PLAN) else limit * 3 // 2
    for i in order[1:]:
        if len("".join(sentences[j] for j in take)) + len(sentences[i]) > budget:
            break
        # A second sentence must be nearly as good and about the topic itself, not only hold a figure.
        if name not in (Field.PROBLEMS, Field.PLAN) and (scores[i] < 0.75 * scores[order[0]] or covers[i] < 0.5 * covers[order[0]]
                                                 or not covers[i]):
            break
        take.append(i)
    if (scores[order[0]] <= 0 or not query.topic) and name in FIELD_SECTIONS:
        # Problems or a plan of the whole list: from where the text states them on, as far as the budget goes.
        start = next((i for i, t in enumerate(raw) if FIELD_SECTIONS[name].search(t) or _STATES[name].search(t)), 0)
        take = [start]
        for i in range(start + 1, len(sentences)):
            if len("".join(sentences[j] for j in take)) + len(sentences[i]) > budget:
                break
            take.append(i)
    elif scores[order[0]] <= 0 or not query.topic:
        take = [0]  # nothing to match (an overview): the field's opening sentence
    elif query.asks_list:
        take = _enumeration(raw, take)
    picked = "".join(window(sentences[i], query, limit) for i in sorted(take))
    return picked


def _enumeration(sentences: list[str], take: list[int]) -> list[int]:
    """For a question asking which ones: the enumeration the best sentence opens or belongs to ("…办了10件实事:
    一是…;二是…;…"), every member, within a list budget."""
    first = min(take)
    start = first + 1 if first + 1 < len(sentences) and ENUMERATED.match(sentences[first + 1]) else first
    if not ENUMERATED.match(sentences[start]):
        if COUNTED_IN_SENTENCE.search(sentences[first]):
            # The count, then the sentence naming its members ("…4条断头路。" "民生路…、通园街…、…已全部完工")
            naming = next((i for i in range(first + 1, min(first + 3, len(sentences)))
                           if sentences[i].count(LIST_COMMA) >= 2), None)
            return sorted(set(take) | ({naming} if naming is not None else set()))
        return take
    members = [start]
    for i in range(start + 1, len(sentences)):
        if not ENUMERATED.match(sentences[i]) or len("".join(sentences[j] for j in members)) > _LIST_BUDGET:
            break
        members.append(i)
    return sorted(set(take) | set(members) | ({first} if start == first + 1 else set()))


def window(sentence: str, query: Query, limit: int) -> str:
    """A long sentence cut to its best clauses (marked with …), short ones whole."""
    if len(sentence) <= limit:
        return sentence
    clauses = [c for c in CLAUSE_BREAK.split(sentence) if c]
    scores = [score(c, query) for c in clauses]
    # Among equally good clauses the earliest: reports lead with the main fact.
    best = max(range(len(clauses)), key=lambda i: (scores[i], -i))
    start, end = best, best + 1
    while True:
        grown = False
        for cand in (end, start - 1):
            if 0 <= cand < len(clauses) and len("".join(clauses[min(start, cand):max(end, cand + 1)])) <= limit:
                start, end = min(start, cand), max(end, cand + 1)
                grown = True
                break
        if not grown:
            break
    piece = "".join(clauses[start:end]).rstrip(CLAUSE_TRIM)
    return ("…" if start > 0 else "") + piece + ("…" if end < len(clauses) else "")


def score(piece: str, query: Query) -> float:
    """How well a piece of report text answers the question: topic held, plus a figure or a state when asked."""
    text = to_simplified(piece)
    value = cover(text, query)
    label = LABEL_AT.search(text[:_LABEL_REACH])
    if label is not None:
        kind = next(name for name, found in label.groupdict().items() if found)
        if kind == Field.TASK and query.wants != Wants.TASK:
            value -= 0.4  # the target ("年度任务:…30个") is not what was done, unless the target is asked
        elif kind == Field.PROGRESS and query.wants in (Wants.PROGRESS, Wants.AMOUNT, Wants.STATUS):
            value += 0.2
    if any(form in text for name in query.inside for form in name_forms(name)):
        value += 1.0  # "其中石峰区已建成5个", not the whole city's figure, when a place inside the report is asked
    if any(text in sentence or sentence in text for sentence in query.meant):
        value += 1.0  # what the question means, found where its words were not
    if query.wants == Wants.AMOUNT:
        unit = query.asked_unit
        if unit and figure_with_unit(unit).search(text):
            value += 1.0
            verb_figure = _verb_with_figure(query.asked_verb, unit)
            if verb_figure and verb_figure.search(text):
                value += 0.4  # "完成了几项" → "已完成8项", not the total planned beside it
        elif _DIGIT.search(text):
            value += 0.3
    elif query.wants == Wants.STATUS and STATE_WORDS.search(text):
        value += 0.3
        if DONE.search(text) or BEHIND.search(text) or NOT_STARTED.search(text):
            value += 0.3  # a sentence deciding the verdict ("19眼井已全部完工"), before one telling the work's story
    elif query.wants == Wants.PROGRESS and _DIGIT.search(text):
        value += 0.1
    if query.wants in (Wants.PROGRESS, Wants.AMOUNT, Wants.STATUS) and DONE_WORDS.search(text):
        value += 0.15  # what was done, before what was planned
    if query.asks_when and DATE.search(text):
        value += 0.8 if DAY.search(text) else 0.6  # a day answers "when" better than a month
    if query.asks_why and CAUSE.search(text):
        value += 0.6
    if query.asks_rank and RANKED.search(text):
        value += 0.6  # "位居全县后三名", not "进行了考核评分"
    if query.asks_list and text.count(LIST_COMMA) >= 2:
        value += 0.3  # the sentence naming the members, not the one counting them
    return value


@lru_cache(maxsize=64)
def _verb_with_figure(verb: str, unit: str) -> re.Pattern[str] | None:
    """The verb a 多少/几 question asks with, followed closely by a figure in the asked unit; None without a verb.
    Made once per question: every clause of every candidate is scored against it."""
    return re.compile(re.escape(verb) + IN_CLAUSE + figure_with_unit(unit).pattern) if verb else None


def cover(piece: str, query: Query) -> float:
    """Share of the question's topic a piece of report text holds."""
    return topic_coverage(query.topic.split(), list(query.phrases), to_simplified(piece))
