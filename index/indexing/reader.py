"""Report files read, parsed and chunked in a worker process that can be stopped: a file may take at most so many
seconds and so much memory, unpack to so much, and become so many characters and chunks; past any limit it is
refused with the limit named (one FAILED line), the worker is replaced, and the other files go on."""
from __future__ import annotations

import io
import pickle
import queue
import resource
import struct
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from types import TracebackType
from typing import Any, BinaryIO

from minsheng.index.errors import MinshengError, ReadError
from minsheng.index.indexing.chunk import Chunk, chunk_report
from minsheng.index.ingest.formats.common import zip_parts
from minsheng.index.ingest.records import ParsedReport

_ZIPPED = frozenset({".docx", ".xlsx"})


@dataclass(frozen=True)
class FileLimits:
    """What one report file may become; see config.toml [index]."""

    seconds: float = 60.0
    memory_mb: int = 1024
    unpacked_mb: float = 200.0  # a zip-based file (.docx, .xlsx): all its parts together, unpacked
    part_mb: float = 32.0  # … and any one of its text (XML) parts
    zip_entries: int = 10_000
    text_chars: int = 1_000_000
    chunks: int = 1_000


DEFAULT_LIMITS = FileLimits()


@dataclass(frozen=True)
class ReadFile:
    """One file read: its normalized text, its parse and its chunks."""

    text: str
    parsed: ParsedReport
    chunks: list[Chunk]


def check_zip_limits(data: bytes, name: str, limits: FileLimits) -> None:
    """Refuse a .docx/.xlsx whose parts would unpack past the limits (a zip bomb under the size cap), before any
    library unpacks it."""
    if PurePath(name).suffix.lower() not in _ZIPPED or not zipfile.is_zipfile(io.BytesIO(data)):
        return  # not a zip: the format's reader says what it is instead
    entries = zip_parts(data, name, limits.unpacked_mb * 1e6, "[index] max_unpacked_mb")
    if len(entries) > limits.zip_entries:
        raise ReadError(name, f"holds {len(entries)} parts, more than the {limits.zip_entries} allowed "
                              "([index] max_zip_entries)")
    largest = max((info for info in entries if info.filename.lower().endswith((".xml", ".rels"))),
                  key=lambda info: info.file_size, default=None)
    if largest is not None and largest.file_size > limits.part_mb * 1e6:
        raise ReadError(name, f"its part {largest.filename} unpacks to {largest.file_size / 1e6:.0f} MB of text, "
                              f"more than the {limits.part_mb:g} MB allowed ([index] max_part_mb)")


def read_file(data: bytes, name: str, max_tokens: int, key: str, limits: FileLimits) -> ReadFile:
    """Text, parse and chunks of one file's content, in this process; ReadError past a limit of size. The caller
    has checked a zip-based file with check_zip_limits (FileReader.read does, before handing it to the worker)."""
    from minsheng.index.ingest.load import text_of
    from minsheng.index.ingest.parse import parse_text

    text = text_of(data, name)
    if len(text) > limits.text_chars:
        raise ReadError(name, f"its text is {len(text):,} characters, more than the {limits.text_chars:,} allowed "
                              "([index] max_text_chars)")
    parsed = parse_text(text, name)
    chunks = chunk_report(parsed, max_tokens, key=key)
    if len(chunks) > limits.chunks:
        raise ReadError(name, f"makes {len(chunks):,} chunks, more than the {limits.chunks:,} allowed "
                              "([index] max_chunks_per_file)")
    return ReadFile(text, parsed, chunks)


def _serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """The worker: read each (data, name, max_tokens, key, limits) sent, answer with a ReadFile or ("error", why)."""
    limited = False
    while True:
        try:
            data, name, max_tokens, key, limits = _receive(requests)
        except EOFError:
            return
        if not limited:
            limit = limits.memory_mb << 20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            limited = True
        try:
            answer: Any = read_file(data, name, max_tokens, key, limits)
        except MinshengError as exc:
            answer = ("error", str(exc))
        except MemoryError:
            answer = ("error", f"{name}: needs more than the {limits.memory_mb} MB of memory allowed to read a file "
                               "([index] max_file_memory_mb)")
        except Exception as exc:  # noqa: BLE001 - a reader's bug on one file is that file's failure
            answer = ("error", f"{name}: cannot be read ({type(exc).__name__}: {exc})")
        try:
            _send(answers, answer)
        except MemoryError:
            _send(answers, ("error", f"{name}: its records need more memory than allowed "
                                     "([index] max_file_memory_mb)"))


def _send(stream: BinaryIO, value: object) -> None:
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(body)) + body)
    stream.flush()


def _receive(stream: BinaryIO) -> Any:
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError
    (size,) = struct.unpack("<Q", head)
    body = stream.read(size)
    if len(body) < size:
        raise EOFError
    return pickle.loads(body)  # noqa: S301 - our own worker's answers, over its own pipe


class FileReader:
    """read(…) each file in a worker process (`python -m` this module, so nothing of the caller runs in it); a file
    past its time is stopped with the worker, which is started again for the next file. Use as a context manager
    (the worker ends with it)."""

    def __init__(self, limits: FileLimits) -> None:
        self.limits = limits
        self._process: subprocess.Popen[bytes] | None = None
        self._answers: queue.Queue[Any] = queue.Queue()
        # One file at a time: a long-running indexer shares its reader between threads (a build, an upload).
        self._reading = threading.Lock()

    def __enter__(self) -> FileReader:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def read(self, data: bytes, name: str, max_tokens: int, key: str) -> ReadFile:
        """The file's text, parse and chunks; ReadError naming the limit it went past."""
        check_zip_limits(data, name, self.limits)  # at once, without a worker
        with self._reading:
            return self._read(data, name, max_tokens, key)

    def _read(self, data: bytes, name: str, max_tokens: int, key: str) -> ReadFile:
        process = self._worker()
        try:
            _send(process.stdin, (data, name, max_tokens, key, self.limits))  # type: ignore[arg-type]
        except OSError:
            self.close()
            raise ReadError(name, "the reader stopped before the file was sent; it is tried again next time") from None
        try:
            answer = self._answers.get(timeout=self.limits.seconds)
        except queue.Empty:
            self.close()
            raise ReadError(name, f"took longer than the {self.limits.seconds:g} s allowed to read a file "
                                  "([index] max_file_seconds); stopped") from None
        if answer is None:
            self.close()
            raise ReadError(name, f"stopped the reader (more than the {self.limits.memory_mb} MB of memory allowed, "
                                  "[index] max_file_memory_mb, or a crash)")
        if isinstance(answer, tuple):
            raise MinshengError(answer[1])
        return answer

    def _worker(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self.close()
            self._process = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            self._answers = queue.Queue()
            threading.Thread(target=self._listen, args=(self._process.stdout, self._answers), daemon=True,
                             name="minsheng-reader").start()
        return self._process

    @staticmethod
    def _listen(stream: BinaryIO, answers: queue.Queue[Any]) -> None:
        """Hand each answer of the worker to read(); None when the worker is gone."""
        while True:
            try:
                answers.put(_receive(stream))
            except Exception:  # noqa: BLE001 - whatever ends the worker's answers, read() is told
                answers.put(None)
                return

    def close(self) -> None:
        """Stop the worker (at once: it may be stuck in a file)."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()


if __name__ == "__main__":
    # Served by the module as imported (not this __main__ copy), so what it pickles names the module's classes.
    # Answers go to a copy of standard output; whatever a library prints goes to standard error instead.
    import os

    from minsheng.index.indexing import reader

    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    reader._serve(sys.stdin.buffer, answers)
