"""jieba's dictionary, loaded once per process: one plain tokenizer to read place names with, copies of it that take
the corpus's own words for BM25, and its words' tags. Loading jieba's own cache (marshal) costs 1.5 s on 2 cores, more
than the rest of a cold `ask`, so the loaded dictionary is kept as plain columns (text and a numpy array, no code) in
the temp directory, as jieba keeps its cache, and read back in a fifth of that."""
from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

if TYPE_CHECKING:
    import jieba

# Columns of a cached table are separated by NUL, rows by newlines: neither occurs in a dictionary word.
_COLUMNS = "\x00"


@lru_cache(maxsize=1)
def plain_tokenizer() -> "jieba.Tokenizer":
    """jieba with its own dictionary only (never given words: it is shared)."""
    freq, total = _dictionary()
    return _tokenizer(freq, total)


def fresh_tokenizer() -> "jieba.Tokenizer":
    """A tokenizer of its own to add words to, holding a copy of the loaded dictionary (tens of milliseconds)."""
    freq, total = _dictionary()
    return _tokenizer(dict(freq), total)


@lru_cache(maxsize=1)
def ordinary_words() -> dict[str, tuple[str, int]]:
    """jieba's dictionary file: word → (tag, count), for the words of two to five characters."""

    def build() -> tuple[list[list[str]], np.ndarray]:
        words, tags, counts = [], [], []
        with open(_dict_file(), encoding="utf-8") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) == 3 and 2 <= len(parts[0]) <= 5:
                    words.append(parts[0])
                    tags.append(parts[2])
                    counts.append(int(parts[1]))
        return [words, tags], np.array(counts, dtype=np.int64)

    (words, tags), counts = _cached("tags", build, extra=0)
    return dict(zip(words, zip(tags, counts.tolist())))


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary (word or prefix → count) and its total count."""

    def build() -> tuple[list[list[str]], np.ndarray]:
        import jieba

        jieba.setLogLevel(60)
        loaded = jieba.Tokenizer()
        loaded.check_initialized()
        return [list(loaded.FREQ)], np.array([*loaded.FREQ.values(), loaded.total], dtype=np.int64)

    (words,), counts = _cached("freq", build, extra=1)
    values = counts.tolist()
    return dict(zip(words, values[:-1])), values[-1]


def _tokenizer(freq: dict[str, int], total: int) -> "jieba.Tokenizer":
    import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
    return tokenizer


def _dict_file() -> str:
    import jieba

    return os.path.join(os.path.dirname(jieba.__file__), "dict.txt")


def _cached(name: str, build: Callable[[], tuple[list[list[str]], np.ndarray]],
            extra: int) -> tuple[list[list[str]], np.ndarray]:
    """A table of text columns and one count column (with `extra` numbers after the rows), read from the cache when
    jieba's dictionary file is the one it was made from and the files agree in length, else built and written (best
    effort: a read-only temp directory only costs the time)."""
    stat = os.stat(_dict_file())
    key = hashlib.sha1(f"{_dict_file()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    base = Path(tempfile.gettempdir()) / f"minsheng-jieba-{key}-{name}"
    text_path, count_path = base.with_suffix(".txt"), base.with_suffix(".npy")
    try:
        columns = [column.split("\n") for column in text_path.read_text(encoding="utf-8").split(_COLUMNS)]
        counts = np.load(count_path, allow_pickle=False)
        if all(len(column) == len(columns[0]) for column in columns) and len(counts) == len(columns[0]) + extra:
            return columns, counts
    except (OSError, ValueError):
        pass
    columns, counts = build()
    try:
        for path, write in ((count_path, lambda f: np.save(f, counts, allow_pickle=False)),
                            (text_path, lambda f: f.write(_COLUMNS.join("\n".join(c) for c in columns).encode()))):
            temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            with open(temporary, "wb") as handle:
                write(handle)
            os.replace(temporary, path)
    except OSError:
        pass
    return columns, counts
