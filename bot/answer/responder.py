"""Search result → the Answer shown: the extractive answer, worded by the optional LLM composer when one is set."""
from __future__ import annotations

from typing import TYPE_CHECKING

from minsheng.bot.answer.caveats import note_lines
from minsheng.bot.answer.extractive import COMPOSERS, compose, in_script
from minsheng.bot.answer.types import Answer
from minsheng.bot.settings import Settings
from minsheng.index.search import SearchResult

if TYPE_CHECKING:
    from minsheng.bot.answer.llm import LLMComposer


class Responder:
    """Search result → Answer: the extractive answer, worded by the optional LLM composer when one is set."""

    def __init__(self, composer: "LLMComposer | None" = None) -> None:
        self.composer = composer

    def answer(self, question: str, result: SearchResult) -> Answer:
        """The answer shown to the user; the LLM's only when its every figure is found in the records it cites."""
        extractive = compose(result)
        # A report's own period is read from its title, and counts, status lists and comparisons are made from
        # whole reports: none of them is worded by a model, which sees only the records cited.
        if self.composer is None or extractive.abstained or not COMPOSERS[result.query.kind].worded:
            return extractive
        worded = self.composer.compose(question, result.hits, extractive)
        if worded.composer != "llm":
            return worded
        # The caveats (a place or period not held) are the bot's, not the model's, so they stay.
        text = "\n".join([*note_lines(result), worded.text])
        return in_script(result.query, Answer(text, worded.citations, False, worded.composer, worded.notes))


def make_responder(settings: Settings, api_key: str | None) -> Responder:
    """The responder the settings ask for; the API key is read from the environment by the caller."""
    from minsheng.bot.answer.llm import make_composer

    return Responder(make_composer(settings.llm, api_key))
