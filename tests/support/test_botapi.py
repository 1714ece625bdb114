"""The Bot API stand-in of tests/support/botapi.py, exercised through a real python-telegram-bot client (no network)."""
from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Iterator

import httpx
import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, EndPointNotFound, Forbidden, InvalidToken
from telegram.request import HTTPXRequest

from tests.support.botapi import MAX_DOWNLOAD, BotApiStandIn, HtmlParseError, parse_html

TOKEN = "123456:TEST-token"
CHAT = 1001


@pytest.fixture
def standin() -> Iterator[BotApiStandIn]:
    with BotApiStandIn(TOKEN) as server:
        yield server


def with_bot(standin: BotApiStandIn, action: Any, token: str = TOKEN, request: HTTPXRequest | None = None) -> Any:
    """Run ``await action(bot)`` with a real telegram.Bot pointed at the stand-in (API and file URLs)."""
    async def main() -> Any:
        bot = Bot(token, base_url=standin.base_url, base_file_url=standin.base_file_url, request=request)
        await bot.initialize()
        try:
            return await action(bot)
        finally:
            await bot.shutdown()
    return asyncio.run(main())


def test_get_me_returns_the_bot_user(standin: BotApiStandIn) -> None:
    me = with_bot(standin, lambda bot: bot.get_me())
    assert me.id == 123456 and me.is_bot and me.username == "minsheng_test_bot"
    assert standin.base_url == f"http://127.0.0.1:{standin.port}/bot"
    assert [call.method for call in standin.calls] == ["getMe", "getMe"]  # initialize() and ours
    assert standin.errors == []


def test_valid_html_is_sent_recorded_and_parsed(standin: BotApiStandIn) -> None:
    html = ('<b>粗体</b> &lt;x&gt; &amp; &quot;q&quot; &#39;&#x27; <a href="https://e.com/?a=1&b=2">链接</a>\n'
            '<pre><code class="language-python">print(1)</code></pre> <span class="tg-spoiler">s</span> '
            "<blockquote expandable>引用</blockquote>")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("更多结果", callback_data="more:1")]])
    message = with_bot(standin, lambda bot: bot.send_message(CHAT, html, parse_mode="HTML", reply_markup=markup))
    assert message.text.startswith("粗体 <x> & \"q\" '' 链接\nprint(1) s 引用")
    kinds = [(e.type, e.offset, e.length) for e in message.entities]
    assert kinds[0] == ("bold", 0, 2)
    assert ("text_link", 16, 2) in kinds and message.entities[1].url == "https://e.com/?a=1&b=2"
    assert any(e.type == "pre" and e.language == "python" for e in message.entities)
    assert {"spoiler", "expandable_blockquote"} <= {e.type for e in message.entities}
    assert message.reply_markup == markup and message.from_user.username == "minsheng_test_bot"
    sent = standin.sent(CHAT)
    assert len(sent) == 1 and sent[0]["text"] == html and sent[0]["parse_mode"] == "HTML"
    assert sent[0]["chat_id"] == CHAT  # numbers decoded from their JSON strings
    assert sent[0]["reply_markup"] == {"inline_keyboard": [[{"text": "更多结果", "callback_data": "more:1"}]]}
    call = standin.wait_for("sendMessage", timeout=1)
    assert standin.message_of(call)["message_id"] == message.message_id == 1
    assert standin.errors == []


@pytest.mark.parametrize("html, reason", [
    ("a < b", 'Unsupported start tag "" at byte offset 2'),
    ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
    ("&foo", 'Unescaped "&"'),
    ("a > b", 'Unescaped ">"'),
    ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("<b><i>x</b></i>", "Unmatched end tag"),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("<br>", 'Unsupported start tag "br"'),
    ("<p>段落</p>", 'Unsupported start tag "p"'),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
    ("第一 <b", "Unclosed start tag at byte offset 7"),
])
def test_invalid_html_is_refused_like_telegram(standin: BotApiStandIn, html: str, reason: str) -> None:
    with pytest.raises(BadRequest) as refused:
        with_bot(standin, lambda bot: bot.send_message(CHAT, html, parse_mode="HTML"))
    # PTB drops "Bad Request: " and str.capitalize()s the rest (lower-casing it); errors keeps the original
    assert refused.value.message.startswith("Can't parse entities: ")
    assert len(standin.errors) == 1 and standin.errors[0][0] == "sendMessage"
    assert standin.errors[0][1].startswith("Bad Request: can't parse entities: ") and reason in standin.errors[0][1]
    assert standin.sent() == []


