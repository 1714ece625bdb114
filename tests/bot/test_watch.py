"""The corpus watcher: the debounce rule with a fake clock, the watcher on real files, the `minsheng watch` loop."""
from __future__ import annotations

import io
import logging
import os
import threading
import time
from pathlib import Path

import pytest
from watchdog.events import (
    DirCreatedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)

from minsheng.bot.watch import CorpusWatcher, Debouncer, Stat, changed_names, report_lines, watch
from minsheng.index.errors import MinshengError
from minsheng.index.indexing.builder import BuildReport, FailedFile

WAIT = 10.0  # generous: waits end as soon as the awaited call happens


class FakeFiles:
    """A stat over a dict: name → size (mtime fixed), missing names do not exist."""

    def __init__(self) -> None:
        self.sizes: dict[str, int] = {}

    def stat(self, name: str) -> Stat | None:
        """The fake stat of name."""
        return (self.sizes[name], 1) if name in self.sizes else None


# The debounce rule, with a fake clock

def test_a_burst_of_events_gives_one_batch_after_settle() -> None:
    files = FakeFiles()
    files.sizes = {"a.txt": 10, "b.txt": 20}
    d = Debouncer(settle=3.0)
    for now, name in ((0.0, "a.txt"), (1.0, "b.txt"), (2.0, "a.txt")):
        assert d.note(name, now)
        assert d.due(now, files.stat) is None  # the worker looks right after each new name
    assert d.due(4.9, files.stat) is None  # 2.9 s after the last event
    assert d.remaining(4.9) == pytest.approx(0.1)
    assert d.due(5.0, files.stat) == ["a.txt", "b.txt"]
    # Handed out once: nothing is left for later.
    assert d.pending == []
    assert d.due(100.0, files.stat) is None
    assert d.remaining(100.0) is None


def test_a_growing_file_delays_the_batch_until_it_stops_growing() -> None:
    files = FakeFiles()
    d = Debouncer(settle=3.0)
    files.sizes["big.docx"] = 100
    d.note("big.docx", 0.0)
    assert d.due(0.0, files.stat) is None
    # No more events (missed, as on a network filesystem), but the copy keeps growing for 10 s.
    for second in range(1, 11):
        files.sizes["big.docx"] += 100
        assert d.due(float(second), files.stat) is None
    assert d.due(12.9, files.stat) is None  # the same size since 10 s, but not yet for 3 s
    assert d.due(13.0, files.stat) == ["big.docx"]


def test_a_file_that_never_stops_changing_is_indexed_after_max_wait() -> None:
    """A file rewritten every 0.5 s never settles; its batch comes max_wait after the first change all the same,
    and the next changes make a new batch that waits again."""
    files = FakeFiles()
    d = Debouncer(settle=2.0, max_wait=10.0)
    now = 0.0
    files.sizes["live.txt"] = 1
    d.note("live.txt", now)
    batches = []
    while now < 25.0:
        files.sizes["live.txt"] += 1
        d.note("live.txt", now)
        batch = d.due(now, files.stat)
        if batch:
            batches.append((now, batch))
        assert d.remaining(now) is None or d.remaining(now) <= 10.0
        now += 0.5
    assert [at for at, _ in batches] == [10.0, 20.5]
    assert Debouncer(settle=3.0, max_wait=1.0).max_wait == 3.0  # never sooner than a settle period


def test_a_changed_mtime_counts_as_change_too() -> None:
    d = Debouncer(settle=3.0)
    stats: dict[str, Stat] = {"a.txt": (5, 1)}
    d.note("a.txt", 0.0)
    assert d.due(0.0, stats.get) is None
    stats["a.txt"] = (5, 2)  # rewritten with the same length
    assert d.due(2.0, stats.get) is None
    assert d.due(4.0, stats.get) is None
    assert d.due(5.0, stats.get) == ["a.txt"]


def test_the_settle_period_of_a_file_starts_when_it_is_first_looked_at() -> None:
    files = FakeFiles()
    files.sizes["a.txt"] = 1
    d = Debouncer(settle=3.0)
    d.note("a.txt", 0.0)
    # Looked at only at 10 s (the worker was busy): its size is only known to hold from then on.
    assert d.due(10.0, files.stat) is None
    assert d.due(13.0, files.stat) == ["a.txt"]


def test_deleted_files_settle_and_are_named() -> None:
    files = FakeFiles()
    d = Debouncer(settle=1.0)
    d.note("gone.txt", 0.0)
    assert d.due(0.0, files.stat) is None
    assert d.due(1.0, files.stat) == ["gone.txt"]


def test_a_file_reappearing_restarts_the_settle_period() -> None:
    files = FakeFiles()
    d = Debouncer(settle=1.0)
    d.note("a.txt", 0.0)
    assert d.due(0.0, files.stat) is None
    files.sizes["a.txt"] = 7
    assert d.due(0.5, files.stat) is None
    assert d.due(1.2, files.stat) is None
    assert d.due(1.5, files.stat) == ["a.txt"]


