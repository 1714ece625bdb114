"""A row of bare figures read against its table's header ("丹棱县 1900 3029 159.4 …" under "城镇新增就业(人) … 目标
任务 进度 完成比例(%)") → the figures with their labels, only where the header and the arithmetic agree."""
from __future__ import annotations

import re
from dataclasses import dataclass

from minsheng.bot import texts
from minsheng.index.vocabulary import (
    BLANK_CELLS,
    DONE_HEADER,
    MEASURE_HEADER,
    MEASURE_UNIT,
    RATIO_HEADER,
    TARGET_HEADER,
)

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?%?$")


@dataclass(frozen=True)
class Group:
    """The figures of one measure in a row: its name ("" when the header does not say which) and labelled values."""

    measure: str
    values: tuple[tuple[str, str], ...]  # (role label, figure); the label is "" when no role could be checked

    def text(self) -> str:
        """"城镇新增就业(人)：目标任务1900，进度3029，完成比例159.4%"."""
        figures = texts.COMMA_JOIN.join(f"{label}{value}" for label, value in self.values) if all(
            label for label, _ in self.values) else texts.LIST_JOIN.join(value for _, value in self.values)
        return texts.MEASURE_LINE.format(measure=self.measure, figures=figures) if self.measure else figures


def labelled_row(header: str, row: str) -> list[Group]:
    """The row's figures grouped by measure with their role labels; [] unless the header names a target, a done
    and a ratio column and at least one group of three figures checks out (ratio = done ÷ target)."""
    cells = row.split()
    if len(cells) < 4 or _NUMBER.match(cells[0]):
        return []
    figures = [c for c in cells[1:] if c not in BLANK_CELLS]
    if not all(_NUMBER.match(c) for c in figures):
        return []
    roles, measures = _header_roles(header)
    if roles is None:
        return []
    target, done, ratio = roles
    # A triple can check out by chance ("80 12 15": 12 ÷ 80 = 15%); of the readings with the most checked
    # triples, the one giving a group per measure wins, then the earliest.
    readings = _readings(tuple(figures))
    reading = next((r for r in readings if len(_grouped(r)) == len(measures)), readings[0])
    groups: list[tuple[tuple[str, str], ...]] = []
    for start, size, checked in _grouped(reading):
        if checked:
            a, b, c = figures[start:start + 3]
            groups.append(((target, a), (done, b), (ratio, _percent(c))))
        else:
            groups.append(tuple(("", v) for v in figures[start:start + size]))
    if not any(values[0][0] for values in groups):
        return []
    # The measures are named only when the row has exactly one group per measure; a blank cell dropped by the
    # page would otherwise shift every name after it.
    names = measures if len(measures) == len(groups) else [""] * len(groups)
    return [Group(name, values) for name, values in zip(names, groups)]


_MAX_READINGS = 16


def _readings(figures: tuple[str, ...]) -> list[tuple[tuple[int, int], ...]]:
    """The ways to cut the figures into checked triples (start, 3) and single figures (start, 1) with the most
    triples, earliest triples first; at most _MAX_READINGS of them."""
    best: dict[int, tuple[int, list[tuple[tuple[int, int], ...]]]] = {len(figures): (0, [()])}
    for i in range(len(figures) - 1, -1, -1):
        count, tails = best[i + 1]
        options = [(count, [((i, 1), *t) for t in tails])]
        if i + 3 <= len(figures) and _checks(*figures[i:i + 3]):
            count3, tails3 = best[i + 3]
            options.insert(0, (count3 + 1, [((i, 3), *t) for t in tails3]))
        top = max(c for c, _ in options)
        best[i] = (top, [r for c, rs in options if c == top for r in rs][:_MAX_READINGS])
    return best[0][1]


def _grouped(reading: tuple[tuple[int, int], ...]) -> list[tuple[int, int, bool]]:
    """A reading's groups as (start, size, checked): each triple, and each run of single figures as one group."""
    groups: list[tuple[int, int, bool]] = []
    for start, size in reading:
        if size == 1 and groups and not groups[-1][2]:
            groups[-1] = (groups[-1][0], groups[-1][1] + 1, False)
        else:
            groups.append((start, size, size == 3))
    return groups


def _header_roles(header: str) -> tuple[tuple[str, str, str] | None, list[str]]:
    """The labels of the first target, done and ratio columns and the measure names, in header order."""
    pieces: list[str] = []
    for piece in header.split():
        if pieces and re.fullmatch(MEASURE_UNIT, piece):
            pieces[-1] += piece  # "开展现代农业科技培训 (人次)"
        else:
            pieces.append(piece)
    target = done = ratio = ""
    measures = []
    for index, piece in enumerate(pieces):
        if RATIO_HEADER.match(piece):
            ratio = ratio or re.sub(r"\(%\)$", "", piece)
        elif TARGET_HEADER.match(piece):
            if not target:
                # "目标" "任务" on two lines are the one cell "目标任务".
                following = pieces[index + 1] if index + 1 < len(pieces) else ""
                target = piece + following if TARGET_HEADER.match(following) and following != piece else piece
        elif DONE_HEADER.match(piece):
            done = done or piece
        elif MEASURE_HEADER.match(piece):
            measures.append(piece)
    if not (target and done and ratio):
        return None, measures
    return (target, done, ratio), measures


def _checks(target: str, done: str, ratio: str) -> bool:
    """Whether ratio is done ÷ target in percent, as rounded in the table."""
    if target.endswith("%") or done.endswith("%"):
        return False
    t, d, r = float(target), float(done), float(ratio.rstrip("%"))
    if t <= 0:
        return False
    decimals = len(ratio.rstrip("%").partition(".")[2])
    return abs(d / t * 100 - r) <= 0.5 * 10 ** -decimals + 1e-9


def _percent(value: str) -> str:
    return value if value.endswith("%") else value + "%"
