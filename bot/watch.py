"""Watch the corpus directory and reindex once changed report files have settled (`minsheng watch`, the bot)."""
from __future__ import annotations

import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Callable, TextIO

from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from minsheng.bot import texts
from minsheng.bot.shown import shown
from minsheng.index.errors import MinshengError
from minsheng.index.indexing import BuildReport
from minsheng.index.ingest import is_report_name

log = logging.getLogger("minsheng.watch")

Stat = tuple[int, int]  # (size in bytes, mtime in ns) of a file
StatFn = Callable[[str], "Stat | None"]  # a name's Stat, None when the file does not exist

# Only changes of content count: opening and reading a file (as every reindex does) must not trigger another
# reindex, and attribute events fire on atime updates from those same reads. Closed means closed after writing.
WATCHED_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
]
# The longest pause between looks at pending files' sizes while they settle: looking often restarts the settle
# period soon after a file's last growth, so its batch comes at most settle + this after it (not 2 × settle).
MAX_CHECK = 0.25


def changed_names(event: FileSystemEvent, directory: str) -> list[str]:
    """The report names an event changes directly inside directory (both ends of a move; none for directories)."""
    if event.is_directory or type(event) not in WATCHED_EVENTS:
        return []
    paths = [event.src_path, event.dest_path] if isinstance(event, FileMovedEvent) else [event.src_path]
    names = []
    for path in paths:
        text = os.fsdecode(path)
        if not text or os.path.normpath(os.path.dirname(text)) != os.path.normpath(directory):
            continue
        name = os.path.basename(text)
        # A temporary name renamed to a report name counts by its destination alone: atomic saves land that way.
        if is_report_name(name) and name not in names:
            names.append(name)
    return names


def stat_in(directory: Path) -> StatFn:
    """A StatFn over the files of directory."""

    def stat(name: str) -> Stat | None:
        try:
            st = os.stat(directory / name)
        except OSError:
            return None
        return (st.st_size, st.st_mtime_ns)

    return stat


@dataclass
class _Pending:
    """A changed name waiting for its file to settle."""

    observed: bool = False  # whether stat has been looked at since the name was noted
    stat: Stat | None = None
    stable_since: float = 0.0  # when the stat was last seen to change (or first seen)


class Debouncer:
    """Collects changed names and says when they have settled: no event for `settle` seconds and every file's
    size and mtime unchanged for `settle` seconds, or `max_wait` seconds after the first of them even if files keep
    changing (a file rewritten every second would otherwise never be indexed). Pure: the caller supplies the clock
    and the stat; not thread-safe (CorpusWatcher holds a lock around it)."""

    def __init__(self, settle: float, max_wait: float = 60.0) -> None:
        self.settle = settle
        self.max_wait = max(max_wait, settle)
        self._pending: dict[str, _Pending] = {}
        self._last_event = 0.0
        self._first_event = 0.0

    def __contains__(self, name: object) -> bool:
        """Whether name is pending."""
        return name in self._pending

    @property
    def pending(self) -> list[str]:
        """The names noted and not yet handed out, sorted."""
        return sorted(self._pending)

    def note(self, name: str, now: float) -> bool:
        """Record an event for name at time now; False (and nothing recorded) for names that cannot be reports."""
        if not is_report_name(name):
            return False
        if not self._pending:
            self._first_event = now
        self._last_event = now
        self._pending.setdefault(name, _Pending())
        return True

    def due(self, now: float, stat: StatFn) -> list[str] | None:
        """The sorted settled batch, taken out of the debouncer, or None while something is still changing.
        Looks at every pending file's stat, so call it every so often while names are pending."""
        if not self._pending:
            return None
        for name, pending in self._pending.items():
            current = stat(name)
            if not pending.observed or current != pending.stat:
                # The size is only known to have held from the first look on: a file whose events were missed
                # (network filesystems) may have grown before it.
                pending.observed, pending.stat, pending.stable_since = True, current, now
        if (self.remaining(now) or 0.0) > 0.0:
            return None
        batch = sorted(self._pending)
        self._pending.clear()
        return batch

    def remaining(self, now: float) -> float | None:
        """Seconds until the pending names can be due if nothing changes, None when nothing is pending."""
        if not self._pending:
            return None
        overdue = self._first_event + self.max_wait - now
        looked = [p.stable_since for p in self._pending.values() if p.observed]
        if len(looked) < len(self._pending):
            # A name not yet looked at starts its settle period at the first look.
            return min(self.settle, overdue)
        return min(max(self._last_event, *looked) + self.settle - now, overdue)


