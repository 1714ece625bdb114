"""End to end: `minsheng serve` as a real process against a Bot API stand-in on 127.0.0.1 (tests/support/botapi.py)."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import SHIPPED
from tests.support.botapi import BotApiStandIn, Call
from tests.support.serving import serving

TOKEN = "123456:SERVE-test-token"
ADMIN = 1001
RATE_LIMIT = 5


class Bot:
    """The running bot process and the stand-in it talks to."""

    def __init__(self, api: BotApiStandIn, log_file: Path, stderr: Path) -> None:
        self.api = api
        self.log_file = log_file
        self.stderr = stderr

    def say(self, chat_id: int, text: str, **kwargs: object) -> list[Call]:
        """Send a message and return what the bot sent back to that chat, waiting for its reply."""
        mark = self.api.mark()
        self.api.push_message(chat_id, text, **kwargs)  # type: ignore[arg-type]
        return self.replies(chat_id, mark)

    def replies(self, chat_id: int, mark: int, count: int = 1) -> list[Call]:
        """The first `count` sendMessage calls to chat_id after mark (waiting for them)."""
        calls: list[Call] = []
        after = mark
        for _ in range(count):
            call = self.api.wait_for("sendMessage", lambda p: p["chat_id"] == chat_id, timeout=60, after=after)
            calls.append(call)
            after = call.index + 1
        return calls


@pytest.fixture(scope="module")
def bot(indexed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("serve")
    log_file = home / "logs" / "questions.log"
    telegram = (f'admins = [{ADMIN}]\nrate_limit = {RATE_LIMIT}\nrate_window = 600\npoll_timeout = 1\n'
                f'log_file = "{log_file}"\n')
    with serving(home, indexed.index_dir, telegram, TOKEN, "getUpdates") as (api, stderr):
        yield Bot(api, log_file, stderr)


def only_text(calls: list[Call]) -> str:
    return "\n".join(c.params["text"] for c in calls)


def test_commands_are_registered_at_start(bot: Bot) -> None:
    commands = bot.api.wait_for("setMyCommands").params["commands"]
    assert [c["command"] for c in commands] == ["start", "help", "ask", "regions", "reports", "summary", "follow",
                                                "following", "unfollow", "stats", "reindex", "add"]


def test_start_help_and_regions(bot: Bot) -> None:
    start = only_text(bot.say(11, "/start"))
    assert "民生实事问答" in start and f"目前收录 {SHIPPED} 份报告" in start and "例如：" in start
    assert "/summary 地区" in start
    assert "北京市：大兴区（2024年一季度）" in start and "城关区（兰州市，2025年）" in start
    help_text = only_text(bot.say(11, "/help"))
    assert "怎么问" in help_text and "/summary 地区" in help_text
    regions = only_text(bot.say(11, "/regions"))
    assert "· 大兴区（北京市）：2024年一季度（1份报告）" in regions and "收录的地区</b>（20个）" in regions
    assert "· 城关区（兰州市）：2025年（1份报告）" in regions and "<b>甘肃省</b>" in regions
    assert f"收录的报告</b>（{SHIPPED}份）" in only_text(bot.say(11, "/reports"))
    assert "使用统计" in only_text(bot.say(11, "/stats"))


def test_summary_sends_the_chart_as_a_photo_with_the_scorecard(bot: Bot) -> None:
    mark = bot.api.mark()
    bot.api.push_message(15, "/summary 寿县")
    photo = bot.api.wait_for("sendPhoto", lambda p: p["chat_id"] == 15, timeout=60, after=mark)
    assert photo.ok and photo.params["photo"]["data"].startswith(b"\x89PNG")
    assert photo.params["parse_mode"] == "HTML"
    caption = photo.result["caption"]
    assert caption.startswith("寿县（2020年9月）") and "滞后或未启动：乡镇污水处理设施建设" in caption
    assert bot.api.wait_for("sendChatAction", lambda p: p["chat_id"] == 15, after=mark).params["action"] == \
        "upload_photo"
    assert "没有成都市的内容" in only_text(bot.say(15, "/summary 成都市"))
    # /summary alone: a button per covered place; pressing one sends that place's chart.
    (pick,) = bot.say(15, "/summary")
    assert pick.params["text"].startswith("要看哪个地区的民生实事完成情况？")
    places = [b for row in pick.params["reply_markup"]["inline_keyboard"] for b in row]
    assert len(places) == 20 and {"大兴区", "萧县", "城关区"} <= {b["text"] for b in places}
    assert all(len(b["callback_data"].encode()) <= 64 for b in places)
    mark = bot.api.mark()
    bot.api.push_callback(15, 15, bot.api.message_of(pick), next(b for b in places if b["text"] == "萧县")["callback_data"])
    chosen = bot.api.wait_for("sendPhoto", lambda p: p["chat_id"] == 15, timeout=60, after=mark)
    assert chosen.result["caption"].startswith("萧县（2025年9月）")


def test_a_question_is_answered_with_typing_html_and_buttons(bot: Bot) -> None:
    mark = bot.api.mark()
    (reply,) = bot.say(12, "青岛口袋公园建了多少个")
    assert bot.api.wait_for("sendChatAction", lambda p: p["chat_id"] == 12, after=mark).params["action"] == "typing"
    text = reply.params["text"]
    assert text.startswith("青岛市（2022年上半年）：46个口袋公园已开工,其中25个已完工;")
    assert reply.params["parse_mode"] == "HTML" and "<b>来源</b>" in text
    buttons = [b for row in reply.params["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == ["更多结果", "完整原文"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)


def test_an_abstention_says_what_is_covered_and_has_no_buttons(bot: Bot) -> None:
    (reply,) = bot.say(13, "帮我写一首关于秋天的歌词")
    assert "我能回答" in reply.params["text"] and "共收录" in reply.params["text"]
    assert "reply_markup" not in reply.params


def test_follow_up_in_the_same_chat(bot: Bot) -> None:
    assert "专班" in only_text(bot.say(14, "大兴区公交线路调整得怎么样了"))
    follow = only_text(bot.say(14, "那密云区呢？"))
    assert follow.startswith("密云区（2022年三季度）：") and "公交线路16条" in follow


def test_one_chats_updates_keep_their_order_while_another_chat_is_answered(bot: Bot) -> None:
    """Three messages of one chat sent at once are answered in order, each with the context of the one before; a
    message of another chat sent with them is answered in between, not after all three."""
    mark = bot.api.mark()
    for text in ("大兴区停车位建设进展", "那密云区呢？", "完成了吗？"):
        bot.api.push_message(31, text)
    bot.api.push_message(32, "青岛口袋公园建了多少个")
    first, second, third = bot.replies(31, mark, count=3)
    (other,) = bot.replies(32, mark)
    assert first.params["text"].startswith("大兴区（2024年一季度）：已利用人防工程新增停车位200个")
    assert second.params["text"].startswith("密云区（2022年三季度）：") and "停车位601个" in second.params["text"]
    assert third.params["text"].startswith("已完成。\n密云区（2022年三季度）：") and "停车位601个" in third.params["text"]
    assert other.params["text"].startswith("青岛市（2022年上半年）：46个口袋公园已开工")
    assert other.index < third.index


def test_strange_messages_get_a_reply_telegram_accepts(bot: Bot) -> None:
    """HTML, Markdown, emoji, right-to-left marks, control characters and over-long text: each gets a reply (an
    answer, an introduction, or a refusal that says why), and every reply is HTML Telegram accepts."""
    texts = ["<b>大兴区</b> & <script>养老", "😀" * 50, "\u202e区兴大 养老\u200f", "**青岛**的[公园](http://x)", "区" * 3000,
             "hello there", "你好", "\x07\x1b大兴区\x7f停车位"]
    for chat, text in enumerate(texts, start=40):
        (reply,) = bot.say(chat, text)
        assert reply.params["text"].strip()
    assert not [error for error in bot.api.errors if error[0] == "sendMessage"]


def test_buttons_send_more_results_and_the_full_record(bot: Bot) -> None:
    (answer,) = bot.say(25, "济宁高新区明厨亮灶工程进展")
    message = bot.api.message_of(answer)
    more_data, full_data = [b["callback_data"] for row in answer.params["reply_markup"]["inline_keyboard"]
                            for b in row]
    mark = bot.api.mark()
    query_id = bot.api.push_callback(25, 25, message, more_data)
    (more,) = bot.replies(25, mark)
    assert more.params["text"].startswith("其他相关记录：")
    assert bot.api.wait_for("answerCallbackQuery", lambda p: p["callback_query_id"] == query_id, after=mark).ok
    mark = bot.api.mark()
    bot.api.push_callback(25, 25, message, full_data)
    (full,) = bot.replies(25, mark)
    assert "下步计划: 完成二期学校明厨亮灶改造" in full.params["text"] and full.params["text"].startswith("<b>济宁高新区")


def test_html_special_characters_in_a_question(bot: Bot) -> None:
    before = len(bot.api.errors)
    (reply,) = bot.say(16, "<b>大兴区</b> & 养老服务 <script>alert(1)</script> 进展？")
    assert reply.ok and "<script>" not in reply.params["text"]
    assert bot.api.errors[before:] == []


def test_an_over_long_message_gets_a_short_explanation(bot: Bot) -> None:
    (reply,) = bot.say(17, "大兴区养老服务进展" * 150)
    assert reply.params["text"].startswith("问题太长了（1350字）")


def test_a_flood_is_rate_limited_with_one_notice(bot: Bot) -> None:
    """Questions, commands and buttons count alike; past the limit the user is told once, not once per message."""
    mark = bot.api.mark()
    for n in range(RATE_LIMIT + 20):
        bot.api.push_message(18, f"大兴区养老服务进展{n}" if n % 3 else "/regions")
    texts = [c.params["text"] for c in bot.replies(18, mark, count=RATE_LIMIT + 1)]
    bot.api.wait_consumed()
    time.sleep(1.0)  # anything more the bot would send for the flood comes in this time
    sent = [c for c in bot.api.calls[mark:] if c.method == "sendMessage" and c.params["chat_id"] == 18]
    assert len(sent) == RATE_LIMIT + 1
    assert [t for t in texts if t.startswith("提问有点频繁")] == [texts[-1]]


def test_reindex_is_for_admins_only(bot: Bot) -> None:
    assert only_text(bot.say(19, "/reindex")) == "只有管理员可以重新索引。"
    mark = bot.api.mark()
    bot.api.push_message(ADMIN, "/reindex")
    started, done = bot.replies(ADMIN, mark, count=2)
    assert started.params["text"] == "开始重新索引…"
    assert done.params["text"].startswith("重新索引完成") and f"未变 {SHIPPED}" in done.params["text"]
    # Still answering from the reloaded index.
    assert "46个口袋公园" in only_text(bot.say(ADMIN, "青岛口袋公园建了多少个"))


def test_groups_answer_only_ask_and_mentions(bot: Bot) -> None:
    group = -5001
    mark = bot.api.mark()
    bot.api.push_message(group, "今天开会吗", chat_type="group", user_id=31)
    bot.api.wait_consumed()
    mention = only_text(bot.say(group, "@minsheng_test_bot 青岛口袋公园建了多少个", chat_type="group", user_id=32))
    assert "46个口袋公园" in mention
    ask = only_text(bot.say(group, "/ask@minsheng_test_bot 济宁高新区明厨亮灶工程进展", chat_type="group", user_id=33))
    assert "明厨亮灶" in ask
    answered = [c for c in bot.api.calls[mark:] if c.method == "sendMessage" and c.params["chat_id"] == group]
    assert len(answered) == 2  # nothing for the message that did not mention the bot


def test_question_log_has_no_token_and_no_stand_in_errors(bot: Bot) -> None:
    bot.say(20, "密云区操场改造完成了吗")
    lines = bot.log_file.read_text("utf-8").splitlines()
    assert any("chat=20 latency=" in line and "abstained=False" in line for line in lines)
    assert TOKEN not in bot.log_file.read_text("utf-8") and TOKEN not in bot.stderr.read_text("utf-8")
    assert bot.api.errors == []
