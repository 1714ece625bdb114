"""End to end: reports sent to `minsheng serve` (a real process) through the Bot API stand-in, and the people
following a place told what changed."""
from __future__ import annotations

import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from minsheng.bot.measure.hostile import many_paragraphs_docx
from tests.conftest import CORPUS, corpus_file
from tests.support.botapi import BotApiStandIn, Call
from tests.support.series import DAXING_Q2, later_copy
from tests.support.serving import serving

TOKEN = "123456:UPLOAD-test-token"
ADMIN = 4242
FOLLOWER, BLOCKER, ELSEWHERE, STRANGER = 31, 32, 33, 34
PAGE = ("<html><head><title>寿县2021年民生工程进展情况</title></head><body><nav>首页 | 新闻 | 政务公开</nav>"
        "<article><h1>寿县2021年民生工程进展情况</h1><p>截至9月底，寿县民生工程进展顺利。</p>"
        "<table><tr><th>序号</th><th>项目名称</th><th>进展情况</th></tr>"
        "<tr><td>1</td><td>农村道路畅通工程</td><td>已完成道路建设120公里，完成率100%</td></tr>"
        "<tr><td>2</td><td>城乡居民养老保险</td><td>已发放养老金3.2亿元，正在推进</td></tr></table>"
        "</article><footer>版权所有 寿县人民政府</footer></body></html>")


