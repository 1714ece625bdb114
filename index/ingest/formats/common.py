"""What every format reader shares: table rows as the pipe lines index.ingest.tables reads, the zip checks of
.docx and .xlsx, and one-line descriptions of a library's errors.

Rules shared by HTML and .docx tables:
- a cell spanning several columns keeps its text in its first column and empty cells after it, so rows keep
  the column count and a section row ("一、教育" across the table) stays a one-cell section row;
- a cell spanning several rows repeats its text on each row (a shared 牵头单位 belongs to every row);
- text inside a cell is joined into one line, and "|" in a cell becomes "/" so it cannot split the cell;
- rows before the first and after the last row with two or more filled cells (a title row, a "注:" row)
  become plain lines, and a table with at most one filled cell per row is layout, read as paragraphs.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from minsheng.index.errors import ReadError

# Zip archives (.docx/.xlsx) unpacking to more than this are refused rather than risk a zip bomb.
MAX_UNPACKED_BYTES = 1 << 30
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted Office files and old .doc/.xls
WS = re.compile(r"\s+")


def describe(exc: BaseException) -> str:
    message = WS.sub(" ", str(exc)).strip()
    message = re.sub(r"file '<_io\.BytesIO object at 0x[0-9a-f]+>' ", "it ", message)  # python-docx names its stream
    if len(message) > 160:
        message = message[:157] + "..."
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def cell_text(text: str) -> str:
    """One table cell as pipe-row text: whitespace collapsed to single spaces, "|" replaced by "/"."""
    # "｜" would become "|" under NFKC in clean(), so it is replaced too.
    return WS.sub(" ", text.replace("|", "/").replace("｜", "/")).strip()


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


def check_zip(data: bytes, name: str, kind: str) -> None:
    """Refuse what is no zip archive (with the likely reason) or unpacks to an unreasonable size."""
    if data.startswith(_OLE_MAGIC):
        raise ReadError(name, f"an encrypted (password-protected) {kind} file or an old binary Office file, "
                              f"not a {PurePath(name).suffix.lower()} file")
    try:
        zip_parts(data, name, MAX_UNPACKED_BYTES)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadError(name, f"not a valid {PurePath(name).suffix.lower()} file ({describe(exc)})") from None


def zip_parts(data: bytes, name: str, max_bytes: float, setting: str = "") -> list[zipfile.ZipInfo]:
    """The parts of a zip archive, as its directory lists them (nothing is unpacked); ReadError when together they
    would unpack to more than max_bytes (the message names the setting that says so, when there is one)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
    unpacked = sum(info.file_size for info in parts)
    if unpacked > max_bytes:
        named = f" ({setting})" if setting else ""
        raise ReadError(name, f"unpacks to {unpacked / 1e6:.0f} MB, more than the {max_bytes / 1e6:.0f} MB allowed{named}")
    return parts
