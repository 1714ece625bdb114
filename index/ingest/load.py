"""Report files → ParsedReport: read, normalize, parse; errors name the file."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from index.errors import MinshengError, ReadError
from index.ingest.formats import SUFFIXES, extract_text
from index.ingest.normalize import clean, normalize_bytes
from index.ingest.parse import parse_text
from index.ingest.records import ParsedReport


@contextmanager
def read_errors(path: Path, missing: str = "no such file") -> Iterator[None]:
    """Turn OS errors while reading path into a ReadError naming the file (missing: the reason when it is
    not there, e.g. "disappeared while the corpus was being read" during an index build)."""
    try:
        yield
    except FileNotFoundError:
        raise ReadError(path.name, missing) from None
    except IsADirectoryError:
        raise ReadError(path.name, "is a directory, not a report file") from None
    except PermissionError:
        raise ReadError(path.name, "permission denied") from None
    except OSError as exc:
        raise ReadError(path.name, f"cannot be read ({exc.strerror or exc})") from None


def read_bytes(path: Path, missing: str = "no such file") -> bytes:
    """The raw content of a report file; ReadError names the file when it cannot be read."""
    with read_errors(path, missing):
        return path.read_bytes()


def read_text(path: Path) -> str:
    """The normalized text of a report file."""
    return text_of(read_bytes(path), path.name)


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
    """Read and parse one report file."""
    return parse_bytes(read_bytes(path), path.name)


def is_report_name(name: str) -> bool:
    """Whether a file name can be a report (hidden files and editors' or downloads' temporary files cannot)."""
    return not name.startswith((".", "~")) and not name.endswith((".tmp", ".part", "~", ".crdownload", ".swp"))


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The report files directly inside the corpus directory (hidden and temporary files skipped)."""
    if not corpus_dir.is_dir():
        raise MinshengError(f"{corpus_dir}: corpus directory not found")
    return sorted(p for p in corpus_dir.iterdir() if p.is_file() and is_report_name(p.name))
