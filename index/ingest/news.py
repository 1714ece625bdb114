"""News pages: sections under short headlines, or plain paragraphs, each becoming a record."""
from __future__ import annotations

import re

from index.ingest.fields import finish
from index.ingest.normalize import to_simplified
from index.ingest.records import Record
from index.vocabulary import BOILERPLATE

_SENTENCE_PUNCT = re.compile(r"[。，,；;！!？?：:]")


def is_boilerplate(line: str) -> bool:
    """Navigation, bylines and page furniture that belong to no project."""
    simple = to_simplified(line.strip())
    if not simple:
        return True
    if "|" in simple and len(simple) < 60 or simple.count(">") >= 2 or simple.count("|") >= 2:
        return True
    return bool(BOILERPLATE.search(simple)) or not re.search(r"[\u4e00-\u9fff\w]", simple)


def is_headline(line: str) -> bool:
    """A short line with no sentence punctuation: a section headline of a news page."""
    simple = to_simplified(line.strip())
    return 4 <= len(simple) <= 30 and not _SENTENCE_PUNCT.search(simple) and not is_boilerplate(simple)


def _is_body(line: str) -> bool:
    simple = line.strip()
    return len(simple) >= 40 and bool(re.search(r"[。！？!?]", simple))


def news_records(lines: list[str], claimed: set[int], skip: set[int]) -> tuple[list[Record], set[int]]:
    """One record per headline section; ([], set()) unless the page has at least two sections."""
    open_lines = [i for i, ln in enumerate(lines) if ln.strip() and i not in claimed and i not in skip]
    heads: list[int] = []
    for pos, index in enumerate(open_lines):
        following = open_lines[pos + 1] if pos + 1 < len(open_lines) else None
        if is_headline(lines[index]) and following is not None and _is_body(lines[following]):
            heads.append(index)
    if len(heads) < 2:
        return [], set()
    records: list[Record] = []
    used: set[int] = set()
    for number, head in enumerate(heads, start=1):
        end = heads[number] if number < len(heads) else len(lines)
        body = [i for i in open_lines if head < i < end and not is_boilerplate(lines[i])]
        record = Record(item=str(number), section=lines[head].strip(),
                        progress="\n".join(lines[i].strip() for i in body))
        records.append(finish(record))
        used.update([head, *body])
    return records, used


def _bare_cell(text: str) -> bool:
    """A short label or a figure with no sentence around it."""
    return "\n" not in text and len(text) <= 24 and not re.search(r"[。；;:：,，]", text)


def paragraph_records(lines: list[str], claimed: set[int], skip: set[int]) -> tuple[list[Record], set[int]]:
    """Fallback: every paragraph (lines between blank lines) becomes a record; nothing is dropped."""
    records: list[Record] = []
    used: set[int] = set()
    block: list[int] = []

    def close() -> None:
        if block:
            text = "\n".join(lines[i].strip() for i in block)
            if _bare_cell(text):
                block.clear()  # a table cell on a line of its own ("目标任务", "26000") says nothing alone
                return
            records.append(finish(Record(item=str(len(records) + 1), progress=text)))
            used.update(block)
            block.clear()

    for index, line in enumerate(lines):
        if not line.strip() or index in claimed or index in skip or is_boilerplate(line):
            close()
            continue
        block.append(index)
    close()
    return records, used
