"""Random text at every door: `ask`, `chat` and the bot's answers get emoji, control characters, right-to-left
marks, lone surrogates, 10,000-character strings, HTML and Markdown. Never a traceback: always a reply (valid
Telegram HTML under the message limit) or a clear refusal."""
from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.bot import engine
from minsheng.bot.answer.responder import Responder
from minsheng.bot.cli import ask_command, chat_command
from minsheng.bot.engine import LiveRetriever
from minsheng.bot.messages import TELEGRAM_LIMIT, split_html
from minsheng.bot.telegram import BotService
from tests.support.botapi import parse_html

NASTY = list("大兴区密云青岛养老进展多少完成了吗？！，。<>&\"'*_`[]()#|\\/ \n\t\r\x00\x07\x1b\x7f\u200b\u200f\u202e\ufeff"
             "😀🇨🇳👨‍👩‍👧區(qū)") + ["<b>", "</i>", "&amp;", "&#0;", "**", "[x](http://x)", "```", "\ud800", "\udfff"]
QUESTIONS = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(categories=["Cs", "Cc", "Cf", "So", "Lo", "Zs"]), max_size=200),
    st.lists(st.sampled_from(NASTY), max_size=80).map("".join),
    st.builds(lambda part, n: part * n, st.sampled_from(["区", "a", "😀", "<b>", "进展 "]), st.integers(1000, 10_000)),
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])


@pytest.fixture(scope="module")
def loaded(retriever, indexed):  # type: ignore[no-untyped-def]
    """The CLI's and the bot's wiring, loaded once: `ask` and `chat` reuse the loaded index instead of reopening it."""
    patch = pytest.MonkeyPatch()
    patch.setattr(engine, "open_retriever", lambda settings, fresh=False: retriever)
    patch.setattr(engine, "open_searcher", lambda settings, fresh=False: retriever.searcher)
    patch.setattr(LiveRetriever, "poll", lambda self, interval=1.0: None)
    yield indexed
    patch.undo()


@FUZZ
@given(question=QUESTIONS)
def test_ask_always_answers_or_refuses(loaded, question: str) -> None:  # type: ignore[no-untyped-def]
    for as_json in (False, True):
        out = io.StringIO()
        code = ask_command(loaded, question, None, as_json, io.StringIO(), out)
        if not question.strip() or question == "-" or len(question.strip()) > loaded.search.max_question_chars:
            # The empty question, "-" with nothing on standard input, and one past the length limit are refused
            # with a message on standard error.
            assert code == 2 and out.getvalue() == ""
            continue
        assert code == 0 and out.getvalue().strip()
        if as_json:
            reply = json.loads(out.getvalue())
            assert reply["question"] == question and reply["answer"]


@FUZZ
@given(lines=st.lists(QUESTIONS, min_size=1, max_size=4))
def test_chat_always_answers_or_refuses(loaded, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    turns = [line.replace("\n", " ").replace("\r", " ") for line in lines]
    out = io.StringIO()
    assert chat_command(loaded, io.StringIO("".join(t + "\n" for t in turns)), out) == 0
    asked = [t for t in turns if t.strip()]
    if asked and asked[0].strip() not in ("退出", "exit", "quit", "q", "再见"):
        assert out.getvalue().strip()


@pytest.fixture(scope="module")
def service(loaded):  # type: ignore[no-untyped-def]
    return BotService(loaded, LiveRetriever(loaded), Responder(), lambda: None)  # type: ignore[arg-type,return-value]


@FUZZ
@given(question=QUESTIONS)
def test_the_bot_always_sends_valid_telegram_html(service, question: str) -> None:  # type: ignore[no-untyped-def]
    reply = service.ask(77, question)
    texts = [reply.html]
    if reply.key is not None:
        texts += [service.more(reply.key, 77) or "", service.full(reply.key, 77) or ""]
    for text in texts:
        pieces = split_html(text)
        assert pieces and all(len(p) <= TELEGRAM_LIMIT for p in pieces)
        for piece in pieces:
            visible, _ = parse_html(piece)  # raises if Telegram would refuse it
            assert visible.strip()
