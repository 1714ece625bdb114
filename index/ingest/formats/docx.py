"""Word documents (.docx): paragraphs with their automatic list numbers as Word shows them, tables as pipe rows."""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from minsheng.index.errors import ReadError
from minsheng.index.ingest.formats.common import check_zip, describe, table_lines
from minsheng.index.vocabulary import CN_DIGITS, CN_HUNDRED, CN_TEN, LIST_STEMS

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL, _W_SDT, _W_SDT_CONTENT = f"{_W}p", f"{_W}tbl", f"{_W}sdt", f"{_W}sdtContent"
_W_T, _W_TAB, _W_BR, _W_CR, _W_HYPHEN = f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"
# Not text of the paragraph: properties, deleted runs, field codes, text boxes (and their VML fallback copy).
_W_SKIP = frozenset({
    f"{_W}pPr", f"{_W}rPr", f"{_W}del", f"{_W}instrText", f"{_W}delText", f"{_W}txbxContent",
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
})


def read(data: bytes, name: str) -> str:
    """The text of a .docx file."""
    import docx

    check_zip(data, name, "Word")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ReadError(name, f"not a valid .docx file ({describe(exc)})") from exc
    numbering = _Numbering(document)
    lines: list[str] = []
    for kind, element in _docx_blocks(document.element.body):
        if kind == "p":
            lines.extend(_docx_paragraph(element, numbering).split("\n"))
        else:
            lines.append("")
            lines.extend(table_lines(_docx_grid(element, numbering)))
            lines.append("")
    return "\n".join(lines)


def _docx_blocks(container: Any) -> Iterator[tuple[str, Any]]:
    """Paragraphs and tables of the body in document order, content controls (w:sdt) opened."""
    for child in container.iterchildren():
        if child.tag == _W_P:
            yield "p", child
        elif child.tag == _W_TBL:
            yield "tbl", child
        elif child.tag == _W_SDT:
            for content in child.iterchildren(_W_SDT_CONTENT):
                yield from _docx_blocks(content)


# Run elements that stand for one character.
_W_CHARS = {_W_TAB: "\t", _W_BR: "\n", _W_CR: "\n", _W_HYPHEN: "-"}


def _run_text(paragraph: Any) -> str:
    """The text of a paragraph's runs in document order, including runs inside hyperlinks, tracked insertions,
    smart tags and simple fields (walked with a stack, not recursion: nesting has no limit in a file)."""
    parts: list[str] = []
    stack = [paragraph.iterchildren()]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == _W_T:
            parts.append(child.text or "")
        elif child.tag in _W_CHARS:
            parts.append(_W_CHARS[child.tag])
        elif child.tag not in _W_SKIP:
            stack.append(child.iterchildren())
    return "".join(parts)


def _docx_paragraph(p: Any, numbering: _Numbering) -> str:
    """A paragraph's text with its automatic list number ("1." / "第一件") written out as Word shows it."""
    text = _run_text(p)
    label = numbering.label(p) if text.strip() else ""
    return label + text


def _docx_cell(tc: Any, numbering: _Numbering) -> str:
    texts = []
    for kind, element in _docx_blocks(tc):
        if kind == "p":
            texts.append(_docx_paragraph(element, numbering))
        else:  # a table inside a cell: its rows, cell by cell, in the one line of the outer cell
            texts.extend(" ".join(row) for row in _docx_grid(element, numbering))
    return " ".join(t for t in texts if t.strip())


def _docx_grid(tbl: Any, numbering: _Numbering) -> list[list[str]]:
    """w:tbl → rows of cell texts; a horizontal merge is padded, a vertical merge repeats the top cell's text."""
    grid: list[list[str]] = []
    previous: list[str] = []
    for tr in tbl.tr_lst:
        row = [""] * tr.grid_before
        for tc in tr.tc_lst:
            col = len(row)
            if tc.vMerge == "continue":
                text = previous[col] if col < len(previous) else ""
            else:
                text = _docx_cell(tc, numbering)
            row.append(text)
            row.extend([""] * (tc.grid_span - 1))
        grid.append(row)
        previous = row
    return grid


