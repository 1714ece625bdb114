"""index.ingest.corpus: the corpus folder is a boundary; links out of it, pipes, devices and sockets are refused
unopened, with a message naming the entry."""
from __future__ import annotations

import os
import socket
import stat
import threading
from pathlib import Path
from typing import Callable

import pytest

from minsheng.index.errors import ReadError
from minsheng.index.ingest.corpus import corpus_files, list_corpus, read_report, report_digest

SECRET = "root:x:0:0:root:/root:/bin/bash\n"


def finishes(call: Callable[[], object], seconds: float = 10.0) -> object:
    """call() run in a thread that must finish in time (reading a FIFO would block forever)."""
    box: list[object] = []

    def run() -> None:
        try:
            box.append(call())
        except BaseException as exc:  # noqa: BLE001 — handed back to the test
            box.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked: something opened a pipe or a device"
    return box[0]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("大兴区2024年民生实事\n", "utf-8")
    (tmp_path / "passwd").write_text(SECRET, "utf-8")
    return folder


def refusals(folder: Path) -> dict[str, str]:
    return {error.source: error.reason for error in list_corpus(folder).refused}


def test_a_link_out_of_the_corpus_is_refused_and_one_inside_is_read(corpus: Path) -> None:
    (corpus / "report.txt").symlink_to(corpus.parent / "passwd")
    (corpus / "inner").mkdir()
    (corpus / "inner" / "b.txt").write_text("密云区民生实事\n", "utf-8")
    (corpus / "b.txt").symlink_to(corpus / "inner" / "b.txt")
    (corpus / "gone.txt").symlink_to(corpus / "nowhere.txt")
    assert [p.name for p in corpus_files(corpus)] == ["a.txt", "b.txt"]  # the folder "inner" is passed over
    refused = refusals(corpus)
    assert refused["report.txt"].startswith("is a symbolic link to ") and "outside the corpus folder" in refused["report.txt"]
    assert "does not exist" in refused["gone.txt"]
    with pytest.raises(ReadError, match="report.txt: is a symbolic link to .*outside the corpus folder"):
        read_report(corpus / "report.txt", corpus)
    assert read_report(corpus / "b.txt", corpus) == "密云区民生实事\n".encode()


def test_a_fifo_is_refused_without_being_opened(corpus: Path) -> None:
    os.mkfifo(corpus / "pipe.txt")
    refused = finishes(lambda: refusals(corpus))
    assert refused == {"pipe.txt": "is a named pipe (FIFO), not a report file; it is not read"}
    # Named explicitly (`minsheng records pipe.txt`), it is refused too, not read.
    error = finishes(lambda: read_report(corpus / "pipe.txt"))
    assert isinstance(error, ReadError) and "named pipe" in str(error)
    error = finishes(lambda: report_digest(corpus / "pipe.txt", corpus))
    assert isinstance(error, ReadError)


def test_devices_are_refused_unread(corpus: Path) -> None:
    (corpus / "zero.txt").symlink_to("/dev/zero")
    assert "outside the corpus folder" in refusals(corpus)["zero.txt"]
    error = finishes(lambda: read_report(Path("/dev/zero")))
    assert isinstance(error, ReadError) and str(error) == "zero: is a device, not a report file; it is not read"
    try:
        os.mknod(corpus / "null.txt", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    assert refusals(corpus)["null.txt"] == "is a device, not a report file; it is not read"


def test_a_socket_is_refused(corpus: Path) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(corpus / "sock.txt"))
        assert refusals(corpus)["sock.txt"] == "is a socket, not a report file; it is not read"


def test_size_limit_and_vanished_files_name_the_file(corpus: Path) -> None:
    with pytest.raises(ReadError, match=r"a.txt: is 0.0 MB, over the 0 MB limit"):
        read_report(corpus / "a.txt", corpus, max_bytes=4)
    with pytest.raises(ReadError, match="missing.txt: disappeared"):
        report_digest(corpus / "missing.txt", corpus, missing="disappeared")
