"""Reports published as .html/.htm, .docx, .xlsx or .pdf → plain text the report parser reads.

Tables of every format come out as pipe rows ("| 1 | 新增养老床位 | 区民政局 | 已建成156张 |"), the
layout index.ingest.tables reads from .txt files, so a table-shaped report gives the same records in any format.
Rules shared by HTML and .docx tables:
- a cell spanning several columns keeps its text in its first column and empty cells after it, so rows keep
  the column count and a section row ("一、教育" across the table) stays a one-cell section row;
- a cell spanning several rows repeats its text on each row (a shared 牵头单位 belongs to every row);
- text inside a cell is joined into one line, and "|" in a cell becomes "/" so it cannot split the cell;
- rows before the first and after the last row with two or more filled cells (a title row, a "注:" row)
  become plain lines, and a table with at most one filled cell per row is layout, read as paragraphs.
"""
from __future__ import annotations

import codecs
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import PurePath
from typing import Any

from index.errors import ReadError

SUFFIXES: frozenset[str] = frozenset({".html", ".htm", ".docx", ".xlsx", ".pdf"})

# Zip archives (.docx/.xlsx) unpacking to more than this are refused rather than risk a zip bomb.
MAX_UNPACKED_BYTES = 1 << 30
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted Office files and old .doc/.xls
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_WS = re.compile(r"\s+")


def extract_text(data: bytes, name: str) -> str:
    """Plain text of a report file in one of SUFFIXES; ReadError (naming the file) when it cannot be read."""
    suffix = PurePath(name).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        expected = ", ".join(sorted(SUFFIXES))
        raise ReadError(name, f"unsupported file type {suffix or '(no suffix)'!r} (expected one of {expected})")
    if not data or data.isspace():  # isspace stops at the first other byte; strip() would copy the file
        raise ReadError(name, "the file is empty")
    try:
        text = reader(data, name)
    except ReadError:
        raise
    except RecursionError:
        raise ReadError(name, f"not a readable {suffix} file (nested too deeply)") from None
    except Exception as exc:  # a library's bug or a malformed file: one line naming the file, never a traceback
        raise ReadError(name, f"not a valid {suffix} file ({_describe(exc)})") from exc
    text = _tidy(text)
    if not re.search(r"\w", text):
        raise ReadError(name, "holds no text" if suffix != ".pdf" else "the PDF has no text layer (scanned images?)")
    return text


def _describe(exc: BaseException) -> str:
    message = _WS.sub(" ", str(exc)).strip()
    message = re.sub(r"file '<_io\.BytesIO object at 0x[0-9a-f]+>' ", "it ", message)  # python-docx names its stream
    if len(message) > 160:
        message = message[:157] + "..."
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _tidy(text: str) -> str:
    """Line ends unified, control characters (PDF fonts, Word field marks) removed, blank runs shortened."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n ") + "\n"


# ---------------------------------------------------------------- tables, shared by every format


def cell_text(text: str) -> str:
    """One table cell as pipe-row text: whitespace collapsed to single spaces, "|" replaced by "/"."""
    # "｜" would become "|" under NFKC in clean(), so it is replaced too.
    return _WS.sub(" ", text.replace("|", "/").replace("｜", "/")).strip()


def table_lines(rows: list[list[str]]) -> list[str]:
    """Table rows (cell texts) → pipe lines; title/note rows around the table and one-column tables → plain lines."""
    rows = [[cell_text(c) for c in row] for row in rows]
    rows = [row for row in rows if any(row)]
    multi = [i for i, row in enumerate(rows) if sum(1 for c in row if c) > 1]
    if not multi:
        return [c for row in rows for c in row if c]
    width = max(len(row) for row in rows)
    lines = []
    for i, row in enumerate(rows):
        if i < multi[0] or i > multi[-1]:
            lines.append(" ".join(c for c in row if c))
        else:
            # Every row padded to the widest so empty trailing cells keep their places.
            lines.append("| " + " | ".join(row + [""] * (width - len(row))) + " |")
    return lines


# ---------------------------------------------------------------- HTML

_DROP = frozenset({
    "script", "style", "nav", "header", "footer", "noscript", "iframe", "template", "svg", "select",
    "object", "embed", "canvas", "audio", "video", "head", "button",
})
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([a-z0-9_.:-]+)""", re.IGNORECASE)
# Chinese sites declare gb2312 for pages holding GBK characters; GB18030 decodes both and more.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "ascii": "utf-8", "iso8859-1": "cp1252"}
# A line break between two Chinese characters is no space (CSS text: segment breaks between wide characters).
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t]*\n\s*(?=[{_CJK}])")