class _Site(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/report.html":
            body = PAGE.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silent
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class Bot:
    def __init__(self, api: BotApiStandIn, home: Path) -> None:
        self.api = api
        self.home = home

    def say(self, chat_id: int, text: str, user_id: int | None = None, count: int = 1) -> str:
        mark = self.api.mark()
        self.api.push_message(chat_id, text, user_id=user_id)
        return "\n".join(c.params["text"] for c in self.replies(chat_id, mark, count))

    def send_file(self, chat_id: int, data: bytes, name: str, user_id: int, count: int) -> tuple[str, list[Call], str]:
        """Upload a file; the bot's first `count` messages back (text), the calls, and the file id."""
        mark = self.api.mark()
        file_id = self.api.push_document(chat_id, data, name, user_id=user_id)["document"]["file_id"]
        calls = self.replies(chat_id, mark, count)
        return "\n".join(c.params["text"] for c in calls), calls, file_id

    def replies(self, chat_id: int, mark: int, count: int) -> list[Call]:
        calls, after = [], mark
        for _ in range(count):
            call = self.api.wait_for("sendMessage", lambda p: p["chat_id"] == chat_id, timeout=120, after=after)
            calls.append(call)
            after = call.index + 1
        return calls


def _telegram(home: Path) -> str:
    return f'admins = [{ADMIN}]\npoll_timeout = 1\nrate_limit = 100\nlog_file = "{home / "questions.log"}"\n'


@pytest.fixture(scope="module")
def home(indexed, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("uploads")
    shutil.copytree(CORPUS, home / "corpus")
    return home


@pytest.fixture(scope="module")
def bot(indexed, home: Path, site: str) -> Iterator[Bot]:  # type: ignore[no-untyped-def]
    more = '[fetch]\nallow_networks = ["127.0.0.1/32"]\ntimeout = 5\n'
    with serving(home, indexed.index_dir, _telegram(home), TOKEN, "getUpdates", home / "corpus", more) as (api, _):
        yield Bot(api, home)


def test_follow_commands_resolve_places_as_questions_do(bot: Bot) -> None:
    assert "已关注大兴区（北京市）" in bot.say(FOLLOWER, "/follow 大兴")
    assert "可能是朝阳区（北京市）、朝阳区（长春市）" in bot.say(FOLLOWER, "/follow 朝阳区")
    assert "正在关注：大兴区（北京市）" in bot.say(FOLLOWER, "/following")
    assert "已关注北京市" in bot.say(BLOCKER, "/follow 北京")
    said = bot.say(ELSEWHERE, "/follow 天津和平区")
    assert "已关注和平区（天津市）" in said and "第一份收录时会告诉你" in said


def test_an_admin_upload_is_indexed_described_and_followers_are_told_what_changed(bot: Bot) -> None:
    later = later_copy(corpus_file("大兴区").read_text("utf-8")).encode("utf-8")
    bot.api.block(BLOCKER)
    mark = bot.api.mark()
    text, calls, file_id = bot.send_file(ADMIN, later, DAXING_Q2, ADMIN, count=2)
    assert "正在检查和索引" in text and "已收录：" + DAXING_Q2 in text
    assert "地区：北京市 / 大兴区" in text and "时期：2024年二季度（4-6月）" in text and "项目：22项" in text
    assert "已开工19部 → 已开工26部" in text  # what changed, in the uploader's reply too
    assert bot.api.downloads() == [file_id]
    assert (bot.home / "corpus" / DAXING_Q2).read_bytes() == later
    buttons = calls[-1].params["reply_markup"]
    assert "删除这份报告" in str(buttons)
    # The follower of 大兴区 gets the change with the scorecard chart; 天津's follower nothing.
    photo = bot.api.wait_for("sendPhoto", lambda p: p["chat_id"] == FOLLOWER, timeout=60, after=mark)
    assert photo.params["photo"]["head"].startswith(b"\x89PNG")
    told = photo.params["caption"]
    assert "新报告：大兴区（2024年二季度）" in told and "上一期：2024年一季度" in told
    assert "已完成 0项 → 1项" in told and "已开工19部 → 已开工26部" in told
    # The chat that blocked the bot was tried once (403) and its follows are dropped.
    refused = bot.api.wait_for("sendPhoto", lambda p: p["chat_id"] == BLOCKER, timeout=60, after=mark)
    assert refused.status == 403
    bot.api.unblock(BLOCKER)
    deadline = time.monotonic() + 30  # the bot drops the chat after the refusal reaches it
    while "正在关注" in (following := bot.say(BLOCKER, "/following")) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "还没有关注任何地方" in following
    assert not bot.api.sent(ELSEWHERE)[1:]  # only its /follow reply
    # The same report again, under another name: named as already there; nothing is sent to followers.
    mark = bot.api.mark()
    again, _, _ = bot.send_file(ADMIN, later, "copy.txt", ADMIN, count=2)
    assert f"这份报告已经收录了，文件名是《{DAXING_Q2}》" in again
    assert not (bot.home / "corpus" / "copy.txt").exists()
    assert not [c for c in bot.api.calls[mark:] if c.method == "sendPhoto"]


def test_a_report_copied_into_the_folder_is_announced_once_after_reindex(bot: Bot) -> None:
    q1 = corpus_file("大兴区").read_text("utf-8")
    q3 = q1.replace("一季度", "三季度").replace("已开工19部", "已开工40部")
    (bot.home / "corpus" / "大兴区2024年重要民生实事项目三季度进展情况.txt").write_text(q3, "utf-8")
    mark = bot.api.mark()
    assert "新增 1" in bot.say(ADMIN, "/reindex", user_id=ADMIN, count=2)
    photo = bot.api.wait_for("sendPhoto", lambda p: p["chat_id"] == FOLLOWER, timeout=60, after=mark)
    assert "新报告：大兴区（2024年三季度）" in photo.params["caption"]
    assert "上一期：2024年二季度" in photo.params["caption"]  # the upload before it
    # Nothing changed: nothing is sent.
    mark = bot.api.mark()
    assert "新增 0" in bot.say(ADMIN, "/reindex", user_id=ADMIN, count=2)
    time.sleep(3)  # the notices are looked for every second
    assert not [c for c in bot.api.calls[mark:] if c.method == "sendPhoto"]


def test_a_forwarded_pdf_is_added_like_a_sent_one(bot: Bot) -> None:
    from tests.bot.test_arrivals import PDF

    mark = bot.api.mark()
    bot.api.push_document(ADMIN, PDF, "萧县10月.pdf", user_id=ADMIN, mime_type="application/pdf",
                          forward_from={"id": 777, "is_bot": False, "first_name": "县民生办"})
    text = "\n".join(c.params["text"] for c in bot.replies(ADMIN, mark, 2))
    assert "已收录：萧县10月.pdf" in text and "地区：安徽省 / 宿州市 / 萧县" in text, text
    assert (bot.home / "corpus" / "萧县10月.pdf").read_bytes() == PDF


def test_an_upload_from_anyone_else_is_refused_and_never_downloaded(bot: Bot) -> None:
    downloads = bot.api.downloads()
    text, _, _ = bot.send_file(STRANGER, b"some report", "报告.txt", STRANGER, count=1)
    assert "只有管理员可以添加报告" in text
    assert bot.api.downloads() == downloads


@pytest.mark.parametrize(("data", "name", "reason"), [
    (many_paragraphs_docx(1_500_000), "炸弹.docx", "max_part_mb"),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(2000), "报告.pdf", "not a PDF"),
    (b"0" * 40_000_000, "大报告.txt", "20 MB"),
])
def test_hostile_uploads_are_refused_with_a_reason(bot: Bot, data: bytes, name: str, reason: str) -> None:
    before = sorted(p.name for p in (bot.home / "corpus").iterdir())
    text, _, file_id = bot.send_file(ADMIN, data, name, ADMIN, count=2 if len(data) < 20_000_000 else 1)
    assert "没有收录" in text and reason in text, text
    assert sorted(p.name for p in (bot.home / "corpus").iterdir()) == before
    if len(data) > 20_000_000:
        assert file_id not in bot.api.downloads()  # refused by its size, before any download


def test_add_by_link_and_remove_again(bot: Bot, site: str) -> None:
    text = bot.say(ADMIN, f"/add {site}/report.html", user_id=ADMIN, count=2)
    assert "已收录：寿县2021年民生工程进展情况.txt" in text and "地区：安徽省 / 淮南市 / 寿县" in text
    saved = bot.home / "corpus" / "寿县2021年民生工程进展情况.txt"
    assert "农村道路畅通工程" in saved.read_text("utf-8")
    assert "404" in bot.say(ADMIN, f"/add {site}/missing.html", user_id=ADMIN, count=2)
    # The remove button under the reply deletes the report again (an admin's press only).
    reply = next(c for c in reversed(bot.api.calls) if c.method == "sendMessage"
                 and "已收录：寿县" in c.params.get("text", ""))
    message = bot.api.message_of(reply)
    data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    mark = bot.api.mark()
    bot.api.push_callback(ADMIN, ADMIN, message, data)
    done = bot.replies(ADMIN, mark, 1)[0].params["text"]
    assert "已删除《寿县2021年民生工程进展情况.txt》" in done and not saved.exists()


def test_follows_are_kept_on_disk_for_the_next_process(indexed, home: Path, bot: Bot) -> None:  # type: ignore[no-untyped-def]
    # A new bot process on the same index directory reads the follows the first one was given.
    with serving(home, indexed.index_dir, _telegram(home), TOKEN, "getUpdates", home / "corpus") as (api, _):
        again = Bot(api, home)
        assert "正在关注：大兴区（北京市）" in again.say(FOLLOWER, "/following")
