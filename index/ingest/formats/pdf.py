"""PDFs (.pdf): the text layer page by page, page numbers dropped, lines the page margin wrapped joined again."""
from __future__ import annotations

import io
import re
import unicodedata

from minsheng.index.errors import ReadError
from minsheng.index.ingest.formats.common import describe
from minsheng.index.ingest.normalize import display_width
from minsheng.index.vocabulary import ITEM_START, PAGE_NUMBER

# A wrapped line ending a sentence may still end its paragraph; one ending mid-sentence (even at "：") cannot.
_SENTENCE_END = re.compile(r"[。！？!?；;][”」』\"')）]*$")


def read(data: bytes, name: str) -> str:
    """The text of a PDF's text layer."""
    import pypdf
    from pypdf.errors import DependencyError

    if b"%PDF-" not in data[:1024]:  # pypdf's lenient mode "recovers" zero pages out of arbitrary bytes
        raise ReadError(name, "not a PDF file (no %PDF header)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
    except Exception as exc:
        raise ReadError(name, f"not a valid .pdf file ({describe(exc)})") from exc
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # many published PDFs are encrypted only against editing
        except DependencyError:
            raise ReadError(name, "encrypted PDF (AES: install the 'cryptography' package to open it)") from None
        except Exception as exc:
            raise ReadError(name, f"encrypted PDF that cannot be opened ({describe(exc)})") from exc
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
    if lines and PAGE_NUMBER.match(lines[-1].strip()):
        lines.pop()
    if lines and PAGE_NUMBER.match(lines[0].strip()):
        lines.pop(0)
    return lines


def unwrap_lines(lines: list[str]) -> list[str]:
    """Join the lines a PDF wrapped at the page margin (full-width lines not ending a sentence)."""
    # A wrapped line is about as wide as the widest line of its page and stops mid-sentence; the line after it
    # continues it unless it starts a numbered item. Short lines (titles, table cells) are never joined.
    widths = [display_width(line.strip()) for line in lines]
    full = max(widths, default=0)
    if full < 30:  # short lines only (a table one cell per line, a title page): nothing was wrapped
        return lines
    out: list[str] = []
    wrapped = False
    for line, width in zip(lines, widths):
        stripped = line.strip()
        if wrapped and out and stripped and not ITEM_START.match(stripped):
            # English words wrapped at a space get it back; Chinese and numbers have none to restore.
            last, first = out[-1][-1:], stripped[:1]
            spaced = last.isascii() and last.isalpha() and first.isascii() and first.isalpha()
            out[-1] += (" " if spaced else "") + stripped
        else:
            out.append(line)
        wrapped = bool(stripped) and width >= 0.85 * full and not _SENTENCE_END.search(stripped)
    return out
