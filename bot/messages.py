"""Texts of the chat bot (start, help, coverage, reports, stats) and splitting HTML under Telegram's limit."""
from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Generic, Sequence, TypeVar

from minsheng.bot import texts
from minsheng.bot.coverage import covered_line, place_label
from minsheng.index.indexing import Coverage, FileEntry, period_label

TELEGRAM_LIMIT = 4096
_ENTITY_AT_END = re.compile(r"&[#\w]{0,8}$")

T = TypeVar("T")


def start_text(coverage: Coverage, examples: Sequence[str] = (), group: bool = False) -> str:
    """What the bot is, what it covers, and example questions the index answers well (HTML)."""
    how = texts.START_HOW_GROUP if group else texts.START_HOW_PRIVATE
    lines = [
        texts.START_TITLE,
        texts.START_ABOUT,
        "",
        texts.START_COVERED.format(count=sum(coverage.reports.values()),
                                   covered=html.escape(covered_line(coverage)) or texts.START_NOTHING_COVERED),
        "",
        how,
    ]
    if examples:
        lines.append(texts.FOR_EXAMPLE)
        lines.extend(texts.LIST_LINE_BARE.format(text=html.escape(q)) for q in examples)
    lines.append("")
    lines.append(texts.START_COMMANDS)
    return "\n".join(lines)


def help_text(examples: Sequence[str] = ()) -> str:
    """How to ask, with example questions the index answers well (HTML)."""
    lines = [texts.HOW_TO_ASK]
    if examples:
        lines.append("")
        lines.append(texts.EXAMPLES_INLINE.format(questions=texts.CLAUSE_JOIN.join(html.escape(q) for q in examples)))
    return "\n".join(lines)


def regions_text(coverage: Coverage, group_over: int = 8) -> str:
    """Places and periods covered, each with its parent and report count, under their provinces when there are
    more than group_over (HTML)."""
    if not coverage.regions:
        return texts.NO_REPORTS_YET
    named = [region for region in coverage.regions if region]
    lines = [texts.REGIONS_HEAD.format(count=len(named))]
    grouped = len(named) > group_over
    province = None
    for region in sorted(named, key=coverage.order) if grouped else named:
        if grouped and coverage.province(region) != province:
            province = coverage.province(region)
            lines.append(f"<b>{html.escape(province or texts.PROVINCE_UNKNOWN)}</b>")
        periods = coverage.regions[region]
        lines.append(texts.REGION_LINE.format(
            place=html.escape(place_label(coverage, region)),
            periods=html.escape(texts.LIST_JOIN.join(periods) or texts.PERIOD_NOT_STATED),
            reports=coverage.reports.get(region, 0)))
    if coverage.unplaced:
        lines.append(texts.UNPLACED_HEAD.format(count=len(coverage.unplaced)))
        lines.extend(texts.UNPLACED_LINE.format(title=html.escape(title),
                                                periods=html.escape(texts.LIST_JOIN.join(periods)
                                                                    or texts.PERIOD_NOT_STATED))
                     for title, periods in coverage.unplaced.items())
    return "\n".join(lines)


def reports_text(files: dict[str, FileEntry], duplicates: dict[str, str] | None = None) -> str:
    """The indexed report files: title, district, period, records, and the other file names of the same report
    (duplicates: copy → the name indexed) (HTML)."""
    if not files:
        return texts.NO_REPORTS_YET
    copies: dict[str, list[str]] = {}
    for copy, original in sorted((duplicates or {}).items()):
        copies.setdefault(original, []).append(copy)
    lines = [texts.REPORTS_HEAD.format(count=len(files))]
    for name, entry in sorted(files.items(), key=lambda item: (item[1].region, item[0])):
        when = period_label(entry.year or None, entry.period) or texts.PERIOD_NOT_STATED
        facts = " · ".join(p for p in (entry.region, when, texts.RECORD_COUNT.format(count=entry.records)) if p)
        also = texts.SAME_REPORT_FILES.format(names=texts.LIST_JOIN.join(copies[name])) if name in copies else ""
        lines.append(texts.REPORT_LINE.format(title=html.escape(entry.title or name), facts=html.escape(facts + also)))
    return "\n".join(lines)


@dataclass
class Stats:
    """Counters of a running bot."""

    questions: int = 0
    abstained: int = 0
    limited: int = 0
    latencies: tuple[float, ...] = ()
    # Questions of different chats are counted from worker threads at the same time.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, seconds: float, abstained: bool) -> None:
        """Count one answered question (the last 1,000 latencies are kept)."""
        with self._lock:
            self.questions += 1
            self.abstained += int(abstained)
            self.latencies = (*self.latencies[-999:], seconds)


def stats_text(stats: Stats, coverage: Coverage, records: int, uptime: float) -> str:
    """Usage since start-up and the size of the index (HTML)."""
    latencies = sorted(stats.latencies)
    median = latencies[len(latencies) // 2] if latencies else 0.0
    hours = uptime / 3600
    return "\n".join([
        texts.STATS_HEAD,
        texts.STATS_USAGE.format(hours=hours, questions=stats.questions, abstained=stats.abstained,
                                 limited=stats.limited),
        texts.STATS_LATENCY.format(median=median),
        texts.STATS_INDEX.format(reports=sum(coverage.reports.values()), regions=len(coverage.regions),
                                 records=records),
    ])


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Pieces of an HTML message under the limit, cut at line ends. Our tags never span lines, so every piece
    stays valid; a single over-long line is cut between characters, never inside an &entity; or a tag."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        for part in _cut_line(line, limit):
            candidate = f"{current}\n{part}" if current else part
            if len(candidate) <= limit:
                current = candidate
                continue
            if current.strip():
                pieces.append(current)
            current = part
    if current.strip():
        pieces.append(current)
    return pieces or [""]


def _cut_line(line: str, limit: int) -> list[str]:
    if len(line) <= limit:
        return [line]
    # A line this long is report text; drop its tags rather than cut one in half.
    line = re.sub(r"</?[a-z]+>", "", line)
    parts = []
    while len(line) > limit:
        cut = limit
        tail = _ENTITY_AT_END.search(line[:cut])
        if tail:
            cut = tail.start()
        parts.append(line[:cut])
        line = line[cut:]
    parts.append(line)
    return parts


class ShortKeys(Generic[T]):
    """Short keys for values a button refers to (Telegram allows 64 bytes of callback data); the oldest
    are forgotten past `size`."""

    def __init__(self, size: int = 2000) -> None:
        self.size = size
        self._values: OrderedDict[str, T] = OrderedDict()
        self._next = 0
        self._lock = threading.Lock()  # keys are handed out from several worker threads

    def put(self, value: T) -> str:
        """A new key for value."""
        with self._lock:
            self._next += 1
            key = _base36(self._next)
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return key

    def get(self, key: str) -> T | None:
        """The value of a key, or None when it was never given or has been forgotten."""
        with self._lock:
            return self._values.get(key)


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out
