"""Incremental index build: hash the corpus files, read and embed only what changed, and write only those rows of
the catalog (one transaction)."""
from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import shutil
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol, Sequence

from minsheng.index.errors import MinshengError, ReadError
from minsheng.index.indexing.catalog import (
    FORMAT,
    FileEntry,
    Manifest,
    bare_unit,
    catalog_path,
    manifest_from,
    report_facts,
    split_units,
    stale_format,
)
from minsheng.index.indexing.chunk import Chunk, search_texts
from minsheng.index.indexing.database import Catalog, CatalogUnreadable, vector_blob
from minsheng.index.indexing.embed import Embedder
from minsheng.index.indexing.layout import BM25_DIR, CHUNKS, CURRENT, GENERATION_PREFIX, LOCK, MANIFEST
from minsheng.index.indexing.lexical import TOKENS_VERSION, Tokenizer
from minsheng.index.indexing.reader import DEFAULT_LIMITS, FileLimits, FileReader, ReadFile
from minsheng.index.indexing.store import StoreError, VectorStore
from minsheng.index.ingest.corpus import MAX_FILE_BYTES, VANISHED, list_corpus, list_named, read_report, report_digest
from minsheng.index.places import gazetteer
from minsheng.index.synonyms import lexicon_version, report_terms
from minsheng.index.vocabulary import SECTION_NUMBER_OR_REMARK


class Progress(Protocol):
    """What a progress bar offers (tqdm fits)."""

    def update(self, n: int = 1) -> object:
        """Advance by n."""
        ...

    def close(self) -> None:
        """Finish the bar."""
        ...


ProgressFactory = Callable[[int, str], Progress]


@dataclass
class FailedFile:
    """A corpus file that could not be read or parsed, and why."""

    file: str
    error: str


@dataclass
class BuildReport:
    """What one `minsheng index` run did; printed as the last line of `--json` output."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[FailedFile] = field(default_factory=list)
    unchanged: int = 0
    records: int = 0
    chunks: int = 0
    seconds: float = 0.0
    rebuilt: str = ""
    # What was damaged and is repaired by this build ("" when nothing was): printed, not in the JSON line.
    repaired: str = ""
    duplicates: dict[str, str] = field(default_factory=dict)  # a copy's name → the name indexed
    # A file read this run → what is doubtful about it ("place: read from the file name only …").
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The JSON object of `minsheng index --json` (without the internal rebuild reason)."""
        data = asdict(self)
        data.pop("rebuilt")
        data.pop("repaired")
        data.pop("duplicates")  # the JSON line's keys are a contract; duplicates and warnings are printed as text
        data.pop("warnings")
        data["seconds"] = round(self.seconds, 2)
        return data


class IndexBusy(MinshengError):
    """Another process is building the same index."""


@contextmanager
def index_lock(index_dir: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the index's build lock (a flock on index_dir/lock, released if the holder dies); wait up to
    `wait` seconds for another build to finish, else raise IndexBusy naming its pid."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK
    with path.open("a+", encoding="utf-8") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "?"
                    raise IndexBusy(f"{index_dir}: another `minsheng index` is running (pid {holder}); "
                                    "try again when it has finished") from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    store: VectorStore,
    embedder: Callable[[], Embedder],
    model_name: str,
    max_tokens: int,
    full: bool = False,
    progress: ProgressFactory | None = None,
    wait: float = 0.0,
    max_file_bytes: int = MAX_FILE_BYTES,
    limits: FileLimits = DEFAULT_LIMITS,
    reader: FileReader | None = None,
    names: Sequence[str] | None = None,
) -> BuildReport:
    """Bring the index in line with the corpus, under the build lock. Readers keep the live generation until
    the new one is complete and published; the embedder is only loaded when something needs embedding. Files are
    read by `reader` when given (a long-running indexer keeps its worker warm: starting one costs most of the time
    of adding one report), else by a worker of this build within `limits`. names: the only corpus entries that may
    have changed (an upload, a report fetched by link): those are looked at, not the whole folder, so adding one
    report costs the same however many are indexed (ignored when the index is rebuilt)."""
    with index_lock(index_dir, wait):
        try:
            with nullcontext(reader) if reader is not None else FileReader(limits) as files:
                return _build(corpus_dir, index_dir, store, embedder, model_name, max_tokens, full, progress,
                              max_file_bytes, files, names)
        except (OSError, StoreError, sqlite3.Error) as exc:
            if not disk_full(exc, index_dir):
                raise
            # Nothing is published before every part is written: the live generation is the one before.
            raise DiskFull(f"{index_dir}: the disk is full ({_reason_of(exc)}); the index in use is unchanged. "
                           "Free some space and run `minsheng index` again") from None