class _Handler(FileSystemEventHandler):
    """Hands the report names of watchdog's events to the watcher."""

    def __init__(self, directory: str, note: Callable[[list[str]], None]) -> None:
        self.directory = directory
        self.note = note

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Note the report names the event changes."""
        names = changed_names(event, self.directory)
        if names:
            self.note(names)


class CorpusWatcher:
    """Calls on_change(sorted names) once changed report files directly in corpus_dir have settled; one call at
    a time from one worker thread, events during a call going to the next."""

    def __init__(self, corpus_dir: Path, on_change: Callable[[list[str]], None], settle: float = 2.0,
                 polling: bool = False, poll_interval: float = 1.0, max_wait: float = 60.0) -> None:
        self.corpus_dir = Path(corpus_dir)
        self.on_change = on_change
        self.settle = settle
        self.polling = polling
        self.poll_interval = poll_interval
        self._debouncer = Debouncer(settle, max_wait)
        self._cond = threading.Condition()
        self._stopping = False
        self._observer: BaseObserver | None = None
        self._worker: threading.Thread | None = None
        # Sizes are looked at a few times per settle period so a growing file restarts it soon after it grows.
        self._check = max(0.01, min(MAX_CHECK, settle / 4))

    def start(self) -> None:
        """Start watching; changes made after this returns are seen (the observer's first look is taken here)."""
        if self._worker is not None:
            raise RuntimeError("the corpus watcher is already running")
        if not self.corpus_dir.is_dir():
            raise MinshengError(texts.CORPUS_NOT_FOUND.format(folder=self.corpus_dir))
        directory = os.path.abspath(self.corpus_dir)
        self._stopping = False
        observer = PollingObserver(timeout=self.poll_interval) if self.polling else Observer()
        observer.schedule(_Handler(directory, self._note), directory, recursive=False, event_filter=WATCHED_EVENTS)
        observer.start()
        self._observer = observer
        self._worker = threading.Thread(target=self._run, name="minsheng-watch", daemon=True)
        self._worker.start()

    def stop(self) -> None:
        """Stop watching and wait for the threads (an on_change under way finishes first); pending changes are
        dropped. Safe to call twice or before start."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        observer, worker = self._observer, self._worker
        self._observer = self._worker = None
        if observer is not None:
            observer.stop()
            observer.join()
        if worker is not None and worker is not threading.current_thread():
            worker.join()

    def __enter__(self) -> CorpusWatcher:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _note(self, names: list[str]) -> None:
        """Record names from the observer thread; wake the worker when a name is new so it looks at it now."""
        now = time.monotonic()
        with self._cond:
            fresh = [name for name in names if name not in self._debouncer]
            for name in names:
                self._debouncer.note(name, now)
            if fresh:
                self._cond.notify_all()

    def _run(self) -> None:
        """The worker: wait for a settled batch, hand it to on_change, repeat until stopped."""
        stat = stat_in(self.corpus_dir)
        while True:
            with self._cond:
                while True:
                    if self._stopping:
                        return
                    now = time.monotonic()
                    batch = self._debouncer.due(now, stat)
                    if batch:
                        break
                    remaining = self._debouncer.remaining(now)
                    self._cond.wait(None if remaining is None else min(max(remaining, 0.0), self._check))
            # Outside the lock: events keep being noted for the next batch while on_change runs.
            try:
                self.on_change(batch)
            except Exception:
                log.exception("handling the changed corpus files %s failed; still watching", ", ".join(batch))


def report_lines(report: BuildReport) -> list[str]:
    """What a reindex did, in the words of `minsheng index`: a line per changed file, failures, the totals."""
    lines = [texts.REBUILDING.format(reason=report.rebuilt)] if report.rebuilt else []
    for label, names in ((texts.INDEX_ADDED, report.added), (texts.INDEX_UPDATED, report.updated),
                         (texts.INDEX_REMOVED, report.removed)):
        lines.extend(texts.INDEX_FILE_LINE.format(change=label, name=shown(name)) for name in names)
    lines.extend(texts.INDEX_SAME.format(copy=shown(copy), original=shown(original))
                 for copy, original in report.duplicates.items())
    lines.extend(texts.INDEX_WARNING.format(name=shown(name), note=shown(note))
                 for name, notes in report.warnings.items() for note in notes)
    lines.extend(texts.INDEX_FAILED.format(error=shown(failure.error)) for failure in report.failed)
    lines.append(totals_line(report))
    return lines


def totals_line(report: BuildReport) -> str:
    """The last line of what a reindex did: files by change, records, chunks and seconds."""
    return texts.INDEX_TOTALS.format(
        added=len(report.added), updated=len(report.updated), removed=len(report.removed), failed=len(report.failed),
        unchanged=report.unchanged, records=report.records, chunks=report.chunks, seconds=report.seconds)


def watch(corpus_dir: Path, reindex: Callable[[], BuildReport], out: TextIO, settle: float = 2.0,
          polling: bool = False, stop: threading.Event | None = None, poll_interval: float = 1.0,
          max_wait: float = 60.0) -> None:
    """The loop of `minsheng watch`: reindex once, then after every settled batch of changed files, printing
    what changed; until stop is set or Ctrl-C. reindex runs on the calling thread only, never twice at once."""
    stop = stop or threading.Event()
    batches: queue.Queue[list[str]] = queue.Queue()
    # Watching starts before the first reindex so nothing changed during it is missed.
    with CorpusWatcher(Path(corpus_dir), batches.put, settle, polling, poll_interval, max_wait):
        _say(out, texts.WATCHING.format(folder=corpus_dir, settle=settle))
        _say(out, texts.WATCH_CATCHING_UP)
        try:
            _reindex(reindex, out)
            while not stop.is_set():
                try:
                    # A short timeout so a set stop is seen promptly (and Ctrl-C too).
                    changed = set(batches.get(timeout=0.1))
                except queue.Empty:
                    continue
                while not batches.empty():  # batches that settled during a long reindex go in one run
                    changed.update(batches.get_nowait())
                _say(out, texts.WATCH_CHANGED.format(time=time.strftime("%H:%M:%S"),
                                                     names=", ".join(shown(name) for name in sorted(changed))))
                _reindex(reindex, out)
        except KeyboardInterrupt:
            pass
    _say(out, texts.WATCH_STOPPED)


def _reindex(reindex: Callable[[], BuildReport], out: TextIO) -> None:
    """Run one reindex and print its summary; a failure is printed and watching goes on (the next change retries)."""
    try:
        report = reindex()
    except MinshengError as exc:  # a busy lock or a vanished corpus: said plainly, and watching goes on
        _say(out, texts.WATCH_REINDEX_FAILED.format(error=shown(str(exc))))
        return
    except Exception as exc:  # a bug must not end a long-running watch either, but its traceback is kept
        log.exception("reindex failed")
        _say(out, texts.WATCH_REINDEX_FAILED.format(error=shown(str(exc))))
        return
    for line in report_lines(report):
        _say(out, line)


def _say(out: TextIO, line: str) -> None:
    """Print a line now (watch output is read live, often through a pipe)."""
    out.write(line + "\n")
    out.flush()
