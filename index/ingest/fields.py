"""Small field-level helpers shared by every report shape: item numbers, units, sections, finishing."""
from __future__ import annotations

import re

from minsheng.index.ingest.records import Record
from minsheng.index.ingest.status import derive_status, find_ratio
from minsheng.index.script import to_simplified
from minsheng.index.vocabulary import (
    CN_DIGIT_VALUES,
    CN_HUNDRED,
    CN_TEN,
    DELAY_WORDS,
    ITEM_CELL,
    LEAD_IN_PROSE,
    PLAN_START,
    PROBLEM_SIGNS,
    SECTION_HEADING,
    UNIT_JOINER,
    UNIT_SPLIT,
)


def cn_number(text: str) -> int | None:
    """Chinese or Arabic numeral up to 999 → int ("十二" → 12, "3" → 3)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in CN_DIGIT_VALUES and c not in (CN_TEN, CN_HUNDRED) for c in text):
        return None
    total, current = 0, 0
    for char in text:
        if char == CN_HUNDRED:
            total += (current or 1) * 100
            current = 0
        elif char == CN_TEN:
            total += (current or 1) * 10
            current = 0
        else:
            current = CN_DIGIT_VALUES[char]
    return total + current


def item_number(cell: str) -> str | None:
    """"第3项" / "3" / "三" → "3"; None when the cell is no item number."""
    match = ITEM_CELL.match(cell.strip())
    if not match:
        return None
    value = cn_number(match.group(1))
    return str(value) if value is not None else None


def is_section(text: str) -> bool:
    """A category heading such as "二、改善群众居住条件(8件)"."""
    text = text.strip()
    return bool(SECTION_HEADING.match(text)) and len(text) <= 40 and "。" not in text


def tidy_units(text: str) -> str:
    """Lead/cooperating units as one "、"-separated string, stray separators removed."""
    text = re.sub(r"\s+", " ", text).strip(" 、,，;；。")
    if not text:
        return ""
    # A leading "*" marks the unit that leads in some tables ("*区住建局").
    return "、".join(p.lstrip("*＊") for p in UNIT_SPLIT.split(text) if p.lstrip("*＊"))


def lead_in_prose(text: str) -> str:
    """The lead unit a record's text names in prose ("由区民政局牵头" → 区民政局), or ""."""
    match = LEAD_IN_PROSE.search(to_simplified(text))
    return tidy_units(UNIT_JOINER.sub("、", match.group(1) or match.group(2))) if match else ""


def explains_delay(text: str) -> bool:
    """True when a 说明/备注 text explains a delay, so it belongs under problems."""
    return bool(DELAY_WORDS.search(to_simplified(text)))


def finish(record: Record, status_cell: str = "") -> Record:
    """Tidy the fields and derive status and ratio from the record's wording."""
    record.lead_unit = tidy_units(record.lead_unit) or lead_in_prose(" ".join((record.task, record.progress)))
    record.units = tidy_units(record.units)
    for name in ("item", "section", "task", "progress", "problems", "plan"):
        setattr(record, name, getattr(record, name).strip())
    problems = to_simplified(record.problems)
    # A "problems" cell worded as an action, with no plan given, is the plan shifted one cell left.
    if not record.plan and PLAN_START.match(problems) and not PROBLEM_SIGNS.search(problems):
        record.plan, record.problems = record.problems, ""
    if record.ratio is None:
        record.ratio = find_ratio(record.progress)
    record.status = derive_status(record.progress, status_cell, record.ratio)
    return record
