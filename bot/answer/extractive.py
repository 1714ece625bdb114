"""The extractive answer: the report's own sentences that answer, a verdict when asked, citations. The composer is
picked from a table by the question's kind (a new kind is one entry and one function), after the abstention and
before the caveats every answer shares; the answer comes back in the question's script."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from minsheng.bot import texts
from minsheng.bot.answer import composers
from minsheng.bot.answer.caveats import abstention_text, note_lines
from minsheng.bot.answer.over_time import compose_whole
from minsheng.bot.answer.quoting import grouped
from minsheng.bot.answer.types import Answer, Citation
from minsheng.index.kinds import QueryKind
from minsheng.index.script import to_simplified, to_traditional
from minsheng.index.search import Hit, Query, SearchResult


@dataclass(frozen=True)
class Composer:
    """How a kind of question is answered: the function, whether it needs search results (small talk does not),
    and whether the optional LLM composer may word it (counts, lists and comparisons made from whole reports, and a
    report's own period, are never worded by a model that sees only the records cited)."""

    compose: Callable[[SearchResult], Answer]
    searched: bool = True
    worded: bool = True


COMPOSERS: dict[QueryKind, Composer] = {
    QueryKind.SINGLE: Composer(composers.project),
    QueryKind.UNIT_LIST: Composer(composers.unit_list),
    QueryKind.PER_REGION: Composer(composers.per_region),
    QueryKind.COMPARE: Composer(composers.compare),
    QueryKind.REPORT: Composer(composers.report_period, worded=False),
    QueryKind.STATUS_LIST: Composer(compose_whole, worded=False),
    QueryKind.COUNT: Composer(compose_whole, worded=False),
    QueryKind.SUMMARY: Composer(compose_whole, worded=False),
    QueryKind.CHANGE: Composer(composers.change, worded=False),
    QueryKind.GREETING: Composer(composers.introduction, searched=False, worded=False),
    QueryKind.FOREIGN: Composer(composers.in_english, searched=False, worded=False),
}


def compose(result: SearchResult) -> Answer:
    """The extractive answer to a search result: quoted sentences, figures as written, cited."""
    query = result.query
    composer = COMPOSERS[query.kind]
    if not composer.searched:
        answer = composer.compose(result)
        # A question in English is answered in English, whatever script its place names are in.
        return answer if query.kind == QueryKind.FOREIGN else in_script(query, answer)
    if result.abstained or not result.hits:
        return in_script(query, Answer(abstention_text(result), abstained=True))
    answer = composer.compose(result)
    notes = note_lines(result)
    if notes:
        answer = Answer("\n".join([*notes, answer.text]), answer.citations)
    return in_script(query, answer)


def answers_with_figure(result: SearchResult) -> bool:
    """Whether the answer to a result quotes a figure (what makes a good example question)."""
    answer = compose(result)
    quoted = answer.text.split("\n", 1)[0].partition(texts.QUOTE_SEP)[2]
    return not answer.abstained and bool(re.search(r"\d", quoted))


def unquoted(result: SearchResult, shown: list[Citation]) -> list[Hit]:
    """The retrieved records an answer did not quote (another part of a quoted record is not another)."""
    ids = {c.chunk_id for c in shown}
    quoted = {(h.chunk.source, h.chunk.record) for h in result.hits if h.chunk.id in ids}
    return [h for h in result.hits if (h.chunk.source, h.chunk.record) not in quoted]


def more_text(result: SearchResult, shown: list[Citation]) -> str:
    """The retrieved records an answer did not quote, one line each, grouped by district."""
    rest = unquoted(result, shown)
    text = "\n".join([texts.MORE_RECORDS, *grouped(rest, result.query)]) if rest else texts.NO_MORE_RECORDS
    return script_of(result.query)(text)


def script_of(query: Query) -> Callable[[str], str]:
    """The converter to the question's script: Traditional for a Traditional question, else Simplified."""
    return to_traditional if query.traditional else to_simplified


def in_script(query: Query, answer: Answer) -> Answer:
    """The answer in the question's script: Traditional in, Traditional out (citations too); else Simplified."""
    convert = script_of(query)
    citations = [Citation(c.chunk_id, convert(c.region), convert(c.report), convert(c.period), c.item,
                          convert(c.lead_unit)) for c in answer.citations]
    return Answer(convert(answer.text), citations, answer.abstained, answer.composer, answer.notes, query.traditional)