def decode_html(data: bytes) -> str:
    """HTML bytes → str: BOM, then the declared charset, then UTF-8, then GB18030."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    declared = _declared_charset(data[:4096])
    candidates = [declared] if declared else []
    if declared and declared != "utf-8" and not data.isascii():
        # Bytes that are valid UTF-8 with Chinese in them are UTF-8 whatever the page claims: GBK text is
        # practically never valid UTF-8, while pages re-saved as UTF-8 often keep their old gb2312 meta.
        candidates.insert(0, "utf-8")
    for codec in candidates + ["utf-8", "gb18030"]:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode(declared or "gb18030", errors="replace")


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    try:
        codec = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None  # an unknown charset name: fall back to UTF-8 / GB18030
    if codec.startswith("utf-16") or codec.startswith("utf-32"):
        return None  # a page decoded far enough to read its meta is not UTF-16
    return _SUPERSETS.get(codec, codec)


def _soup(markup: str) -> Any:
    from bs4 import BeautifulSoup

    try:
        return BeautifulSoup(markup, "lxml")
    except Exception:  # lxml missing or choking on the markup: the pure-Python parser is slower but lenient
        return BeautifulSoup(markup, "html.parser")


def _html_text(data: bytes, name: str) -> str:
    soup = _soup(decode_html(data))
    title_tag = soup.find("title")
    title = _WS.sub(" ", title_tag.get_text(" ")).strip() if title_tag else ""
    for tag in soup.find_all(_is_dropped):
        tag.decompose()
    body = soup.body or soup
    writer = _HtmlWriter()
    writer.walk(body)
    lines = writer.finish()
    if not any(line.strip() for line in lines):
        raise ReadError(name, "the page has no text")
    title = _page_title(title)
    heading = body.find(_HEADINGS)
    heading_text = _WS.sub("", heading.get_text()) if heading else ""
    if title and not _says_same(_WS.sub("", title), heading_text):
        lines.insert(0, title)
    return "\n".join(lines)


def _is_dropped(tag: Any) -> bool:
    if tag.name in _DROP:
        return True
    attrs = tag.attrs or {}
    return "hidden" in attrs or bool(_HIDDEN_STYLE.search(str(attrs.get("style", ""))))


def _page_title(title: str) -> str:
    """The page title without the site name ("X_某区人民政府" / "X - 某区人民政府" / "X|网站")."""
    first = re.split(r"\s*(?:_|\||｜|\s[-–—]\s)\s*", title)[0].strip()
    return first if len(first) >= 4 else title


def _says_same(title: str, heading: str) -> bool:
    if not heading:
        return False
    short, long_ = sorted((title, heading), key=len)
    return short in long_ and len(short) >= 0.6 * len(long_)


class _HtmlWriter:
    """Walks a parsed page, collecting lines: blocks and <br> break lines, tables become pipe rows."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buffer: list[str] = []
        self.pre = 0

    def walk(self, node: Any) -> None:
        """Write node's content; iterative, as badly closed pages (<font> never closed) nest thousands deep."""
        from bs4.element import NavigableString, PreformattedString, Tag

        stack: list[Any] = list(reversed(node.contents))
        while stack:
            item = stack.pop()
            if isinstance(item, NavigableString):
                if not isinstance(item, PreformattedString):  # comments, doctype, CDATA, processing instructions
                    self.text(str(item))
            elif not isinstance(item, Tag):
                item()  # a block element ends: self.block or self._end_pre, pushed below its content
            else:
                name = item.name
                if name in _DROP or name == "img":  # alt texts are "图片" and file names, not report text
                    continue
                if name == "br":
                    self.newline()
                    continue
                if name == "table" and self.table(item):
                    continue
                if name == "pre":
                    self.block()
                    self.pre += 1
                    stack.append(self._end_pre)
                elif name in _BLOCK:
                    self.block()
                    stack.append(self.block)
                stack.extend(reversed(item.contents))

    def _end_pre(self) -> None:
        self.pre -= 1
        self.block()

    def text(self, text: str) -> None:
        if self.pre:
            parts = text.split("\n")
            for i, part in enumerate(parts):
                if i:
                    self.newline()
                self.buffer.append(part)
            return
        text = _CJK_BREAK.sub("", text)
        self.buffer.append(_WS.sub(" ", text))

    def newline(self) -> None:
        self.lines.append("".join(self.buffer).strip())
        self.buffer = []

    def block(self) -> None:
        if "".join(self.buffer).strip():
            self.newline()
        self.buffer = []

    def finish(self) -> list[str]:
        self.block()
        lines: list[str] = []
        for line in self.lines:
            if line or (lines and lines[-1]):  # at most one blank line in a row
                lines.append(line)
        return lines

    def table(self, table: Any) -> bool:
        """Write a data table as pipe rows; False for a layout table, whose cells are then walked as blocks."""
        if table.find("table") is not None or table.find(_HEADINGS) is not None or table.get("role") == "presentation":
            return False  # tables holding tables or headings lay out a page, they hold no data rows
        rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
        grid = _html_grid(rows)
        if max((sum(1 for c in row if c) for row in grid), default=0) <= 1:
            return False
        self.block()
        self.lines.append("")
        caption = table.find("caption")
        if caption is not None and caption.find_parent("table") is table:
            self.lines.append(cell_text(caption.get_text(" ")))
        self.lines.extend(table_lines(grid))
        self.lines.append("")
        return True


