"""The Responder: extractive by default; the LLM's wording only when its figures are in the cited records."""
from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from minsheng.bot.answer.llm import LLMComposer, load_prompts
from minsheng.bot.answer.responder import Responder, make_responder
from tests.conftest import ROOT


class Replying(BaseChatModel):
    """A chat model that answers with a fixed text and counts its calls."""

    reply: str = ""
    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return "replying"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        self.calls += 1
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply))])


def responder(reply: str) -> tuple[Responder, Replying]:
    model = Replying(reply=reply)
    return Responder(LLMComposer(model, load_prompts(ROOT / "prompts"), 3000, 5.0)), model


def test_default_settings_answer_extractively(indexed) -> None:  # type: ignore[no-untyped-def]
    assert make_responder(indexed, None).composer is None


def test_llm_reply_with_record_figures_is_used_and_keeps_caveats(retriever) -> None:  # type: ignore[no-untyped-def]
    question = "青岛市崂山区口袋公园建了多少个"
    result = retriever.search(question)
    bot, model = responder("青岛市已开工46个口袋公园，其中25个已完工[1]。")
    answer = bot.answer(question, result)
    assert answer.composer == "llm" and model.calls == 1
    assert answer.text.splitlines() == ["（没有收录崂山区（青岛市）的报告，以下是青岛市的内容。）", "青岛市已开工46个口袋公园，其中25个已完工[1]。"]
    assert answer.citations[0].chunk_id == result.hits[0].chunk.id


def test_llm_reply_with_an_invented_figure_falls_back(retriever) -> None:  # type: ignore[no-untyped-def]
    question = "青岛口袋公园建了多少个"
    result = retriever.search(question)
    bot, _ = responder("青岛市已开工48个口袋公园[1]。")
    answer = bot.answer(question, result)
    assert answer.composer == "extractive" and "46个口袋公园已开工" in answer.text
    assert answer.notes == ("llm fallback: number 48 not in the cited records",)


def test_llm_reply_follows_a_traditional_question(retriever) -> None:  # type: ignore[no-untyped-def]
    question = "青島口袋公園建了多少個"
    bot, _ = responder("青岛市已开工46个口袋公园[1]。")
    answer = bot.answer(question, retriever.search(question))
    assert answer.composer == "llm" and answer.text == "青島市已開工46個口袋公園[1]。" and answer.traditional


def test_abstentions_never_reach_the_model(retriever) -> None:  # type: ignore[no-untyped-def]
    bot, model = responder("编造的回答[1]。")
    answer = bot.answer("帮我订一张去上海的机票", retriever.search("帮我订一张去上海的机票"))
    assert answer.abstained and model.calls == 0
