"""Report text → passages: windows of a few consecutive sentences, never across an item or heading, each with
the heading it falls under, so that every sentence a report holds can be found even where no record reads it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.ingest.normalize import match_key
from index.vocabulary import ITEM_START, SECTION_HEADING

# A passage holds up to this many characters of report text (one sentence longer than it is cut at commas, then by
# length); short enough that its embedding is about one thing, long enough for a figure with its subject.
PASSAGE_CHARS = 200
# Sentence ends: after 。；！？ and at line ends (a table row or a cell per line is a sentence of its own).
_PIECE_END = re.compile(r"(?<=[。；;！？!?])(?![”’）)])|(?<=\n)")
_COMMA = re.compile(r"(?<=[,，、:：])")
_HEADING_CHARS = 40


@dataclass(frozen=True)
class Passage:
    """A window of consecutive report text (exactly as written) and the heading or item line it falls under."""

    text: str
    heading: str


def split_passages(text: str, limit: int = PASSAGE_CHARS) -> list[Passage]:
    """Every line of a report, in order, as passages of at most `limit` characters: a block starts at an item or
    heading line and at each table row ("a | b | c"), consecutive sentences fill a window, and the next window
    repeats the last sentence of the one before (a fact cut between two windows is whole in one of them)."""
    passages: list[Passage] = []
    for block, heading in _blocks(text.split("\n")):
        pieces = [p for line in block for p in _pieces(line, limit)]
        window: list[str] = []
        for piece in pieces:
            if window and len("".join(window)) + len(piece) > limit:
                passages.append(Passage("".join(window).strip(), heading))
                # Overlap by the last sentence when it leaves room for new text.
                window = [window[-1]] if len(window) > 1 and len(window[-1]) + len(piece) <= limit else []
            window.append(piece)
        if window and "".join(window).strip():
            passages.append(Passage("".join(window).strip(), heading))
    return passages


def _blocks(lines: list[str]) -> list[tuple[list[str], str]]:
    """Runs of lines between item or heading lines, each with its heading."""
    blocks: list[tuple[list[str], str]] = []
    heading = ""
    current: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not re.search(r"\w", line):
            continue
        row = line.count("|") >= 2
        if row or _starts_block(line):
            if current:
                blocks.append((current, heading))
            if not row:  # a table row is a block of its own under the heading above the table
                heading = line[:_HEADING_CHARS]
            current = []
        current.append(line + "\n")
    if current:
        blocks.append((current, heading))
    return blocks


def _starts_block(line: str) -> bool:
    """An item or a heading opens a new block ("一、…", "3.…", "(二)…", "第5项…")."""
    return bool(ITEM_START.match(line) or SECTION_HEADING.match(line))


def _pieces(line: str, limit: int) -> list[str]:
    """A line cut into sentences; one longer than the limit is cut at commas, then by length."""
    out: list[str] = []
    for sentence in (s for s in _PIECE_END.split(line) if s):
        if len(sentence) <= limit:
            out.append(sentence)
            continue
        part = ""
        for clause in (c for c in _COMMA.split(sentence) if c):
            while len(clause) > limit:
                if part:
                    out.append(part)
                    part = ""
                out.append(clause[:limit])
                clause = clause[limit:]
            if len(part) + len(clause) > limit:
                out.append(part)
                part = ""
            part += clause
        if part:
            out.append(part)
    return out


def unreached(text: str, passages: list[Passage]) -> list[str]:
    """The report's sentences no passage holds (by match key), for checking that nothing is unreachable."""
    held = "\x00".join(match_key(p.text) for p in passages)
    missing = []
    for line in text.split("\n"):
        line = line.strip()
        if not re.search(r"\w", line):
            continue
        for sentence in _pieces(line, PASSAGE_CHARS):
            key = match_key(sentence)
            if key and key not in held:
                missing.append(sentence)
    return missing