def test_lenient_mode_accepts_what_telegram_accepts() -> None:
    assert parse_html("Tom & Jerry > 1 &amp", strict=False) == ("Tom & Jerry > 1 &", [])
    with pytest.raises(HtmlParseError):
        parse_html("Tom & Jerry")
    with pytest.raises(HtmlParseError, match="Unsupported start tag"):
        parse_html("1 < 2", strict=False)
    # offsets are UTF-16 code units, as in Telegram: the emoji counts 2
    assert parse_html("😀<b>x</b>") == ("😀x", [{"offset": 2, "length": 1, "type": "bold"}])


def test_length_counts_visible_text_and_empty_text_is_refused(standin: BotApiStandIn) -> None:
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        with_bot(standin, lambda bot: bot.send_message(CHAT, "长" * 5000))
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        with_bot(standin, lambda bot: bot.send_message(CHAT, "<b>" + "a" * 4097 + "</b>", parse_mode="HTML"))
    # 6000 raw characters, 1500 visible ones: accepted, as Telegram counts after entity parsing
    with_bot(standin, lambda bot: bot.send_message(CHAT, "&lt;" * 1500, parse_mode="HTML"))
    with_bot(standin, lambda bot: bot.send_message(CHAT, "a" * 4096))
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        with_bot(standin, lambda bot: bot.send_message(CHAT, ""))
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        with_bot(standin, lambda bot: bot.send_message(CHAT, " <b> </b>\n", parse_mode="HTML"))
    assert [e[1] for e in standin.errors] == ["Bad Request: message is too long"] * 2 + \
        ["Bad Request: message text is empty"] * 2
    assert len(standin.sent(CHAT)) == 2


def test_a_wrong_token_is_unauthorized(standin: BotApiStandIn) -> None:
    with pytest.raises(InvalidToken, match="rejected"):
        with_bot(standin, lambda bot: bot.get_me(), token="999:WRONG")
    assert standin.errors == [("getMe", "Unauthorized")]
    assert standin.calls == []


def test_updates_come_in_order_and_offset_acknowledges_them(standin: BotApiStandIn) -> None:
    async def flow(bot: Bot) -> None:
        first = await bot.send_message(CHAT, "答案", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("更多", callback_data="more:k1")]]))
        pushed = standin.push_message(CHAT, "/ask@minsheng_test_bot 问题")
        query_id = standin.push_callback(CHAT, CHAT, first.to_dict(), "more:k1")
        updates = await bot.get_updates()
        assert [type(u.effective_message).__name__ for u in updates] == ["Message", "Message"]
        assert updates[0].message.text == "/ask@minsheng_test_bot 问题"
        assert updates[0].message.message_id == pushed["message_id"] == 2  # ids shared by the chat
        assert updates[0].message.entities[0].type == "bot_command"
        assert updates[0].message.entities[0].length == len("/ask@minsheng_test_bot")
        assert updates[1].callback_query.id == query_id and updates[1].callback_query.data == "more:k1"
        assert updates[1].callback_query.message.message_id == first.message_id
        assert updates[1].update_id == updates[0].update_id + 1
        again = await bot.get_updates(offset=updates[0].update_id + 1)
        assert [u.update_id for u in again] == [updates[1].update_id]
        assert await bot.get_updates(offset=updates[1].update_id + 1) == ()
        assert standin.pending == 0
        assert await bot.answer_callback_query(query_id)
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await bot.answer_callback_query(query_id)
    with_bot(standin, flow)
    with pytest.raises(ValueError, match="no button"):
        standin.push_callback(CHAT, CHAT, standin.history(CHAT)[0], "other")
    assert [e[0] for e in standin.errors] == ["answerCallbackQuery"]


def test_group_mentions_get_a_mention_entity(standin: BotApiStandIn) -> None:
    message = standin.push_message(-100123, "请问 @minsheng_test_bot 房山区怎么样", user_id=7, chat_type="supergroup")
    assert message["chat"] == {"id": -100123, "type": "supergroup", "title": "测试群"}
    assert message["from"]["id"] == 7
    assert message["entities"] == [{"type": "mention", "offset": 3, "length": len("@minsheng_test_bot")}]
    update = with_bot(standin, lambda bot: bot.get_updates())[0]
    assert update.message.parse_entities() == {update.message.entities[0]: "@minsheng_test_bot"}


