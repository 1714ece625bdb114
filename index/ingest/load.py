"""Report files → ParsedReport: read (index/ingest/corpus.py), normalize, parse; errors name the file."""
from __future__ import annotations

from pathlib import Path

from minsheng.index.ingest.corpus import read_report
from minsheng.index.ingest.formats import SUFFIXES, extract_text
from minsheng.index.ingest.normalize import clean, normalize_bytes
from minsheng.index.ingest.parse import parse_text
from minsheng.index.ingest.records import ParsedReport


def read_text(path: Path) -> str:
    """The normalized text of a report file."""
    return text_of(read_report(path), path.name)


def text_of(data: bytes, name: str) -> str:
    """The cleaned text of a file's content: .html/.docx/.xlsx/.pdf through their readers, anything else
    decoded as text."""
    if Path(name).suffix.lower() in SUFFIXES:
        return clean(extract_text(data, name))
    return normalize_bytes(data, name)


def parse_bytes(data: bytes, name: str) -> ParsedReport:
    """Decode, clean and parse the content of a file called name."""
    return parse_text(text_of(data, name), name)


def load_report(path: Path) -> ParsedReport:
    """Read and parse one report file (a regular file anywhere: the corpus boundary is the corpus listing's)."""
    return parse_bytes(read_report(path), path.name)
