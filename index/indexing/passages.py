"""Report text → passages: windows of a few consecutive sentences, never across an item or heading, each with
the heading it falls under, so that every sentence a report holds can be found even where no record reads it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from minsheng.index.ingest.normalize import match_key
from minsheng.index.vocabulary import FIGURE_CELL, ITEM_START, SECTION_HEADING, SHORT_CELL

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
    """Runs of lines between item or heading lines, each with its heading; a table exported one cell per line
    becomes one block per row under its header cells."""
    reader = _BlockReader()
    for raw in lines:
        line = raw.strip()
        if re.search(r"\w", line):
            reader.take(line)
    return reader.close()


_SERIAL_CELL = re.compile(r"^(\d{1,3})\*?$")
_TABLE_HEADING_CHARS = 160


def _label_cell(line: str) -> bool:
    """A short text cell: a header word or a row's key ("东坡区", "目标任务", "(%)")."""
    return bool(SHORT_CELL.match(line)) and not FIGURE_CELL.match(line)


class _BlockReader:
    """Lines → blocks. Rows of a cell-per-line table start at the next serial number ("1", "2", "9*" after a
    run of header cells) or, in a table of figures, at the label before a row's first figure; each row is a
    block whose heading is the table's header cells, so a row of bare figures still says what they measure."""

    def __init__(self) -> None:
        self.blocks: list[tuple[list[str], str]] = []
        self.heading = ""
        self.current: list[str] = []
        self.labels: list[str] = []  # the run of short text cells just read
        self.expected = 0  # the next serial number of a serial-numbered table (0: not in one)
        self.figures = False  # inside a table of figures keyed by row labels

    def take(self, line: str) -> None:
        """Read one non-empty line."""
        row = line.count("|") >= 2
        serial = _SERIAL_CELL.match(line)
        if row:  # a table row is a block of its own under the heading above the table
            self._start([], None)
        elif _starts_block(line) and not (line.endswith("|") and not SECTION_HEADING.match(line)):
            # A cell of a pipe table written over several lines may open with a run-in number ("1.全区426个社区…|"):
            # it is the cell's text, not a heading for the rows after it; a section row ("三、提高生活便利性 |") is.
            self._start([], line[:_HEADING_CHARS])
            self.expected, self.figures = 0, False
        elif serial and self.expected and int(serial.group(1)) == self.expected:
            self.expected += 1
            self._start([], None)
        elif serial and int(serial.group(1)) == 1 and len(self.labels) >= 2 and not self.figures:
            self.expected = 2
            self._start([], self._header(self.labels))
        elif FIGURE_CELL.match(line) and self.labels and not self.expected and (self.figures or len(self.labels) >= 3):
            key = self.labels[-1]
            header = self.labels[:-1] if len(self.labels) >= 3 else []
            heading = self._header(header) if header else self.heading
            # The key opens the row; a run of header cells before it is a block of its own (a row with no figures,
            # "眉山天府新区", stays with the row above).
            self.current = self.current[: len(self.current) - 1 - len(header)]
            if header:
                self._start(header, None)
            self.figures = True
            self._start([key], heading)
        self.labels = self.labels + [line] if _label_cell(line) else []
        self.current.append(line + "\n")

    def _start(self, lines: list[str], heading: str | None) -> None:
        """Close the block being read and open one holding lines, under heading (None: the current one)."""
        if self.current:
            self.blocks.append((self.current, self.heading))
        if heading is not None:
            self.heading = heading
        self.current = [cell + "\n" for cell in lines]

    @staticmethod
    def _header(cells: list[str]) -> str:
        """A table's header cells as one heading line, repeated sub-headers once."""
        return " ".join(dict.fromkeys(re.sub(r"\s+", "", c) for c in cells))[:_TABLE_HEADING_CHARS]

    def close(self) -> list[tuple[list[str], str]]:
        """The blocks read, the last one included."""
        if self.current:
            self.blocks.append((self.current, self.heading))
            self.current = []
        return self.blocks


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


def join_windows(text: str, following: str) -> str:
    """Two consecutive windows as one text: the sentence the second repeats from the first is kept once."""
    for end in sorted((m.end() for m in _PIECE_END.finditer(following)), reverse=True):
        repeated = following[:end].strip()
        if repeated and text.rstrip().endswith(repeated):
            return text.rstrip() + following[end:].rstrip()
    return text.rstrip() + following.rstrip()


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
