"""A Telegram Bot API stand-in for end-to-end tests: a local HTTP server speaking enough of the Bot API.

python-telegram-bot (PTB) posts every call to ``{base_url}{token}/{method}``; point the bot at
``BotApiStandIn.base_url`` (``http://127.0.0.1:PORT/bot``) and it polls, sends and edits here instead of
at api.telegram.org. Tests push updates (``push_message``, ``push_document``, ``push_callback``) and inspect
what the bot called (``calls``, ``sent``, ``wait_for``) and which files it fetched (``downloads``). Every 4xx
the stand-in answers is listed in ``errors``.

Files: PTB downloads from ``{base_file_url}{token}/{file_path}``; point ``base_file_url`` at
``BotApiStandIn.base_file_url`` (``http://127.0.0.1:PORT/file/bot``). A document a user sends
(``push_document``) or the bot uploads (sendDocument, sendPhoto) is kept with its bytes; getFile gives its
``file_path`` (``documents/file_N.ext``), a GET of that path the bytes. As on Telegram, getFile refuses
files over 20 MB (``Bad Request: file is too big``), so a bot can never download those.

What arrives on the wire (PTB 22, HTTPXRequest): a POST whose body is
``application/x-www-form-urlencoded`` (multipart/form-data when files are uploaded); every value is a
string: strings as they are, everything else JSON-encoded (``123``, ``true``, ``{"inline_keyboard": ...}``).
``Call.raw`` keeps those strings; ``Call.params`` decodes them: every value is ``json.loads``-ed unless its
key is a free-text parameter (``text``, ``parse_mode``, ``callback_query_id`` ... see ``TEXT_KEYS``) or it
is not valid JSON. So ``chat_id``/``message_id``/``offset`` are ints, ``show_alert`` a bool,
``reply_markup``/``commands``/``reply_parameters`` dicts and lists, ``text`` always the string sent.
Uploaded files become ``{"filename", "content_type", "size", "head", "data"}`` (head: the first 8 bytes; data:
all of them, so a test can look at the picture a bot sent).

Validation, as Telegram does it (answered with HTTP 400 ``{"ok": false, "error_code": 400, ...}``):

* ``parse_mode=HTML`` text (sendMessage, editMessageText) goes through ``parse_html``, a port of
  Telegram's (tdlib's) HTML parser: only b strong i em u ins s strike del a code pre tg-spoiler
  ``span class="tg-spoiler"`` blockquote tg-emoji; tags balanced and properly nested; ``<`` never bare.
  By default (``strict_html=True``) it is *stricter than Telegram*: a bare ``&`` that does not start
  ``&lt;`` ``&gt;`` ``&amp;`` ``&quot;`` ``&#NNN;`` ``&#xHH;`` (semicolon required) and a bare ``>`` are
  rejected too, where Telegram shows them literally. ``strict_html=False`` accepts exactly what Telegram does.
  Errors read ``Bad Request: can't parse entities: <tdlib's message>``.
* ``sendPhoto``: an uploaded PNG, JPEG, GIF or WebP (else ``IMAGE_PROCESS_FAILED``) or a file_id; its caption
  is parsed like text and may hold at most 1024 characters (``message caption is too long``).
* ``sendDocument``: an uploaded file (non-empty, at most 50 MB, else 413 ``Request Entity Too Large``), a
  known file_id or an http(s) URL (``wrong file identifier/HTTP URL specified`` otherwise); caption as sendPhoto.
* ``getFile``: ``invalid file_id`` for an id the stand-in never handed out; ``file is too big`` over 20 MB.
* ``block(chat_id)``: every send*/edit* call to that chat answers 403 ``Forbidden: bot was blocked by the
  user`` (PTB raises ``telegram.error.Forbidden``), as after a user blocked the bot; ``unblock`` undoes it.
* Text length is counted after entity parsing, in characters (code points) of the visible text with
  leading/trailing whitespace stripped: more than 4096 → ``Bad Request: message is too long``; nothing
  left → ``Bad Request: message text is empty``. Markdown/MarkdownV2 texts are not parsed (raw length).
* ``callback_data`` of inline keyboard buttons: 1-64 bytes of UTF-8, else ``Bad Request: BUTTON_DATA_INVALID``;
  a button with no action → ``Bad Request: text buttons are unallowed in the inline keyboard``.
* editMessageText: ``message to edit not found``, ``message can't be edited`` (not the bot's), and
  ``message is not modified: ...`` when text, entities and inline keyboard are all unchanged. Like Telegram,
  an edit without ``reply_markup`` removes the message's inline keyboard.
* reply_parameters / reply_to_message_id naming a message the chat does not have →
  ``message to be replied not found`` (unless allow_sending_without_reply).
* answerCallbackQuery for an id never pushed, or answered twice → ``query is too old and response
  timeout expired or query ID is invalid``.
* Unknown methods → 404 ``Not Found: method X`` (recorded in ``calls`` and ``errors``); a token other than
  the stand-in's → 401 ``Unauthorized`` (recorded in ``errors`` only); getUpdates while a webhook is set → 409.
  File downloads: wrong token → 401, unknown path → 404 (both in ``errors`` as ``"<download>"``).
"""
from __future__ import annotations

import copy
import json
import mimetypes
import re
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, unquote, urlsplit

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile refuses bigger files: bots can't download them
MAX_UPLOAD = 50 * 1024 * 1024  # the largest file a bot may send (multipart upload)
BLOCKED = "Forbidden: bot was blocked by the user"

