"""Helpers of the answer tests: a question asked of a retriever and composed, and an answer's first line."""
from __future__ import annotations

from minsheng.bot.answer.extractive import compose
from minsheng.bot.answer.types import Answer


def ask(retriever, question: str, k: int = 5) -> Answer:  # type: ignore[no-untyped-def]
    """The extractive answer to a question over a retriever's index."""
    return compose(retriever.search(question, k))


def first_line(answer: Answer) -> str:
    """The answer's first line."""
    return answer.text.splitlines()[0]
