"""Pivot tables exported one cell per line: the projects across (each under a repeated group of header words,
"目标 任务 进度 完成比例(%)"), the places down ("全市", then each county), figures in the cells. Each project
becomes a record with the first row's figures (the whole place), its status from them against the target. Text in,
Records out."""
from __future__ import annotations

from dataclasses import dataclass

from minsheng.index.ingest.fields import finish
from minsheng.index.ingest.records import Record
from minsheng.index.ingest.tables import classify, unit_only
from minsheng.index.kinds import Field
from minsheng.index.script import to_simplified
from minsheng.index.vocabulary import BELOW_TARGET, FIGURE_CELL, SHORT_CELL, UNIT_CELL

# A group of header words repeated at least this often is the projects' header row.
_MIN_GROUPS = 2
_MAX_GROUP = 5
# A figure this close (in points) to progress / target × 100 is that project's share column.
_SHARE_SLACK = 1.0


@dataclass
class Pivot:
    """One pivot table: its projects' records and the lines it took."""

    records: list[Record]
    lines: set[int]


def pivot_tables(lines: list[str], claimed: set[int]) -> list[Pivot]:
    """Every pivot table among the unclaimed lines, in order."""
    cells = [(i, line.strip()) for i, line in enumerate(lines) if i not in claimed and line.strip()]
    texts = [text for _, text in cells]
    found: list[Pivot] = []
    numbered = 0
    at = 0
    while at < len(cells):
        group = _group_at(texts, at)
        if group is None:
            at += 1
            continue
        size, count = group
        pivot = _read(cells, at, size, count)
        if pivot is not None:
            for record in pivot.records:
                # Numbered in the order the tables give them (column by column), as the card lists them.
                numbered += 1
                record.item = str(numbered)
            found.append(pivot)
        at += size * count
    return found


def _group_at(texts: list[str], at: int) -> tuple[int, int] | None:
    """(group size, repeats) when a group of header words starts here and repeats, else None."""
    for size in range(2, _MAX_GROUP + 1):
        group = texts[at:at + size]
        if len(group) < size or not all(_header_word(c) for c in group) or len(set(group)) < size:
            continue
        count = 1
        while texts[at + size * count:at + size * (count + 1)] == group:
            count += 1
        if count >= _MIN_GROUPS:
            return size, count
    return None


def _header_word(cell: str) -> bool:
    column = classify(cell)
    return column is not None and len(cell) <= 8


def _read(cells: list[tuple[int, str]], at: int, size: int, count: int) -> Pivot | None:
    """The projects named before the header groups (the last `count` names before the unit names) and the first
    row's figures after them."""
    texts = [text for _, text in cells]
    back = at - 1
    while back >= 0 and UNIT_CELL.match(texts[back]):
        back -= 1  # the units leading the projects, between their names and the header groups
    names: list[tuple[str, list[int]]] = []
    while back >= 0 and len(names) < count:
        text = texts[back]
        if FIGURE_CELL.match(text) or _header_word(text) or not SHORT_CELL.match(text):
            return None
        if unit_only(text) and back > 0:
            # "(人次)": the unit of the name above it, wrapped onto a line of its own
            names.append((texts[back - 1] + text, [back - 1, back]))
            back -= 2
        else:
            names.append((text, [back]))
            back -= 1
    if len(names) < count:
        return None
    names.reverse()
    row_at = at + size * count
    if row_at >= len(texts) or FIGURE_CELL.match(texts[row_at]):
        return None
    place = texts[row_at]
    end = row_at + 1
    while end < len(texts) and FIGURE_CELL.match(texts[end]):
        end += 1
    figures = texts[row_at + 1:end]
    labels = [texts[at + k] for k in range(size)]
    per_project = _per_project(figures, count)
    # A project whose figures the page cut off is still a project of the table, with nothing said of it.
    records = [_record(name, place, labels, per_project[k]) if k < len(per_project) else finish(Record(task=name))
               for k, (name, _) in enumerate(names)]
    # The unit names stay for the passages: which projects of the table each leads, the export does not say.
    taken = {cells[k][0] for k in [*(i for _, where in names for i in where), *range(at, end)]}
    return Pivot(records, taken)


def _per_project(figures: list[str], count: int) -> list[list[str]]:
    """The first row's figures, project by project: target and progress, and the share when the next figure is
    progress / target × 100 (a rate kept below its target has none)."""
    out: list[list[str]] = []
    at = 0
    while at + 1 < len(figures) and len(out) < count:
        target, done = _number(figures[at]), _number(figures[at + 1])
        taken = 2
        if at + 2 < len(figures) and target and done is not None:
            share = _number(figures[at + 2])
            if share is not None and abs(share - done / target * 100) <= _SHARE_SLACK:
                taken = 3
        out.append(figures[at:at + taken])
        at += taken
    return out


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").rstrip("%"))
    except ValueError:
        return None


def _record(name: str, place: str, labels: list[str], values: list[str]) -> Record:
    """A project's record: the first row's figures under the header's own words ("全市 目标:27800 进度:52242
    完成比例(%):187.9"), its share done from the target and the progress."""
    kinds = [column.kind if column else None for column in map(classify, labels)]
    progress_label = next((label for label, kind in zip(labels, kinds) if kind == Field.PROGRESS), labels[1])
    share_label = next((label for label, kind in zip(labels, kinds) if kind == Field.RATIO), "")
    said = [f"{labels[0]}:{values[0]}", f"{progress_label}:{values[1]}"]
    if len(values) > 2 and share_label:
        said.append(f"{share_label}:{values[2]}")
    record = Record(task=name, progress=" ".join([place, *said]))
    target, done = _number(values[0]), _number(values[1])
    share = _number(values[2]) if len(values) > 2 else None
    if share is not None:
        record.ratio = round(share / 100, 4)  # the share as the table states it
    elif target and done:
        # Done against the target; for a rate to be kept below its target ("失业率低于(%)") the other way round.
        below = bool(BELOW_TARGET.search(to_simplified(name)))
        record.ratio = round(target / done if below else done / target, 4)
    return finish(record)