def test_events_after_a_batch_make_the_next_batch() -> None:
    files = FakeFiles()
    d = Debouncer(settle=1.0)
    d.note("a.txt", 0.0)
    assert d.due(0.0, files.stat) is None
    assert d.due(1.0, files.stat) == ["a.txt"]
    d.note("b.txt", 1.5)
    assert d.due(1.5, files.stat) is None
    assert d.due(2.5, files.stat) == ["b.txt"]


@pytest.mark.parametrize("name", [".foo", ".~lock.a.docx#", "~$a.docx", "a.txt.tmp", "a.txt.part", "a.txt~",
                                  "a.pdf.crdownload", ".a.txt.swp"])
def test_temporary_and_hidden_names_are_ignored(name: str) -> None:
    files = FakeFiles()
    files.sizes[name] = 1
    d = Debouncer(settle=1.0)
    assert not d.note(name, 0.0)
    assert d.pending == []
    assert d.due(0.0, files.stat) is None
    assert d.due(100.0, files.stat) is None
    assert d.remaining(100.0) is None


def test_changed_names_of_events(tmp_path: Path) -> None:
    root = str(tmp_path)

    def at(name: str) -> str:
        return os.path.join(root, name)

    assert changed_names(FileCreatedEvent(at("a.txt")), root) == ["a.txt"]
    assert changed_names(FileModifiedEvent(at("a.txt")), root) == ["a.txt"]
    assert changed_names(FileDeletedEvent(at("a.txt")), root) == ["a.txt"]
    # An atomic save or a finished download: only the report name counts.
    assert changed_names(FileMovedEvent(at("x.txt.part"), at("x.txt")), root) == ["x.txt"]
    # A report renamed to a backup name is gone as a report.
    assert changed_names(FileMovedEvent(at("x.txt"), at("x.txt~")), root) == ["x.txt"]
    assert changed_names(FileMovedEvent(at("a.txt"), at("b.txt")), root) == ["a.txt", "b.txt"]
    assert changed_names(FileCreatedEvent(at(".foo")), root) == []
    assert changed_names(FileMovedEvent(at("a.tmp"), at("b.part")), root) == []
    assert changed_names(DirCreatedEvent(at("sub")), root) == []
    assert changed_names(FileCreatedEvent(os.path.join(root, "sub", "a.txt")), root) == []
    # Reading a file (every reindex does) is no change.
    assert changed_names(FileOpenedEvent(at("a.txt")), root) == []
    assert changed_names(FileClosedNoWriteEvent(at("a.txt")), root) == []


def test_report_lines_use_the_words_of_minsheng_index() -> None:
    report = BuildReport(added=["a.txt"], updated=["b.txt"], removed=["c.txt"],
                         failed=[FailedFile("d.txt", "d.txt: cannot be parsed")], unchanged=4, records=12,
                         chunks=30, seconds=1.25, duplicates={"e.txt": "a.txt"},
                         warnings={"a.txt": ["place: read from the file name only; the report does not name it"]})
    assert report_lines(report) == [
        "added    a.txt",
        "updated  b.txt",
        "removed  c.txt",
        "same     e.txt (the same content as a.txt, indexed once)",
        "warning  a.txt: place: read from the file name only; the report does not name it",
        "FAILED   d.txt: cannot be parsed",
        "1 added, 1 updated, 1 removed, 1 failed, 4 unchanged; 12 records in 30 chunks; 1.2 s",
    ]


# The watcher on real files

