"""HTML pages (.html/.htm): the declared or detected charset, page furniture dropped, data tables as pipe rows."""
from __future__ import annotations

import codecs
import re
from typing import Any

from minsheng.index.errors import ReadError
from minsheng.index.ingest.formats.common import WS, cell_text, table_lines

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
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


def source_text(text: str) -> str:
    """Text of an HTML source as a browser shows it: no break between two Chinese characters, any other run of white
    space one space."""
    return WS.sub(" ", _CJK_BREAK.sub("", text))


def decode_html(data: bytes, charset: str = "") -> str:
    """HTML bytes → str: BOM, then the declared charset (the page's own, else `charset` from an HTTP header), then
    UTF-8, then GB18030."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    header = _charset(charset.encode("ascii", "ignore"))
    # A server's ISO-8859-1 is its default for pages it knows nothing about, not the page's encoding.
    declared = _declared_charset(data[:4096]) or (header if header != "cp1252" else None)
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
    return _charset(match.group(1)) if match else None


def _charset(name: bytes) -> str | None:
    """A declared charset name as the codec to read it with (its superset); None when unknown or UTF-16/32."""
    if not name.strip():
        return None
    try:
        codec = codecs.lookup(name.strip().decode("ascii")).name
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


def read(data: bytes, name: str) -> str:
    """The text of an HTML page; ReadError when it holds none."""
    soup = _soup(decode_html(data))
    title_tag = soup.find("title")
    title = WS.sub(" ", title_tag.get_text(" ")).strip() if title_tag else ""
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
    heading_text = WS.sub("", heading.get_text()) if heading else ""
    if title and not _says_same(WS.sub("", title), heading_text):
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
        self.buffer.append(source_text(text))

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
