"""What a report says about its projects as a whole: lists of projects by status ("实施进度较慢的项目,一是…二是…",
"滞后项目:…") and counts ("10件实事项目9件进度正常", "已完成19项", "全部办结"). Text in, dataclasses out."""
from __future__ import annotations

import re
from dataclasses import dataclass

from minsheng.index.ingest.fields import cn_number
from minsheng.index.kinds import Status
from minsheng.index.vocabulary import (
    ALL_DONE,
    AMONG,
    BEHIND,
    COUNT_AMONG,
    COUNT_THEN_STATE,
    COUNTED_STATES,
    CUE_ENDS,
    DONE_OPENING,
    LIST_NAMES,
    LIST_OPEN,
    LIST_ORDINAL,
    LIST_TOTAL,
    LIST_VERB,
    NAME_JOINS,
    NAMED_SHARE,
    NAMES_FOLLOW,
    NAMES_THEN_COUNT,
    PROJECT_COUNT,
    PROJECTS_NAMED,
    SHARE_DONE_PART,
    STATE_THEN_COUNT,
    STATEMENT,
    STATUS_LIST_CUES,
    TABLE_TITLE_END,
    TRAILING_FIGURE,
)


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
            opening = LIST_OPEN.match(rest) or NAMES_FOLLOW.match(rest)
            body = rest[opening.end():] if opening else rest
            # Names joined in prose only after words opening a list ("项目为:", "分别是"): after a bare comma
            # the next clause is about other projects.
            names = _enumerated(body) or (_joined(body) if opening and LIST_VERB.search(opening.group(0)) else [])
            if not names and CUE_ENDS.match(rest):
                # The cue about the whole task ("…2项工作已实现既定目标,"), not a step of it ("已完成镇街初审").
                names = _counted_before(sentence[:match.start()])
            if len(names) >= 2 or (names and opening):
                found.append(StatusList(status, tuple(names), sentence))
                break
            if status != Status.COMPLETED and PROJECTS_NAMED.search(sentence) and STATEMENT.search(sentence):
                # "…等5个老旧小区综合改造提升竣工项目滞后于节点目标": the report says which lag, in a sentence.
                found.append(StatusList(status, (), sentence))
                break
    return found


def named_shares(text: str) -> list[StatusList]:
    """Projects a paragraph names one by one with their share of the target ("15个农村幸福院建设已完成8个(53%)、…",
    "实体零工驿站建设完成2个,完成率200%"), each a list of one: completed at 100% or more, else on track, behind when
    the clause says it lags; the clause is the evidence."""
    found: list[StatusList] = []
    for sentence in sentences(text):
        last_end = 0  # a segment starts after the share before it, too
        for match in NAMED_SHARE.finditer(sentence):
            body, clause = match.group("body"), match.group(0).strip(" ,，")
            segment = sentence[last_end:match.start("body")].rstrip(" ,，")
            last_end = match.end()
            segment = segment[max(segment.rfind(mark) for mark in ";；。:：") + 1:].lstrip(" ,，")
            opening = re.split(r"[,，]", segment, maxsplit=1)[0]
            if segment and re.search(r"[,，]$", sentence[:match.start("body")].rstrip(" ")) and not (
                    AMONG.search(opening) or COUNT_AMONG.search(opening) or re.search(PROJECT_COUNT, opening)):
                # "安心托幼行动新增托位540个,千人口托位数达到3.88个,完成率260%": the project opens the segment, its
                # last clause only measures it (not "剩余5项中,…": that opening counts the projects that follow).
                body, clause = opening, f"{segment},{clause}"
            if len(body.strip(" ,，")) <= _LAG_PHRASE and BEHIND.search(body) and not re.search(r"\d", body):
                # "老旧小区加装电梯30部,进度滞后,完成率60%": the project is the clause before its lag.
                before = re.split(r"[,，;；:：。]", sentence[:match.start("body")].rstrip(" ,，"))[-1]
                body, clause = before, f"{before},{clause}"
            name = _share_name(body)
            if not name:
                continue
            share = float(match.group("share") or match.group("rate"))
            status = (Status.BEHIND if BEHIND.search(clause) else Status.COMPLETED if share >= 100
                      else Status.ON_TRACK)
            listed = StatusList(status, (name,), clause)
            if listed not in found:  # a clause met twice (overlapping passages of the text) is one project
                found.append(listed)
    return found


