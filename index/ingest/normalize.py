"""Bytes → clean text: encodings, NFKC, HTML remnants, pinyin artifacts, Simplified copy."""
from __future__ import annotations

import html
import re
import unicodedata

from minsheng.index.errors import ReadError
from minsheng.index.script import to_simplified
from minsheng.index.vocabulary import BYLINE_LABEL

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Characters a Chinese report is made of; decoded text mostly outside them is not a report.
_PLAUSIBLE = re.compile(
    r"[\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u2100-\u22ff\u2460-\u24ff\u2500-\u25ff"
    r"\u3000-\u303f\u3100-\u312f\u4e00-\u9fff\uff00-\uffef\u2e80-\u2fdf]"
)
_MIN_PLAUSIBLE = 0.85
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# "區(qū)": a Han character followed by its pinyin in parentheses, as some pages render ruby text.
_PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])\(([a-zü{TONE_MARKS}]{{1,7}})\)")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
# Control characters (tabs and line ends aside), bidirectional overrides and lone surrogate halves: no report or
# question means them, and a chat message holding them can be refused.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SPACES = re.compile(r"[ \u00a0\u3000]+")
# Two or more spaces between two cells of a table typed with the space bar or copied out of a PDF.
_CELL_GAP = re.compile(r"(?<=\S)[ \u00a0\u3000]{2,}(?=\S)")
_BLANKS = " \u00a0\u3000"
_CURLY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})


def decode(data: bytes, source: str) -> str:
    """Decode report bytes (UTF-8 with or without BOM, UTF-16, GB18030/GBK) to text."""
    if not data.strip():
        raise ReadError(source, "the file is empty")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _checked(_try(data, codec, source), source)
    utf16 = _guess_utf16(data)
    if utf16:
        return _checked(_try(data, utf16, source), source)
    if b"\x00" in data:
        # UTF-16 without a BOM and mostly Chinese has NULs in no fixed position; else this is binary.
        text, score = _best_decoding(data, ("utf-16-le", "utf-16-be"))
        if score >= _MIN_PLAUSIBLE:
            return text
        raise ReadError(source, "binary data, not a text report")
    try:
        return _checked(data.decode("utf-8"), source)
    except UnicodeDecodeError:
        pass
    # GB18030 decodes almost any bytes, and pure-CJK UTF-16 without a BOM has no NUL bytes:
    # the candidate that looks most like report text wins.
    best, best_score = _best_decoding(data, ("gb18030", "utf-16-le", "utf-16-be"))
    if best_score >= _MIN_PLAUSIBLE:
        return best
    raise ReadError(source, "not readable as text in UTF-8, GB18030 or UTF-16 (binary or garbled data?)")


def _best_decoding(data: bytes, codecs: tuple[str, ...]) -> tuple[str, float]:
    """The decoding that looks most like report text, with its plausibility score."""
    best, best_score = "", 0.0
    for codec in codecs:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if score > best_score:
            best, best_score = text, score
    return best, best_score


def _try(data: bytes, codec: str, source: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ReadError(source, f"not valid {codec} text ({exc.reason} at byte {exc.start})") from None


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM shows up as NUL bytes in every other position for ASCII text."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _checked(text: str, source: str) -> str:
    """Refuse text that decoded but is mostly not characters a report would use."""
    if not text.strip():
        raise ReadError(source, "the file holds no text")
    if not _plausible(text):
        raise ReadError(source, "binary or garbled data, not a text report")
    return text


def _plausible(text: str) -> bool:
    return _plausibility(text) >= _MIN_PLAUSIBLE


def _plausibility(text: str) -> float:
    sample = text[:20000]
    if not sample.strip():
        return 0.0
    return len(_PLAUSIBLE.findall(sample)) / len(sample)


def clean(text: str) -> str:
    """NFKC, HTML remnants and pinyin artifacts removed, spaces tidied; lines kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub("", text)
    text = _MD_IMAGE.sub("", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    # Before NFKC, which makes an ideographic space as narrow as a plain one and so moves the columns.
    text = "\n".join(_spaced_tables(text.split("\n")))
    text = unicodedata.normalize("NFKC", text)
    text = strip_pinyin(text)
    lines = [_SPACES.sub(" ", line).strip(" ") for line in text.split("\n")]
    return "\n".join(lines)


def display_width(text: str) -> int:
    """Columns the text takes in a fixed-width font: CJK and full-width characters two, others one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _spaced_tables(lines: list[str]) -> list[str]:
    """Rows of a table whose cells are set apart by runs of spaces → tab-separated rows, which the table reader
    reads; a block counts as a table when two of its lines have three cells or more (a byline with wide gaps
    alone, or prose with a double space, is no table). Blank lines inside the block are kept."""
    # A byline ("稿源:…   编辑:…   日期") under the table is set apart by wide gaps too, and is no row.
    gaps = [0 if len(BYLINE_LABEL.findall(line)) >= 2 else len(_CELL_GAP.findall(line.strip(_BLANKS)))
            for line in lines]
    out = list(lines)
    start = 0
    while start < len(lines):
        if not gaps[start]:
            start += 1
            continue
        end = start
        block = []
        while end < len(lines) and (gaps[end] or not lines[end].strip(_BLANKS)):
            if gaps[end]:
                block.append(end)
            end += 1
        if sum(gaps[i] >= 2 for i in block) >= 2:
            grid = _cell_starts(lines[max(block, key=lambda i: (gaps[i], -i))])
            for i in block:
                out[i] = _tab_row(lines[i], grid)
        start = end
    return out


def _cell_starts(line: str) -> list[tuple[int, str]]:
    """(display column, text) of each space-separated cell of a line."""
    cells = []
    column = 0
    for piece in re.split(f"({_CELL_GAP.pattern})", line):
        if piece and not _CELL_GAP.fullmatch(piece) and piece.strip(_BLANKS):
            lead = len(piece) - len(piece.lstrip(_BLANKS))
            cells.append((column + display_width(piece[:lead]), piece.strip(_BLANKS)))
        column += display_width(piece)
    return cells


def _tab_row(line: str, grid: list[tuple[int, str]]) -> str:
    """One row as tab-separated cells; a row with fewer cells than the widest line gets empty cells where its cells
    do not start under a column, so a blank cell keeps the cells after it in their columns."""
    cells = _cell_starts(line)
    if len(cells) < len(grid):
        starts = [start for start, _ in grid]
        slots = [min(range(len(starts)), key=lambda k: (abs(starts[k] - start), k)) for start, _ in cells]
        if all(a < b for a, b in zip(slots, slots[1:])):
            row = [""] * (slots[-1] + 1)
            for slot, (_, text) in zip(slots, cells):
                row[slot] = text
            return "\t".join(row)
    return "\t".join(text for _, text in cells)


def strip_pinyin(text: str) -> str:
    """Remove ruby pinyin such as "區(qū)" → "區"; plain parentheses are kept."""
    return _PINYIN.sub(lambda m: "" if any(c in TONE_MARKS for c in m.group(1)) else m.group(0), text)


def match_key(text: str) -> str:
    """The form the eval compares on: no pinyin, NFKC, Simplified, straight quotes, no spaces."""
    text = strip_pinyin(unicodedata.normalize("NFKC", text))
    text = to_simplified(text).translate(_CURLY)
    return re.sub(r"\s+", "", text)


def normalize_bytes(data: bytes, source: str) -> str:
    """Decode and clean in one step: what every parser receives."""
    return clean(decode(data, source))
