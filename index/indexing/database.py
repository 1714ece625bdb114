"""The index's catalog as one SQLite database: files, chunks (text and metadata, tokens: both compressed; vector),
the corpus's words and the keyword index (FTS5, contentless: the tokens it was given are kept compressed in chunks,
for deleting), each build one transaction, each reader one snapshot.

A build writes only the rows of the files it added, changed or removed; the commit is the one step readers see (WAL:
a reader's snapshot stays the index before the commit until it reads again, a killed build leaves no trace). The
SQL is plain (tables, an index, FTS5 for the keywords) so the catalog can move to a server database."""
from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import orjson
import zstandard

from minsheng.index.errors import MinshengError
from minsheng.index.indexing.chunk import Chunk

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(
    name TEXT PRIMARY KEY, hash TEXT NOT NULL, title TEXT NOT NULL, region TEXT NOT NULL, year INTEGER NOT NULL,
    period TEXT NOT NULL, records INTEGER NOT NULL, text_hash TEXT NOT NULL, stat TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks(
    row INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, file TEXT NOT NULL, record INTEGER NOT NULL,
    part INTEGER NOT NULL, data BLOB NOT NULL, tokens BLOB NOT NULL, area TEXT NOT NULL, vector BLOB);
CREATE INDEX IF NOT EXISTS chunks_in_order ON chunks(file, record, part);
CREATE INDEX IF NOT EXISTS files_by_text ON files(text_hash);
CREATE TABLE IF NOT EXISTS words(file TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY(file, word)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS words_by_word ON words(word);
CREATE TABLE IF NOT EXISTS reports(name TEXT PRIMARY KEY, facts TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS duplicates(name TEXT PRIMARY KEY, indexed TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS garbage(id TEXT PRIMARY KEY);
CREATE VIRTUAL TABLE IF NOT EXISTS terms USING fts5(
    tokens, area, content='', tokenize="unicode61 tokenchars '.%'");
CREATE VIRTUAL TABLE IF NOT EXISTS term_docs USING fts5vocab(terms, 'col');
"""


_FILE_COLUMNS = "name, hash, title, region, year, period, records, text_hash, stat"
# Measured on a 30-district catalog: 55 MB on 4 KB pages, 44 MB on 8 KB, 41 MB on 16 KB.
_PAGE_SIZE = 16_384
# Values bound in one statement, under SQLite's limit.
_BOUND = 30_000


class CatalogUnreadable(MinshengError):
    """The catalog database cannot be opened or read (damaged, or not a database)."""


def area_key(region: str) -> str:
    """The one keyword standing for a place in the keyword index (a place's name is several tokens)."""
    return "a" + hashlib.sha1(region.encode("utf-8")).hexdigest()[:12]


def fts_any(tokens: Iterable[str]) -> str:
    """An FTS5 query matching rows whose tokens hold any of these."""
    return _fts_tokens(tokens, " OR ")


def fts_all(tokens: Iterable[str]) -> str:
    """An FTS5 query matching rows whose tokens hold every one of these."""
    return _fts_tokens(tokens, " AND ")


def _fts_tokens(tokens: Iterable[str], joint: str) -> str:
    # Each token quoted, a phrase of itself: FTS5's own syntax in a token is matched as text, never parsed.
    quoted = ['"' + t.replace('"', '""') + '"' for t in dict.fromkeys(tokens) if t]
    return "{tokens} : (" + joint.join(quoted) + ")" if quoted else ""


# zstd: about as small as zlib, decompressed ~5× faster (a question reads a few hundred chunks). Its compressor
# and decompressor objects serve one thread at a time.
_CODECS = threading.local()
_LEVEL = 9


def _codec() -> tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]:
    if not hasattr(_CODECS, "pair"):
        _CODECS.pair = (zstandard.ZstdCompressor(level=_LEVEL), zstandard.ZstdDecompressor())
    return _CODECS.pair


def pack(text: str) -> bytes:
    """Text as the catalog stores it: compressed (Chinese text in UTF-8 takes about half the disk)."""
    return _codec()[0].compress(text.encode("utf-8"))


def unpack_bytes(blob: bytes) -> bytes:
    """The UTF-8 bytes pack() stored."""
    try:
        return _codec()[1].decompress(blob)
    except (zstandard.ZstdError, TypeError) as exc:
        raise CatalogUnreadable(f"a stored text cannot be read ({exc})") from None


def unpack(blob: bytes) -> str:
    """What pack() stored."""
    try:
        return unpack_bytes(blob).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogUnreadable(f"a stored text cannot be read ({exc})") from None


def _varints(blob: bytes) -> list[int]:
    """SQLite's varints (big-endian groups of 7 bits, a set high bit going on; a ninth byte whole)."""
    values: list[int] = []
    at = 0
    while at < len(blob):
        value = 0
        for step in range(9):
            byte = blob[at]
            at += 1
            if step == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        values.append(value)
    return values


def vector_blob(vector: Sequence[float]) -> bytes:
    """A vector as stored: float16 (the ranking needs no more; half the disk)."""
    return np.asarray(vector, dtype=np.float16).tobytes()


@dataclass
class FileRows:
    """What a search over some files reads of them."""

    chunks: list[Chunk]
    rows: np.ndarray  # each chunk's database row
    tokens: dict[int, bytes]  # database row → its keyword tokens, packed
    vectors: list[bytes | None]  # each chunk's stored vector (float16), None when it has none


class Catalog:
    """A connection to an index's catalog database; reads run inside `snapshot()` to see one state of it."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.db = connection
        # One connection may serve a bot's threads; SQLite's own locking is per connection, so this serializes them.
        self.lock = threading.RLock()

    @classmethod
    def open(cls, path: Path, create: bool = False) -> "Catalog":
        """Open (create: and make) the database; CatalogUnreadable when it is missing or is no catalog."""
        if not create and not path.is_file():
            raise CatalogUnreadable(f"{path}: no catalog database")
        try:
            db = sqlite3.connect(str(path), timeout=30.0, isolation_level=None, check_same_thread=False)
            if create:
                # Both only take effect before the first table. A chunk's row is about 2 KB: on 4 KB pages one
                # fits where two do not, a quarter of the file was empty. Freed pages go back to the file system.
                db.execute(f"PRAGMA page_size={_PAGE_SIZE}")
                db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a commit survives a crash of the process
            if create:
                db.executescript(_SCHEMA)
            elif not db.execute("SELECT 1 FROM sqlite_master WHERE name='terms'").fetchone():
                raise CatalogUnreadable(f"{path}: not a catalog database (no keyword table)")
        except sqlite3.DatabaseError as exc:
            raise CatalogUnreadable(f"{path}: {exc}") from None
        return cls(path, db)

    @classmethod
    def memory(cls) -> "Catalog":
        """An empty catalog held in memory (an index built for one process: tests, a sample)."""
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        db.executescript(_SCHEMA)
        return cls(Path(":memory:"), db)

    def close(self) -> None:
        """Close the connection (ending any open snapshot)."""
        with self.lock:
            self.db.close()

    # --- reading -------------------------------------------------------------------------------------------------

    def begin_snapshot(self) -> None:
        """Start a read transaction that keeps seeing this state of the database until the connection closes."""
        with self.lock:
            if not self.db.in_transaction:
                self.db.execute("BEGIN")
                self.db.execute("SELECT 1 FROM meta LIMIT 1").fetchall()  # a deferred BEGIN takes its snapshot here

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Rows of one statement (CatalogUnreadable when the database is damaged)."""
        with self.lock:
            try:
                return self.db.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise CatalogUnreadable(f"{self.path}: {exc}") from None

    def meta(self) -> dict[str, str]:
        """The key → value settings the index was built with (model, max_tokens, format, lexicon, generation)."""
        return dict(self.query("SELECT key, value FROM meta"))

    def generation(self) -> int:
        """How many builds have committed (what a reader compares to notice a re-index)."""
        found = self.query("SELECT value FROM meta WHERE key='generation'")
        return int(found[0][0]) if found else 0

    def query_in(self, sql: str, values: Iterable[object]) -> list[tuple]:
        """Rows of a statement whose "IN ({marks})" takes these values (in batches under SQLite's limit of bound
        values)."""
        wanted = list(values)
        found: list[tuple] = []
        for start in range(0, len(wanted), _BOUND):
            part = wanted[start:start + _BOUND]
            found.extend(self.query(sql.format(marks=",".join("?" * len(part))), part))
        return found

    def files(self, names: Iterable[str] | None = None) -> dict[str, dict]:
        """Each indexed file's entry as stored (names: only these)."""
        if names is None:
            return self._entries(self.query(f"SELECT {_FILE_COLUMNS} FROM files"))
        return self._entries(self.query_in(f"SELECT {_FILE_COLUMNS} FROM files WHERE name IN ({{marks}})",
                                           sorted(set(names))))

    def files_with_text(self, keys: Iterable[str]) -> dict[str, dict]:
        """The entries of files whose text has one of these keys."""
        return self._entries(self.query_in(f"SELECT {_FILE_COLUMNS} FROM files WHERE text_hash IN ({{marks}})",
                                           sorted(set(keys) - {""})))

    @staticmethod
    def _entries(rows: list[tuple]) -> dict[str, dict]:
        return {name: {"hash": h, "title": t, "region": r, "year": y, "period": p, "records": n, "text_hash": k,
                       "stat": [int(v) for v in s.split(",") if v]} for name, h, t, r, y, p, n, k, s in rows}

    def count_files(self) -> int:
        """How many files are indexed."""
        return int(self.query("SELECT count(*) FROM files")[0][0])

    def records(self) -> int:
        """How many records the indexed files hold."""
        return int(self.query("SELECT coalesce(sum(records), 0) FROM files")[0][0])

    def chunk_ids(self, file: str) -> list[str]:
        """The ids of one file's chunks, in order."""
        return [i for (i,) in self.query("SELECT id FROM chunks WHERE file=? ORDER BY record, part", (file,))]

    def all_ids(self) -> list[str]:
        """Every chunk id."""
        return [i for (i,) in self.query("SELECT id FROM chunks")]

    def orphaned(self) -> bool:
        """Whether chunks are there without any file entry (a damaged catalog: its files table lost). Cheap, for
        every build: one row of each table, not a pass over the chunks."""
        return bool(self.query("SELECT EXISTS(SELECT 1 FROM chunks) AND NOT EXISTS(SELECT 1 FROM files)")[0][0])

    def duplicates(self) -> dict[str, str]:
        """Copies' names → the name indexed."""
        return dict(self.query("SELECT name, indexed FROM duplicates"))

    def garbage(self) -> list[str]:
        """Vector ids the last build stopped using (deleted from the store by the next one)."""
        return [i for (i,) in self.query("SELECT id FROM garbage ORDER BY id")]

    def count(self) -> int:
        """How many chunks the catalog holds."""
        return int(self.query("SELECT count(*) FROM chunks")[0][0])

    def chunks(self, files: Iterable[str] | None = None) -> tuple[list[Chunk], np.ndarray]:
        """Every chunk (files: of these files only) in catalog order (file, record, part) and its database row."""
        if files is None:
            return self._parsed(self.query("SELECT row, data FROM chunks ORDER BY file, record, part"))
        return self._parsed([(row, data) for row, data in self._rows_in_order(files, "row, data")])

    def rows_of_files(self, files: Iterable[str]) -> "FileRows":
        """The chunks of some files in catalog order with their database rows, packed keyword tokens and stored
        vectors: everything a search over those files reads, in one statement."""
        found = self._rows_in_order(files, "row, data, tokens, vector")
        chunks, rows = self._parsed([(row, data) for row, data, _, _ in found])
        return FileRows(chunks, rows, {row: tokens for row, _, tokens, _ in found}, [vector for *_, vector in found])

    def _rows_in_order(self, files: Iterable[str], columns: str) -> list[tuple]:
        """These columns of the chunks of some files, in catalog order (file, record, part)."""
        found = self.query_in(f"SELECT file, record, part, {columns} FROM chunks WHERE file IN ({{marks}})",
                              sorted(set(files)))
        return [row[3:] for row in sorted(found, key=lambda row: row[:3])]

    def record_chunks(self, file: str, record: int) -> list[Chunk]:
        """Every chunk of one record of a file (its parts and passages), in order."""
        return self._parsed(self.query("SELECT row, data FROM chunks WHERE file=? AND record=? ORDER BY part",
                                       (file, record)))[0]

    def holds(self, chunk_id: str) -> bool:
        """Whether a chunk id is in the catalog."""
        return bool(self.query("SELECT EXISTS(SELECT 1 FROM chunks WHERE id=?)", (chunk_id,))[0][0])

    def sample_texts(self, size: int, seed: int = 0, run: int = 20) -> list[str]:
        """The texts of a fixed random sample of about `size` chunks, or of every chunk when there are no more: runs
        of `run` rows from random places in the range of row numbers (a row deleted since is left out). Runs, not
        single rows: a row's neighbours share its pages, so a cold start reads a few hundred places of a large
        catalog instead of thousands."""
        top = int(self.query("SELECT coalesce(max(row), 0) FROM chunks")[0][0])
        if top <= size:
            picks: list[int] = list(range(1, top + 1))
        else:
            starts = random.Random(seed).sample(range(1, top + 2 - run), max(1, size // run))
            picks = sorted({row for start in starts for row in range(start, start + run)})
        chunks, _ = self._parsed(self.query_in("SELECT row, data FROM chunks WHERE row IN ({marks}) ORDER BY row",
                                               picks))
        return [c.search_text for c in chunks]

    def file_of_rows(self, rows: Iterable[int]) -> dict[int, str]:
        """The file each database row belongs to."""
        return dict(self.query_in("SELECT row, file FROM chunks WHERE row IN ({marks})", [int(r) for r in rows]))

    def file_of_ids(self, ids: Iterable[str]) -> dict[str, str]:
        """The file each chunk id belongs to (ids the catalog does not hold left out)."""
        return dict(self.query_in("SELECT id, file FROM chunks WHERE id IN ({marks})", list(ids)))

    def best_rows(self, match: str, limit: int) -> list[int]:
        """The rows an FTS5 query matches best by BM25 (the keyword index's own ranking), best first."""
        if not match:
            return []
        return [r for (r,) in self.query(
            "SELECT rowid FROM terms WHERE terms MATCH ? ORDER BY bm25(terms, 1.0, 0.0), rowid LIMIT ?",
            (match, limit))]

    def reports(self) -> list[tuple[str, str]]:
        """(file name, its report facts as stored) of every report."""
        return self.query("SELECT name, facts FROM reports ORDER BY name")

    def _parsed(self, rows: list[tuple]) -> tuple[list[Chunk], np.ndarray]:
        try:
            parsed = orjson.loads(b"[" + b",".join(unpack_bytes(data) for _, data in rows) + b"]")
            chunks = [Chunk.from_catalog(item) for item in parsed]
        except (ValueError, KeyError, TypeError) as exc:
            raise CatalogUnreadable(f"{self.path}: a chunk cannot be read ({type(exc).__name__})") from None
        return chunks, np.fromiter((r for r, _ in rows), dtype=np.int64, count=len(rows))

    def rows(self, rows: Sequence[int]) -> list[tuple[int, Chunk]]:
        """Some rows' chunks, by database row."""
        found = self.query_in("SELECT row, data FROM chunks WHERE row IN ({marks})", [int(r) for r in rows])
        return list(zip((row for row, _ in found), self._parsed(found)[0]))

    def words(self) -> list[str]:
        """The corpus's own words (places, units, sections) the keyword tokenizer keeps whole."""
        return [w for (w,) in self.query("SELECT DISTINCT word FROM words ORDER BY word")]

    def words_among(self, words: Iterable[str]) -> set[str]:
        """Which of these words some file brings."""
        return {w for (w,) in self.query_in("SELECT DISTINCT word FROM words WHERE word IN ({marks})", sorted(set(words)))}

    def words_of(self, files: Iterable[str]) -> set[str]:
        """The words these files bring."""
        return {w for (w,) in self.query_in("SELECT word FROM words WHERE file IN ({marks})", sorted(set(files)))}

    def vectors(self, rows: Sequence[int]) -> dict[int, np.ndarray]:
        """Stored vectors of database rows (float16), by row; rows without one are left out."""
        return {row: np.frombuffer(blob, dtype=np.float16) for row, blob in self.query_in(
            "SELECT row, vector FROM chunks WHERE row IN ({marks}) AND vector IS NOT NULL", [int(r) for r in rows])}

    def keyword_scores(self, match: str) -> list[tuple[int, float]]:
        """(row, BM25 score) of every row an FTS5 query matches (scores positive, higher better)."""
        if not match:
            return []
        return [(row, -score) for row, score in
                self.query("SELECT rowid, bm25(terms, 1.0, 0.0) FROM terms WHERE terms MATCH ?", (match,))]

    def keyword_rows(self, match: str) -> list[int]:
        """The rows an FTS5 query matches, unscored (scoring reads each word's whole posting list for its weight)."""
        return [r for (r,) in self.query("SELECT rowid FROM terms WHERE terms MATCH ?", (match,))] if match else []

    def keyword_totals(self) -> tuple[int, int]:
        """The keyword index's row count and token count over all its columns, as its bm25() reads them (the
        FTS5 "averages" record: varints, rows first, then each column's tokens)."""
        found = self.query("SELECT block FROM terms_data WHERE id=1")
        values = _varints(found[0][0]) if found and found[0][0] else []
        return (values[0], sum(values[1:])) if values else (0, 0)

    def tokens_of(self, rows: Iterable[int]) -> dict[int, str]:
        """The space-joined keyword tokens of database rows."""
        return {row: unpack(blob) for row, blob in
                self.query_in("SELECT row, tokens FROM chunks WHERE row IN ({marks})", [int(r) for r in rows])}

    def rows_with_all(self, tokens: Sequence[str]) -> list[int]:
        """Rows whose tokens hold every one of these."""
        match = fts_all(tokens)
        return [r for (r,) in self.query("SELECT rowid FROM terms WHERE terms MATCH ?", (match,))] if match else []

    def token_rows(self, token: str) -> int | None:
        """How many rows' tokens hold a token (None when none do)."""
        found = self.query("SELECT doc FROM term_docs WHERE term=? AND col='tokens'", (token,))
        return int(found[0][0]) if found else None

    # --- writing (inside write()) --------------------------------------------------------------------------------

    def write(self) -> "_Writing":
        """A write transaction (BEGIN IMMEDIATE: one writer at a time), committed when the block ends without error."""
        return _Writing(self)

    def put_meta(self, values: dict[str, object]) -> None:
        """Set settings."""
        self.db.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                            [(k, str(v)) for k, v in values.items()])

    def put_file(self, name: str, entry: object) -> None:
        """Insert or replace a file's entry (a FileEntry)."""
        data = asdict(entry)  # type: ignore[call-overload]
        self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (name, data["hash"], data["title"], data["region"], data["year"], data["period"],
                         data["records"], data["text_hash"], ",".join(str(v) for v in data["stat"])))

    def drop_file(self, name: str) -> None:
        """Remove a file's entry, chunks and words."""
        self.drop_chunks(self.chunk_ids(name))
        self.db.execute("DELETE FROM files WHERE name=?", (name,))
        self.db.execute("DELETE FROM words WHERE file=?", (name,))
        self.db.execute("DELETE FROM reports WHERE name=?", (name,))

    def put_chunks(self, file: str, chunks: Sequence[Chunk], tokens: Sequence[str],
                   vectors: Sequence[bytes | None]) -> None:
        """Insert a file's chunks with their space-joined tokens and stored vectors, and their keyword rows."""
        for chunk, joined, vector in zip(chunks, tokens, vectors):
            data = json.dumps({"id": chunk.id, "text": chunk.text, **chunk.metadata(),
                               **({"simplified": chunk.simplified} if chunk.simplified else {})}, ensure_ascii=False)
            area = area_key(chunk.region)
            cursor = self.db.execute(
                "INSERT INTO chunks(id, file, record, part, data, tokens, area, vector) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (chunk.id, file, chunk.record, chunk.part, pack(data), pack(joined), area, vector))
            self.db.execute("INSERT INTO terms(rowid, tokens, area) VALUES (?, ?, ?)", (cursor.lastrowid, joined, area))

    def put_terms(self, row: int, joined: str, area: str) -> None:
        """A row of keywords alone (an index of texts without chunks)."""
        self.db.execute("INSERT INTO chunks(row, id, file, record, part, data, tokens, area) "
                        "VALUES (?, ?, '', 0, 0, ?, ?, ?)", (row, f"#{row}", pack("{}"), pack(joined), area))
        self.db.execute("INSERT INTO terms(rowid, tokens, area) VALUES (?, ?, ?)", (row, joined, area))

    def drop_chunks(self, ids: Iterable[str]) -> None:
        """Remove chunks and their keyword rows (an external-content FTS5 table is told the old values)."""
        for chunk_id in ids:
            found = self.db.execute("SELECT row, tokens, area FROM chunks WHERE id=?", (chunk_id,)).fetchone()
            if found is None:
                continue
            self.db.execute("INSERT INTO terms(terms, rowid, tokens, area) VALUES ('delete', ?, ?, ?)",
                            (found[0], unpack(found[1]), found[2]))
            self.db.execute("DELETE FROM chunks WHERE row=?", (found[0],))

    def retokenize(self, row: int, joined: str) -> None:
        """Replace one row's tokens (a word the tokenizer keeps whole was added or removed)."""
        found = self.db.execute("SELECT tokens, area FROM chunks WHERE row=?", (row,)).fetchone()
        if found is None or unpack(found[0]) == joined:
            return
        self.db.execute("INSERT INTO terms(terms, rowid, tokens, area) VALUES ('delete', ?, ?, ?)",
                        (row, unpack(found[0]), found[1]))
        self.db.execute("UPDATE chunks SET tokens=? WHERE row=?", (pack(joined), row))
        self.db.execute("INSERT INTO terms(rowid, tokens, area) VALUES (?, ?, ?)", (row, joined, found[1]))

    def put_report(self, file: str, facts: str) -> None:
        """A report's facts (what a reader loads before any chunk)."""
        self.db.execute("INSERT OR REPLACE INTO reports(name, facts) VALUES (?, ?)", (file, facts))

    def put_words(self, file: str, words: Iterable[str]) -> None:
        """The words a file brings to the tokenizer."""
        self.db.execute("DELETE FROM words WHERE file=?", (file,))
        self.db.executemany("INSERT OR IGNORE INTO words(file, word) VALUES (?, ?)", [(file, w) for w in words])

    def put_duplicates(self, duplicates: dict[str, str]) -> None:
        """Replace the copies' names."""
        self.db.execute("DELETE FROM duplicates")
        self.db.executemany("INSERT INTO duplicates VALUES (?, ?)", sorted(duplicates.items()))

    def put_garbage(self, ids: Iterable[str]) -> None:
        """Replace the vector ids to delete next build."""
        self.db.execute("DELETE FROM garbage")
        self.db.executemany("INSERT OR IGNORE INTO garbage VALUES (?)", [(i,) for i in ids])

    def shrink(self) -> None:
        """Give free pages back when they are more than a quarter of the file (reports removed or replaced)."""
        free = self.db.execute("PRAGMA freelist_count").fetchone()[0]
        if free > self.db.execute("PRAGMA page_count").fetchone()[0] // 4:
            # Run as a script: a cursor stops after the first of its steps, one page each.
            self.db.executescript("PRAGMA incremental_vacuum;")

    def clear(self) -> None:
        """Empty every table (a rebuild)."""
        for table in ("files", "chunks", "reports", "words", "duplicates", "garbage"):
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute("INSERT INTO terms(terms) VALUES ('delete-all')")


class _Writing:
    """The context of one write transaction."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def __enter__(self) -> Catalog:
        self.catalog.lock.acquire()
        try:
            self.catalog.db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.catalog.lock.release()
            raise
        return self.catalog

    def __exit__(self, kind: object, value: object, trace: object) -> None:
        try:
            self.catalog.db.execute("COMMIT" if kind is None else "ROLLBACK")
            if kind is None:
                self.catalog.shrink()
        finally:
            self.catalog.lock.release()

