"""Reports published as .html/.htm, .docx, .xlsx or .pdf → plain text the report parser reads, one module per format.

Tables of every format come out as pipe rows ("| 1 | 新增养老床位 | 区民政局 | 已建成156张 |"), the
layout index.ingest.tables reads from .txt files, so a table-shaped report gives the same records in any format.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

from minsheng.index.errors import ReadError
from minsheng.index.ingest.formats import docx, html, pdf, xlsx
from minsheng.index.ingest.formats.common import describe

SUFFIXES: frozenset[str] = frozenset({".html", ".htm", ".docx", ".xlsx", ".pdf"})
_READERS: dict[str, Callable[[bytes, str], str]] = {
    ".html": html.read,
    ".htm": html.read,
    ".docx": docx.read,
    ".xlsx": xlsx.read,
    ".pdf": pdf.read,
}


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
        raise ReadError(name, f"not a valid {suffix} file ({describe(exc)})") from exc
    text = _tidy(text)
    if not re.search(r"\w", text):
        raise ReadError(name, "holds no text" if suffix != ".pdf" else "the PDF has no text layer (scanned images?)")
    return text


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _tidy(text: str) -> str:
    """Line ends unified, control characters (PDF fonts, Word field marks) removed, blank runs shortened."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n ") + "\n"
