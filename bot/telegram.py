"""The Telegram bot (`minsheng serve`): python-telegram-bot v22 handlers around a BotService that answers."""
from __future__ import annotations

import asyncio
import hmac
import html
import json
import logging
import re
import secrets
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Mapping

from telegram.ext import BaseUpdateProcessor

from minsheng.bot import texts
from minsheng.bot.answer.extractive import more_text, unquoted
from minsheng.bot.answer.over_time import heading
from minsheng.bot.answer.render import to_html
from minsheng.bot.answer.responder import Responder
from minsheng.bot.answer.types import Citation
from minsheng.bot.engine import LiveRetriever
from minsheng.bot.follows import MAX_FOLLOWS, Follows
from minsheng.bot.guard import RateLimiter, chat_allowed, too_long
from minsheng.bot.logs import FORMAT as LOG_FORMAT
from minsheng.bot.logs import OwnRecords
from minsheng.bot.messages import (
    ShortKeys,
    Stats,
    help_text,
    regions_text,
    reports_text,
    split_html,
    start_text,
    stats_text,
)
from minsheng.bot.session import Conversations
from minsheng.bot.settings import Settings, TelegramSettings
from minsheng.bot.shown import shown
from minsheng.index.errors import MinshengError
from minsheng.index.indexing import BuildReport, Coverage, read_manifest
from minsheng.index.ingest import is_boilerplate
from minsheng.index.script import to_simplified, to_traditional
from minsheng.index.search import MinshengRetriever, SearchResult, starts_over

if TYPE_CHECKING:
    from telegram import Update
    from telegram.ext import Application, ContextTypes

    from minsheng.bot.arrivals import Arrival, Incoming
    from minsheng.index.indexing import FileReader
    from minsheng.index.search import Scorecard, Timeline

log = logging.getLogger("minsheng.bot")
questions_log = logging.getLogger("minsheng.questions")

COMMANDS = tuple((name, texts.COMMAND_DESCRIPTIONS[name])
                 for name in ("start", "help", "ask", "regions", "reports", "summary", "follow", "following",
                              "unfollow", "stats", "reindex", "add"))
_MORE, _FULL, _SUMMARY, _REMOVE = "m", "f", "s", "x"
# The largest file Telegram lets a bot download (getFile).
_BOT_DOWNLOAD_BYTES = 20 * 1024 * 1024
# Seconds between looks for a new index generation whose reports followers have not been told of.
_NOTICE_EVERY = 1.0
# Seconds before a follows database that failed is tried again.
_FOLLOWS_RETRY = 60.0
# Places offered as /summary buttons, and buttons on a row.
_PLACE_BUTTONS, _PLACES_PER_ROW = 30, 3
# Telegram's limit on a button's callback data, in bytes.
_CALLBACK_BYTES = 64
# Telegram's limit on a photo's caption (characters after HTML is parsed).
_CAPTION_CHARS = 1024


@dataclass(frozen=True)
class Reply:
    """An answer ready for Telegram: HTML, and the key its buttons refer to (None: no buttons)."""

    html: str
    abstained: bool
    key: str | None = None
    traditional: bool = False  # the question was in Traditional script: so are the buttons
    more: bool = True  # whether other related records were found ("更多结果" is offered only then)


@dataclass(frozen=True)
class SummaryReply:
    """A scorecard for a chat: its HTML, the chart picture (None when not drawn) and a short caption for it."""

    html: str
    chart: Path | None
    title: str = ""


@dataclass(frozen=True)
class Notice:
    """A new report for the chats following its place: the message (HTML), its scorecard for the chart, a title."""

    chats: tuple[int, ...]
    html: str
    card: Scorecard
    title: str


@dataclass(frozen=True)
class Asked:
    """What a button under an answer needs later: the search result and the records quoted."""

    result: SearchResult
    citations: list[Citation]
    chat_id: int  # the chat it was asked in: its buttons work there only