# Parameters whose value is free text: never JSON-decoded (so a text "123" or "[1]" stays a string).
TEXT_KEYS = frozenset({
    "text", "caption", "parse_mode", "title", "description", "short_description", "name", "url", "query",
    "callback_query_id", "inline_query_id", "inline_message_id", "message_text", "question", "explanation",
    "emoji", "custom_emoji_id", "business_connection_id", "secret_token", "ip_address", "language_code",
    "custom_title", "switch_pm_text", "switch_pm_parameter", "next_offset", "start_parameter", "payload",
    "currency", "sticker", "photo", "document", "audio", "video", "voice", "animation", "thumbnail",
    "file_id", "message_effect_id", "quote", "invite_link", "phone_number", "first_name", "last_name",
    "address", "foursquare_id", "vcard", "game_short_name", "error_message", "action",
})

ALLOWED_TAGS = frozenset({
    "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
})
_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE = " \t\r\n\v"
_BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                   "callback_game", "pay")
_CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class HtmlParseError(ValueError):
    """Telegram would refuse this HTML; the message is what follows "can't parse entities: "."""


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status and description."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class StoredFile:
    """A file the stand-in holds: its bytes and how Telegram describes it (``file_path`` once getFile asked)."""

    file_id: str
    file_unique_id: str
    data: bytes
    kind: str  # the file_path folder: "documents", "photos"
    file_name: str = ""
    mime_type: str = ""
    file_path: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def as_file(self) -> dict[str, Any]:
        """The File object getFile answers."""
        answer: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                                  "file_size": self.size}
        if self.file_path is not None:
            answer["file_path"] = self.file_path
        return answer

    def as_document(self) -> dict[str, Any]:
        """The Document object of a message carrying this file."""
        document: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        document["file_size"] = self.size
        return document


@dataclass
class Call:
    """One authenticated request to the stand-in, in arrival order (``index`` into ``calls``).

    ``method`` is the canonical Bot API name ("sendMessage" even if sent as "sendmessage"; unknown
    methods as sent). ``params`` decoded as described in the module docstring, ``raw`` as received.
    ``ok``/``status``/``result``/``error``: what the stand-in answered.
    """

    method: str
    params: dict[str, Any]
    raw: dict[str, str] = field(default_factory=dict)
    ok: bool = True
    status: int = 200
    result: Any = None
    error: str | None = None
    index: int = 0


