"""What a report says about its projects as a whole: lists of projects by status ("实施进度较慢的项目,一是…二是…",
"滞后项目:…") and counts ("10件实事项目9件进度正常", "已完成19项", "全部办结"). Text in, dataclasses out."""
from __future__ import annotations

import re
from dataclasses import dataclass

from minsheng.index.ingest.fields import cn_number
from minsheng.index.kinds import Status
from minsheng.index.vocabulary import COUNTED_STATES, HAN, STATEMENT, STATUS_LIST_CUES

# Where the list begins after its cue: "的项目," "项目有:" "的有N项(" "主要是".
_LIST_OPEN = re.compile(r"(?:的?(?:项目|实事|工程|事项)?(?:有|为|是|包括|主要是)?(?:\d+|[一二三四五六七八九十]+)?[项件个]?\s*[:：,，(（])")
_ORDINAL = re.compile(r"(?:(?<=[,，;；。:：\s])|^)(?:[一二三四五六七八九十]{1,3}是|[①-⑳]|[(（]\d{1,2}[)）])")
_CN = "零一二两三四五六七八九十百"
# A count of projects: "19项", "9件", "5个项目"; not "32个" of some thing a project builds.
_COUNTED = rf"(\d+|[{_CN}]+)\s*(?:[项件](?![{HAN}])|[项件](?=实事|项目|工程|民生|已|均|进度|推进|正常|滞后|完成|办结|未)|个(?=项目|实事))"
_TOTAL = re.compile(rf"(\d+|[{_CN}]+)\s*(?:项|件|个)(?:重点|重要|票决|市办|区办|县办|利民惠民|具体)?"
                    r"(民生实事|民生工程|实事|为民办实事|民心工程|项目|子项目|工程|工作)")
# Nouns that name the report's own list, not some projects or works within it.
_LIST_NOUNS = frozenset({"民生实事", "民生工程", "实事", "为民办实事", "民心工程"})
_PROJECTS = re.compile(r"项目|工程|实事|民生")
_TABLE_TITLE = re.compile(r"(?:表|清单|名单|一览)$")
_ALL_DONE = re.compile(r"全部(?:办结|完成|完工|兑现|落实)")


@dataclass(frozen=True)
class StatusList:
    """Projects a report names together under one status, with the sentence that names them."""

    status: Status
    names: tuple[str, ...]
    sentence: str


@dataclass(frozen=True)
class CountStatement:
    """A sentence counting the report's projects: the total and counts by status it states."""

    sentence: str
    total: int | None
    counts: tuple[tuple[Status, int], ...]
    all_done: bool = False
    of_list: bool = False  # the total counts the report's list itself ("30项民生实事"), not projects within one

    def count(self, status: Status) -> int | None:
        """The stated count of one status, or None."""
        return next((n for s, n in self.counts if s == status), None)


def sentences(text: str) -> list[str]:
    """Sentences ending in 。！？; or a line end (a list's pieces stay in their sentence)."""
    out = []
    for line in text.split("\n"):
        out.extend(s.strip() for s in re.findall(r"[^。！？!?]+[。！？!?]?", line) if s.strip())
    return out


def status_lists(text: str) -> list[StatusList]:
    """Every list of projects under a status cue: "实施进度较慢的项目,一是X,二是Y" → BEHIND (X, Y)."""
    found = []
    for sentence in sentences(text):
        for status, cue in STATUS_LIST_CUES:
            match = cue.search(sentence)
            if not match:
                continue
            rest = sentence[match.end():]
            opening = _LIST_OPEN.match(rest)
            body = rest[opening.end():] if opening else rest
            names = _enumerated(body)
            if len(names) >= 2 or (names and opening):
                found.append(StatusList(status, tuple(names), sentence))
                break
            if status != Status.COMPLETED and _PROJECTS.search(sentence) and STATEMENT.search(sentence):
                # "…等5个老旧小区综合改造提升竣工项目滞后于节点目标": the report says which lag, in a sentence.
                found.append(StatusList(status, (), sentence))
                break
    return found


def status_titles(text: str) -> list[tuple[Status, str]]:
    """Table titles naming the status of the rows under them ("2022年区政府民生实事项目滞后项目情况表" → behind)."""
    found = []
    for line in text.split("\n"):
        line = line.strip()
        if not _TABLE_TITLE.search(line) or STATEMENT.search(line):
            continue
        for status, cue in STATUS_LIST_CUES:
            if status != Status.COMPLETED and cue.search(line):
                found.append((status, line))
                break
    return found


def _enumerated(body: str) -> list[str]:
    """The pieces of "一是X,二是Y" / "①X②Y" / "(1)X(2)Y", each without its marker and trailing punctuation."""
    marks = list(_ORDINAL.finditer(body))
    if len(marks) < 2:
        return []
    pieces = [body[m.end():n.start() if n else len(body)] for m, n in zip(marks, [*marks[1:], None])]
    return [p.strip(" ,，;；。、") for p in pieces if p.strip(" ,，;；。、")]


def count_statements(text: str) -> list[CountStatement]:
    """Sentences stating how many projects there are or stand in a state ("10件实事项目9件进度正常")."""
    found = []
    for sentence in sentences(text):
        counts: dict[Status, int] = {}
        for status, words in COUNTED_STATES:
            before = re.search(rf"{_COUNTED}(?:实事|项目|工程)?(?:已经?|均)?(?:{words})", sentence)
            after = re.search(rf"(?:{words})(?:任务)?(?:的有|的|了)?{_COUNTED}", sentence)
            match = before or after
            if match:
                counts.setdefault(status, _number(match.group(1)))
        total_match = _TOTAL.search(sentence)
        total = _number(total_match.group(1)) if total_match else None
        all_done = bool(_ALL_DONE.search(sentence)) and total is not None
        if counts or all_done:
            of_list = bool(total_match) and total_match.group(2) in _LIST_NOUNS
            found.append(CountStatement(sentence, total, tuple(counts.items()), all_done, of_list))
    return found


def _number(text: str) -> int:
    return cn_number(text) or 0