class DiskFull(MinshengError):
    """A build ran out of disk space; the live generation is untouched."""


def disk_full(exc: BaseException, where: Path | None = None) -> bool:
    """Whether an error comes from a full disk (or quota): the OS or a store's database says so, or (a store's
    error that names no cause) the disk under `where` has next to no space left."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    if "disk is full" in text or "no space left" in text or "quota exceeded" in text:
        return True
    try:
        return where is not None and shutil.disk_usage(where).free < _NEARLY_FULL
    except OSError:
        return False


# Free bytes under which a failed build is put down to a full disk.
_NEARLY_FULL = 8 << 20


def _reason_of(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).rsplit(": ", 1)[-1]


def _build(corpus_dir: Path, index_dir: Path, store: VectorStore, embedder: Callable[[], Embedder], model_name: str,
           max_tokens: int, full: bool, progress: ProgressFactory | None, max_file_bytes: int,
           reader: FileReader, names: Sequence[str] | None) -> BuildReport:
    started = time.monotonic()
    report = BuildReport()
    catalog, base = _starting_point(index_dir, store, model_name, max_tokens, full, report, names)
    try:
        changes = _read_corpus(corpus_dir, base, catalog, max_tokens, max_file_bytes, report, reader)
        # Repairing, the chunks the lost catalog held are in the store already (ids are content-addressed): their
        # vectors are taken from it, not embedded again.
        reuse = report.repaired and report.rebuilt in ("", _CATALOG_LOST)  # never across versions, models or --full
        vectors = _embed_into(store, embedder, changes.fresh, progress, bool(reuse)) if changes.fresh else {}
        if (changes.any or changes.entries or base.collected or base.lexicon_changed or base.clear
                or report.rebuilt):
            _commit(catalog, base, changes, vectors)
        _remove_old_layout(index_dir)
        report.records = catalog.records()
        report.chunks = catalog.count()
        if base.scope is not None:  # the files not looked at are unchanged
            failed = {f.file for f in report.failed}
            report.unchanged = catalog.count_files() - len(report.added) - len(report.updated) - len(
                [name for name in base.scope if name in failed and name in base.manifest.files])
    finally:
        catalog.close()
    report.seconds = time.monotonic() - started
    return report


@dataclass
class _Base:
    """What a build starts from: the manifest it updates, and whether the catalog is emptied first."""

    manifest: Manifest
    clear: bool = False  # a rebuild, or a catalog made now: every table is written from nothing
    # The corpus entries looked at (None: the whole folder); the manifest then holds only their entries.
    scope: set[str] | None = None
    collected: bool = False  # vectors the previous build left as garbage were deleted
    lexicon_changed: bool = False


@dataclass
class _Changes:
    """What the corpus changed: each new or changed file's chunks to embed, the files whose rows go, chunk ids no
    longer used, file entries to write, and copies of the same content."""

    fresh_files: dict[str, list[Chunk]] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)  # files whose rows are removed (changed or removed files)
    stale: list[str] = field(default_factory=list)
    entries: set[str] = field(default_factory=set)  # files whose entry (hash, text key, stat) is written
    duplicates_changed: bool = False

    @property
    def fresh(self) -> list[Chunk]:
        """Every chunk to embed, file by file."""
        return [c for chunks in self.fresh_files.values() for c in chunks]

    @property
    def any(self) -> bool:
        """Whether the chunks or the duplicates differ from the catalog's."""
        return bool(self.fresh_files or self.gone or self.duplicates_changed)


