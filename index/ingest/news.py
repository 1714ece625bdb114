"""News pages: sections under short headlines, or plain paragraphs, each becoming a record."""
from __future__ import annotations

import re

from minsheng.index.ingest.fields import finish
from minsheng.index.ingest.records import Record
from minsheng.index.script import to_simplified
from minsheng.index.vocabulary import BOILERPLATE, BYLINE_LABEL, PAGE_CONTROL, SHORT_CELL, SITE_FOOTER

_SENTENCE_PUNCT = re.compile(r"[。，,；;！!？?：:]")


def is_boilerplate(line: str) -> bool:
    """Navigation, bylines and page furniture that belong to no project."""
    simple = to_simplified(line.strip())
    if not simple:
        return True
    if "|" in simple and len(simple) < 60 or simple.count(">") >= 2 or simple.count("|") >= 2:
        return True
    if BOILERPLATE.search(simple) or PAGE_CONTROL.search(simple) or SITE_FOOTER.search(simple) or len(
            BYLINE_LABEL.findall(simple)) >= 2:
        return True
    return not re.search(r"[\u4e00-\u9fff\w]", simple)


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


# How many bare cells per paragraph make a page a table exported a cell per line.
_CELL_PAGE = 3


def paragraph_records(lines: list[str], claimed: set[int], skip: set[int]) -> tuple[list[Record], set[int]]:
    """Fallback: every paragraph (lines between blank lines) becomes a record; nothing is dropped but a table's
    cells: a short label or figure alone, or, in a page of mostly such cells, a longer cell between two of them."""
    blocks: list[list[int]] = []
    block: list[int] = []
    for index, line in enumerate([*lines, ""]):
        if not line.strip() or index in claimed or index in skip or is_boilerplate(line):
            if block:
                blocks.append(block)
            block = []
            continue
        block.append(index)
    texts = ["\n".join(lines[i].strip() for i in found) for found in blocks]
    bare = [bool(SHORT_CELL.match(text)) for text in texts]
    # A table exported a cell per line: its long cells ("对创业的…给予创业补贴") sit between short ones.
    cells = sum(bare) >= _CELL_PAGE * max(1, len(bare) - sum(bare))
    records: list[Record] = []
    used: set[int] = set()
    for number, (found, text) in enumerate(zip(blocks, texts)):
        if bare[number] or (cells and len(found) == 1 and 0 < number < len(blocks) - 1
                            and bare[number - 1] and bare[number + 1]):
            continue
        records.append(finish(Record(item=str(len(records) + 1), progress=text)))
        used.update(found)
    return records, used
