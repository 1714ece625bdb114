"""Numbered prose ("第N件：…进展情况：…", "1.任务… 进展情况：…") and notices listing tasks with their units."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from minsheng.index.ingest.fields import cn_number, finish, is_section, lead_in_prose
from minsheng.index.ingest.news import is_boilerplate
from minsheng.index.ingest.records import Record
from minsheng.index.kinds import Field
from minsheng.index.script import to_simplified
from minsheng.index.vocabulary import FIELD_LABELS, ITEM_MARKERS, LABEL_AT, UNITS_IN_PARENS, WORK_DONE


@dataclass
class Block:
    """One numbered item of prose, with the line numbers it took."""

    number: int
    marker: int
    head: str
    lines: list[int] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    section: str = ""


@dataclass
class NoticeTask:
    """A task a notice assigns: ordinal, short name, target text, 主办 and 协办 units."""

    number: int
    name: str
    task: str
    lead_unit: str
    units: str
    section: str
    lines: list[int]
    progress: str = ""
    problems: str = ""
    plan: str = ""


def _label_kind(match: re.Match[str]) -> Field:
    return next(kind for kind, _ in FIELD_LABELS if match.group(kind))


def split_labeled(text: str, first_kind: Field) -> dict[Field, str]:
    """"任务… 进展情况：… 存在问题：…" → {task, progress, problems}; unlabeled text goes to first_kind."""
    fields: dict[Field, str] = {}
    kind, start = first_kind, 0
    for match in LABEL_AT.finditer(aligned_simplified(text)):
        _add(fields, kind, text[start : match.start()])
        kind, start = _label_kind(match), match.end()
    _add(fields, kind, text[start:])
    return fields


# The fields that hold names, not sentences (names of several units may be parted by ";", never by "。").
_NAMES = (Field.LEAD, Field.UNITS, Field.LEADER)
FULL_STOP = "。"


def _add(fields: dict[Field, str], kind: Field, text: str) -> None:
    text = text.strip(" \n")
    if kind in _NAMES:
        # A unit's or leader's name ends its sentence; what follows is said of the project ("牵头单位:市民政局。
        # 其中,高龄津贴发放进度较慢的为霍邱县。").
        name, _, rest = text.partition(FULL_STOP)
        text = name.strip(" \n")
        if rest.strip(" \n"):
            _add(fields, Field.PROGRESS, rest)
    if text:
        fields[kind] = "\n".join(p for p in (fields.get(kind, ""), text) if p)


def units_in_parens(text: str) -> tuple[str, dict[Field, str]]:
    """Strip "(责任单位:…)" from a task sentence and return the units it named."""
    found: dict[Field, str] = {}
    kept: list[str] = []
    start = 0
    for match in UNITS_IN_PARENS.finditer(aligned_simplified(text)):
        kept.append(text[start : match.start()])
        start = match.end()
        for part in re.split(r"[;；]", text[match.start(1) : match.end(1)]):
            label = LABEL_AT.match(aligned_simplified(part.strip()))
            if label:
                _add(found, _label_kind(label), part.strip()[label.end() :])
    kept.append(text[start:])
    return "".join(kept).strip(), found


def aligned_simplified(text: str) -> str:
    """The Simplified copy when it keeps every offset (char-for-char), else the text itself."""
    simple = to_simplified(text)
    return simple if len(simple) == len(text) else text


def find_blocks(lines: list[str], claimed: set[int], marker: int) -> list[Block]:
    """Numbered blocks of one marker style; a block runs until the next item or section."""
    blocks: list[Block] = []
    section = ""
    current: Block | None = None
    blank = False
    for index, raw in enumerate(lines):
        line = raw.strip()
        if index in claimed:
            current = None
            continue
        if not line:
            blank = True
            continue
        match = ITEM_MARKERS[marker].match(line)
        number = cn_number(match.group(1)) if match else None
        if match and number is not None:
            current = Block(number, marker, match.group(2), [index], section=section)
            blocks.append(current)
        elif is_section(line) and not LABEL_AT.match(to_simplified(line)):
            section = line
            current = None
        elif is_boilerplate(line):
            current = None  # the page's byline ("责任编辑:…") ends the item above it
        elif current is not None and (not blank or _continues(line)):
            current.body.append(line)
            current.lines.append(index)
        else:
            current = None
        blank = False
    return blocks


def _continues(line: str) -> bool:
    """After a blank line, only a labeled paragraph or a full sentence still belongs to the item."""
    simple = to_simplified(line)
    if LABEL_AT.match(simple):
        return True
    return len(simple) >= 20 and simple.rstrip()[-1:] in "。;；!！)）"


def prose_records(lines: list[str], claimed: set[int]) -> tuple[list[Record], set[int]]:
    """Records from numbered prose whose items carry labeled progress; ([], set()) when none."""
    for marker in (0, 1, 2, 3):
        blocks = find_blocks(lines, claimed, marker)
        labeled = [b for b in blocks if any(LABEL_AT.search(to_simplified(t)) for t in [b.head, *b.body])]
        if len(blocks) >= 2 and len(labeled) >= max(2, len(blocks) // 2):
            records = [_block_record(b) for b in blocks]
            used = {i for b in blocks for i in b.lines}
            return records, used
    return [], set()


def inline_records(lines: list[str], claimed: set[int]) -> tuple[list[Record], set[int]]:
    """Records from a paragraph holding several items as runs of labelled fields, with no numbering ("任务目标:…
    进展情况:… 任务目标:… 进展情况:…"): an item per task label; ([], set()) when no line is so."""
    records: list[Record] = []
    used: set[int] = set()
    for index, line in enumerate(lines):
        if index in claimed:
            continue
        simple = aligned_simplified(line)
        labels = list(LABEL_AT.finditer(simple))
        starts = [m.start() for m in labels if _label_kind(m) == Field.TASK]
        if len(starts) < 2 or not any(_label_kind(m) == Field.PROGRESS for m in labels):
            continue
        opening = line[: starts[0]].strip()
        if opening:
            records.append(finish(Record(item=str(len(records) + 1), progress=opening)))
        for start, end in zip(starts, [*starts[1:], len(line)]):
            fields = split_labeled(line[start:end], Field.TASK)
            records.append(finish(Record(
                item=str(len(records) + 1), task=fields.get(Field.TASK, ""), lead_unit=fields.get(Field.LEAD, ""),
                units=fields.get(Field.UNITS, ""), leader=fields.get(Field.LEADER, ""),
                progress=fields.get(Field.PROGRESS, ""),
                problems=fields.get(Field.PROBLEMS, ""), plan=fields.get(Field.PLAN, ""))))
        used.add(index)
    return records, used


def _block_record(block: Block) -> Record:
    head, units = units_in_parens(block.head)
    fields = split_labeled(head, Field.TASK)
    current = next(reversed(fields), Field.TASK) if fields else Field.TASK
    for line in block.body:
        if LABEL_AT.match(to_simplified(line)):
            part = split_labeled(line, current)
        else:
            part = {current: line}
        for kind, text in part.items():
            _add(fields, kind, text)
            current = kind
    for kind, text in units.items():
        _add(fields, kind, text)
    record = Record(
        item=str(block.number),
        section=block.section,
        task=fields.get(Field.TASK, ""),
        lead_unit=fields.get(Field.LEAD, ""),
        units=fields.get(Field.UNITS, ""),
        leader=fields.get(Field.LEADER, ""),
        progress=fields.get(Field.PROGRESS, ""),
        problems=fields.get(Field.PROBLEMS, ""),
        plan=fields.get(Field.PLAN, ""),
    )
    return finish(record)


def notice_tasks(lines: list[str], claimed: set[int]) -> list[NoticeTask]:
    """Tasks of a notice: "(一)名称:内容" followed by 主办单位/协办单位 lines."""
    tasks: list[NoticeTask] = []
    for block in find_blocks(lines, claimed, 2):
        fields: dict[Field, str] = {}
        for line in block.body:
            for kind, text in split_labeled(line, Field.TASK).items():
                _add(fields, kind, text)
        if not fields.get(Field.LEAD) and not fields.get(Field.UNITS):
            # The lead written into the item's own sentences ("…。由县民政局牵头。", "责任单位为县商务局").
            lead = lead_in_prose(" ".join([block.head, *block.body]))
            if not lead:
                continue
            fields[Field.LEAD] = lead
        name, task = _name_and_task(block.head)
        if name and not fields.get(Field.PROGRESS) and WORK_DONE.search(to_simplified(task)):
            # A progress report's item in prose ("(二)新建学校。全市新建18所,已完工6所"): what it says is progress.
            _add(fields, Field.PROGRESS, task)
            task = ""
        _add(fields, Field.TASK, task)
        tasks.append(
            NoticeTask(block.number, name, fields.get(Field.TASK, ""), fields.get(Field.LEAD, ""),
                       fields.get(Field.UNITS, ""), block.section, block.lines, fields.get(Field.PROGRESS, ""),
                       fields.get(Field.PROBLEMS, ""), fields.get(Field.PLAN, ""))
        )
    return tasks


def _name_and_task(head: str) -> tuple[str, str]:
    match = re.match(r"^([^:：。，,]{2,20})[:：](.*)$", head) or re.match(r"^([^:：。，,]{2,20})。(.{10,})$", head)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return "", head.strip()