def test_a_long_poll_returns_as_soon_as_a_message_is_pushed() -> None:
    with BotApiStandIn(TOKEN, max_poll_timeout=10) as standin:
        threading.Timer(0.3, standin.push_message, args=(CHAT, "你好")).start()
        started = time.monotonic()
        updates = with_bot(standin, lambda bot: bot.get_updates(timeout=8))
        assert 0.2 < time.monotonic() - started < 3
        assert [u.message.text for u in updates] == ["你好"]


def test_the_poll_timeout_is_capped_and_stop_is_fast(standin: BotApiStandIn) -> None:
    started = time.monotonic()
    assert with_bot(standin, lambda bot: bot.get_updates(timeout=30)) == ()
    assert time.monotonic() - started < 3


def test_callback_data_over_64_bytes_is_refused(standin: BotApiStandIn) -> None:
    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("按钮", callback_data=data)]])
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        with_bot(standin, lambda bot: bot.send_message(CHAT, "x", reply_markup=keyboard("a" * 65)))
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        with_bot(standin, lambda bot: bot.send_message(CHAT, "x", reply_markup=keyboard("问" * 22)))  # 66 bytes
    with_bot(standin, lambda bot: bot.send_message(CHAT, "x", reply_markup=keyboard("问" * 21)))  # 63 bytes
    assert len(standin.errors) == 2 and len(standin.sent()) == 1


def test_commands_round_trip(standin: BotApiStandIn) -> None:
    async def flow(bot: Bot) -> tuple[Any, Any]:
        assert await bot.get_my_commands() == ()
        assert await bot.set_my_commands([BotCommand("ask", "提问"), BotCommand("help", "帮助")])
        got = await bot.get_my_commands()
        with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand("Ask", "大写")])
        await bot.delete_my_commands()
        return got, await bot.get_my_commands()
    got, after_delete = with_bot(standin, flow)
    assert [(c.command, c.description) for c in got] == [("ask", "提问"), ("help", "帮助")]
    assert after_delete == ()
    call = standin.wait_for("setMyCommands", timeout=1)
    assert call.params["commands"] == [{"command": "ask", "description": "提问"},
                                       {"command": "help", "description": "帮助"}]


def test_unknown_methods_are_404_and_recorded(standin: BotApiStandIn) -> None:
    with pytest.raises(EndPointNotFound):
        with_bot(standin, lambda bot: bot.do_api_request("noSuchMethod", api_kwargs={"x": 1}))
    # multipart bodies (file uploads) are parsed too; PTB maps any 404 of its own methods to InvalidToken
    with pytest.raises(InvalidToken):
        with_bot(standin, lambda bot: bot.send_audio(CHAT, audio=b"abc", filename="a.txt", caption="说明"))
    unknown = [call for call in standin.calls if not call.ok]
    assert [(c.method, c.status, c.params.get("x")) for c in unknown][0] == ("noSuchMethod", 404, 1)
    assert unknown[1].params["chat_id"] == CHAT and unknown[1].params["caption"] == "说明"
    # PTB guesses the content type from the name
    assert unknown[1].params["audio"] == {"filename": "a.txt", "content_type": "text/plain",
                                          "size": 3, "head": b"abc", "data": b"abc"}
    assert standin.errors == [("noSuchMethod", "Not Found: method noSuchMethod"),
                              ("sendAudio", "Not Found: method sendAudio")]


def test_raw_requests_empty_bodies_and_case_insensitive_methods(standin: BotApiStandIn) -> None:
    with httpx.Client() as client:
        assert client.post(f"{standin.base_url}{TOKEN}/getme").json()["result"]["username"] == "minsheng_test_bot"
        answer = client.post(f"{standin.base_url}{TOKEN}/sendMessage", json={"chat_id": 5, "text": "[1]"})
        assert answer.json()["result"]["text"] == "[1]"
        bad = client.post(f"{standin.base_url}{TOKEN}/sendMessage")
        assert bad.status_code == 400 and bad.json() == {
            "ok": False, "error_code": 400, "description": "Bad Request: chat_id is empty"}
        assert client.post(f"http://127.0.0.1:{standin.port}/elsewhere").status_code == 404
    assert [c.method for c in standin.calls] == ["getMe", "sendMessage", "sendMessage"]
    assert standin.calls[1].params == {"chat_id": 5, "text": "[1]"}  # text keys are never JSON-decoded