def _share_name(body: str) -> str:
    """A project's name in a clause giving its share: the words before what was done, or, when the clause opens with
    what was done ("已帮扶困难退役军人和军属烈属431人"), what it was done for; "" when too short to name one."""
    body = body.strip()
    if body.startswith(DONE_OPENING):
        body = TRAILING_FIGURE.sub("", body[len(DONE_OPENING):])
    name = TRAILING_FIGURE.sub("", SHARE_DONE_PART.sub("", body)).strip()
    return name if len(name) >= 4 else ""


def status_titles(text: str) -> list[tuple[Status, str]]:
    """Table titles naming the status of the rows under them ("2022年区政府民生实事项目滞后项目情况表" → behind)."""
    found = []
    for line in text.split("\n"):
        line = line.strip()
        if not TABLE_TITLE_END.search(line) or STATEMENT.search(line):
            continue
        for status, cue in STATUS_LIST_CUES:
            if status != Status.COMPLETED and cue.search(line):
                found.append((status, line))
                break
    return found


def _enumerated(body: str) -> list[str]:
    """The pieces of "一是X,二是Y" / "①X②Y" / "(1)X(2)Y", each without its marker and trailing punctuation."""
    marks = list(LIST_ORDINAL.finditer(body))
    if len(marks) < 2:
        return []
    pieces = [body[m.end():n.start() if n else len(body)] for m, n in zip(marks, [*marks[1:], None])]
    return [p.strip(" ,，;；。、") for p in pieces if p.strip(" ,，;；。、")]


# A clause this short that says a lag names no project ("进度滞后").
_LAG_PHRASE = 8
def _joined(body: str) -> list[str]:
    """The names of a list joined in prose ("A、B和C。"), when there are two or more of a name's length."""
    clause = re.split(r"[。,，]", body, maxsplit=1)[0]
    names = [n.strip(" 。") for n in NAME_JOINS.split(clause) if n.strip(" 。")]
    return names if len(names) >= 2 and all(2 <= len(n) <= 30 for n in names) else []


def _counted_before(before: str) -> list[str]:
    """Names written before their count, right before the status cue ("A、B 2项工作已实现既定目标"), when the count
    is the number of names."""
    match = NAMES_THEN_COUNT.search(before.rstrip())
    if not match:
        return []
    names = _joined(AMONG.split(match.group(1))[-1].lstrip("，,: "))
    return names if len(names) == _number(match.group(2)) else []


def count_statements(text: str) -> list[CountStatement]:
    """Sentences stating how many projects there are or stand in a state ("10件实事项目9件进度正常")."""
    found = []
    for sentence in sentences(text):
        counts: dict[Status, int] = {}
        for status, words in COUNTED_STATES:
            before = re.search(COUNT_THEN_STATE.format(count=PROJECT_COUNT, state=words), sentence)
            after = re.search(STATE_THEN_COUNT.format(count=PROJECT_COUNT, state=words), sentence)
            match = before or after
            if match:
                counts.setdefault(status, _number(match.group(1)))
        total_match = LIST_TOTAL.search(sentence)
        total = _number(total_match.group(1)) if total_match else None
        all_done = bool(ALL_DONE.search(sentence)) and total is not None
        if counts or all_done:
            of_list = bool(total_match) and total_match.group(2) in LIST_NAMES
            found.append(CountStatement(sentence, total, tuple(counts.items()), all_done, of_list))
    return found


def _number(text: str) -> int:
    return cn_number(text) or 0