def _starting_point(index_dir: Path, store: VectorStore, model_name: str, max_tokens: int, full: bool,
                    report: BuildReport, names: Sequence[str] | None = None) -> tuple[Catalog, _Base]:
    """The catalog a build writes (made when missing; moved aside and made again when it cannot be read) and the
    manifest it starts from (garbage collected, the store checked); the reason for rebuilding goes into the report,
    and what was damaged into report.repaired."""
    # A build given the names that changed (an upload) does not count the store: counting is a pass over every
    # vector (40 ms at 500,000). A store that fails then fails that build, the catalog untouched; vectors an
    # interrupted build left are found by the next build of the folder, and no reader uses them meanwhile.
    store_damage, counted = _readable_store(index_dir, store) if names is None else ("", None)
    stale_fmt = stale_format(index_dir)
    catalog, lost = _writable_catalog(index_dir)
    meta = catalog.meta()
    scope = _scope(catalog, names) if names is not None else None
    manifest = manifest_from(catalog, scope)
    if not lost and not stale_fmt and manifest is None and not store_damage and store.count():
        # No catalog (or none of its settings) beside a store holding vectors: the catalog was lost, not never made.
        lost = f"{_CATALOG_LOST} (it is missing or has no settings); it is made again"
    if stale_fmt is not None:
        report.rebuilt = f"the index was written by another version (index format {stale_fmt}, now {FORMAT})"
    else:
        report.rebuilt = _rebuild_reason(manifest, meta, model_name, max_tokens, full)
    if store_damage:
        report.repaired = store_damage
        report.rebuilt = report.rebuilt or "the vector store could not be read"
    elif lost:
        report.repaired = lost
        report.rebuilt = report.rebuilt or _CATALOG_LOST
    base = _Base(manifest or Manifest(model=model_name, max_tokens=max_tokens), clear=manifest is None, scope=scope)
    if manifest is not None and not report.rebuilt:
        _check_store(store, catalog, base, report, counted)
    if manifest is None or report.rebuilt:
        # Content-addressed ids: re-embedding rewrites the same ids with the same vectors, so readers keep working
        # during a rebuild; what the new catalog no longer needs is collected by the next build.
        previous = set(catalog.all_ids()) | set(manifest.garbage if manifest else ())
        base.manifest = Manifest(model=model_name, max_tokens=max_tokens, garbage=sorted(previous))
        base.clear = True
        base.scope = None  # a rebuild reads the whole folder
    base.lexicon_changed = base.manifest.lexicon != lexicon_version()
    base.manifest.lexicon = lexicon_version()
    return catalog, base


_CATALOG_LOST = "the catalog could not be read"


def _scope(catalog: Catalog, names: Sequence[str]) -> set[str]:
    """The entries a build given names looks at: those names, and the copies they are or have."""
    scope = set(names)
    for copy, indexed in catalog.duplicates().items():
        if copy in scope or indexed in scope:
            scope.update((copy, indexed))
    return scope