def test_edits_like_telegram(standin: BotApiStandIn) -> None:
    async def flow(bot: Bot) -> None:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("完整原文", callback_data="full:k")]])
        sent = await bot.send_message(CHAT, "<b>旧</b>", parse_mode="HTML", reply_markup=markup)
        edited = await bot.edit_message_text("<i>新</i>", CHAT, sent.message_id, parse_mode="HTML",
                                             reply_markup=markup)
        assert edited.text == "新" and edited.edit_date is not None and edited.reply_markup == markup
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text("<i>新</i>", CHAT, sent.message_id, parse_mode="HTML", reply_markup=markup)
        plain = await bot.edit_message_text("新", CHAT, sent.message_id)  # no markup: keyboard removed
        assert plain.reply_markup is None and plain.entities == ()
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await bot.edit_message_text("x", CHAT, 99)
        user = standin.push_message(CHAT, "用户消息")
        with pytest.raises(BadRequest, match="(?i)message can't be edited"):
            await bot.edit_message_text("x", CHAT, user["message_id"])
        reply = await bot.send_message(CHAT, "回复", reply_to_message_id=user["message_id"])
        assert reply.reply_to_message.text == "用户消息"
        with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
            await bot.send_message(CHAT, "回复", reply_to_message_id=77)
        assert await bot.send_chat_action(CHAT, ChatAction.TYPING)
    with_bot(standin, flow)
    assert [m["text"] for m in standin.history(CHAT)] == ["新", "用户消息", "回复"]
    assert len(standin.errors) == 4


def test_wait_for_mark_and_a_helpful_timeout(standin: BotApiStandIn) -> None:
    with_bot(standin, lambda bot: bot.send_message(CHAT, "一"))
    after = standin.mark()
    assert after == 2
    threading.Timer(0.2, lambda: with_bot(standin, lambda bot: bot.send_message(CHAT, "二"))).start()
    call = standin.wait_for("sendMessage", lambda p: p["text"] == "二", timeout=10, after=after)
    assert call.index >= after and call.ok
    with pytest.raises(AssertionError) as timed_out:
        standin.wait_for("sendMessage", lambda p: p["missing"], timeout=0.2)
    text = str(timed_out.value)
    assert "sendMessage" in text and "'一'" in text and "KeyError" in text


def test_an_application_polls_echoes_and_stops_quickly(standin: BotApiStandIn) -> None:
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(f"echo: {update.message.text}", parse_mode="HTML")

    async def main() -> float:
        app = Application.builder().token(TOKEN).base_url(standin.base_url).build()
        app.add_handler(MessageHandler(filters.TEXT, echo))
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=["message", "callback_query"])
        standin.push_message(CHAT, "你好 &amp; 再见")
        call = await asyncio.to_thread(standin.wait_for, "sendMessage", lambda p: p["chat_id"] == CHAT, 10.0)
        assert call.params["text"] == "echo: 你好 &amp; 再见"
        await asyncio.to_thread(standin.wait_consumed, 10.0)
        started = time.monotonic()
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        return time.monotonic() - started

    assert asyncio.run(main()) < 4
    methods = [call.method for call in standin.calls]
    assert methods[:2] == ["getMe", "deleteWebhook"] and "getUpdates" in methods
    assert standin.errors == [] and standin.pending == 0


def test_send_photo_takes_an_uploaded_picture_with_an_html_caption(standin: BotApiStandIn) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(200)

    async def send(bot: Bot) -> Any:
        return await bot.send_photo(CHAT, photo=png, caption="<b>大兴区</b>：已开工26部", parse_mode="HTML")

    message = with_bot(standin, send)
    assert message.photo and message.caption == "大兴区：已开工26部"
    call = standin.calls[-1]
    assert call.method == "sendPhoto" and call.params["photo"]["data"] == png
    assert call.params["photo"]["head"].startswith(b"\x89PNG")


