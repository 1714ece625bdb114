"""Example questions the index answers well, for /start, /help, greetings and every refusal.

Drawn from the index, never from a fixed list: for one place after another, a project whose progress states a
figure, asked as "{place}{project}进展". A candidate is kept only when the search, asked it, finds that very record
first, so no example leads to "报告没有写…" or to another place's project, and when `accept` (the answer layer's
own check, that the answer quotes a figure) agrees.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable

from minsheng.index.indexing.chunk import Chunk, field_text
from minsheng.index.kinds import Field
from minsheng.index.script import to_simplified
from minsheng.index.search.results import SearchResult
from minsheng.index.vocabulary import (
    EXAMPLE_QUESTION,
    NOT_A_NAME_START,
    PROJECT_ACTION,
    PROJECT_NOUNS,
    SECTION_HEADING,
    WORK_SUFFIX,
)

_DIGIT = re.compile(r"\d")
# A project name short enough to ask with, cut at the first punctuation; names holding figures read badly.
_NAME_END = re.compile(r"[,，;；。:：(（、]")
_LONGEST_NAME = 12
_QUOTES = re.compile("[“”\"'《》「」]")
# Candidates tried per place, and in all: each is one search.
_TRIES_PER_PLACE = 6
_TRIES = 40


def example_questions(places: Iterable[tuple[str, list[Chunk]]], search: Callable[[str, int], SearchResult],
                      wanted: int = 3, accept: Callable[[SearchResult], bool] | None = None) -> tuple[str, ...]:
    """Up to `wanted` questions, each about another place, that the index answers with a figure; places (each
    with its records' first chunks) are read only as far as needed."""
    found: list[str] = []
    tries = 0
    for place, chunks in places:
        # Names that end as a project's name does ("…改造工程") read as questions people ask: those first.
        candidates = sorted((c for c in chunks if _askable(c)),
                            key=lambda c: not project_name(c).endswith(PROJECT_NOUNS))
        for chunk in candidates[:_TRIES_PER_PLACE]:
            if tries >= _TRIES:
                return tuple(found)
            tries += 1
            question = EXAMPLE_QUESTION.format(place=place, name=project_name(chunk))
            result = search(question, 3)
            best = result.hits[0].chunk if result.hits and not result.abstained else None
            if best is not None and (best.source, best.record) == (chunk.source, chunk.record) and (
                    accept is None or accept(result)):
                found.append(question)
                break
        if len(found) == wanted:
            break
    return tuple(found)


def _askable(chunk: Chunk) -> bool:
    return bool(project_name(chunk)) and bool(_DIGIT.search(field_text(chunk.search_text, Field.PROGRESS)))


def project_name(chunk: Chunk) -> str:
    """A short name to ask about a project by: its section when that names it, else the start of its task; ""
    when neither gives a short name without figures."""
    # The Simplified text: examples are shown in Simplified (and converted for a question in Traditional).
    name = to_simplified(chunk.section.split(" · ")[-1]) if chunk.section else ""
    if not name or SECTION_HEADING.match(name):
        name = field_text(chunk.search_text, Field.TASK)
    name = _QUOTES.sub("", _NAME_END.split(name.strip(), maxsplit=1)[0]).strip()
    name = PROJECT_ACTION.sub("", name)
    name = name.removesuffix(WORK_SUFFIX)
    readable = 2 <= len(name) <= _LONGEST_NAME and not _DIGIT.search(name) and not name.startswith(NOT_A_NAME_START)
    return name if readable else ""