def _writable_catalog(index_dir: Path) -> tuple[Catalog, str]:
    """The index's catalog opened for writing, and "" — or, when it could not be read, a new one and what was wrong
    (the damaged file is kept beside it, renamed)."""
    path = catalog_path(index_dir)
    existed = path.exists()
    if not existed:
        for suffix in ("-wal", "-shm"):  # a log left beside a deleted catalog belongs to no database now
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    try:
        catalog = Catalog.open(path, create=True)
        catalog.meta()
        catalog.query("SELECT name FROM files LIMIT 1")
        if catalog.orphaned():
            catalog.close()
            raise CatalogUnreadable(f"{path}: chunks without any file entry")
        return catalog, ""
    except CatalogUnreadable as exc:
        if not existed:
            raise
        reason = str(exc)
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d%H%M%S')}")
    for suffix in ("", "-wal", "-shm"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            os.replace(part, aside.with_name(aside.name + suffix))
    return Catalog.open(path, create=True), f"{_CATALOG_LOST} ({reason}); it is kept as {aside.name} and made again"


def _readable_store(index_dir: Path, store: VectorStore) -> tuple[str, int]:
    """A vector store that answers with an error (a file of it left empty by a full disk, say) is emptied, to be
    filled again by this build, and what was wrong is returned ("" when nothing was); one that cannot be reached,
    or a full disk, stops the build. Also how many vectors it holds (counting takes tens of ms at 500,000)."""
    try:
        return "", store.count()
    except StoreError as exc:
        if exc.unreachable or disk_full(exc, index_dir):
            raise
        store.reset()
        return f"the vector store could not be read ({exc}); it is emptied and filled again", 0


def _check_store(store: VectorStore, catalog: Catalog, base: _Base, report: BuildReport, counted: int | None) -> None:
    """Delete the vectors the last build left as garbage and those of an interrupted build; a store that does not
    match the catalog sets the report's rebuild reason (counted: the store's count, None when not counted)."""
    if base.manifest.garbage:
        store.delete(base.manifest.garbage)
        base.manifest.garbage = []
        base.collected = True
    if counted is None:
        return
    held = catalog.count()
    if (store.count() if base.collected else counted) != held:
        # Vectors of an interrupted build, never committed: nobody uses them.
        extra = sorted(set(store.ids()) - set(catalog.all_ids()))
        if extra:
            store.delete(extra)
        if store.count() != held:
            report.rebuilt = "the vector store does not match the chunk catalog"


_WHITESPACE = re.compile(r"\s+")


def _read_corpus(corpus_dir: Path, base: _Base, catalog: Catalog, max_tokens: int, max_file_bytes: int,
                 report: BuildReport, reader: FileReader) -> _Changes:
    """Parse and chunk every new or changed file into the manifest; files gone (or now copies) leave it. Failures
    are reported, and a known file that now fails keeps its previous version. Copies are found on the normalized
    text, so a GBK or UTF-16 copy of a report is the same report. With a scope, only its entries are looked at
    (and the indexed files sharing their text, to find copies)."""
    changes = _Changes()
    manifest = base.manifest
    digests, seen, stats = _hash_corpus(corpus_dir, manifest, max_file_bytes, report, base.scope)
    reads = _read_files(corpus_dir, digests, manifest, max_tokens, max_file_bytes, report, seen, reader)
    keys = {name: text_key(reads[name].text) if name in reads else manifest.files[name].text_hash
            for name in digests}
    looked_at = set(digests) | seen | (base.scope or set())
    if base.scope is not None:
        for name, entry in catalog.files_with_text(set(keys.values())).items():
            if name not in looked_at:  # indexed outside the scope, unchanged: a copy of it is a copy
                manifest.files[name] = FileEntry(**entry)
                digests[name], keys[name] = entry["hash"], entry["text_hash"]
    for name, key in keys.items():
        old = manifest.files.get(name)
        if old is not None and old.hash == digests[name] and old.text_hash != key:
            old.text_hash = key  # an index written before texts were compared learns its files' keys
            changes.entries.add(name)
        if old is not None and old.hash == digests[name] and name in looked_at and old.stat != stats.get(name, []):
            old.stat = stats.get(name, [])  # known by its content; next time by its stat
            changes.entries.add(name)
    duplicates = _duplicates(keys, manifest)
    if base.scope is not None:  # copies among entries not looked at stay as they were
        duplicates = {**{c: i for c, i in manifest.duplicates.items() if c not in looked_at and i not in looked_at},
                      **duplicates}
    for name, digest in sorted(digests.items()):
        if name in duplicates:
            continue
        seen.add(name)
        old = manifest.files.get(name)
        if old is not None and old.hash == digest:
            report.unchanged += 1
            continue
        parsed, chunks = reads[name].parsed, reads[name].chunks
        new_ids = {c.id for c in chunks}
        if old is not None:
            changes.stale.extend(i for i in catalog.chunk_ids(name) if i not in new_ids)
            changes.gone.append(name)
            report.updated.append(name)
        else:
            report.added.append(name)
        if parsed.notes:
            report.warnings[name] = list(parsed.notes)
        r = parsed.report
        manifest.files[name] = FileEntry(
            hash=digest, title=r.title, region=r.region, year=r.year or 0, period=r.period,
            records=len(parsed.records), text_hash=keys[name],
            stat=stats.get(name, []),
        )
        changes.fresh_files[name] = chunks
    for name in sorted(set(manifest.files) - seen):
        manifest.files.pop(name)
        changes.stale.extend(catalog.chunk_ids(name))
        changes.gone.append(name)
        if name not in duplicates:
            report.removed.append(name)
    report.duplicates = dict(sorted(duplicates.items()))
    changes.duplicates_changed = dict(sorted(duplicates.items())) != dict(sorted(manifest.duplicates.items()))
    manifest.duplicates = duplicates
    return changes


def _hash_corpus(corpus_dir: Path, manifest: Manifest, max_file_bytes: int, report: BuildReport,
                 scope: set[str] | None = None) -> tuple[dict[str, str], set[str], dict[str, list[int]]]:
    """Each readable corpus file's content hash, the names kept although unreadable (their previous version
    stays searchable), and each file's stat to keep; the unreadable and the refused are reported. A refused entry
    (a link leaving the corpus, a pipe, a device) is not kept: whatever an earlier version of it held leaves the
    index. A file whose stat is the one kept with its hash is not read again (adding one report to a large corpus
    would otherwise read every report)."""
    digests: dict[str, str] = {}
    kept: set[str] = set()
    stats: dict[str, list[int]] = {}
    listing = list_corpus(corpus_dir) if scope is None else list_named(corpus_dir, sorted(scope))
    report.failed.extend(FailedFile(error.source, str(error)) for error in listing.refused)
    now = time.time_ns()
    for path in listing.files:
        old = manifest.files.get(path.name)
        try:
            signature = _signature(path, now)
            if old is not None and old.stat and old.stat == signature:
                digests[path.name], stats[path.name] = old.hash, signature
                continue
            digests[path.name] = report_digest(path, corpus_dir, max_file_bytes, VANISHED)
            stats[path.name] = signature
        except MinshengError as exc:
            report.failed.append(FailedFile(path.name, str(exc)))
            if path.name in manifest.files:
                kept.add(path.name)
    return digests, kept, stats


def _signature(path: Path, now: int) -> list[int]:
    """A file's size, mtime, ctime and inode; [] when it changed within _SETTLED_NS of now (another write within
    the same clock tick would leave the same stat: such a file is hashed again next time, as git does)."""
    try:
        st = os.stat(path)
    except OSError:
        return []  # reading it says what is wrong
    if now - max(st.st_mtime_ns, st.st_ctime_ns) < _SETTLED_NS:
        return []
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


# A file's stat is trusted once it has not changed for this long.
_SETTLED_NS = 2_000_000_000


def _read_files(corpus_dir: Path, digests: dict[str, str], manifest: Manifest, max_tokens: int,
                max_file_bytes: int, report: BuildReport, kept: set[str], reader: FileReader) -> dict[str, ReadFile]:
    """The text, parse and chunks (read by the worker, within the file limits) of every file that is new, changed,
    or indexed before its text key was kept. A file that cannot be read, decoded or parsed, or goes past a limit, is
    reported and dropped from digests (kept, when it was indexed before). Many files are read by a second worker
    too, one per core up to two (the worker's parse is most of a large build)."""
    todo = [name for name, digest in sorted(digests.items())
            if not (name in manifest.files and manifest.files[name].hash == digest and manifest.files[name].text_hash)]

    def read(name: str, files: FileReader) -> ReadFile | MinshengError:
        try:
            data = read_report(corpus_dir / name, corpus_dir, max_file_bytes, VANISHED)
            if hashlib.sha256(data).hexdigest() != digests[name]:
                raise ReadError(name, "changed while the corpus was being read; it is picked up next time")
            return files.read(data, name, max_tokens, f"{digests[name]}:{max_tokens}")
        except MinshengError as exc:
            return exc

    if len(todo) >= _TWO_WORKERS_FROM and (os.cpu_count() or 1) > 1:
        with FileReader(reader.limits) as second, ThreadPoolExecutor(2) as pool:
            halves = [pool.submit(lambda names, files: [read(n, files) for n in names], todo[i::2], files)
                      for i, files in enumerate((reader, second))]
            first, other = halves[0].result(), halves[1].result()
        results = dict(zip(todo[0::2], first)) | dict(zip(todo[1::2], other))
    else:
        results = {name: read(name, reader) for name in todo}
    reads: dict[str, ReadFile] = {}
    for name in todo:
        found = results[name]
        if isinstance(found, MinshengError):
            report.failed.append(FailedFile(name, str(found)))
            del digests[name]
            if name in manifest.files:
                kept.add(name)
        else:
            reads[name] = found
    return reads


# From this many files to read, a second reader worker shares the work.
_TWO_WORKERS_FROM = 16


def text_key(text: str) -> str:
    """What two copies of one report share: their normalized text, white space aside (a spreadsheet's export has no
    blank line where the Word file has one)."""
    return hashlib.sha256(_WHITESPACE.sub("", text).encode("utf-8")).hexdigest()


def _duplicates(keys: dict[str, str], manifest: Manifest) -> dict[str, str]:
    """Copies of the same text → the name indexed: the name already indexed with it, else the first name."""
    primary: dict[str, str] = {}
    for name, key in sorted(keys.items(), key=lambda nk: (manifest.files.get(nk[0]) is None
                                                          or manifest.files[nk[0]].text_hash != nk[1], nk[0])):
        primary.setdefault(key, name)
    return {name: primary[k] for name, k in sorted(keys.items()) if primary[k] != name}


# The tokenizer of each catalog this process last committed to, with the generation it is right for: a running
# bot or watcher adding one report updates it by that report's words (making one is ~0.1 s at 1,000 districts).
_TOKENIZERS: dict[str, tuple[int, Tokenizer]] = {}


def _commit(catalog: Catalog, base: _Base, changes: _Changes, vectors: dict[str, bytes]) -> None:
    """Write what changed in one transaction: the rows of gone files out, new chunks in with their tokens and
    vectors, the words the tokenizer keeps whole (rows a changed word occurs in cut again), entries, copies,
    garbage and settings. Readers see the catalog before it or after it."""
    manifest = base.manifest
    fresh_ids = {c.id for c in changes.fresh}
    manifest.garbage = sorted((set(manifest.garbage) | set(changes.stale)) - fresh_ids)
    path = str(catalog.path)
    # Taken out for the transaction: a tokenizer updated for a commit that then fails would cut wrongly later.
    kept = _TOKENIZERS.pop(path, None)
    with catalog.write():
        if base.clear:
            catalog.clear()
        brought = {name: file_words(chunks) for name, chunks in changes.fresh_files.items()}
        # Only words of the files written or removed can come or go; which did is asked of those words alone.
        asked = set().union(*brought.values(), catalog.words_of(changes.gone))
        before = catalog.words_among(asked)
        for name in changes.gone:
            catalog.drop_file(name)
        for name, words in brought.items():
            catalog.put_words(name, words)
        after = catalog.words_among(asked)
        terms = report_terms()  # always kept whole: never added or removed by a file
        added, removed = (after - before) - terms, (before - after) - terms
        if base.clear or base.lexicon_changed:
            tokenizer = Tokenizer(set(catalog.words()) | terms)
            if not base.clear:
                _retokenize(catalog, tokenizer, catalog.query("SELECT row FROM chunks"))
        else:
            # The tokenizer as the catalog was cut before this commit: this process's own, or made from its words.
            tokenizer = kept[1] if kept is not None and kept[0] == catalog.generation() else \
                Tokenizer((set(catalog.words()) - added) | removed | terms)
            if added or removed:
                touched = _rows_touched(catalog, tokenizer, added | removed)
                tokenizer.update(added, removed)
                _retokenize(catalog, tokenizer, touched)
        for name, chunks in changes.fresh_files.items():
            texts = search_texts(chunks)
            catalog.put_chunks(name, chunks, [" ".join(tokenizer.tokens(t, simplified=True)) for t in texts],
                               [vectors.get(c.id) for c in chunks])
            for facts in report_facts(chunks).values():
                catalog.put_report(name, facts.to_json())
        for name in sorted(changes.entries | set(changes.fresh_files)):
            if name in manifest.files:
                catalog.put_file(name, manifest.files[name])
        if changes.duplicates_changed or base.clear:
            catalog.put_duplicates(manifest.duplicates)
        catalog.put_garbage(manifest.garbage)
        settings: dict[str, object] = {"format": FORMAT, "model": manifest.model, "max_tokens": manifest.max_tokens,
                                       "lexicon": manifest.lexicon, "tokens": TOKENS_VERSION}
        if changes.any or base.clear or base.lexicon_changed:
            settings["generation"] = catalog.generation() + 1  # readers load again
        catalog.put_meta(settings)
    _TOKENIZERS[path] = (catalog.generation(), tokenizer)


def _rows_touched(catalog: Catalog, previous: Tokenizer, changed: set[str]) -> list[tuple[int]]:
    """Rows a word the tokenizer now keeps whole, or no longer does, may occur in: those holding every token the
    previous tokenizer cut it into (the keyword index answers; no pass over every text)."""
    rows: set[int] = set()
    for word in changed:
        rows.update(catalog.rows_with_all(previous.tokens(word, simplified=True)))
    return [(row,) for row in sorted(rows)]


def _retokenize(catalog: Catalog, tokenizer: Tokenizer, rows: Sequence[tuple[int]]) -> None:
    """Cut these rows' texts again with the tokenizer (only those whose tokens change are written)."""
    for row, chunk in catalog.rows([r for (r,) in rows]):
        catalog.retokenize(row, " ".join(tokenizer.tokens(chunk.search_text, simplified=True)))


def _remove_old_layout(index_dir: Path) -> None:
    """Files of the layouts before the catalog database (index formats ≤ 17)."""
    for name in (MANIFEST, CHUNKS, MANIFEST + ".tmp", CHUNKS + ".tmp", CURRENT, CURRENT + ".tmp"):
        (index_dir / name).unlink(missing_ok=True)
    shutil.rmtree(index_dir / BM25_DIR, ignore_errors=True)
    for path in index_dir.glob(f"{GENERATION_PREFIX}*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _rebuild_reason(manifest: Manifest | None, meta: dict[str, str], model_name: str, max_tokens: int,
                    full: bool) -> str:
    if full:
        return "--full asked for"
    if manifest is None:
        return ""
    if manifest.model != model_name:
        return f"the embedding model changed ({manifest.model} → {model_name})"
    if manifest.max_tokens != max_tokens:
        return f"the chunk size changed ({manifest.max_tokens} → {max_tokens} tokens)"
    if meta.get("tokens") != str(TOKENS_VERSION):
        return "the keyword rules changed"
    return ""


def _embed_into(store: VectorStore, embedder: Callable[[], Embedder], chunks: list[Chunk],
                progress: ProgressFactory | None, reuse: bool) -> dict[str, bytes]:
    """Vectors of chunks, embedded (the embedder loaded only if some need it) or, reuse: taken from the store when
    it holds them; upserted batch by batch (a large build never holds every vector as Python floats), returned as
    the catalog stores them."""
    present = set(store.ids()) if reuse else set()
    todo = sum(c.id not in present for c in chunks)
    bar = progress(todo, "embedding") if progress and todo else None
    model: Embedder | None = None
    blobs: dict[str, bytes] = {}
    try:
        for start in range(0, len(chunks), _BATCH):
            part = chunks[start:start + _BATCH]
            found = store.vectors([c.id for c in part if c.id in present]) if present else {}
            missing = [c for c in part if c.id not in found]
            if missing:
                model = model or embedder()
                found.update(zip((c.id for c in missing),
                                 model.embed_documents(search_texts(missing), bar.update if bar else None)))
            vectors = [found[c.id] for c in part]
            # The store holds vectors and the fields its filter reads; the text is the catalog's (not kept twice).
            store.upsert([c.id for c in part], vectors, [""] * len(part),
                         [{name: getattr(c, name) for name in STORE_FIELDS} for c in part])
            blobs.update((c.id, vector_blob(v)) for c, v in zip(part, vectors))
    finally:
        if bar:
            bar.close()
    return blobs


# The chunk fields a search's vector-store filter reads (index/search/filters.py).
STORE_FIELDS = ("region", "year", "period")
# Chunks embedded and upserted at a time.
_BATCH = 2048


def file_words(chunks: Iterable[Chunk]) -> set[str]:
    """The words chunks bring to jieba: their places by every name, lead units, section names."""
    words: set[str] = set()
    # Each distinct value once: a large index repeats the same districts, units and sections many times.
    regions, units, sections = set(), set(), set()
    for chunk in chunks:
        regions.add((chunk.region, chunk.place))
        if not chunk.is_passage:  # a passage's heading is a line of text, not a name
            units.add(chunk.lead_unit)
            sections.add(chunk.section)
    gaz = gazetteer()
    for region, path in regions:
        if not region:
            continue
        words.add(region)
        # The place and the units above it, by every name (济宁高新区, 济宁高新, 济宁市, 济宁, 山东 …).
        found = gaz.by_path(path.split("/")) if path else None
        for place in gaz.path(found) if found else gaz.named(region):
            words.update(gaz.names(place))
    for lead in units:
        for unit in split_units(lead):
            words.add(unit)
            words.add(bare_unit(unit))
    for raw in sections:
        section = SECTION_NUMBER_OR_REMARK.sub("", raw).strip()
        if 2 <= len(section) <= 10:
            words.add(section)
    return {w for w in words if len(w) >= 2}