def test_send_photo_refuses_what_is_no_picture_and_an_over_long_caption(standin: BotApiStandIn) -> None:
    async def not_a_picture(bot: Bot) -> Any:
        return await bot.send_photo(CHAT, photo=b"just some text, not an image")

    with pytest.raises(BadRequest, match="(?i)image_process_failed"):
        with_bot(standin, not_a_picture)

    async def long_caption(bot: Bot) -> Any:
        return await bot.send_photo(CHAT, photo=b"\x89PNG\r\n\x1a\n" + bytes(10), caption="字" * 1025)

    with pytest.raises(BadRequest, match="caption is too long"):
        with_bot(standin, long_caption)


def test_a_pushed_document_arrives_and_downloads(standin: BotApiStandIn) -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40

    pushed = standin.push_document(CHAT, pdf, "寿县报告.pdf", caption="/ask 这份报告说了什么")
    assert standin.downloads() == []  # pushing is not downloading

    async def flow(bot: Bot) -> tuple[Any, Any, bytearray]:
        update = (await bot.get_updates())[0]
        file = await bot.get_file(update.message.document.file_id)
        return update.message, file, await file.download_as_bytearray()

    message, file, data = with_bot(standin, flow)
    document = message.document
    assert (document.file_name, document.file_size) == ("寿县报告.pdf", len(pdf))
    assert document.mime_type == "application/pdf"  # guessed from the name
    assert document.file_id == pushed["document"]["file_id"] and document.file_unique_id
    assert message.caption == "/ask 这份报告说了什么" and message.caption_entities[0].type == "bot_command"
    assert message.text is None and message.from_user.id == CHAT and message.forward_origin is None
    assert file.file_size == len(pdf) and file.file_path.endswith("/documents/file_0.pdf")
    assert file.file_path.startswith(f"{standin.base_file_url}{TOKEN}/")  # PTB makes the path a URL
    assert bytes(data) == pdf == standin.file_data(document.file_id)
    assert standin.downloads() == [document.file_id]
    assert [c.method for c in standin.calls if c.method == "getFile"] == ["getFile"]
    assert standin.errors == []


def test_a_forwarded_document_carries_its_origin(standin: BotApiStandIn) -> None:
    standin.push_document(-100777, b"a,b\n1,2\n", "数据.csv", user_id=31, chat_type="supergroup",
                          mime_type="text/csv", forward_from={"id": 55, "first_name": "原作者"})
    message = with_bot(standin, lambda bot: bot.get_updates())[0].message
    assert message.chat.type == "supergroup" and message.from_user.id == 31
    assert message.forward_origin.type == "user" and message.forward_origin.sender_user.id == 55
    assert message.forward_origin.sender_user.first_name == "原作者"
    assert message.document.mime_type == "text/csv" and message.document.file_size == 8


def test_files_over_20_mb_and_unknown_ids_cannot_be_fetched(standin: BotApiStandIn) -> None:
    big = standin.push_document(CHAT, bytes(MAX_DOWNLOAD + 1), "大文件.zip")["document"]
    limit = standin.push_document(CHAT, bytes(MAX_DOWNLOAD), "刚好.zip")["document"]
    with pytest.raises(BadRequest, match="(?i)file is too big"):
        with_bot(standin, lambda bot: bot.get_file(big["file_id"]))
    with pytest.raises(BadRequest, match="(?i)invalid file_id"):
        with_bot(standin, lambda bot: bot.get_file("no-such-file"))
    assert with_bot(standin, lambda bot: bot.get_file(limit["file_id"])).file_size == MAX_DOWNLOAD  # 20 MB: fine
    assert standin.downloads() == []
    assert standin.errors == [("getFile", "Bad Request: file is too big"), ("getFile", "Bad Request: invalid file_id")]


def test_raw_downloads_need_the_token_and_a_handed_out_path(standin: BotApiStandIn) -> None:
    file_id = standin.push_document(CHAT, b"hello", "a.txt")["document"]["file_id"]
    with httpx.Client() as client:
        answer = client.post(f"{standin.base_url}{TOKEN}/getFile", data={"file_id": file_id}).json()
        path = answer["result"]["file_path"]
        assert path == "documents/file_0.txt"
        assert client.get(f"{standin.base_file_url}{TOKEN}/documents/file_1.txt").status_code == 404
        assert client.get(f"{standin.base_file_url}999:WRONG/{path}").status_code == 401
        got = client.get(f"{standin.base_file_url}{TOKEN}/{path}")
    assert got.status_code == 200 and got.content == b"hello"
    assert got.headers["content-type"] == "application/octet-stream"
    assert standin.downloads() == [file_id]
    assert standin.errors == [("<download>", "Not Found: documents/file_1.txt"), ("<download>", "Unauthorized")]