class Calls:
    """Records on_change calls (names and when) and lets a test wait for the n-th one."""

    def __init__(self, fail_first: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.times: list[float] = []
        self.fail_first = fail_first
        self.active = 0
        self.overlapped = False
        self._cond = threading.Condition()

    def __call__(self, names: list[str]) -> None:
        with self._cond:
            self.active += 1
            self.overlapped = self.overlapped or self.active > 1
            self.calls.append(list(names))
            self.times.append(time.monotonic())
            self._cond.notify_all()
        try:
            if self.fail_first and len(self.calls) == 1:
                raise RuntimeError("the reindex broke")
        finally:
            with self._cond:
                self.active -= 1

    def wait(self, n: int, timeout: float = WAIT) -> bool:
        """Whether at least n calls have been made within timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.calls) >= n, timeout)


def write_slowly(path: Path, chunks: int, pause: float) -> float:
    """Write path in chunks with pauses, like a slow copy; the time of the last write."""
    with path.open("wb") as handle:
        for i in range(chunks):
            if i:
                time.sleep(pause)
            handle.write(b"x" * 1000)
            handle.flush()
            os.fsync(handle.fileno())
        return time.monotonic()


@pytest.mark.parametrize("polling", [False, True])
def test_a_new_report_file_gives_one_call_after_settle(tmp_path: Path, polling: bool) -> None:
    calls = Calls()
    settle = 0.3
    with CorpusWatcher(tmp_path, calls, settle=settle, polling=polling, poll_interval=0.05):
        (tmp_path / "密云区.txt").write_text("民生实事", encoding="utf-8")
        written = time.monotonic()
        assert calls.wait(1)
        assert not calls.wait(2, timeout=3 * settle)  # and no second call for the same file
    assert calls.calls == [["密云区.txt"]]
    assert calls.times[0] - written >= settle


def test_a_slow_copy_gives_one_call_after_the_last_write(tmp_path: Path) -> None:
    calls = Calls()
    settle = 0.3
    with CorpusWatcher(tmp_path, calls, settle=settle):
        # 0.6 s of copying, longer than settle, with pauses shorter than it.
        last_write = write_slowly(tmp_path / "a.txt", chunks=7, pause=0.1)
        assert calls.wait(1)
        assert not calls.wait(2, timeout=3 * settle)
    assert calls.calls == [["a.txt"]]
    assert calls.times[0] - last_write >= settle


def test_a_file_growing_between_polls_is_held_until_it_stops(tmp_path: Path) -> None:
    # Events come only every 0.8 s (a slow poll, as on a network share), so the watcher must see the growth by
    # itself: the pauses between polls are longer than settle.
    calls = Calls()
    settle = 0.5
    with CorpusWatcher(tmp_path, calls, settle=settle, polling=True, poll_interval=0.8):
        last_write = write_slowly(tmp_path / "big.txt", chunks=25, pause=0.05)  # 1.2 s of writing
        assert calls.wait(1, timeout=WAIT)
        assert not calls.wait(2, timeout=1.0)  # another poll comes and goes: still one call
    assert calls.calls == [["big.txt"]]
    assert calls.times[0] - last_write >= settle


def test_a_part_file_renamed_to_a_report_name_gives_one_call_for_the_report(tmp_path: Path) -> None:
    calls = Calls()
    with CorpusWatcher(tmp_path, calls, settle=0.3):
        write_slowly(tmp_path / "x.txt.part", chunks=3, pause=0.05)
        os.rename(tmp_path / "x.txt.part", tmp_path / "x.txt")
        assert calls.wait(1)
        assert not calls.wait(2, timeout=0.9)
    assert calls.calls == [["x.txt"]]


def test_hidden_and_temporary_files_and_directories_give_no_call(tmp_path: Path) -> None:
    calls = Calls()
    with CorpusWatcher(tmp_path, calls, settle=0.3):
        (tmp_path / ".foo").write_text("hidden", encoding="utf-8")
        (tmp_path / "~$a.docx").write_text("lock", encoding="utf-8")
        (tmp_path / "b.txt.tmp").write_text("temp", encoding="utf-8")
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "c.txt").write_text("not directly in the corpus", encoding="utf-8")
        # A report written after them: had any of them counted, it would be in the same batch.
        (tmp_path / "sentinel.txt").write_text("x", encoding="utf-8")
        assert calls.wait(1)
        assert not calls.wait(2, timeout=0.9)
    assert calls.calls == [["sentinel.txt"]]


def test_deleting_a_report_file_gives_a_call_naming_it(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x", encoding="utf-8")
    (tmp_path / "kept.txt").write_text("x", encoding="utf-8")
    calls = Calls()
    with CorpusWatcher(tmp_path, calls, settle=0.3):
        (tmp_path / "old.txt").unlink()
        assert calls.wait(1)
    assert calls.calls == [["old.txt"]]


def test_a_failing_on_change_is_logged_and_later_batches_still_come(tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    calls = Calls(fail_first=True)
    with caplog.at_level(logging.ERROR, logger="minsheng.watch"):
        with CorpusWatcher(tmp_path, calls, settle=0.2):
            (tmp_path / "a.txt").write_text("x", encoding="utf-8")
            assert calls.wait(1)
            (tmp_path / "b.txt").write_text("x", encoding="utf-8")
            assert calls.wait(2)
    assert calls.calls == [["a.txt"], ["b.txt"]]
    failures = [r for r in caplog.records if r.name == "minsheng.watch"]
    assert len(failures) == 1 and failures[0].exc_info is not None
    assert "a.txt" in failures[0].getMessage()


def test_events_during_a_call_go_to_the_next_call_never_two_at_once(tmp_path: Path) -> None:
    release = threading.Event()
    calls = Calls()

    def slow(names: list[str]) -> None:
        calls(names)
        if len(calls.calls) == 1:
            assert release.wait(WAIT)

    with CorpusWatcher(tmp_path, slow, settle=0.2):
        (tmp_path / "a.txt").write_text("x", encoding="utf-8")
        assert calls.wait(1)
        # The first call is still running: these settle meanwhile but must wait for it.
        (tmp_path / "b.txt").write_text("x", encoding="utf-8")
        (tmp_path / "c.txt").write_text("x", encoding="utf-8")
        assert not calls.wait(2, timeout=0.6)
        release.set()
        assert calls.wait(2)
        assert not calls.wait(3, timeout=0.6)
    assert calls.calls == [["a.txt"], ["b.txt", "c.txt"]]
    assert not calls.overlapped


def test_stop_is_idempotent_and_ends_the_threads(tmp_path: Path) -> None:
    watcher = CorpusWatcher(tmp_path, Calls(), settle=0.2)
    watcher.stop()  # before start: nothing to do
    before = threading.active_count()
    watcher.start()
    with pytest.raises(RuntimeError):
        watcher.start()
    watcher.stop()
    watcher.stop()
    assert threading.active_count() == before


def test_a_missing_corpus_directory_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(MinshengError, match="corpus directory not found"):
        CorpusWatcher(tmp_path / "nowhere", Calls()).start()


# The `minsheng watch` loop

class FakeReindex:
    """Returns the given reports in turn (raising those that are exceptions), noting each call."""

    def __init__(self, *results: BuildReport | Exception) -> None:
        self.results = list(results)
        self.count = 0
        self._cond = threading.Condition()

    def __call__(self) -> BuildReport:
        with self._cond:
            result = self.results[min(self.count, len(self.results) - 1)]
            self.count += 1
            self._cond.notify_all()
        if isinstance(result, Exception):
            raise result
        return result

    def wait(self, n: int, timeout: float = WAIT) -> bool:
        """Whether at least n reindexes have run within timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self.count >= n, timeout)