def _span(tag: Any, attr: str, limit: int) -> int:
    match = re.match(r"\s*(\d+)", str(tag.get(attr, "1")))
    return min(max(int(match.group(1)), 1), limit) if match else 1


def _html_cell(cell: Any) -> str:
    writer = _HtmlWriter()
    writer.walk(cell)
    return " ".join(line for line in writer.finish() if line)


def _html_grid(rows: list[Any]) -> list[list[str]]:
    """<tr> elements → rows of cell texts with colspan padded and rowspan repeated."""
    grid: list[list[str]] = []
    carried: dict[int, tuple[int, str]] = {}  # column → (rows still covered, text) of rowspan cells
    for position, tr in enumerate(rows):
        cells = list(tr.find_all(["td", "th"], recursive=False))
        row: list[str] = []
        col = 0
        while cells or any(c >= col for c in carried):
            if col in carried:
                left, text = carried.pop(col)
                if left > 1:
                    carried[col] = (left - 1, text)
                row.append(text)
                col += 1
                continue
            if not cells:
                row.append("")
                col += 1
                continue
            cell = cells.pop(0)
            text = _html_cell(cell)
            colspan = _span(cell, "colspan", 50)
            rowspan = _span(cell, "rowspan", len(rows) - position)
            for k in range(colspan):
                row.append(text if k == 0 else "")
                if rowspan > 1:
                    carried[col + k] = (rowspan - 1, text if k == 0 else "")
            col += colspan
        grid.append(row)
    return grid