def test_send_document_is_stored_sent_and_downloadable(standin: BotApiStandIn) -> None:
    async def flow(bot: Bot) -> tuple[Any, Any, bytearray]:
        message = await bot.send_document(CHAT, document="答案全文".encode(), filename="答案.txt",
                                          caption="<b>附件</b>：全文", parse_mode="HTML")
        again = await bot.send_document(CHAT, document=message.document.file_id)
        assert again.document.file_id == message.document.file_id  # resent by id: the same file
        with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
            await bot.send_document(CHAT, document="no-such-file")
        with pytest.raises(BadRequest, match="(?i)file must be non-empty"):
            await bot.send_document(CHAT, document=b"", filename="空.txt")
        file = await bot.get_file(message.document.file_id)
        return message, again, await file.download_as_bytearray()

    message, again, data = with_bot(standin, flow)
    assert message.document.file_name == "答案.txt" and message.document.mime_type == "text/plain"
    assert message.caption == "附件：全文" and message.caption_entities[0].type == "bold"
    assert bytes(data) == "答案全文".encode()
    sent = standin.sent(CHAT)
    assert [p["document"]["data"] if isinstance(p["document"], dict) else p["document"] for p in sent] == \
        ["答案全文".encode(), message.document.file_id]
    assert standin.sent(CHAT, methods=("sendMessage",)) == []
    assert [m["document"]["file_name"] for m in standin.history(CHAT)] == ["答案.txt", "答案.txt"]
    assert standin.downloads() == [message.document.file_id]
    assert [e[0] for e in standin.errors] == ["sendDocument", "sendDocument"]


def test_a_blocked_chat_refuses_everything_the_bot_sends(standin: BotApiStandIn) -> None:
    async def flow(bot: Bot) -> None:
        earlier = await bot.send_message(CHAT, "之前")
        standin.block(CHAT)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(CHAT, "你好")
        with pytest.raises(Forbidden):
            await bot.send_photo(CHAT, photo=b"\x89PNG\r\n\x1a\n" + bytes(10))
        with pytest.raises(Forbidden):
            await bot.send_document(CHAT, document=b"x", filename="x.txt")
        with pytest.raises(Forbidden):
            await bot.send_chat_action(CHAT, ChatAction.TYPING)
        with pytest.raises(Forbidden):
            await bot.edit_message_text("改", CHAT, earlier.message_id)
        with pytest.raises(Forbidden):
            await bot.send_message(CHAT, "<b", parse_mode="HTML")  # blocked wins over a parse error
        await bot.send_message(CHAT + 1, "别的聊天照常")
        standin.unblock(CHAT)
        await bot.send_message(CHAT, "又能发了")
    with_bot(standin, flow)
    assert [p["text"] for p in standin.sent()] == ["之前", "别的聊天照常", "又能发了"]
    assert standin.errors == [(method, "Forbidden: bot was blocked by the user") for method in (
        "sendMessage", "sendPhoto", "sendDocument", "sendChatAction", "editMessageText", "sendMessage")]


def test_concurrent_sends_from_many_chats(standin: BotApiStandIn) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    chats = [2001 + n for n in range(8)]

    async def flow(bot: Bot) -> None:
        async def chat(chat_id: int) -> None:
            for k in range(3):
                await bot.send_message(chat_id, f"答{k}")
                await bot.send_photo(chat_id, photo=png, caption=f"图{k}")
        await asyncio.gather(*(chat(chat_id) for chat_id in chats))

    # PTB's Bot keeps one connection by default; an Application (like ours) keeps many
    with_bot(standin, flow, request=HTTPXRequest(connection_pool_size=16))
    assert standin.errors == []
    for chat_id in chats:
        history = standin.history(chat_id)
        assert [m["message_id"] for m in history] == list(range(1, 7))
        assert [m.get("text") or m["caption"] for m in history] == ["答0", "图0", "答1", "图1", "答2", "图2"]
        assert len(standin.sent(chat_id)) == 6