def _u16(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _decode_entity(text: str, i: int, strict: bool) -> tuple[str | None, int]:
    """The character of the HTML entity at text[i] ('&') and the index after it; (None, i) if none.

    As tdlib: &lt; &gt; &amp; &quot; and numeric references; the ';' is optional unless strict.
    """
    n = len(text)
    j = i + 1
    if j < n and text[j] == "#":
        j += 1
        value = 0
        if j < n and text[j] == "x":
            j += 1
            start = j
            while j < n and text[j] in "0123456789abcdefABCDEF":
                j += 1
            value = int(text[start:j], 16) if j > start else 0
        else:
            start = j
            while j < n and text[j] in "0123456789":
                j += 1
            value = int(text[start:j]) if j > start else 0
        if value == 0 or value >= 0x10FFFF or j - i >= 10 or 0xD800 <= value <= 0xDFFF:
            return None, i
        char = chr(value)
    else:
        while j < n and text[j].isascii() and text[j].isalpha():
            j += 1
        char = _NAMED_ENTITIES.get(text[i + 1:j])
        if char is None:
            return None, i
    if j < n and text[j] == ";":
        return char, j + 1
    if strict:
        return None, i
    return char, j


def parse_html(text: str, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """The visible text and MessageEntity dicts of Telegram-HTML ``text``; HtmlParseError if Telegram refuses it.

    Follows tdlib's parse_html (error messages included, byte offsets in UTF-8). strict additionally
    refuses a bare '&' (not a ';'-terminated entity) and a bare '>', which Telegram would show literally.
    """
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    def space(k: int) -> bool:
        return k < n and text[k] in _SPACE

    def offset(k: int) -> int:
        return len(text[:k].encode("utf-8"))

    out: list[str] = []
    u16 = 0
    stack: list[tuple[str, str, int, int]] = []  # tag, argument, UTF-16 offset, index in out
    entities: list[dict[str, Any]] = []
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            char, after = _decode_entity(text, i, strict)
            if char is not None:
                out.append(char)
                u16 += _u16(char)
                i = after
                continue
            if strict:
                raise HtmlParseError(f'Unescaped "&" at byte offset {offset(i)} (write &amp;; the stand-in is '
                                     f"stricter than Telegram here)")
        elif c == ">" and strict:
            raise HtmlParseError(f'Unescaped ">" at byte offset {offset(i)} (write &gt;; the stand-in is '
                                 f"stricter than Telegram here)")
        if c != "<":
            out.append(c)
            u16 += _u16(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != "/":
            while i < n and not space(i) and text[i] != ">":
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {offset(begin)}")
            tag = text[begin + 1:i].lower()
            if tag not in ALLOWED_TAGS:
                raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {offset(begin)}')
            argument = ""
            while at(i) != ">":
                while space(i):
                    i += 1
                if at(i) == ">":
                    break
                if i >= n:
                    raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {offset(begin)}')
                name_begin = i
                while i < n and not space(i) and text[i] not in "=>":
                    i += 1
                name = text[name_begin:i]
                if not name:
                    raise HtmlParseError(f'Empty attribute name in the tag "{tag}" at byte offset {offset(begin)}')
                while space(i):
                    i += 1
                if at(i) != "=":
                    if tag == "blockquote" and name == "expandable" and at(i) != "":
                        argument = "expandable"
                        continue
                    if i >= n:
                        raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {offset(begin)}')
                    raise HtmlParseError(f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                                         f"at byte offset {offset(begin)}")
                i += 1
                while space(i):
                    i += 1
                if i >= n:
                    raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {offset(begin)}')
                if text[i] not in "'\"":
                    token_begin = i
                    while i < n and ((text[i].isascii() and text[i].isalnum()) or text[i] in ".-"):
                        i += 1
                    value = text[token_begin:i].lower()
                    if not space(i) and at(i) != ">":
                        raise HtmlParseError(f"Unexpected end of name token at byte offset {offset(token_begin)}")
                else:
                    quote = text[i]
                    i += 1
                    chars: list[str] = []
                    while i < n and text[i] != quote:
                        if text[i] == "&":
                            char, after = _decode_entity(text, i, False)
                            if char is not None:
                                chars.append(char)
                                i = after
                                continue
                        chars.append(text[i])
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = "".join(chars)
                if i >= n:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {offset(begin)}")
                if tag == "a" and name == "href":
                    argument = value
                elif tag == "code" and name == "class" and value.startswith("language-"):
                    argument = value[len("language-"):]
                elif tag == "span" and name == "class" and value.startswith("tg-"):
                    argument = value[len("tg-"):]
                elif tag == "tg-emoji" and name == "emoji-id":
                    argument = value
            if tag == "span" and argument != "spoiler":
                raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset(begin)}')
            if tag == "tg-emoji" and not (argument.isascii() and argument.isdigit() and 0 < int(argument) < 2 ** 63):
                raise HtmlParseError("Invalid custom emoji identifier specified")
            stack.append((tag, argument, u16, len(out)))
            i += 1  # the '>'
            continue

        # an end tag
        if not stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {offset(begin)}")
        i += 1
        name_begin = i
        while i < n and not space(i) and text[i] != ">":
            i += 1
        end_name = text[name_begin:i]
        while space(i):
            i += 1
        if at(i) != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {offset(begin)}")
        tag, argument, start, out_start = stack.pop()
        if end_name and end_name != tag:
            raise HtmlParseError(f'Unmatched end tag at byte offset {offset(begin)}, expected "</{tag}>", '
                                 f'found "</{end_name}>"')
        i += 1
        length = u16 - start
        if length <= 0:
            continue
        entity: dict[str, Any] = {"offset": start, "length": length}
        last = entities[-1] if entities else None
        same_span = last is not None and last["offset"] == start and last["length"] == length
        if tag in _TAG_ENTITY:
            entity["type"] = _TAG_ENTITY[tag]
        elif tag == "a":
            url = argument or "".join(out[out_start:])
            if not url:
                continue
            entity.update(type="text_link", url=url)
        elif tag == "code":
            if same_span and last is not None and last["type"] == "pre" and argument:
                last["language"] = argument
                continue
            entity.update(type="code", language=argument)
        elif tag == "pre":
            if same_span and last is not None and last["type"] == "code" and last.get("language"):
                last.update(type="pre")
                continue
            entity["type"] = "pre"
        elif tag == "blockquote":
            entity["type"] = "expandable_blockquote" if argument else "blockquote"
        else:  # tg-emoji
            entity.update(type="custom_emoji", custom_emoji_id=argument)
        entities.append(entity)
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _strip(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Leading and trailing whitespace removed as Telegram does, entity offsets moved and clipped."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = _u16(text[:len(text) - len(text.lstrip())])
    total = _u16(stripped)
    kept = []
    for entity in entities:
        start = max(0, int(entity.get("offset", 0)) - lead)
        end = min(total, int(entity.get("offset", 0)) + int(entity.get("length", 0)) - lead)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def _command_entities(text: str, username: str) -> list[dict[str, Any]]:
    """The entities Telegram adds to a user's text: a leading /command[@bot], and @username mentions."""
    entities: list[dict[str, Any]] = []
    command_end = 0
    match = re.match(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_])", text)
    if match:
        command_end = match.end()
        entities.append({"type": "bot_command", "offset": 0, "length": _u16(match.group())})
    mention = "@" + username
    for found in re.finditer(re.escape(mention) + r"(?![A-Za-z0-9_])", text, flags=re.IGNORECASE):
        if found.start() < command_end or (found.start() > 0 and (text[found.start() - 1].isalnum()
                                                                    or text[found.start() - 1] == "_")):
            continue
        entities.append({"type": "mention", "offset": _u16(text[:found.start()]), "length": _u16(mention)})
    return entities


def _as_int(params: dict[str, Any], key: str, default: int | None = None) -> int | None:
    value = params.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ApiError(400, f"Bad Request: wrong parameter {key}")
    if isinstance(value, (int, float)):
        return int(value)
    try:
        return int(str(value))
    except ValueError:
        raise ApiError(400, f"Bad Request: wrong parameter {key}") from None


def _decode(raw: dict[str, str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in TEXT_KEYS or not isinstance(value, str):
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    standin: "BotApiStandIn"

    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: D401 - silence tracebacks
        import sys
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            self.standin._record_error("<server>", f"stand-in failure: {exc!r}")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "BotApiStandIn/1.0"
    sys_version = ""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self._serve()

    def do_GET(self) -> None:  # noqa: N802
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silent by design
        pass

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length:
            return self.rfile.read(int(length))
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        return b""

    def _serve(self) -> None:
        standin = self.server.standin
        try:
            status, payload = standin._dispatch(self.path, self.headers.get("Content-Type") or "", self._read_body())
        except Exception as exc:  # a bug of the stand-in: answer 500 and make the test see it
            standin._record_error("<server>", f"stand-in failure: {exc!r}")
            status, payload = 500, {"ok": False, "error_code": 500, "description": f"Internal Server Error: {exc!r}"}
        if isinstance(payload, bytes):  # a file download
            data, content_type = payload, "application/octet-stream"
        else:
            data, content_type = json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json"
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (ConnectionError, TimeoutError):  # the bot gave up waiting (e.g. a long poll at shutdown)
            pass


class BotApiStandIn:
    """A fake Bot API on 127.0.0.1 (a free port), for ``telegram.Bot``/``Application`` with ``base_url``.

    Thread-safe: the HTTP server answers from its own threads; the test thread pushes and inspects.
    Do not call the blocking ``wait_for``/``wait_consumed`` on the event loop that runs the bot (use
    ``await asyncio.to_thread(standin.wait_for, ...)`` there) or the bot can't make the call you wait for.
    """

    def __init__(self, token: str = "123456:TEST-token", *, username: str = "minsheng_test_bot",
                 first_name: str = "民生测试", max_poll_timeout: float = 1.0, strict_html: bool = True) -> None:
        self.token = token
        self.max_poll_timeout = max_poll_timeout
        self.strict_html = strict_html
        head = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(head) if head.isdigit() else 123456, "is_bot": True, "first_name": first_name,
            "username": username, "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False,
        }
        self._cond = threading.Condition(threading.RLock())
        self._calls: list[Call] = []
        self._errors: list[tuple[str, str]] = []
        self._pending: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._message_ids: dict[int, int] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._order: list[tuple[int, int]] = []
        self._chats: dict[int, dict[str, Any]] = {}
        self._queries: dict[str, bool] = {}  # callback query id -> answered
        self._next_query = 1
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._webhook = ""
        self._allowed_updates: list[str] = []
        self._files: dict[str, StoredFile] = {}  # file_id -> file
        self._paths: dict[str, str] = {}  # file_path -> file_id, once getFile handed the path out
        self._next_file = 0
        self._downloads: list[str] = []  # file_ids, one per successful download
        self._blocked: set[int] = set()
        self._stopping = False
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
            name.lower(): (name, handler) for name, handler in [
                ("getMe", self._get_me), ("getUpdates", self._get_updates), ("sendMessage", self._send_message),
                ("sendPhoto", self._send_photo), ("sendDocument", self._send_document), ("getFile", self._get_file),
                ("editMessageText", self._edit_message_text),
                ("editMessageReplyMarkup", self._edit_message_reply_markup),
                ("deleteMessage", self._delete_message), ("sendChatAction", self._send_chat_action),
                ("answerCallbackQuery", self._answer_callback_query), ("setMyCommands", self._set_my_commands),
                ("getMyCommands", self._get_my_commands), ("deleteMyCommands", self._delete_my_commands),
                ("deleteWebhook", self._delete_webhook), ("setWebhook", self._set_webhook),
                ("getWebhookInfo", self._get_webhook_info), ("close", lambda p: True), ("logOut", lambda p: True),
            ]
        }

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> "BotApiStandIn":
        """Listen on a free port of 127.0.0.1 and serve from a daemon thread."""
        if self._server is not None:
            return self
        self._stopping = False
        server = _Server(("127.0.0.1", 0), _Handler)
        server.standin = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="BotApiStandIn", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake pending long polls (they answer []), stop serving and close the socket."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> "BotApiStandIn":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("BotApiStandIn is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """The ``base_url`` for PTB: ``http://127.0.0.1:PORT/bot``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """The ``base_file_url`` for PTB: ``http://127.0.0.1:PORT/file/bot``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ---------------------------------------------------------------- what tests push

    def push_message(self, chat_id: int, text: str, user_id: int | None = None, chat_type: str = "private",
                     first_name: str = "测试用户", entities: list[dict[str, Any]] | None = None, *,
                     title: str = "测试群", reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
        """Queue an Update with a user's text Message; returns the Message dict.

        user_id defaults to chat_id in private chats, 4242 elsewhere. Without ``entities``, a leading
        /command[@bot] gets a bot_command entity and every "@<bot username>" a mention entity, as Telegram
        adds them. ``reply_to``: a message dict (e.g. ``message_of(call)``) the user replies to.
        """
        user, chat = self._sender(chat_id, user_id, chat_type, first_name, title)
        with self._cond:
            self._chats[chat_id] = chat
            message: dict[str, Any] = {"message_id": self._new_message_id(chat_id), "from": user, "chat": chat,
                                       "date": int(time.time()), "text": text}
            found = _command_entities(text, self.bot_user["username"]) if entities is None else entities
            if found:
                message["entities"] = copy.deepcopy(found)
            if reply_to is not None:
                key = (reply_to["chat"]["id"], reply_to["message_id"])
                message["reply_to_message"] = self._without_reply(self._messages.get(key, reply_to))
            self._store(message)
            self._queue({"message": message})
            return copy.deepcopy(message)

    def push_document(self, chat_id: int, data: bytes, file_name: str, user_id: int | None = None,
                      mime_type: str | None = None, chat_type: str = "private", caption: str | None = None,
                      forward_from: dict[str, Any] | None = None, *, first_name: str = "测试用户",
                      title: str = "测试群") -> dict[str, Any]:
        """Queue an Update with a user's Message carrying a document (the bytes kept for getFile); returns it.

        user_id as in ``push_message``; mime_type guessed from file_name if not given. A caption gets the
        bot_command/mention entities Telegram adds (``caption_entities``). ``forward_from``: a user dict (at
        least ``id``) the document is forwarded from: the message then carries ``forward_origin`` (type
        "user"), plus the legacy ``forward_from``/``forward_date`` Telegram still sends alongside.
        """
        user, chat = self._sender(chat_id, user_id, chat_type, first_name, title)
        if mime_type is None:
            mime_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        with self._cond:
            self._chats[chat_id] = chat
            stored = self._keep(bytes(data), "documents", file_name, mime_type)
            now = int(time.time())
            message: dict[str, Any] = {"message_id": self._new_message_id(chat_id), "from": user, "chat": chat,
                                       "date": now}
            if forward_from is not None:
                if "id" not in forward_from:
                    raise ValueError(f"forward_from needs the user's id: {forward_from!r}")
                origin_user = {"is_bot": False, "first_name": "转发来源", **forward_from}
                # Bot API 7.0 replaced forward_from/forward_date by forward_origin; Telegram still sends both
                message["forward_origin"] = {"type": "user", "date": now, "sender_user": origin_user}
                message["forward_from"] = copy.deepcopy(origin_user)
                message["forward_date"] = now
            message["document"] = stored.as_document()
            if caption:
                message["caption"] = caption
                found = _command_entities(caption, self.bot_user["username"])
                if found:
                    message["caption_entities"] = found
            self._store(message)
            self._queue({"message": message})
            return copy.deepcopy(message)

    def push_callback(self, chat_id: int, user_id: int, message: dict[str, Any], data: str, *,
                      first_name: str = "测试用户") -> str:
        """Queue an Update with a CallbackQuery: user_id pressed the button with ``data`` under ``message``.

        ``message`` is a message the bot sent (``message_of(call)``); the query carries its current version
        (after edits). ValueError if that message has no inline button with this callback_data: a user
        can't press a button that isn't there. Returns the callback query id.
        """
        with self._cond:
            current = self._messages.get((message["chat"]["id"], message["message_id"]), message)
            buttons = [button for row in (current.get("reply_markup") or {}).get("inline_keyboard", [])
                       for button in row]
            if not any(button.get("callback_data") == data for button in buttons):
                raise ValueError(f"message {current.get('message_id')} in chat {chat_id} has no button with "
                                 f"callback_data {data!r}; its buttons: {buttons}")
            query_id = str(self._next_query)
            self._next_query += 1
            self._queries[query_id] = False
            query = {"id": query_id, "from": {"id": user_id, "is_bot": False, "first_name": first_name},
                     "message": copy.deepcopy(current), "chat_instance": f"ci{abs(chat_id)}", "data": data}
            self._queue({"callback_query": query})
            return query_id

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: from now on every send/edit to chat_id answers 403 (``BLOCKED``)."""
        with self._cond:
            self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        """Undo ``block``: the chat accepts the bot's messages again."""
        with self._cond:
            self._blocked.discard(chat_id)

    # ---------------------------------------------------------------- what tests inspect

    @property
    def calls(self) -> list[Call]:
        """A snapshot of every authenticated call so far, in arrival order."""
        with self._cond:
            return list(self._calls)

    @property
    def errors(self) -> list[tuple[str, str]]:
        """(method, description) of every 4xx (and stand-in failure) answered so far."""
        with self._cond:
            return list(self._errors)

    @property
    def pending(self) -> int:
        """How many pushed updates the bot has not acknowledged yet (getUpdates with a later offset)."""
        with self._cond:
            return len(self._pending)

    def mark(self) -> int:
        """The number of calls so far: pass it as ``after`` to wait only for calls made from now on."""
        with self._cond:
            return len(self._calls)

    def sent(self, chat_id: int | None = None,
             methods: tuple[str, ...] = ("sendMessage", "sendPhoto", "sendDocument")) -> list[dict[str, Any]]:
        """The params of successful sendMessage/sendPhoto/sendDocument calls (to one chat if given), in order.

        Tell them apart by their "text"/"photo"/"document" key, or narrow ``methods`` (``("sendMessage",)``).
        """
        return [call.params for call in self.calls if call.method in methods and call.ok
                and (chat_id is None or str(call.params.get("chat_id")) == str(chat_id))]

    def downloads(self) -> list[str]:
        """The file_id of every file downloaded so far (GET of its file_path), in order, repeats included."""
        with self._cond:
            return list(self._downloads)

    def file_data(self, file_id: str) -> bytes:
        """The bytes the stand-in holds under file_id (pushed or uploaded by the bot); KeyError if none."""
        with self._cond:
            return self._files[file_id].data

    def history(self, chat_id: int) -> list[dict[str, Any]]:
        """The chat's messages as they stand now (user and bot, edits applied, deleted ones gone)."""
        with self._cond:
            return [copy.deepcopy(self._messages[key]) for key in self._order
                    if key[0] == chat_id and key in self._messages]

    def message_of(self, call: Call) -> dict[str, Any]:
        """The Message dict the stand-in answered to a sendMessage (or editMessageText) call."""
        if not call.ok or not isinstance(call.result, dict) or "message_id" not in call.result:
            raise ValueError(f"call #{call.index} {call.method} returned no message "
                             f"(ok={call.ok}, error={call.error!r}, result={call.result!r})")
        return copy.deepcopy(call.result)

    def wait_for(self, method: str, predicate: Callable[[dict[str, Any]], bool] = lambda params: True,
                 timeout: float = 30.0, after: int = 0) -> Call:
        """The first call of ``method`` with index >= after whose params satisfy ``predicate``, waiting for it.

        Rejected calls match too (check ``call.ok``; ``errors`` lists them). A predicate that raises counts
        as no match. AssertionError after ``timeout`` seconds, listing the calls seen since ``after``.
        """
        deadline = time.monotonic() + timeout
        failure: Exception | None = None
        scanned = after
        with self._cond:
            while True:
                for call in self._calls[scanned:]:
                    if call.method == method:
                        try:
                            if predicate(call.params):
                                return call
                        except Exception as exc:  # a predicate reading a missing key: not this call
                            failure = exc
                scanned = max(scanned, len(self._calls))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            seen = self._describe(self._calls[after:])
            errors = list(self._errors)
        message = f"no {method} call matching the predicate within {timeout:g}s (calls from #{after}: {seen})"
        if errors:
            message += f"; errors: {errors}"
        if failure is not None:
            message += f"; the predicate raised {failure!r}"
        raise AssertionError(message)

    def wait_consumed(self, timeout: float = 10.0) -> None:
        """Wait until the bot has acknowledged every update pushed so far (polled with a later offset)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{len(self._pending)} update(s) not acknowledged within {timeout:g}s "
                                         f"(calls: {self._describe(self._calls)})")
                self._cond.wait(remaining)

    @staticmethod
    def _describe(calls: list[Call]) -> str:
        parts: list[str] = []
        run = 0
        for k, call in enumerate(calls):
            if call.method == "getUpdates":
                run += 1
                if k + 1 < len(calls) and calls[k + 1].method == "getUpdates":
                    continue
                parts.append(f"getUpdates×{run}" if run > 1 else "getUpdates")
                run = 0
                continue
            brief = ", ".join(f"{key}={str(call.params[key])[:60]!r}"
                              for key in ("chat_id", "text", "caption", "file_id", "data", "action")
                              if key in call.params)
            parts.append(f"#{call.index} {call.method}({brief}){'' if call.ok else ' -> ' + str(call.error)}")
        return "[" + "; ".join(parts) + "]" if parts else "none"

    # ---------------------------------------------------------------- HTTP plumbing

    def _record_error(self, method: str, description: str) -> None:
        with self._cond:
            self._errors.append((method, description))
            self._cond.notify_all()

    def _dispatch(self, path: str, content_type: str, body: bytes) -> tuple[int, dict[str, Any] | bytes]:
        parts = urlsplit(path)
        # PTB percent-encodes the whole path of a download, the token's ":" included
        download = re.fullmatch(r"/file/bot([^/]+)/(.+)", unquote(parts.path))
        if download:
            return self._download(*download.groups())
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z0-9_]+)/?", parts.path)
        if not match:
            self._record_error(parts.path, "Not Found")
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        token, requested = match.groups()
        if token != self.token:
            self._record_error(requested, "Unauthorized")
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        raw, files = self._read_params(parts.query, content_type, body)
        params = _decode(raw)
        params.update(files)
        name, handler = self._methods.get(requested.lower(), (requested, None))
        try:
            if handler is None:
                raise ApiError(404, f"Not Found: method {requested}")
            self._refuse_blocked(name, params)
            result = handler(params)
        except ApiError as exc:
            call = Call(name, params, raw, ok=False, status=exc.code, error=exc.description)
            payload: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
        else:
            call = Call(name, params, raw, result=copy.deepcopy(result))
            payload = {"ok": True, "result": result}
        with self._cond:
            call.index = len(self._calls)
            self._calls.append(call)
            if not call.ok and 400 <= call.status < 500:
                self._errors.append((name, call.error or ""))
            self._cond.notify_all()
        return call.status, payload

    def _download(self, token: str, path: str) -> tuple[int, dict[str, Any] | bytes]:
        """GET {base_file_url}{token}/{file_path}: the bytes of a file getFile handed the path out for."""
        if token != self.token:
            self._record_error("<download>", "Unauthorized")
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        with self._cond:
            file_id = self._paths.get(path)
            if file_id is None:
                self._errors.append(("<download>", f"Not Found: {path}"))
                self._cond.notify_all()
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            self._downloads.append(file_id)
            self._cond.notify_all()
            return 200, self._files[file_id].data

    def _refuse_blocked(self, method: str, params: dict[str, Any]) -> None:
        """403 for a send/edit to a chat whose user blocked the bot, before any other check (as Telegram)."""
        if not method.startswith(("send", "edit", "copy", "forward")):
            return
        with self._cond:
            if params.get("chat_id") in self._blocked:
                raise ApiError(403, BLOCKED)

    @staticmethod
    def _read_params(query: str, content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Any]]:
        raw: dict[str, str] = dict(parse_qsl(query, keep_blank_values=True))
        files: dict[str, Any] = {}
        kind = content_type.split(";")[0].strip().lower()
        if not body:
            return raw, files
        if kind == "multipart/form-data":
            message = BytesParser(policy=policy.HTTP).parsebytes(
                b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                filename = part.get_filename()
                if not name:
                    continue
                if filename is not None:
                    files[name] = {"filename": filename, "content_type": part.get_content_type(), "size": len(payload),
                                   "head": payload[:8], "data": payload}
                    raw[name] = f"<file {filename}, {len(payload)} bytes>"
                else:
                    raw[name] = payload.decode("utf-8", "replace")
        elif kind == "application/json":
            for key, value in json.loads(body.decode("utf-8")).items():
                raw[key] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        else:  # application/x-www-form-urlencoded, PTB's usual body
            raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        return raw, files

    # ---------------------------------------------------------------- state helpers (called under the lock)

    def _queue(self, payload: dict[str, Any]) -> None:
        update = {"update_id": self._next_update_id, **payload}
        self._next_update_id += 1
        self._pending.append(update)
        self._cond.notify_all()

    def _keep(self, data: bytes, kind: str, file_name: str = "", mime_type: str = "") -> StoredFile:
        """Store bytes under a new file_id (Telegram's ids are opaque; these say what they are)."""
        self._next_file += 1
        stored = StoredFile(f"{kind[:-1]}-{self._next_file}", f"AgAD{self._next_file:04d}", data, kind,
                            file_name, mime_type)
        self._files[stored.file_id] = stored
        return stored

    @staticmethod
    def _sender(chat_id: int, user_id: int | None, chat_type: str, first_name: str,
                title: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The user and chat of a pushed message; user_id defaults to chat_id in private chats, 4242 elsewhere."""
        if user_id is None:
            user_id = chat_id if chat_type == "private" else 4242
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "zh-hans"}
        if chat_type == "private":
            chat = {"id": chat_id, "type": "private", "first_name": first_name}
        else:
            chat = {"id": chat_id, "type": chat_type, "title": title}
        return user, chat

    def _new_message_id(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _store(self, message: dict[str, Any]) -> None:
        key = (message["chat"]["id"], message["message_id"])
        self._messages[key] = copy.deepcopy(message)
        self._order.append(key)

    @staticmethod
    def _without_reply(message: dict[str, Any]) -> dict[str, Any]:
        reply = copy.deepcopy(message)
        reply.pop("reply_to_message", None)
        return reply

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id not in self._chats:
            if chat_id > 0:
                self._chats[chat_id] = {"id": chat_id, "type": "private", "first_name": "测试用户"}
            else:
                kind = "supergroup" if str(chat_id).startswith("-100") else "group"
                self._chats[chat_id] = {"id": chat_id, "type": kind, "title": "测试群"}
        return copy.deepcopy(self._chats[chat_id])

    def _chat_id(self, params: dict[str, Any]) -> int:
        if params.get("chat_id") in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        value = params["chat_id"]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ApiError(400, "Bad Request: chat not found")
        return value

    def _text(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        text = params.get("text")
        text = "" if text is None else str(text)
        mode = str(params.get("parse_mode") or "").lower()
        if mode == "html":
            try:
                text, entities = parse_html(text, self.strict_html)
            except HtmlParseError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        elif mode in ("", "markdown", "markdownv2"):
            given = params.get("entities") if mode == "" else None
            entities = copy.deepcopy(given) if isinstance(given, list) else []
        else:
            raise ApiError(400, "Bad Request: unsupported parse_mode")
        text, entities = _strip(text, entities)
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return text, entities

    @staticmethod
    def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
        """The inline keyboard to show (None for none or reply keyboards), validated."""
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array '
                                "of Arrays")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise ApiError(400, "Bad Request: can't parse inline keyboard button: Field \"text\" must be "
                                        "of type String")
                if not any(key in button for key in _BUTTON_ACTIONS):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return copy.deepcopy(markup)

    def _reply_target(self, chat_id: int, params: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            target_chat = reply.get("chat_id", chat_id)
            message_id, allow = reply.get("message_id"), reply.get("allow_sending_without_reply")
        elif params.get("reply_to_message_id") not in (None, ""):
            target_chat = chat_id
            message_id = _as_int(params, "reply_to_message_id")
            allow = params.get("allow_sending_without_reply")
        else:
            return None
        found = self._messages.get((target_chat, message_id))  # type: ignore[arg-type]
        if found is None:
            if allow is True or allow == "true":
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return self._without_reply(found)

    def _editable(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        message_id = _as_int(params, "message_id")
        if message_id is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    # ---------------------------------------------------------------- Bot API methods

    def _get_me(self, params: dict[str, Any]) -> Any:
        return copy.deepcopy(self.bot_user)

    def _get_updates(self, params: dict[str, Any]) -> Any:
        offset = _as_int(params, "offset", 0) or 0
        limit = min(max(_as_int(params, "limit", 100) or 100, 1), 100)
        try:
            timeout = min(max(float(params.get("timeout") or 0), 0.0), self.max_poll_timeout)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: wrong parameter timeout") from None
        allowed = params.get("allowed_updates")
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._webhook:
                raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use "
                                    "deleteWebhook to delete the webhook first")
            if isinstance(allowed, list):
                self._allowed_updates = [str(kind) for kind in allowed]
            while True:
                if offset < 0:
                    self._pending = self._pending[offset:]
                elif offset:
                    self._pending = [u for u in self._pending if u["update_id"] >= offset]
                if self._allowed_updates:
                    self._pending = [u for u in self._pending if any(k in u for k in self._allowed_updates)]
                self._cond.notify_all()
                remaining = deadline - time.monotonic()
                if self._pending or self._stopping or remaining <= 0:
                    return copy.deepcopy(self._pending[:limit])
                self._cond.wait(remaining)

    def _send_message(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat_id(params)
        text, entities = self._text(params)
        return self._post(chat_id, params,
                          lambda message_id: {"text": text, **({"entities": entities} if entities else {})})

    def _post(self, chat_id: int, params: dict[str, Any], content: Callable[[int], dict[str, Any]]) -> Any:
        """A new message of the bot in a chat: content(message_id) with the markup and reply target asked for."""
        markup = self._markup(params)
        with self._cond:
            reply_to = self._reply_target(chat_id, params)
            message_id = self._new_message_id(chat_id)
            message: dict[str, Any] = {"message_id": message_id, "from": dict(self.bot_user),
                                       "chat": self._chat(chat_id), "date": int(time.time()), **content(message_id)}
            if markup is not None:
                message["reply_markup"] = markup
            if reply_to is not None:
                message["reply_to_message"] = reply_to
            self._store(message)
            return copy.deepcopy(message)

    def _send_photo(self, params: dict[str, Any]) -> Any:
        """An uploaded picture (multipart) or a file_id; caption as text (at most MAX_CAPTION after parsing)."""
        chat_id = self._chat_id(params)
        photo = params.get("photo")
        if isinstance(photo, dict):
            if not photo.get("size"):
                raise ApiError(400, "Bad Request: file must be non-empty")
            if not photo.get("head", b"").startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF")):
                raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
            size = photo["size"]
        elif isinstance(photo, str) and photo:
            size = 0
        else:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        caption = self._caption(params)

        def content(message_id: int) -> dict[str, Any]:
            file_id = f"photo-{chat_id}-{message_id}"
            if isinstance(photo, dict):  # kept, so getFile and a download work on it as on Telegram
                self._files[file_id] = StoredFile(file_id, f"u{chat_id}x{message_id}", photo["data"], "photos",
                                                  mime_type="image/jpeg")
            sizes = [{"file_id": file_id, "file_unique_id": f"u{chat_id}x{message_id}",
                      "width": 640, "height": 480, "file_size": size}]
            return {"photo": sizes, **caption}

        return self._post(chat_id, params, content)

    def _caption(self, params: dict[str, Any]) -> dict[str, Any]:
        """The caption and caption_entities of a media message: parsed like text, at most MAX_CAPTION long."""
        if not params.get("caption"):
            return {}
        caption, entities = self._text({"text": params["caption"], "parse_mode": params.get("parse_mode"),
                                        "entities": params.get("caption_entities")})
        if len(caption) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        return {"caption": caption, **({"caption_entities": entities} if entities else {})}

    def _send_document(self, params: dict[str, Any]) -> Any:
        """An uploaded file (multipart), a known file_id or an http(s) URL; caption as sendPhoto."""
        chat_id = self._chat_id(params)
        document = params.get("document")
        if isinstance(document, dict):
            if not document.get("size"):
                raise ApiError(400, "Bad Request: file must be non-empty")
            if document["size"] > MAX_UPLOAD:
                raise ApiError(413, "Request Entity Too Large")
        elif isinstance(document, str) and document:
            with self._cond:
                known = document in self._files
            if not known and not document.startswith(("http://", "https://")):
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        else:
            raise ApiError(400, "Bad Request: there is no document in the request")
        caption = self._caption(params)

        def content(message_id: int) -> dict[str, Any]:
            if isinstance(document, dict):
                stored = self._keep(document["data"], "documents", document.get("filename") or "",
                                    document.get("content_type") or "application/octet-stream")
            elif document in self._files:  # resending a file keeps its id, as Telegram does
                stored = self._files[document]
            else:  # a URL: Telegram would fetch it; the stand-in has no bytes for it
                name = urlsplit(document).path.rsplit("/", 1)[-1]
                stored = self._keep(b"", "documents", name, mimetypes.guess_type(name)[0] or "")
            return {"document": stored.as_document(), **caption}

        return self._post(chat_id, params, content)

    def _get_file(self, params: dict[str, Any]) -> Any:
        """The File of a known file_id, with a file_path to download it from; too big → 400, as Telegram."""
        file_id = str(params.get("file_id") or "")
        with self._cond:
            stored = self._files.get(file_id)
            if stored is None:
                raise ApiError(400, "Bad Request: invalid file_id")
            if stored.size > MAX_DOWNLOAD:
                raise ApiError(400, "Bad Request: file is too big")
            if stored.file_path is None:  # handed out once and kept, as Telegram keeps it for an hour at least
                suffix = ("." + stored.file_name.rsplit(".", 1)[-1].lower()) if "." in stored.file_name else ""
                if stored.kind == "photos":
                    suffix = ".jpg"
                stored.file_path = f"{stored.kind}/file_{len(self._paths)}{suffix}"
                self._paths[stored.file_path] = file_id
            return stored.as_file()

    def _edit_message_text(self, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            self._text(params)
            self._markup(params)
            return True
        with self._cond:
            message = self._editable(params)
            text, entities = self._text(params)
            markup = self._markup(params)
            if message.get("text") == text and message.get("entities", []) == entities \
                    and message.get("reply_markup") == markup:
                raise ApiError(400, NOT_MODIFIED)
            message["text"] = text
            message.pop("entities", None)
            message.pop("reply_markup", None)
            if entities:
                message["entities"] = entities
            if markup is not None:
                message["reply_markup"] = markup
            message["edit_date"] = int(time.time())
            return copy.deepcopy(message)

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            self._markup(params)
            return True
        with self._cond:
            message = self._editable(params)
            markup = self._markup(params)
            if message.get("reply_markup") == markup:
                raise ApiError(400, NOT_MODIFIED)
            message.pop("reply_markup", None)
            if markup is not None:
                message["reply_markup"] = markup
            message["edit_date"] = int(time.time())
            return copy.deepcopy(message)

    def _delete_message(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat_id(params)
        with self._cond:
            if self._messages.pop((chat_id, _as_int(params, "message_id", 0) or 0), None) is None:
                raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def _send_chat_action(self, params: dict[str, Any]) -> Any:
        self._chat_id(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _answer_callback_query(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        with self._cond:
            if self._queries.get(query_id, True):
                raise ApiError(400, QUERY_INVALID)
            self._queries[query_id] = True
        return True

    @staticmethod
    def _scope_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND.fullmatch(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        with self._cond:
            self._commands[self._scope_key(params)] = [
                {"command": c["command"], "description": c["description"]} for c in commands]
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> Any:
        with self._cond:
            return copy.deepcopy(self._commands.get(self._scope_key(params), []))

    def _delete_my_commands(self, params: dict[str, Any]) -> Any:
        with self._cond:
            self._commands.pop(self._scope_key(params), None)
        return True

    def _drop_pending(self, params: dict[str, Any]) -> None:
        if params.get("drop_pending_updates") in (True, "true"):
            self._pending.clear()
            self._cond.notify_all()

    def _delete_webhook(self, params: dict[str, Any]) -> Any:
        with self._cond:
            self._webhook = ""
            self._drop_pending(params)
        return True

    def _set_webhook(self, params: dict[str, Any]) -> Any:
        with self._cond:
            self._webhook = str(params.get("url") or "")
            self._drop_pending(params)
        return True

    def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        with self._cond:
            info: dict[str, Any] = {"url": self._webhook, "has_custom_certificate": False,
                                    "pending_update_count": len(self._pending)}
            if self._allowed_updates:
                info["allowed_updates"] = list(self._allowed_updates)
            return info
