"""BotService and the pieces of bot/telegram.py that need no Telegram: answers, buttons, re-index."""
from __future__ import annotations

import re
from dataclasses import replace

from minsheng.bot import texts
from minsheng.bot.answer.responder import Responder
from minsheng.bot.engine import LiveRetriever, run_index
from minsheng.bot.telegram import BotService, api_urls, photo_caption, reindex_text
from tests.conftest import SHIPPED


def service(settings) -> BotService:  # type: ignore[no-untyped-def]
    return BotService(settings, LiveRetriever(settings), Responder(), lambda: run_index(settings, progress=None))


def test_answer_is_html_with_a_button_key_and_follow_ups_per_chat(indexed) -> None:  # type: ignore[no-untyped-def]
    bot = service(indexed)
    first = bot.ask(1, "大兴区公交线路调整得怎么样了")
    assert first.key and not first.abstained and "<b>来源</b>" in first.html and "专班" in first.html
    assert "公交线路16条" in bot.ask(1, "那密云区呢？").html
    other = bot.ask(2, "那密云区呢？")  # another chat has no previous question: the district's overview
    assert other.html.startswith("密云区各项目的进展") and "公交线路16条" not in other.html.split("\n")[2]
    assert bot.stats.questions == 3 and bot.stats.abstained == 0


def test_html_special_characters_in_questions_are_escaped(indexed) -> None:  # type: ignore[no-untyped-def]
    reply = service(indexed).ask(3, "<b>大兴区</b> & 养老服务 <script>")
    assert "<script>" not in reply.html
    assert set(re.findall(r"</?([a-z]+)", reply.html)) <= {"b", "i"}


def test_more_and_full_buttons(indexed) -> None:  # type: ignore[no-untyped-def]
    bot = service(indexed)
    reply = bot.ask(4, "济宁高新区明厨亮灶工程进展")
    more = bot.more(reply.key or "", 4)
    assert more is not None and more.startswith("其他相关记录：")
    full = bot.full(reply.key or "", 4)
    assert full is not None and "任务: " in full and "下步计划: 完成二期学校明厨亮灶改造" in full
    assert full.startswith("<b>济宁高新区 · ")
    assert bot.more("zzz", 4) is None and bot.full("zzz", 4) is None
    # A button's key pressed in another chat (a forwarded answer, a guessed key) shows nothing of this chat's.
    assert bot.more(reply.key or "", 5) is None and bot.full(reply.key or "", 5) is None


def test_abstention_has_no_buttons(indexed) -> None:  # type: ignore[no-untyped-def]
    reply = service(indexed).ask(5, "帮我写一首诗")
    assert reply.abstained and reply.key is None and "共收录" in reply.html


def test_reset_words_start_a_new_topic(indexed) -> None:  # type: ignore[no-untyped-def]
    bot = service(indexed)
    bot.ask(6, "济宁高新区明厨亮灶工程进展")
    assert bot.ask(6, "新话题").html == "好的，换个话题。"
    assert bot.ask(6, "下个月呢？").abstained