def _chinese(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + CN_TEN + (CN_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        tail = "" if not rest else (CN_DIGITS[0] + CN_DIGITS[rest] if rest < 10
                                    else (CN_DIGITS[1] if rest < 20 else "") + _chinese(rest))
        return CN_DIGITS[hundreds] + CN_HUNDRED + tail
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + numeral, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def format_number(n: int, fmt: str) -> str:
    """A list counter in a Word number format (decimal, chineseCounting, ideographTraditional, …)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand",
               "ideographDigital", "japaneseCounting"):
        return _chinese(n)
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return LIST_STEMS[n - 1]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        return _letters(n) if fmt == "upperLetter" else _letters(n).lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    return str(n)


class _Numbering:
    """Automatic list numbers of a .docx, counted in document order (restarts by level, not by lvlRestart)."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str, str]]] = {}  # numId → ilvl → (start, fmt, text, suff)
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, list[int | None]] = {}
        try:
            self._read(document)
        except Exception:  # numbering is a nicety: a document with odd numbering XML is still read
            self.levels = {}

    def _read(self, document: Any) -> None:
        part = document.part
        try:
            root = part.numbering_part.element
        except Exception:
            return
        abstract: dict[str, dict[int, tuple[int, str, str, str]]] = {}
        for node in root.iterchildren(f"{_W}abstractNum"):
            abstract[node.get(f"{_W}abstractNumId", "")] = {
                int(lvl.get(f"{_W}ilvl", "0")): _level(lvl) for lvl in node.iterchildren(f"{_W}lvl")
            }
        for num in root.iterchildren(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            levels = dict(abstract.get(ref.get(f"{_W}val", "") if ref is not None else "", {}))
            for override in num.iterchildren(f"{_W}lvlOverride"):
                ilvl = int(override.get(f"{_W}ilvl", "0"))
                lvl = override.find(f"{_W}lvl")
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
                start = override.find(f"{_W}startOverride")
                if start is not None and ilvl in levels:
                    levels[ilvl] = (int(start.get(f"{_W}val", "1")), *levels[ilvl][1:])
            self.levels[num.get(f"{_W}numId", "")] = levels
        styles = document.styles.element
        based: dict[str, str] = {}
        for style in styles.iterchildren(f"{_W}style"):
            style_id = style.get(f"{_W}styleId", "")
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                found = _num_pr(num_pr)
                if found:
                    self.style_num[style_id] = found
            parent = style.find(f"{_W}basedOn")
            if parent is not None:
                based[style_id] = parent.get(f"{_W}val", "")
        for style_id in list(based):  # a style numbered through the style it is based on
            seen, current = set(), style_id
            while current in based and current not in self.style_num and current not in seen:
                seen.add(current)
                current = based[current]
            if current in self.style_num and style_id not in self.style_num:
                self.style_num[style_id] = self.style_num[current]

    def label(self, p: Any) -> str:
        """The number Word shows before paragraph p ("" when it is no numbered list item)."""
        if not self.levels:
            return ""
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        found = _num_pr(num_pr) if num_pr is not None else None
        if found is None:
            style = p.find(f"{_W}pPr/{_W}pStyle")
            found = self.style_num.get(style.get(f"{_W}val", "")) if style is not None else None
        if found is None:
            return ""
        num_id, ilvl = found
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [None] * 10)
        start = levels[ilvl][0]
        current = counters[ilvl]
        counters[ilvl] = start if current is None else current + 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None
        _, fmt, text, suff = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return ""

        def number(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            if level not in levels:
                return ""
            value = counters[level] if counters[level] is not None else levels[level][0]
            return format_number(value or 0, levels[level][1])

        label = re.sub(r"%([1-9])", number, text)
        # Word puts a tab after the number; a tab would make the line look like a tab-table row.
        if suff == "nothing" or re.search(r"[、.．:：)）\]】]$", label):
            return label
        return label + " "


def _level(lvl: Any) -> tuple[int, str, str, str]:
    def val(tag: str, default: str) -> str:
        node = lvl.find(f"{_W}{tag}")
        return node.get(f"{_W}val", default) if node is not None else default

    start = val("start", "1")
    return (int(start) if start.isdigit() else 1, val("numFmt", "decimal"), val("lvlText", ""), val("suff", "tab"))


def _num_pr(num_pr: Any) -> tuple[str, int] | None:
    num_id = num_pr.find(f"{_W}numId")
    ilvl = num_pr.find(f"{_W}ilvl")
    value = num_id.get(f"{_W}val", "0") if num_id is not None else "0"
    if value == "0":
        return None  # numId 0 switches numbering off
    level = ilvl.get(f"{_W}val", "0") if ilvl is not None else "0"
    return value, int(level) if level.isdigit() else 0