class BotService:
    """Answers for chats (with follow-ups), what buttons refer to, usage counters and re-indexing; no Telegram."""

    def __init__(self, settings: Settings, live: LiveRetriever, responder: Responder,
                 reindex: Callable[[], BuildReport], files: FileReader | None = None) -> None:
        self.settings = settings
        self.live = live
        self._reindex = reindex
        self.files = files  # the reader worker uploads are checked with (None: one per upload)
        self.responder = responder
        self.conversations = Conversations(live.current().searcher, settings.search.k)
        live.listeners.append(lambda retriever: self.conversations.use(retriever.searcher))
        self.limiter = RateLimiter(settings.telegram.rate_limit, settings.telegram.rate_window)
        self.asked: ShortKeys[Asked] = ShortKeys()
        self.stats = Stats()
        self.started = time.monotonic()
        self._reindexing = threading.Lock()
        self.removable: ShortKeys[str] = ShortKeys()  # a remove button's key → the report file it removes
        self._follows: Follows | None = None
        self._announced_generation: str | None = None

    @property
    def follows(self) -> Follows:
        """The follows database (opened on first use; FollowsUnavailable when it cannot be)."""
        if self._follows is None:
            self._follows = Follows(self.settings.follows_db)
        return self._follows

    @property
    def retriever(self) -> MinshengRetriever:
        """The retriever of the live index (a re-index by another process is picked up by itself)."""
        return self.live.current()

    def examples(self) -> tuple[str, ...]:
        """Questions the loaded index answers well (found on first use)."""
        return self.retriever.searcher.examples()

    @property
    def coverage(self) -> Coverage:
        """What the loaded index covers."""
        return self.retriever.searcher.coverage

    def reports(self) -> str:
        """HTML of the indexed report files, with the other names of each report's copies."""
        manifest = read_manifest(self.settings.index_dir)
        return reports_text(manifest.files, manifest.duplicates) if manifest else reports_text({})

    def ask(self, chat_id: int, question: str) -> Reply:
        """Answer a question in a chat's conversation (blocking: search and maybe a chat model)."""
        started = time.monotonic()
        self.live.current()  # notices a newer index generation
        conversation = self.conversations.get(chat_id)
        if starts_over(question):
            conversation.reset()
            return Reply(texts.RESET_DONE, abstained=False)
        result = conversation.search(question)
        answer = self.responder.answer(question, result)
        seconds = time.monotonic() - started
        self.stats.record(seconds, answer.abstained)
        questions_log.info("chat=%s latency=%.3f abstained=%s composer=%s chars=%d", chat_id, seconds,
                           answer.abstained, answer.composer, len(question))
        key = None if answer.abstained else self.asked.put(Asked(result, answer.citations, chat_id))
        return Reply(to_html(answer), answer.abstained, key, answer.traditional, bool(unquoted(result, answer.citations)))

    def summary(self, place: str, chart: Path) -> SummaryReply:
        """HTML of a place's scorecard and its bar chart drawn into chart (None, with the reason, when it cannot be)."""
        from minsheng.bot.summary import PlaceError, summarize, with_chart

        try:
            summary = summarize(self.retriever.searcher, place)
        except PlaceError as exc:
            return SummaryReply(html.escape(str(exc), quote=False), None)
        with_chart(summary, self.settings.chart.font, chart)
        text = to_html(summary.answer)
        if summary.chart_error:
            log.warning("summary chart not drawn: %s", summary.chart_error)
            text += "\n\n" + html.escape(texts.CHART_NOT_DRAWN.format(reason=summary.chart_error), quote=False)
        return SummaryReply(text, summary.chart, heading(summary.cards[0]))

    def _asked_in(self, key: str, chat_id: int) -> Asked | None:
        """What the key was given for, if it was given in this chat (a button pressed elsewhere, say in a forwarded
        message, shows nothing of another chat's question)."""
        asked = self.asked.get(key)
        return asked if asked is not None and asked.chat_id == chat_id else None

    def more(self, key: str, chat_id: int) -> str | None:
        """HTML of the retrieved records the answer did not quote, or None when the key is forgotten or another
        chat's."""
        asked = self._asked_in(key, chat_id)
        return None if asked is None else html.escape(more_text(asked.result, asked.citations), quote=False)

    def full(self, key: str, chat_id: int) -> str | None:
        """HTML of the full text of every record the answer quoted, or None when the key is forgotten or another
        chat's."""
        asked = self._asked_in(key, chat_id)
        if asked is None:
            return None
        searcher = self.retriever.searcher
        script = to_traditional if asked.result.query.traditional else to_simplified
        blocks, replaced = [], False
        shown: set[tuple[str, int]] = set()
        for citation in asked.citations:
            hit = next((h for h in asked.result.hits if h.chunk.id == citation.chunk_id), None)
            if hit is None or (hit.chunk.source, hit.chunk.record) in shown:
                continue  # two passages of one record: the record once
            shown.add((hit.chunk.source, hit.chunk.record))
            if searcher.has(hit.chunk.id):
                # Content-addressed ids: the index still holds the very record the answer quoted.
                parts = searcher.record_hits(hit.chunk.source, hit.chunk.record) or [hit]
            else:
                # Re-indexed since: the parts of the record the answer was built from, not today's text.
                replaced = True
                parts = [h for h in asked.result.hits
                         if (h.chunk.source, h.chunk.record) == (hit.chunk.source, hit.chunk.record)]
            # The record's fields once: its passages repeat its wording.
            parts = [p for p in parts if not p.chunk.is_passage] or parts
            head, *_ = parts[0].chunk.text.split("\n", 1)
            body = "\n".join(p.chunk.text.split("\n", 1)[1] if "\n" in p.chunk.text else "" for p in parts)
            # The page's bylines, share buttons and navigation are no part of the record.
            body = "\n".join(line for line in body.split("\n") if line.strip() and not is_boilerplate(line))
            label = script(citation.label())
            blocks.append(f"<b>{html.escape(label, quote=False)}</b>\n"
                          f"{html.escape(script(body.strip() or head), quote=False)}")
        if replaced:
            blocks.insert(0, script(texts.FULL_TEXT_REINDEXED))
        return "\n\n".join(blocks) or script(texts.NO_FULL_TEXT)

    def reindex(self, names: list[str] | None = None) -> BuildReport | None:
        """Bring the index up to date (names: only these corpus files changed) and load it; None when a re-index is
        already running."""
        if not self._reindexing.acquire(blocking=False):
            return None
        try:
            report = self._reindex() if names is None else self._reindex(names=names)
            self.live.reload()
            return report
        finally:
            self._reindexing.release()

    def add(self, incoming: list[Incoming]) -> Arrival:
        """Save reports into the corpus, index them and say what was read (blocking)."""
        from minsheng.bot.arrivals import add_reports
        from minsheng.bot.engine import destination

        def timeline() -> tuple[Timeline, Mapping[str, tuple[str, ...]]]:
            searcher = self.retriever.searcher
            return searcher.timeline, searcher.coverage.paths

        return add_reports(incoming, destination(self.settings), self.reindex, timeline, self.files)

    def fetch(self, url: str, by: str) -> Incoming:
        """A report fetched from a link within [fetch]'s limits (blocking); FetchError saying why not."""
        from minsheng.bot.engine import incoming_link

        return incoming_link(self.settings, url, by)

    def remove(self, name: str, by: str) -> bool:
        """Delete an added report from the corpus and re-index; False when it was gone already."""
        from minsheng.bot.intake import remove_report

        gone = remove_report(self.settings.corpus_dir, name, by)
        if gone:
            self.reindex()
        return gone

    def follow(self, chat_id: int, names: list[str]) -> str:
        """Follow each place named; HTML saying what was done and what was not understood."""
        from minsheng.bot.follows import PlaceNotUnderstood, TooManyFollows, named_place

        coverage = self.coverage
        done, already, unclear, uncovered = [], [], [], []
        for name in names:
            try:
                place = named_place(name, coverage)
            except PlaceNotUnderstood as exc:
                unclear.append(str(exc))
                continue
            try:
                added = self.follows.follow(chat_id, place)
            except TooManyFollows:
                return texts.FOLLOW_TOO_MANY.format(count=MAX_FOLLOWS)
            (done if added else already).append(place.label)
            if added and not any(place.covers(tuple(coverage.paths.get(r, ())), r) for r in coverage.regions if r):
                uncovered.append(place.label)
        lines = []
        if done:
            lines.append(texts.FOLLOW_DONE.format(places=texts.LIST_JOIN.join(done)))
        if uncovered:
            lines.append(texts.FOLLOW_NOT_COVERED_YET.format(places=texts.LIST_JOIN.join(uncovered)))
        if already:
            lines.append(texts.FOLLOW_ALREADY.format(places=texts.LIST_JOIN.join(already)))
        lines.extend(unclear)
        return html.escape("\n".join(lines), quote=False)

    def unfollow(self, chat_id: int, names: list[str]) -> str:
        """Stop following each place named (and the places inside it the chat follows); HTML saying so."""
        from minsheng.bot.follows import PlaceNotUnderstood, named_place

        done, none, unclear = [], [], []
        for name in names:
            try:
                place = named_place(name, self.coverage)
            except PlaceNotUnderstood as exc:
                unclear.append(str(exc))
                continue
            (done if self.follows.unfollow(chat_id, place) else none).append(place.label)
        lines = [texts.UNFOLLOW_DONE.format(places=texts.LIST_JOIN.join(done))] if done else []
        lines += [texts.UNFOLLOW_NONE.format(places=texts.LIST_JOIN.join(none))] if none else []
        return html.escape("\n".join(lines + unclear), quote=False)

    def following(self, chat_id: int) -> str:
        """HTML of the places a chat follows."""
        places = self.follows.following(chat_id)
        if not places:
            return texts.FOLLOWING_NONE
        return html.escape(texts.FOLLOWING_HEAD.format(places=texts.LIST_JOIN.join(p.label for p in places)),
                           quote=False)

    def notices(self) -> list[Notice]:
        """When the live index generation is new to this process: the reports it holds that no process has announced
        yet, each as a notice for the chats following its place (claimed in the follows database, so one process
        sends it). The first look at a new database announces nothing: what is indexed then is no news."""
        from minsheng.bot.changes import news_lines, report_news

        searcher = self.retriever.searcher
        if searcher.generation == self._announced_generation or not searcher.generation:
            return []
        manifest = searcher.manifest()
        if manifest is None:
            return []
        claimed = self.follows.claim((entry.text_hash, name) for name, entry in sorted(manifest.files.items())
                                     if entry.text_hash)
        self._announced_generation = searcher.generation
        found = []
        for name in claimed:
            news = report_news(searcher.timeline, searcher.coverage.paths, name)
            if news is None:
                continue
            chats = tuple(self.follows.followers(news.path, news.region))
            if chats:
                found.append(Notice(chats, html.escape("\n".join(news_lines(news)), quote=False), news.card,
                                    heading(news.card)))
        return found

    def uptime(self) -> float:
        """Seconds since start-up."""
        return time.monotonic() - self.started


