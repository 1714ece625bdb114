"""The corpus folder as a boundary: which of its entries are report files, and reading them safely.

Only regular files whose real path lies inside the corpus folder are read. A symbolic link that leaves the folder
(it could make the bot publish any file the server can read), a FIFO (reading one would hang the build), a device
or a socket is refused with a message naming it, and is never opened. A report is opened by its real path, without
following links and without blocking, and checked again on the open descriptor, so an entry swapped for a link or
a pipe between the check and the read is refused too.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable

from minsheng.index.errors import MinshengError, ReadError

# One report larger than this is refused with a message (memory stays bounded); config.toml can raise it.
MAX_FILE_BYTES = 20_000_000
VANISHED = "disappeared while the corpus was being read"


@dataclass(frozen=True)
class CorpusListing:
    """The entries of a corpus folder: the report files to read, and those refused (each error names its file)."""

    files: list[Path]
    refused: list[ReadError]


def is_report_name(name: str) -> bool:
    """Whether a file name can be a report (hidden files and editors' or downloads' temporary files cannot)."""
    return not name.startswith((".", "~")) and not name.endswith((".tmp", ".part", "~", ".crdownload", ".swp"))


def list_corpus(corpus_dir: Path) -> CorpusListing:
    """The report files directly inside the corpus folder, and the entries refused, by name; nothing is opened.
    Hidden and temporary files and folders are passed over."""
    if not corpus_dir.is_dir():
        raise MinshengError(f"{corpus_dir}: corpus directory not found")
    return _listing(corpus_dir, sorted(os.listdir(corpus_dir)))


def list_named(corpus_dir: Path, names: Iterable[str]) -> CorpusListing:
    """list_corpus for some names only (a name no longer there is left out: it was removed)."""
    if not corpus_dir.is_dir():
        raise MinshengError(f"{corpus_dir}: corpus directory not found")
    return _listing(corpus_dir, sorted({n for n in names if "/" not in n and n not in (".", "..")}))


def _listing(corpus_dir: Path, names: list[str]) -> CorpusListing:
    root = os.path.realpath(corpus_dir)
    files: list[Path] = []
    refused: list[ReadError] = []
    for name in names:
        if not is_report_name(name):
            continue
        path = corpus_dir / name
        try:
            problem = _problem(path, root)
        except FileNotFoundError:
            continue  # gone since the folder was listed (or, named, removed)
        if problem is None:
            files.append(path)
        elif problem:
            refused.append(ReadError(name, problem))
    return CorpusListing(files, refused)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The report files directly inside the corpus folder that may be read."""
    return list_corpus(corpus_dir).files


def _inside(real: str, root: str) -> bool:
    return real != root and os.path.commonpath([real, root]) == root


def _problem(path: Path, root: str) -> str | None:
    """Why an entry is refused (None: a report file to read; "": a folder, passed over), from its metadata only."""
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode):
        real = os.path.realpath(path)
        if not _inside(real, root):
            return f"is a symbolic link to {real}, outside the corpus folder; it is not read"
        try:
            mode = os.stat(real).st_mode
        except FileNotFoundError:
            return "is a symbolic link to a file that does not exist"
    if stat.S_ISDIR(mode):
        return ""
    return _not_regular(mode)


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode is no report, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory, not a report file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a report file; it is not read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a report file; it is not read"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a report file; it is not read"
    return "is not a regular file; it is not read"


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
        if exc.errno == errno.ELOOP:
            raise ReadError(path.name, "became a symbolic link while it was being read; it is not read") from None
        raise ReadError(path.name, f"cannot be read ({exc.strerror or exc})") from None


@contextmanager
def open_report(path: Path, root: Path | None = None, missing: str = "no such file",
                max_bytes: int | None = None) -> Iterator[BinaryIO]:
    """A report file opened for reading: a regular file (a FIFO, device or socket is refused unopened) whose real
    path lies inside root when root is given, and no larger than max_bytes; ReadError names the file otherwise."""
    real = os.path.realpath(path)
    if root is not None and not _inside(real, os.path.realpath(root)):
        raise ReadError(path.name, f"is a symbolic link to {real}, outside the corpus folder; it is not read")
    with read_errors(path, missing):
        problem = _not_regular(os.stat(real).st_mode)
        if problem:
            raise ReadError(path.name, problem)
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        with read_errors(path, missing):
            size = os.fstat(fd)
        problem = _not_regular(size.st_mode)  # swapped for a pipe or device after the check above
        if problem:
            raise ReadError(path.name, problem)
        if max_bytes is not None and size.st_size > max_bytes:
            raise ReadError(path.name, _too_large(size.st_size, max_bytes))
        yield handle


def read_report(path: Path, root: Path | None = None, max_bytes: int = MAX_FILE_BYTES,
                missing: str = "no such file") -> bytes:
    """A report file's bytes (see open_report), refused when larger than max_bytes (memory stays bounded)."""
    with open_report(path, root, missing, max_bytes) as handle, read_errors(path, missing):
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew while we looked
        raise ReadError(path.name, f"is over the {max_bytes / 1e6:.0f} MB limit for one report")
    return data


def report_digest(path: Path, root: Path | None = None, max_bytes: int = MAX_FILE_BYTES,
                  missing: str = "no such file") -> str:
    """The sha256 of a report file (see open_report), read in blocks."""
    digest = hashlib.sha256()
    with open_report(path, root, missing, max_bytes) as handle, read_errors(path, missing):
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _too_large(size: int, max_bytes: int) -> str:
    return (f"is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit for one report "
            "([index] max_file_mb in config.toml); split it or raise the limit")
