"""Where log lines go: every library's warnings and debug lines (and Python warnings) to a log file, never to the
terminal of someone asking a question. What people are meant to read is printed, not logged."""
from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def route_to_file(log_file: Path) -> None:
    """Send the log records of every library (and of Python's warnings module) to log_file, rotated at 1 MB with 3
    kept. A log that cannot be written is dropped silently: it must not break an answer."""
    root = logging.getLogger()
    # A root logger with a handler also stops libraries' logging.warning() calls from installing a handler that
    # prints to the terminal (logging.basicConfig does that for a root logger without one).
    if any(getattr(h, "minsheng", False) for h in root.handlers):
        return
    logging.raiseExceptions = False
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8",
                                                       delay=True)
    except OSError:
        handler = logging.NullHandler()
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.minsheng = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    logging.captureWarnings(True)


class OwnRecords(logging.Filter):
    """Lets through our own records (loggers named minsheng…) and other libraries' errors only: for a terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name.startswith("minsheng") or record.levelno >= logging.ERROR
