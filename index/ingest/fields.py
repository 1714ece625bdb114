"""Small field-level helpers shared by every report shape: item numbers, units, sections, finishing."""
from __future__ import annotations

import re

from index.ingest.normalize import to_simplified
from index.ingest.records import Record
from index.ingest.status import derive_status, find_ratio

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ITEM = re.compile(r"^(?:第\s*)?(\d{1,3}|[一二三四五六七八九十]{1,3})\s*(?:项|件|条|个)?[.、．]?$")
SECTION = re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]\s*\S")
_PLAN_START = re.compile(r"^(督促|加快|继续|积极|做好|争取|抓紧|力争|全力|下一步|下步|计划|拟)")
_PROBLEM_WORDS = re.compile(r"难|慢|不足|影响|滞后|问题|尚未|未能|缺|低")
_DELAY_WORDS = re.compile(r"滞后|原因|影响|未能|推迟|延期|暂缓|受.{0,10}(?:影响|制约)|尚未|困难")
_UNIT_SEP = re.compile(r"\s*[、,，;；/]\s*")


def cn_number(text: str) -> int | None:
    """Chinese or Arabic numeral up to 999 → int ("十二" → 12, "3" → 3)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c not in "十百" for c in text):
        return None
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS[char]
    return total + current


def item_number(cell: str) -> str | None:
    """"第3项" / "3" / "三" → "3"; None when the cell is no item number."""
    match = _ITEM.match(cell.strip())
    if not match:
        return None
    value = cn_number(match.group(1))
    return str(value) if value is not None else None


def is_section(text: str) -> bool:
    """A category heading such as "二、改善群众居住条件(8件)"."""
    text = text.strip()
    return bool(SECTION.match(text)) and len(text) <= 40 and "。" not in text


def tidy_units(text: str) -> str:
    """Lead/cooperating units as one "、"-separated string, stray separators removed."""
    text = re.sub(r"\s+", " ", text).strip(" 、,，;；。")
    if not text:
        return ""
    parts = [p for p in _UNIT_SEP.split(text) if p]
    out: list[str] = []
    for part in parts:
        out.extend(p for p in part.split(" ") if p)
    return "、".join(out)


def explains_delay(text: str) -> bool:
    """True when a 说明/备注 text explains a delay, so it belongs under problems."""
    return bool(_DELAY_WORDS.search(to_simplified(text)))


def finish(record: Record, status_cell: str = "") -> Record:
    """Tidy the fields and derive status and ratio from the record's wording."""
    record.lead_unit = tidy_units(record.lead_unit)
    record.units = tidy_units(record.units)
    for name in ("item", "section", "task", "progress", "problems", "plan"):
        setattr(record, name, getattr(record, name).strip())
    problems = to_simplified(record.problems)
    # A "problems" cell worded as an action, with no plan given, is the plan shifted one cell left.
    if not record.plan and _PLAN_START.match(problems) and not _PROBLEM_WORDS.search(problems):
        record.plan, record.problems = record.problems, ""
    if record.ratio is None:
        record.ratio = find_ratio(record.progress)
    record.status = derive_status(record.progress, status_cell, record.ratio)
    return record