# ---------------------------------------------------------------- .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL, _W_SDT, _W_SDT_CONTENT = f"{_W}p", f"{_W}tbl", f"{_W}sdt", f"{_W}sdtContent"
_W_T, _W_TAB, _W_BR, _W_CR, _W_HYPHEN = f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"
# Not text of the paragraph: properties, deleted runs, field codes, text boxes (and their VML fallback copy).
_W_SKIP = frozenset({
    f"{_W}pPr", f"{_W}rPr", f"{_W}del", f"{_W}instrText", f"{_W}delText", f"{_W}txbxContent",
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
})


def _check_zip(data: bytes, name: str, kind: str) -> None:
    """Refuse what is no zip archive (with the likely reason) or unpacks to an unreasonable size."""
    if data.startswith(_OLE_MAGIC):
        raise ReadError(name, f"an encrypted (password-protected) {kind} file or an old binary Office file, "
                              f"not a {PurePath(name).suffix.lower()} file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadError(name, f"not a valid {PurePath(name).suffix.lower()} file ({_describe(exc)})") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ReadError(name, f"unpacks to {unpacked >> 20} MB, more than the {MAX_UNPACKED_BYTES >> 20} MB allowed")


def _docx_text(data: bytes, name: str) -> str:
    import docx

    _check_zip(data, name, "Word")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ReadError(name, f"not a valid .docx file ({_describe(exc)})") from exc
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


def _run_text(element: Any, parts: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if tag == _W_T:
            parts.append(child.text or "")
        elif tag == _W_TAB:
            parts.append("\t")
        elif tag in (_W_BR, _W_CR):
            parts.append("\n")
        elif tag == _W_HYPHEN:
            parts.append("-")
        elif tag not in _W_SKIP:
            _run_text(child, parts)  # runs inside hyperlinks, tracked insertions, smart tags, simple fields


def _docx_paragraph(p: Any, numbering: _Numbering) -> str:
    """A paragraph's text with its automatic list number ("1." / "第一件") written out as Word shows it."""
    parts: list[str] = []
    _run_text(p, parts)
    text = "".join(parts)
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


_CN_DIGITS = "零一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _chinese(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        tail = "" if not rest else ("零" + _CN_DIGITS[rest] if rest < 10 else ("一" if rest < 20 else "") + _chinese(rest))
        return _CN_DIGITS[hundreds] + "百" + tail
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
        return _STEMS[n - 1]
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


# ---------------------------------------------------------------- .xlsx


def _xlsx_text(data: bytes, name: str) -> str:
    import openpyxl

    _check_zip(data, name, "Excel")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ReadError(name, f"not a valid .xlsx file ({_describe(exc)})") from exc
    try:
        sheets = list(workbook.worksheets)
        # Hidden sheets usually hold drop-down lists and lookups; read them only when nothing is visible.
        visible = [s for s in sheets if getattr(s, "sheet_state", "visible") == "visible"] or sheets
        parts: list[list[str]] = []
        for sheet in visible:
            # Dimensions written by other programs are often wrong ("A1:XFD1048576"); without them
            # read-only mode yields only the cells the sheet really holds.
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            rows = [[xlsx_value(cell) for cell in row] for row in sheet.iter_rows()]
            lines = table_lines(rows)
            if lines:
                parts.append(([sheet.title, ""] if len(visible) > 1 else []) + lines)
    finally:
        workbook.close()
    return "\n\n".join("\n".join(lines) for lines in parts)


def xlsx_value(cell: Any) -> str:
    """A spreadsheet cell as text: integral numbers without ".0", dates as YYYY-MM-DD, percentages as "85%"."""
    value = getattr(cell, "value", None)
    if value is None or getattr(cell, "data_type", "") == "e":
        return ""  # empty, or an error value such as #REF! or #DIV/0!
    number_format = str(getattr(cell, "number_format", "") or "")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        if "%" in number_format:
            return _number(value * 100) + "%"
        return _number(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return format(value, ".15g")  # 0.1+0.2 shows as 0.3, as in Excel


# ---------------------------------------------------------------- .pdf

_ITEM_START = re.compile(
    r"^(第\s*\S{1,3}\s*[件项条章节]|\d{1,3}\s*[.．](?!\d)|\d{1,3}\s*[、)）]|[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}\s*[、.．])"
)
# A wrapped line ending a sentence may still end its paragraph; one ending mid-sentence (even at "：") cannot.
_SENTENCE_END = re.compile(r"[。！？!?；;][”」』\"')）]*$")
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|[-—–]\s*\d+\s*[-—–])[-—–\s]*$")


def _pdf_text(data: bytes, name: str) -> str:
    import pypdf
    from pypdf.errors import DependencyError

    if b"%PDF-" not in data[:1024]:  # pypdf's lenient mode "recovers" zero pages out of arbitrary bytes
        raise ReadError(name, "not a PDF file (no %PDF header)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
    except Exception as exc:
        raise ReadError(name, f"not a valid .pdf file ({_describe(exc)})") from exc
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # many published PDFs are encrypted only against editing
        except DependencyError:
            raise ReadError(name, "encrypted PDF (AES: install the 'cryptography' package to open it)") from None
        except Exception as exc:
            raise ReadError(name, f"encrypted PDF that cannot be opened ({_describe(exc)})") from exc
        if not opened:
            raise ReadError(name, "encrypted PDF (a password is needed to open it)")
    pages = []
    for page in reader.pages:
        pages.append("\n".join(unwrap_lines(_pdf_page_lines(page.extract_text() or ""))))
    text = "\n".join(pages)
    visible = [c for c in text if not c.isspace()]
    if not any(_is_word_char(c) for c in visible):
        raise ReadError(name, "the PDF has no text layer (scanned images?)")
    garbled = sum(1 for c in visible if unicodedata.category(c) in ("Co", "Cn", "Cc") or c == "\ufffd")
    if garbled > 0.5 * len(visible):
        raise ReadError(name, "the PDF's text cannot be decoded (fonts without a Unicode map?)")
    return text


def _is_word_char(char: str) -> bool:
    return char.isalnum() and unicodedata.category(char) not in ("Co", "Cn")


def _pdf_page_lines(text: str) -> list[str]:
    """A page's lines without a lone page number ("- 3 -", "第3页", "3/12") at its top or bottom."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and _PAGE_NUMBER.match(lines[-1].strip()):
        lines.pop()
    if lines and _PAGE_NUMBER.match(lines[0].strip()):
        lines.pop(0)
    return lines


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def unwrap_lines(lines: list[str]) -> list[str]:
    """Join the lines a PDF wrapped at the page margin (full-width lines not ending a sentence)."""
    # A wrapped line is about as wide as the widest line of its page and stops mid-sentence; the line after it
    # continues it unless it starts a numbered item. Short lines (titles, table cells) are never joined.
    widths = [_display_width(line.strip()) for line in lines]
    full = max(widths, default=0)
    if full < 30:  # short lines only (a table one cell per line, a title page): nothing was wrapped
        return lines
    out: list[str] = []
    wrapped = False
    for line, width in zip(lines, widths):
        stripped = line.strip()
        if wrapped and out and stripped and not _ITEM_START.match(stripped):
            # English words wrapped at a space get it back; Chinese and numbers have none to restore.
            last, first = out[-1][-1:], stripped[:1]
            spaced = last.isascii() and last.isalpha() and first.isascii() and first.isalpha()
            out[-1] += (" " if spaced else "") + stripped
        else:
            out.append(line)
        wrapped = bool(stripped) and width >= 0.85 * full and not _SENTENCE_END.search(stripped)
    return out


_READERS: dict[str, Callable[[bytes, str], str]] = {
    ".html": _html_text,
    ".htm": _html_text,
    ".docx": _docx_text,
    ".xlsx": _xlsx_text,
    ".pdf": _pdf_text,
}