def photo_caption(text_html: str, title: str) -> tuple[str, str]:
    """A picture's caption and the text to send after it: the whole text as caption when it fits Telegram's limit,
    else the title as caption and the text after."""
    if len(html.unescape(re.sub(r"<[^>]+>", "", text_html)).strip()) <= _CAPTION_CHARS:
        return text_html, ""
    return html.escape(title, quote=False), text_html


def reindex_text(report: BuildReport | None) -> str:
    """What a re-index changed (HTML)."""
    if report is None:
        return texts.REINDEX_BUSY
    lines = [texts.REINDEX_DONE.format(seconds=report.seconds, added=len(report.added), updated=len(report.updated),
                                       removed=len(report.removed), failed=len(report.failed),
                                       unchanged=report.unchanged, records=report.records)]
    for label, names in ((texts.REINDEX_ADDED, report.added), (texts.REINDEX_UPDATED, report.updated),
                         (texts.REINDEX_REMOVED, report.removed)):
        lines.extend(texts.REINDEX_FILE_LINE.format(change=label, name=html.escape(shown(name))) for name in names)
    lines.extend(texts.REINDEX_FILE_LINE.format(change=texts.REINDEX_FAILED, name=html.escape(shown(f.error)))
                 for f in report.failed)
    return "\n".join(lines)


