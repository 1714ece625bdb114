"""Status and completion ratio derived from a record's own wording."""
from __future__ import annotations

import re

from minsheng.index.kinds import Status
from minsheng.index.script import to_simplified
from minsheng.index.vocabulary import (
    AHEAD,
    BEHIND,
    CAUGHT_UP,
    DONE,
    NEXT_STEP_START,
    NOT_STARTED,
    ONGOING,
    PREPARATORY,
    RATIO,
    SAID_BEHIND,
    SAID_DONE,
    STARTED,
    STILL_AHEAD,
    WORK_BEGUN,
)


def find_ratio(text: str) -> float | None:
    """A completion ratio the text states ("完成全年任务的87.9%" → 0.879), else None."""
    match = RATIO.search(to_simplified(text))
    if not match:
        return None
    value = float(next(group for group in match.groups() if group))
    return round(value / 100, 4)


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"[,，;；。\n]", text) if c.strip()]


def _only_preparatory(text: str) -> bool:
    """Whether every clause that says what was done names a step before the work itself ("已完成方案编制,正在发改立项
    评审", "任务已下发至各属地"); what comes next ("将按要求每月更新", "下周将召开…") says nothing either way."""
    said = [c for c in _clauses(text) if not AHEAD.search(c) and not STILL_AHEAD.search(c)]
    return bool(said) and all(_preparatory_clause(c) for c in said)


def _preparatory_clause(clause: str) -> bool:
    """A clause whose last step named is one before the work: the object of its verb comes last ("完成施工、监理资格
    预审工作" is a pre-qualification; "完成设计并开工建设" has begun)."""
    steps = [m.start() for m in PREPARATORY.finditer(clause)]
    work = [m.start() for m in WORK_BEGUN.finditer(clause)]
    return bool(steps) and (not work or max(steps) > max(work))


def _lags(sentence: str) -> bool:
    """A sentence saying the work lags, and not that it has since caught up."""
    lag = BEHIND.search(sentence)
    return bool(lag) and not CAUGHT_UP.search(sentence, lag.end())


def derive_status(progress: str, status_cell: str = "", ratio: float | None = None) -> Status:
    """completed / on_track / behind / not_started / unknown from the report's wording."""
    return explain_status(progress, status_cell, ratio)[0]


def explain_status(progress: str, status_cell: str = "", ratio: float | None = None) -> tuple[Status, str]:
    """The status from the report's wording and the phrase that decides it, as written in the progress text (the
    status cell when it decides; "" when nothing does)."""
    cell = to_simplified(status_cell).strip().rstrip("。")
    if cell in SAID_BEHIND:
        return Status.BEHIND, status_cell.strip()
    text = to_simplified(progress).strip()
    if not text:
        return (Status.COMPLETED, status_cell.strip()) if cell in SAID_DONE else (Status.UNKNOWN, "")
    clauses = _clauses(text)
    sentences = [s for s in re.split(r"[。;；\n]", text) if s.strip()]
    lag = next((s for s in sentences if _lags(s)), None)
    if lag is not None:
        return Status.BEHIND, as_written(progress, text, next(c for c in _clauses(lag) if BEHIND.search(c)))
    # A stated ratio below 100% outweighs wording such as "完成全年目标的87.9%"; a step before the work done
    # ("均已完成系统开发前期准备") is not the work done.
    partial = ratio is not None and ratio < 1.0
    done_clause = next((c for c in clauses if DONE.search(c.strip()) and not _preparatory_clause(c)), None)
    share_clause = next((c for c in clauses if re.search(r"\d\s*%", c)), None)
    done = not partial and (done_clause is not None or (ratio or 0) >= 1.0)
    ongoing_at = next((s for s in sentences if ONGOING.search(s) and not NEXT_STEP_START.match(s.strip())), None)
    if done and ongoing_at is None:
        return Status.COMPLETED, as_written(progress, text, done_clause or share_clause or clauses[0])
    if cell in SAID_DONE and ongoing_at is None:
        return Status.COMPLETED, status_cell.strip()
    not_begun = NOT_STARTED.search(text)
    if not_begun and ratio:
        # A share of the work done and a part not begun ("50%(马站未开工)"): the part lags.
        return Status.BEHIND, as_written(progress, text, next(c for c in clauses if NOT_STARTED.search(c)))
    if not_begun and not STARTED.search(NOT_STARTED.sub("", text)):
        return Status.NOT_STARTED, as_written(progress, text, next(c for c in clauses if NOT_STARTED.search(c)))
    if ratio is None and _only_preparatory(text):
        # Only steps before the work itself: tendering, approval, a plan drafted.
        return Status.NOT_STARTED, as_written(progress, text, next(c for c in clauses if _preparatory_clause(c)))
    if done or ongoing_at is not None or STARTED.search(text) or ratio is not None:
        said = share_clause if ratio is not None and share_clause else next(
            (c for c in clauses if ONGOING.search(c) or STARTED.search(c)), clauses[0])
        return Status.ON_TRACK, as_written(progress, text, said)
    return Status.UNKNOWN, ""


def as_written(progress: str, simple: str, clause: str) -> str:
    """A clause of the Simplified text as the report writes it (its script kept when the texts align)."""
    clause = clause.strip()
    at = simple.find(clause)
    original = progress.strip()
    if at >= 0 and len(original) == len(simple):
        return original[at:at + len(clause)]
    return clause
