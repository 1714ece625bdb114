"""How well a report was read: its place, year and period, its records, the share of its text they hold, and what
is doubtful (`minsheng records --check`)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from minsheng.index.ingest.records import ParsedReport, Record
from minsheng.index.script import to_simplified

_CELL_SPLIT = re.compile(r"[|\t]")
_WORD_CHARS = re.compile(r"[\w%.]+")


@dataclass(frozen=True)
class ReportCheck:
    """One report file as the parser read it, for a person to check at a glance."""

    name: str
    place: tuple[str, ...]  # province down to the report's unit; () when not settled
    region: str
    year: int | None
    period: str
    months: tuple[int, int] | None
    records: int
    share: float  # of the text's characters, the share whose neighbourhood went into some record
    warnings: tuple[str, ...]


def check_report(name: str, text: str, parsed: ParsedReport) -> ReportCheck:
    """What a parsed report holds and what is doubtful about it; text is the file's normalized text."""
    report = parsed.report
    warnings = list(parsed.notes)
    if not parsed.records:
        warnings.append("records: none read")
    return ReportCheck(
        name=name, place=tuple(report.place), region=report.region, year=report.year, period=report.period,
        months=report.months, records=len(parsed.records), share=text_share(text, parsed.records),
        warnings=tuple(warnings),
    )


def text_share(text: str, records: list[Record]) -> float:
    """The share of a text's word characters that records hold: each cell or line counts by how many of its
    character pairs occur in some record (labels the reader dropped, such as "进展情况:", or punctuation do not
    make a line count as lost). 1.0 for a text without words."""
    held: set[str] = set()
    for record in records:
        held |= char_pairs(f"{record.item}\n{record.text()}")
    total = found = 0
    for line in text.splitlines():
        for cell in _CELL_SPLIT.split(line):
            pairs = char_pairs(cell)
            if not pairs:
                continue
            size = sum(len(w) for w in _WORD_CHARS.findall(cell))
            total += size
            found += size * len(pairs & held) / len(pairs)
    return found / total if total else 1.0


def char_pairs(text: str) -> set[str]:
    """The pairs of adjacent word characters of a text, in Simplified script."""
    words = _WORD_CHARS.findall(to_simplified(text))
    return {w[i:i + 2] for w in words for i in range(len(w) - 1)}