def test_reindex_reloads_and_reports(indexed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    calls = []

    def fake_reindex():  # type: ignore[no-untyped-def]
        calls.append(1)
        return run_index(indexed, progress=None)

    bot = BotService(indexed, LiveRetriever(indexed), Responder(), fake_reindex)
    report = bot.reindex()
    assert calls == [1] and report is not None and report.unchanged == SHIPPED
    text = reindex_text(report)
    assert text.startswith("重新索引完成") and f"未变 {SHIPPED}" in text
    assert reindex_text(None) == "已经在重新索引了，请稍候。"


def test_api_urls_accept_the_base_with_or_without_bot() -> None:
    assert api_urls("http://127.0.0.1:8081") == ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot")
    assert api_urls("http://127.0.0.1:8081/bot/") == ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot")
    assert api_urls(None) == (None, None) and api_urls("") == (None, None)


def test_webhook_mode_needs_a_url_and_a_token_is_required(indexed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from minsheng.bot.settings import TelegramSettings
    from minsheng.bot.telegram import run_bot
    from minsheng.index.errors import MinshengError

    settings = replace(indexed, telegram=TelegramSettings(mode="webhook", log_file=tmp_path / "q.log"))
    bot = BotService(settings, LiveRetriever(settings), Responder(), lambda: run_index(settings, progress=None))
    with pytest.raises(MinshengError, match="TELEGRAM_BOT_TOKEN"):
        run_bot(bot, "", None)
    with pytest.raises(MinshengError, match="needs webhook_url"):
        run_bot(bot, "123:abc", None)


def test_a_long_scorecard_is_sent_after_its_picture() -> None:
    short = "<b>寿县（2020年9月）</b>\n滞后（5项）"
    assert photo_caption(short, "寿县（2020年9月）") == (short, "")
    long = "<b>密云区（2022年三季度）</b>\n" + "第1项 &lt;操场&gt;；" * 120
    assert photo_caption(long, "密云区（2022年三季度）") == ("密云区（2022年三季度）", long)


def test_more_results_is_offered_only_when_there_are_more(indexed) -> None:  # type: ignore[no-untyped-def]
    """A place's scorecard quotes every record it found: no "更多结果"; a project's answer leaves others."""
    bot = service(indexed)
    whole = bot.ask(7, "寿县的民生实事总体进展怎么样")
    assert whole.key and not whole.more and bot.more(whole.key, 7) == "没有更多相关记录了。"
    one = bot.ask(8, "济宁高新区明厨亮灶工程进展")
    assert one.more and (bot.more(one.key or "", 8) or "").startswith("其他相关记录：")


def test_the_full_record_is_shown_once_without_page_furniture(indexed) -> None:  # type: ignore[no-untyped-def]
    """完整原文: a record two quoted passages belong to is shown once; bylines and share buttons are left out."""
    bot = service(indexed)
    reply = bot.ask(9, "怀柔区背街小巷整治完成得怎么样了")
    full = bot.full(reply.key or "", 9) or ""
    assert full.count("整治提升背街小巷15条") == 1 and "责任编辑" not in full



class _Query:
    """A pressed button: what the bot answered under it."""

    def __init__(self, data: str) -> None:
        self.data = data
        self.answers: list[str | None] = []

    async def answer(self, text: str | None = None, show_alert: bool = False) -> None:
        self.answers.append(text)


class _Update:
    """Just enough of a python-telegram-bot Update for the handlers' admission: a chat, a user, a button."""

    def __init__(self, chat_id: int, data: str) -> None:
        self.effective_chat = type("Chat", (), {"id": chat_id, "type": "private"})()
        self.effective_user = type("User", (), {"id": chat_id})()
        self.effective_message = None
        self.callback_query = _Query(data)


def test_buttons_go_through_the_allowlist_and_the_rate_limit(indexed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A button pressed in a chat off the allowlist is refused (told once), and presses past the rate limit are
    answered with one notice, the rest silently: no message is sent for any of them."""
    import asyncio

    from minsheng.bot.settings import TelegramSettings
    from minsheng.bot.telegram import TelegramHandlers

    config = TelegramSettings(allowed_chats=(1,), rate_limit=2, rate_window=600, log_file=tmp_path / "q.log")
    handlers = TelegramHandlers(service(replace(indexed, telegram=config)))
    outsider = [_Update(99, "f:1") for _ in range(3)]
    for update in outsider:
        asyncio.run(handlers.button(update, None))  # type: ignore[arg-type]
    assert [u.callback_query.answers for u in outsider] == [[texts.CHAT_NOT_ALLOWED], [None], [None]]
    presses = [_Update(1, "f:zzz") for _ in range(6)]
    for update in presses:
        asyncio.run(handlers.button(update, None))  # type: ignore[arg-type]
    answers = [u.callback_query.answers[0] for u in presses]
    assert answers[:2] == [texts.BUTTON_EXPIRED] * 2  # within the limit: answered (this key is no answer's)
    assert answers[2] == texts.RATE_LIMITED.format(seconds=600) and answers[3:] == [None, None, None]