def run_watch(corpus: Path, reindex: FakeReindex, out: io.StringIO, **kwargs: object) -> tuple[threading.Thread,
                                                                                               threading.Event]:
    """watch() on a thread, with its stop event."""
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(corpus, reindex, out),
                              kwargs={"settle": 0.2, "polling": False, "stop": stop, **kwargs}, daemon=True)
    thread.start()
    return thread, stop


def test_watch_reindexes_at_start_and_after_a_file_is_dropped_in(tmp_path: Path) -> None:
    at_start = BuildReport(unchanged=3, records=10, chunks=25, seconds=0.04)
    after_drop = BuildReport(added=["大兴区.txt"], failed=[FailedFile("b.txt", "b.txt: cannot be parsed")],
                             unchanged=3, records=12, chunks=30, seconds=0.5)
    reindex = FakeReindex(at_start, after_drop)
    out = io.StringIO()
    thread, stop = run_watch(tmp_path, reindex, out)
    assert reindex.wait(1)
    (tmp_path / "大兴区.txt").write_text("民生实事", encoding="utf-8")
    assert reindex.wait(2)
    stop.set()
    thread.join(timeout=WAIT)
    assert not thread.is_alive()
    lines = out.getvalue().splitlines()
    assert lines[0] == f"watching {tmp_path} (settle 0.2 s); Ctrl-C to stop"
    assert "while nothing was watching" in lines[1]
    assert lines[2] == "0 added, 0 updated, 0 removed, 0 failed, 3 unchanged; 10 records in 25 chunks; 0.0 s"
    assert lines[3].endswith("changed: 大兴区.txt")
    assert lines[4:] == [
        "added    大兴区.txt",
        "FAILED   b.txt: cannot be parsed",
        "1 added, 0 updated, 0 removed, 1 failed, 3 unchanged; 12 records in 30 chunks; 0.5 s",
        "stopped watching",
    ]
    assert reindex.count == 2


def test_watch_ends_promptly_when_stopped(tmp_path: Path) -> None:
    reindex = FakeReindex(BuildReport())
    thread, stop = run_watch(tmp_path, reindex, io.StringIO(), polling=True)
    assert reindex.wait(1)
    stopped = time.monotonic()
    stop.set()
    thread.join(timeout=WAIT)
    assert not thread.is_alive()
    assert time.monotonic() - stopped < 2.0
    assert reindex.count == 1  # nothing changed: no reindex but the first


def test_watch_goes_on_after_a_failed_reindex(tmp_path: Path) -> None:
    reindex = FakeReindex(MinshengError("index busy"), BuildReport(added=["a.txt"]))
    out = io.StringIO()
    thread, stop = run_watch(tmp_path, reindex, out)
    assert reindex.wait(1)
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert reindex.wait(2)
    stop.set()
    thread.join(timeout=WAIT)
    assert not thread.is_alive()
    text = out.getvalue()
    assert "reindex failed: index busy" in text
    assert "added    a.txt" in text