# --- Telegram ---------------------------------------------------------------------------------------------


def api_urls(base_url: str | None) -> tuple[str | None, str | None]:
    """The Bot API and file URLs python-telegram-bot wants ("…/bot", "…/file/bot") from TELEGRAM_API_BASE_URL,
    given with or without its "/bot" ending."""
    if not base_url:
        return None, None
    root = base_url.rstrip("/")
    if root.endswith("/bot"):
        root = root[: -len("/bot")]
    return f"{root}/bot", f"{root}/file/bot"


class PerChatOrder(BaseUpdateProcessor):
    """Updates of one chat are handled one after another, in the order they arrived (a follow-up must see the
    answer before it); updates of different chats are handled at the same time. Button presses join their chat's
    order. Each update's task reaches its chat's lock first thing, in arrival order, and asyncio's locks are fair."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handling under its chat's lock (updates without a chat run at once)."""
        chat = _chat_id(update)
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat] -= 1
            if not self._waiting[chat]:  # no update of this chat is waiting: forget its lock
                del self._waiting[chat], self._locks[chat]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _user_of(update: "Update") -> str:
    """The id of the user an update is from, as the corpus's origins file notes it ("" when none)."""
    user = update.effective_user
    return str(user.id) if user else ""


def _chat_id(update: object) -> int | None:
    chat = getattr(update, "effective_chat", None)
    return getattr(chat, "id", None)


def build_application(service: BotService, token: str, base_url: str | None) -> "Application":
    """The python-telegram-bot Application with every handler; one chat's updates in order, chats concurrently."""
    from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

    api, files = api_urls(base_url)
    # The rate limiter keeps every call (answers and notices to followers alike) within Telegram's limits, and
    # waits out a "retry after" instead of failing.
    builder = Application.builder().token(token).concurrent_updates(PerChatOrder()).post_init(_started) \
        .post_stop(_stopping).rate_limiter(AIORateLimiter(max_retries=2))
    if api and files:
        builder = builder.base_url(api).base_file_url(files)
    app = builder.build()
    app.bot_data["service"] = service
    handlers = TelegramHandlers(service)
    app.bot_data["handlers"] = handlers
    app.add_handler(CommandHandler("start", handlers.start))
    app.add_handler(CommandHandler("help", handlers.help))
    app.add_handler(CommandHandler("ask", handlers.ask))
    app.add_handler(CommandHandler("regions", handlers.regions))
    app.add_handler(CommandHandler("reports", handlers.reports))
    app.add_handler(CommandHandler("summary", handlers.summary))
    app.add_handler(CommandHandler("stats", handlers.stats))
    app.add_handler(CommandHandler("reindex", handlers.reindex))
    app.add_handler(CommandHandler("add", handlers.add))
    app.add_handler(CommandHandler("follow", handlers.follow))
    app.add_handler(CommandHandler("following", handlers.following))
    app.add_handler(CommandHandler("unfollow", handlers.unfollow))
    app.add_handler(MessageHandler(filters.Document.ALL, handlers.document))
    # Private chats: every text is a question. Groups: only messages that mention the bot.
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, handlers.text))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS
                                   & (filters.Entity("mention") | filters.Entity("text_mention")), handlers.mention))
    app.add_handler(CallbackQueryHandler(handlers.button))
    app.add_error_handler(handlers.error)
    return app


async def _started(app: "Application") -> None:
    """Register the command menu and start telling followers of new reports."""
    from telegram import BotCommand

    await app.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
    handlers: TelegramHandlers = app.bot_data["handlers"]
    app.bot_data["notifier"] = asyncio.create_task(handlers.tell_followers(app), name="notices")


async def _stopping(app: "Application") -> None:
    task = app.bot_data.pop("notifier", None)
    if task is not None:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass


class TelegramHandlers:
    """The python-telegram-bot callbacks; all answering happens in BotService, off the event loop."""

    def __init__(self, service: BotService) -> None:
        self.service = service
        self.config: TelegramSettings = service.settings.telegram
        # Chats off the allowlist are told so once per rate window too.
        self._outsiders = RateLimiter(0, self.config.rate_window)

    async def start(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """/start: what the bot is, what it covers, example questions."""
        if await self._admitted(update):
            group = update.effective_chat is not None and update.effective_chat.type != "private"
            await self._send(update, start_text(self.service.coverage, await asyncio.to_thread(self.service.examples),
                                                group))

    async def help(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """/help: how to ask."""
        if await self._admitted(update):
            await self._send(update, help_text(await asyncio.to_thread(self.service.examples)))

    async def regions(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """/regions: districts and periods covered."""
        if await self._admitted(update):
            await self._send(update, regions_text(self.service.coverage))

    async def reports(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """/reports: the indexed reports."""
        if await self._admitted(update):
            await self._send(update, await asyncio.to_thread(self.service.reports))

    async def summary(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """/summary 地区: the place's scorecard, its bar chart sent as a photo with the text as caption (or after)."""
        if not await self._admitted(update):
            return
        place = " ".join(context.args or []).strip()
        if not place:
            await self._offer_places(update)
            return
        await self._summary(update, context, place)

    async def _offer_places(self, update: "Update") -> None:
        """/summary alone: a button for each covered place (most reports first), or how to name one."""
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup

        message = update.effective_message
        if message is None:
            return
        coverage = self.service.coverage
        places = [p for p in sorted((r for r in coverage.regions if r), key=lambda r: -len(coverage.regions[r]))
                  if len(f"{_SUMMARY}:{p}".encode()) <= _CALLBACK_BYTES][:_PLACE_BUTTONS]
        if not places:
            await self._send(update, texts.SUMMARY_NEEDS_PLACE)
            return
        buttons = [InlineKeyboardButton(p, callback_data=f"{_SUMMARY}:{p}") for p in places]
        rows = [buttons[i:i + _PLACES_PER_ROW] for i in range(0, len(buttons), _PLACES_PER_ROW)]
        await message.reply_text(texts.SUMMARY_PICK_PLACE, reply_markup=InlineKeyboardMarkup(rows))

    async def _summary(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE", place: str) -> None:
        """The place's scorecard: its chart as a photo with the text as caption (or after)."""
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None:
            return
        from telegram.constants import ChatAction

        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
        with tempfile.TemporaryDirectory(prefix="minsheng-summary-") as folder:
            reply = await asyncio.to_thread(self.service.summary, place, Path(folder) / "summary.png")
            if reply.chart is None:
                await self._send(update, reply.html)
                return
            caption, rest = photo_caption(reply.html, reply.title)
            with reply.chart.open("rb") as picture:
                await message.reply_photo(picture, caption=caption, parse_mode="HTML")
        if rest:
            await self._send(update, rest)

    async def stats(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """/stats: usage since start-up."""
        if await self._admitted(update):
            records = self.service.retriever.searcher.record_count()
            await self._send(update, stats_text(self.service.stats, self.service.coverage, records,
                                                self.service.uptime()))

    async def reindex(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """/reindex (admins only): bring the index up to date with the corpus, then say what changed."""
        if not await self._admitted(update):
            return
        user = update.effective_user
        if user is None or user.id not in self.config.admins:
            await self._send(update, texts.REINDEX_ADMINS_ONLY)
            return
        await self._send(update, texts.REINDEX_STARTED)
        await self._send(update, reindex_text(await asyncio.to_thread(self.service.reindex)))

    def _admin(self, update: "Update") -> bool:
        user = update.effective_user
        return user is not None and user.id in self.config.admins

    async def document(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """A file sent or forwarded to the bot: an admin's is downloaded, checked, saved into the corpus, indexed and
        described; anyone else's is refused with one line and never downloaded."""
        message = update.effective_message
        if message is None or message.document is None or not await self._admitted(update):
            return
        if not self._admin(update):
            await self._send(update, texts.UPLOAD_NOT_ADMIN)
            return
        document = message.document
        name = document.file_name or "report"
        limit = min(_BOT_DOWNLOAD_BYTES, self.service.settings.index.max_file_bytes)
        if document.file_size and document.file_size > limit:
            reason = texts.UPLOAD_TOO_BIG_FOR_BOTS if document.file_size > _BOT_DOWNLOAD_BYTES else \
                f"{document.file_size / 1e6:.1f} MB is more than the {limit / 1e6:g} MB a report may be"
            await self._send(update, html.escape(texts.UPLOAD_REFUSED.format(name=shown(name), reason=reason)))
            return
        await self._send(update, html.escape(texts.UPLOAD_RECEIVED.format(name=shown(name))))
        from telegram.error import BadRequest, TelegramError

        try:
            data = bytes(await (await context.bot.get_file(document.file_id)).download_as_bytearray())
        except TelegramError as exc:
            # Telegram's own answer when the size was not given with the document.
            reason = texts.UPLOAD_TOO_BIG_FOR_BOTS if isinstance(exc, BadRequest) and "too big" in str(exc) else \
                texts.UPLOAD_DOWNLOAD_FAILED.format(reason=exc)
            await self._send(update, html.escape(texts.UPLOAD_REFUSED.format(name=shown(name), reason=reason)))
            return
        from minsheng.bot.arrivals import Incoming
        from minsheng.bot.intake import Origin

        incoming = Incoming(data, name, Origin("upload", given_name=name, by=_user_of(update)))
        await self._added(update, await asyncio.to_thread(self.service.add, [incoming]))

    async def add(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """/add URL… (admins): each link fetched, saved into the corpus, indexed and described."""
        if not await self._admitted(update):
            return
        if not self._admin(update):
            await self._send(update, texts.UPLOAD_NOT_ADMIN)
            return
        urls = [arg for arg in (context.args or []) if arg.strip()]
        if not urls:
            await self._send(update, html.escape(texts.ADD_NEEDS_URL))
            return
        by = _user_of(update)
        incoming = []
        for url in urls:
            await self._send(update, html.escape(texts.ADD_FETCHING.format(url=shown(url))))
            try:
                incoming.append(await asyncio.to_thread(self.service.fetch, url, by))
            except MinshengError as exc:
                await self._send(update, html.escape(texts.UPLOAD_REFUSED.format(name=shown(url),
                                                                                 reason=shown(str(exc)))))
        if incoming:
            await self._added(update, await asyncio.to_thread(self.service.add, incoming))

    async def _added(self, update: "Update", arrival: "Arrival") -> None:
        """Say what was read from each added report (with a button to remove it again) and why others were not."""
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup

        from minsheng.bot.changes import news_lines
        from minsheng.bot.intake import AlreadyHave

        message = update.effective_message
        if message is None:
            return
        for added in arrival.added:
            lines = [texts.READ_HEAD.format(name=shown(added.name)), *added.lines]
            if added.news is not None and not added.news.first:
                lines.extend(news_lines(added.news)[1:])
            key = self.service.removable.put(added.name)
            markup = InlineKeyboardMarkup([[InlineKeyboardButton(texts.BUTTON_REMOVE,
                                                                 callback_data=f"{_REMOVE}:{key}")]])
            for n, piece in enumerate(pieces := split_html(html.escape("\n".join(lines), quote=False))):
                await message.reply_text(piece, parse_mode="HTML", reply_markup=markup if n == len(pieces) - 1 else None)
        for refusal in arrival.refused:
            text = texts.UPLOAD_DUPLICATE.format(name=shown(refusal.name)) if isinstance(refusal, AlreadyHave) else \
                texts.UPLOAD_NOT_ADDED.format(reason=shown(str(refusal)))
            await self._send(update, html.escape(text, quote=False))

    async def _remove(self, update: "Update", key: str) -> None:
        """The remove button under an added report (admins): the file deleted from the corpus, the index updated."""
        query = update.callback_query
        if query is None:
            return
        name = self.service.removable.get(key)
        if not self._admin(update):
            await query.answer(texts.UPLOAD_NOT_ADMIN, show_alert=False)
            return
        if name is None:
            await query.answer(texts.BUTTON_EXPIRED, show_alert=False)
            return
        await query.answer()
        gone = await asyncio.to_thread(self.service.remove, name, _user_of(update))
        await self._send(update, html.escape((texts.REMOVED if gone else texts.REMOVE_GONE).format(name=shown(name))))

    async def follow(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """/follow 地区…: tell this chat when a report of these places is indexed."""
        await self._follows(update, context, self.service.follow, texts.FOLLOW_NEEDS_PLACE)

    async def unfollow(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """/unfollow 地区…"""
        await self._follows(update, context, self.service.unfollow, texts.UNFOLLOW_NEEDS_PLACE)

    async def following(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """/following: the places this chat follows."""
        chat = update.effective_chat
        if chat is None or not await self._admitted(update):
            return
        await self._send(update, await self._with_follows(self.service.following, chat.id))

    async def _follows(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE",
                       change: Callable[[int, list[str]], str], needs: str) -> None:
        chat = update.effective_chat
        if chat is None or not await self._admitted(update):
            return
        names = [name for arg in (context.args or []) for name in re.split(texts.PLACE_LIST_SPLIT, arg) if name.strip()]
        if not names:
            await self._send(update, html.escape(needs))
            return
        await self._send(update, await self._with_follows(change, chat.id, names))

    @staticmethod
    async def _with_follows(call: Callable[..., str], *args: Any) -> str:
        """A follows call off the event loop; a database that fails is a polite line, and a log entry."""
        from minsheng.bot.follows import FollowsUnavailable

        try:
            return await asyncio.to_thread(call, *args)
        except FollowsUnavailable as exc:
            log.error("follows: %s", exc)
            return texts.FOLLOWS_UNAVAILABLE

    async def tell_followers(self, app: "Application") -> None:
        """Forever: when a new index generation is live, send each new report's notice (its chart as a photo) to
        the chats following its place; a chat that blocked the bot is dropped."""
        from minsheng.bot.follows import FollowsUnavailable

        while True:
            try:
                notices = await asyncio.to_thread(self.service.notices)
                for notice in notices:
                    await self._tell(app, notice)
            except asyncio.CancelledError:
                raise
            except FollowsUnavailable as exc:
                log.error("follows: %s", exc)
                await asyncio.sleep(_FOLLOWS_RETRY)  # a broken database is not fixed within a second
            except Exception:  # noqa: BLE001 — one failed round must not end the notices for good
                log.exception("telling followers failed")
            await asyncio.sleep(_NOTICE_EVERY)

    async def _tell(self, app: "Application", notice: Notice) -> None:
        from telegram.error import Forbidden, TelegramError

        from minsheng.bot.chart import ChartError, cjk_font, draw

        with tempfile.TemporaryDirectory(prefix="minsheng-notice-") as folder:
            chart: Path | None = Path(folder) / "chart.png"
            try:
                chart = await asyncio.to_thread(draw, notice.card, cjk_font(self.service.settings.chart.font), chart)
            except ChartError as exc:
                log.warning("notice chart not drawn: %s", exc)
                chart = None
            caption, rest = photo_caption(notice.html, notice.title)
            for chat_id in notice.chats:
                try:
                    if chart is not None:
                        with chart.open("rb") as picture:
                            await app.bot.send_photo(chat_id, picture, caption=caption, parse_mode="HTML")
                    for piece in split_html(rest if chart is not None else notice.html):
                        await app.bot.send_message(chat_id, piece, parse_mode="HTML")
                except Forbidden:
                    dropped = await asyncio.to_thread(self.service.follows.drop_chat, chat_id)
                    log.info("chat %s blocked the bot: its %d follows are dropped", chat_id, dropped)
                except TelegramError as exc:
                    log.warning("could not tell chat %s of %s: %s", chat_id, notice.title, exc)

    async def ask(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """/ask 问题."""
        question = " ".join(context.args or [])
        if not question.strip():
            if not await self._admitted(update):
                return
            examples = await asyncio.to_thread(self.service.examples)
            await self._send(update, texts.ASK_NEEDS_QUESTION_EXAMPLE.format(question=html.escape(examples[0]))
                             if examples else texts.ASK_NEEDS_QUESTION)
            return
        await self._answer(update, context, question)

    async def text(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """A private message: the whole text is the question."""
        message = update.effective_message
        if message is not None and message.text:
            await self._answer(update, context, message.text)

    async def mention(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """A group message mentioning the bot: the text without the mention is the question."""
        message = update.effective_message
        username = context.bot.username
        if message is None or not message.text or not username or f"@{username}" not in message.text:
            return
        await self._answer(update, context, message.text.replace(f"@{username}", " ").strip())

    async def button(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE") -> None:
        """"更多结果" / "完整原文" under an answer."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:
            return
        # A button press is an update like a message: the allowlist and the rate limit apply to it too.
        if not await self._admitted(update):
            return
        kind, _, key = (query.data or "").partition(":")
        if kind == _REMOVE:
            await self._remove(update, key)
            return
        if kind == _SUMMARY:
            await query.answer()
            await self._summary(update, context, key)
            return
        text = self.service.more(key, chat.id) if kind == _MORE else self.service.full(key, chat.id) \
            if kind == _FULL else None
        if text is None:
            await query.answer(texts.BUTTON_EXPIRED, show_alert=False)
            return
        await query.answer()
        for piece in split_html(text):
            await context.bot.send_message(chat.id, piece, parse_mode="HTML")

    async def error(self, update: object, context: "ContextTypes.DEFAULT_TYPE") -> None:
        """Log any handler failure with its traceback and tell the user politely."""
        log.error("handling an update failed", exc_info=context.error)
        from telegram import Update

        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, texts.HANDLER_FAILED)
            except Exception:  # noqa: BLE001 — the network may be what failed; the log already has the error
                log.warning("could not send the error reply", exc_info=True)

    async def _answer(self, update: "Update", context: "ContextTypes.DEFAULT_TYPE", question: str) -> None:
        if not await self._admitted(update):
            return
        refusal = too_long(question, self.service.settings.search.max_question_chars)
        if refusal:
            await self._send(update, refusal)
            return
        chat = update.effective_chat
        if chat is None:
            return
        from telegram.constants import ChatAction

        await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        reply = await asyncio.to_thread(self.service.ask, chat.id, question)
        await self._send(update, reply.html, reply.key, reply.traditional, reply.more)

    async def _admitted(self, update: "Update") -> bool:
        """Whether an update of any kind (a question, a command, a button) is answered: its chat on the allowlist
        and its user within the rate limit. A refused user, or chat off the allowlist, is told once per rate window,
        not once per update."""
        chat = update.effective_chat
        if chat is None:
            return False
        if not chat_allowed(chat.id, self.config.allowed_chats):
            log.info("chat %s is not on the allowlist", chat.id)
            if self._outsiders.tell(chat.id):
                await self._refuse(update, texts.CHAT_NOT_ALLOWED)
            elif update.callback_query is not None:
                await update.callback_query.answer()
            return False
        user = update.effective_user
        limiter = self.service.limiter
        if user is not None and not limiter.allow(user.id):
            self.service.stats.limited += 1
            if limiter.tell(user.id):
                await self._refuse(update, texts.RATE_LIMITED.format(seconds=max(1, round(limiter.wait(user.id)))))
            elif update.callback_query is not None:
                await update.callback_query.answer()
            return False
        return True

    async def _refuse(self, update: "Update", text: str) -> None:
        """Say why an update is not answered: under a pressed button as a notice, else as a message."""
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=False)
        else:
            await self._send(update, text)

    async def _send(self, update: "Update", text: str, key: str | None = None, traditional: bool = False,
                    more: bool = True) -> None:
        """Send HTML in pieces under Telegram's limit; the answer's buttons, in the question's script, go under the
        last piece."""
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup

        message = update.effective_message
        if message is None:
            return
        pieces = split_html(text)
        markup = None
        if key is not None:
            script = to_traditional if traditional else (lambda label: label)
            buttons = [InlineKeyboardButton(script(texts.BUTTON_FULL), callback_data=f"{_FULL}:{key}")]
            if more:  # offered only when other related records were found
                buttons.insert(0, InlineKeyboardButton(script(texts.BUTTON_MORE), callback_data=f"{_MORE}:{key}"))
            markup = InlineKeyboardMarkup([buttons])
        for n, piece in enumerate(pieces):
            await message.reply_text(piece, parse_mode="HTML", reply_markup=markup if n == len(pieces) - 1 else None)


# --- running ----------------------------------------------------------------------------------------------


class _Redact(logging.Filter):
    """Keeps the bot token out of every log line (httpx and tracebacks may carry request URLs)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret:
            message = record.getMessage()
            if self.secret in message:
                record.msg, record.args = message.replace(self.secret, "<token>"), None
        return True


def setup_logging(config: TelegramSettings, token: str) -> None:
    """The bot's own log on standard error (libraries' records stay in the log file but for their errors); one line
    per question in a rotating file; the token redacted everywhere."""
    redact = _Redact(token)
    root = logging.getLogger()
    for handler in root.handlers:  # the libraries' log file (bot/logs.py)
        handler.addFilter(redact)
    stderr = logging.StreamHandler()
    stderr.setFormatter(logging.Formatter(LOG_FORMAT))
    stderr.addFilter(OwnRecords())
    stderr.addFilter(redact)
    root.setLevel(logging.INFO)
    root.addHandler(stderr)
    # httpx logs every request URL at INFO, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    config.log_file.parent.mkdir(parents=True, exist_ok=True)
    questions = RotatingFileHandler(config.log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    questions.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    questions.addFilter(redact)
    questions_log.addHandler(questions)
    questions_log.setLevel(logging.INFO)


def run_bot(service: BotService, token: str, base_url: str | None, webhook_secret: str | None = None) -> None:
    """Serve until interrupted (SIGINT/SIGTERM), by long polling or a webhook as config.toml says."""
    if not token:
        raise MinshengError(texts.TOKEN_MISSING)
    config = service.settings.telegram
    if config.mode == "webhook" and not config.webhook_url:
        raise MinshengError(texts.WEBHOOK_URL_MISSING)
    setup_logging(config, token)
    app = build_application(service, token, base_url)
    log.info("serving %d reports (%s mode)", sum(service.coverage.reports.values()), config.mode)
    kwargs: dict[str, Any] = {"allowed_updates": ["message", "callback_query"]}
    if config.mode == "webhook":
        if not webhook_secret:
            # Without a secret anyone who reaches the port could post updates as any user (an admin's /reindex):
            # this run makes one and gives it to Telegram with setWebhook.
            webhook_secret = secrets.token_urlsafe(32)
            log.warning(texts.WEBHOOK_SECRET_GENERATED)
        asyncio.run(_serve_webhook(app, config, webhook_secret, kwargs["allowed_updates"]))
    else:
        app.run_polling(poll_interval=0.0, timeout=config.poll_timeout, **kwargs)


WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(app: "Application", secret: str) -> Any:
    """The tornado application Telegram posts updates to: the secret header checked in constant time (403 when it
    is missing or wrong, 400 for a body that is no update), each update handed to the bot's queue."""
    import tornado.web
    from telegram import Update

    expected = secret.encode("utf-8")

    class UpdateHook(tornado.web.RequestHandler):
        async def post(self) -> None:
            given = self.request.headers.get(SECRET_HEADER, "").encode("utf-8")
            if not hmac.compare_digest(given, expected):
                raise tornado.web.HTTPError(403)
            try:
                update = Update.de_json(json.loads(self.request.body), app.bot)
            except (ValueError, TypeError, KeyError):
                raise tornado.web.HTTPError(400) from None
            await app.update_queue.put(update)

    return tornado.web.Application([(WEBHOOK_PATH, UpdateHook)])


async def _serve_webhook(app: "Application", config: TelegramSettings, secret: str,
                         allowed_updates: list[str]) -> None:
    """Serve the webhook until SIGINT/SIGTERM: Telegram is told the address and the secret, updates are checked
    and handled, and the hook is closed cleanly."""
    import tornado.httpserver

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with app:
        if app.post_init is not None:
            await app.post_init(app)
        await app.bot.set_webhook(f"{config.webhook_url.rstrip('/')}{WEBHOOK_PATH}", secret_token=secret,
                                  allowed_updates=allowed_updates)
        await app.start()
        server = tornado.httpserver.HTTPServer(webhook_app(app, secret))
        server.listen(config.webhook_port, address=config.webhook_listen)
        try:
            await stop.wait()
        finally:
            server.stop()
            await _stopping(app)  # run_polling calls post_stop itself; this serving loop is ours
            await app.stop()
