"""Texts of the chat bot (start, help, coverage, reports, stats) and splitting HTML under Telegram's limit."""
from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Generic, Sequence, TypeVar

from minsheng.index.indexing import Coverage, FileEntry, period_label

TELEGRAM_LIMIT = 4096
_ENTITY_AT_END = re.compile(r"&[#\w]{0,8}$")

T = TypeVar("T")


def start_text(coverage: Coverage, examples: Sequence[str] = (), group: bool = False) -> str:
    """What the bot is, what it covers, and example questions the index answers well (HTML)."""
    how = ("在群里请用 /ask 问题，或 @我 提问。" if group
           else "直接发问题就行，也可以追问，比如“那……呢？”“它的问题是什么？”。")
    lines = [
        "<b>民生实事问答</b>",
        "我根据各地政府公开的民生实事项目和进展报告回答问题：任务目标、进展、存在问题、下一步计划，"
        "回答引用报告原文并注明出处；报告里没有的，我会直说。",
        "",
        f"目前收录 {sum(coverage.reports.values())} 份报告：{html.escape(coverage.describe()) or '（还没有）'}",
        "",
        how,
    ]
    if examples:
        lines.append("例如：")
        lines.extend(f"· {html.escape(q)}" for q in examples)
    lines.append("")
    lines.append("命令：/help 帮助 · /regions 收录地区 · /reports 报告列表 · /stats 使用统计")
    return "\n".join(lines)


def help_text(examples: Sequence[str] = ()) -> str:
    """How to ask, with example questions the index answers well (HTML)."""
    lines = [
        "<b>怎么问</b>",
        "· 进展：地区＋项目＋“进展”",
        "· 数字：“…建了多少个”“…完成了多少”",
        "· 是否完成：“…完成了吗”",
        "· 问题和计划：“…存在什么问题”“…下个月计划做什么”",
        "· 某单位的项目：“…局负责哪些项目”",
        "· 比较：“A和B的…分别进展如何”；“哪些地区有…”",
        "· 追问：“那……呢？”“它的问题是什么？”“下个月呢？”；发“新话题”重新开始",
        "",
        "<b>命令</b>",
        "/ask 问题 — 提问（群里用）",
        "/regions — 收录的地区和报告期",
        "/reports — 收录的报告",
        "/stats — 使用统计",
        "/reindex — 重新索引报告（仅管理员）",
    ]
    if examples:
        lines.append("")
        lines.append("例如：" + "；".join(html.escape(q) for q in examples))
    return "\n".join(lines)


def regions_text(coverage: Coverage, group_over: int = 8) -> str:
    """Places and periods covered, each with its parent and report count, under their provinces when there are
    more than group_over (HTML)."""
    if not coverage.regions:
        return "还没有收录任何报告。"
    named = [region for region in coverage.regions if region]
    lines = [f"<b>收录的地区</b>（{len(named)}个）"]
    grouped = len(named) > group_over
    province = None
    for region in sorted(named, key=coverage.order) if grouped else named:
        if grouped and coverage.province(region) != province:
            province = coverage.province(region)
            lines.append(f"<b>{html.escape(province or '未定省份')}</b>")
        periods = coverage.regions[region]
        lines.append(f"· {html.escape(coverage.label(region))}：{html.escape('、'.join(periods) or '报告期未注明')}"
                     f"（{coverage.reports.get(region, 0)}份报告）")
    if coverage.unplaced:
        lines.append(f"<b>没有写明地区的报告</b>（{len(coverage.unplaced)}份）")
        lines.extend(f"· 《{html.escape(title)}》：{html.escape('、'.join(periods) or '报告期未注明')}"
                     for title, periods in coverage.unplaced.items())
    return "\n".join(lines)


def reports_text(files: dict[str, FileEntry], duplicates: dict[str, str] | None = None) -> str:
    """The indexed report files: title, district, period, records, and the other file names of the same report
    (duplicates: copy → the name indexed) (HTML)."""
    if not files:
        return "还没有收录任何报告。"
    copies: dict[str, list[str]] = {}
    for copy, original in sorted((duplicates or {}).items()):
        copies.setdefault(original, []).append(copy)
    lines = [f"<b>收录的报告</b>（{len(files)}份）"]
    for name, entry in sorted(files.items(), key=lambda item: (item[1].region, item[0])):
        when = period_label(entry.year or None, entry.period) or "报告期未注明"
        facts = " · ".join(p for p in (entry.region, when, f"{entry.records}条") if p)
        also = f"；同一份报告的其他文件：{'、'.join(copies[name])}" if name in copies else ""
        lines.append(f"· {html.escape(entry.title or name)}（{html.escape(facts + also)}）")
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
        "<b>使用统计</b>",
        f"运行 {hours:.1f} 小时，回答 {stats.questions} 个问题（其中 {stats.abstained} 个报告里没有答案），"
        f"限流 {stats.limited} 次",
        f"回答用时中位数 {median:.2f} 秒",
        f"索引：{sum(coverage.reports.values())} 份报告，{len(coverage.regions)} 个地区，{records} 条记录",
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
