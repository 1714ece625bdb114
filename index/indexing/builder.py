"""Incremental index build: hash the corpus files, re-embed only what changed, rebuild BM25 from the catalog."""
from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import shutil
import time
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

from minsheng.index.errors import MinshengError, ReadError
from minsheng.index.indexing.catalog import (
    FORMAT,
    FileEntry,
    IndexMissing,
    Manifest,
    bare_unit,
    chunks_of,
    generations,
    index_damage,
    live_dir,
    manifest_of,
    missing_parts,
    named_generation,
    new_generation,
    prune_generations,
    publish,
    split_units,
    stale_format,
    write_chunks,
    write_manifest,
)
from minsheng.index.indexing.chunk import Chunk, search_texts
from minsheng.index.indexing.embed import Embedder
from minsheng.index.indexing.layout import BM25_DIR, CHUNKS, LOCK, MANIFEST
from minsheng.index.indexing.lexical import LexicalIndex
from minsheng.index.indexing.reader import DEFAULT_LIMITS, FileLimits, FileReader, ReadFile
from minsheng.index.indexing.store import StoreError, VectorStore
from minsheng.index.indexing.vectors import assemble, read_vectors, write_vectors
from minsheng.index.ingest.corpus import MAX_FILE_BYTES, VANISHED, list_corpus, read_report, report_digest
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
) -> BuildReport:
    """Bring the index in line with the corpus, under the build lock. Readers keep the live generation until
    the new one is complete and published; the embedder is only loaded when something needs embedding. Files are
    read by `reader` when given (a long-running indexer keeps its worker warm: starting one costs most of the time
    of adding one report), else by a worker of this build within `limits`."""
    with index_lock(index_dir, wait):
        try:
            with nullcontext(reader) if reader is not None else FileReader(limits) as files:
                return _build(corpus_dir, index_dir, store, embedder, model_name, max_tokens, full, progress,
                              max_file_bytes, files)
        except (OSError, StoreError) as exc:
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
           reader: FileReader) -> BuildReport:
    started = time.monotonic()
    report = BuildReport()
    base = _starting_point(index_dir, store, model_name, max_tokens, full, report)
    changes = _read_corpus(corpus_dir, base.manifest, max_tokens, max_file_bytes, report, reader)
    # Repairing, the chunks the damaged generation held are in the store already (ids are content-addressed):
    # their vectors are taken from it, not embedded again.
    reuse = report.repaired and report.rebuilt in ("", _CATALOG_LOST)  # never across versions, models or --full
    stored = store.vectors([c.id for c in changes.fresh]) if changes.fresh and reuse else {}
    vectors = _embed_into(store, embedder, changes.fresh, progress, stored) if changes.fresh else {}
    for chunk_id in changes.stale:
        base.catalog.pop(chunk_id, None)
    base.catalog.update((c.id, c) for c in changes.fresh)
    ordered = sorted(base.catalog.values(), key=lambda c: (c.source, c.record, c.part))
    if changes.any or base.lexicon_changed or report.rebuilt or report.repaired or base.live is None:
        _publish_generation(index_dir, store, base, changes.stale, ordered, vectors, reuse=not report.rebuilt)
    elif (base.collected or changes.manifest_only) and base.live is not None:
        write_manifest(base.live, base.manifest)  # the catalog readers use did not change
    report.records = sum(entry.records for entry in base.manifest.files.values())
    report.chunks = len(ordered)
    report.seconds = time.monotonic() - started
    return report


@dataclass
class _Base:
    """What a build starts from: the manifest it updates, the chunks it keeps, and the live generation."""

    manifest: Manifest
    catalog: dict[str, Chunk]
    live: Path | None
    live_order: list[str]  # the live generation's chunk ids in catalog order (its vector matrix's rows)
    collected: bool = False  # vectors the previous build left as garbage were deleted
    lexicon_changed: bool = False


@dataclass
class _Changes:
    """What the corpus changed: chunks to embed, chunk ids no longer used, and copies of the same content."""

    fresh: list[Chunk] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    duplicates_changed: bool = False
    manifest_only: bool = False  # only file entries' text keys were filled in

    @property
    def any(self) -> bool:
        """Whether the catalog or the duplicates differ from the live generation's."""
        return bool(self.fresh or self.stale or self.duplicates_changed)


def _starting_point(index_dir: Path, store: VectorStore, model_name: str, max_tokens: int, full: bool,
                    report: BuildReport) -> _Base:
    """The newest generation whose manifest and catalog can be read and built on (garbage collected, the store
    checked), else a fresh manifest; the reason for rebuilding goes into the report, and what was damaged (CURRENT,
    a part of the live generation) into report.repaired: this build publishes a whole generation again."""
    store_damage = _readable_store(index_dir, store)
    serving = live_dir(index_dir)
    gen, manifest, chunks = _base_generation(index_dir, serving)
    damage = index_damage(index_dir)
    stale_fmt = stale_format(index_dir)
    had_generations = bool(generations(index_dir))
    # Directories of interrupted builds and generations two builds old; the one built on and the one answering stay.
    prune_generations(index_dir, [p.name for p in (gen, serving) if p is not None])
    if stale_fmt is not None:
        report.rebuilt = f"the index was written by another version (index format {stale_fmt}, now {FORMAT})"
    else:
        report.rebuilt = _rebuild_reason(manifest, model_name, max_tokens, full)
    if store_damage:
        report.repaired = store_damage
        report.rebuilt = report.rebuilt or "the vector store could not be read"
    elif stale_fmt is None and gen is not None and (damage or gen != serving or missing_parts(gen)):
        report.repaired = damage or f"{gen.name} is built on, as the newest generation whose catalog can be read"
    elif stale_fmt is None and gen is None and had_generations:
        report.repaired = damage or _CATALOG_LOST
        report.rebuilt = report.rebuilt or _CATALOG_LOST
    base = _Base(manifest or Manifest(model=model_name, max_tokens=max_tokens), {}, gen, [])
    if manifest is not None and chunks is not None and not report.rebuilt:
        _load_live(store, base, chunks, report, check_store=not report.repaired)
    if manifest is None or report.rebuilt:
        # Content-addressed ids: re-embedding rewrites the same ids with the same vectors, so the live
        # generation keeps working during a rebuild; what it no longer needs is collected next time.
        previous = set(base.catalog) | {i for e in manifest.files.values() for i in e.chunks} if manifest else set()
        base.manifest = Manifest(model=model_name, max_tokens=max_tokens, garbage=sorted(previous))
        base.catalog = {}
    base.lexicon_changed = base.manifest.lexicon != lexicon_version()
    base.manifest.lexicon = lexicon_version()
    return base


_CATALOG_LOST = "the chunk catalog or manifest is missing or damaged in every generation"


def _readable_store(index_dir: Path, store: VectorStore) -> str:
    """A vector store that answers with an error (a file of it left empty by a full disk, say) is emptied, to be
    filled again by this build, and what was wrong is returned ("" when nothing was); one that cannot be reached,
    or a full disk, stops the build."""
    try:
        store.count()
    except StoreError as exc:
        if exc.unreachable or disk_full(exc, index_dir):
            raise
        store.reset()
        return f"the vector store could not be read ({exc}); it is emptied and filled again"
    return ""


def _base_generation(index_dir: Path, serving: Path | None) -> tuple[Path | None, Manifest | None, list[Chunk] | None]:
    """The generation a build starts from: the one CURRENT names when its manifest and catalog read (a part derived
    from them, such as BM25, may be missing: it is written again), else the one answering, else the newest that
    reads."""
    named = named_generation(index_dir)
    order = [g for g in (named, serving) if g is not None] + generations(index_dir)
    for gen in dict.fromkeys(order):
        manifest = manifest_of(gen)
        if manifest is None:
            continue
        try:
            return gen, manifest, chunks_of(index_dir, gen)
        except IndexMissing:
            continue
    return None, None, None


def _load_live(store: VectorStore, base: _Base, chunks: list[Chunk], report: BuildReport,
               check_store: bool = True) -> None:
    """Take the base generation's catalog, delete the vectors the last build left as garbage and those of an
    interrupted build; a store that cannot be trusted sets the report's rebuild reason. Not when repairing
    (check_store False): the store then holds the vectors of the damaged generation too, to be taken again."""
    base.catalog = {c.id: c for c in chunks}
    base.live_order = list(base.catalog)
    if not check_store:
        return
    if base.manifest.garbage:
        store.delete(base.manifest.garbage)
        base.manifest.garbage = []
        base.collected = True
    if store.count() != len(base.catalog):
        # Vectors of an interrupted build, never published: nobody uses them.
        extra = sorted(set(store.ids()) - set(base.catalog))
        if extra:
            store.delete(extra)
        if store.count() != len(base.catalog):
            report.rebuilt = "the vector store does not match the chunk catalog"


_WHITESPACE = re.compile(r"\s+")


def _read_corpus(corpus_dir: Path, manifest: Manifest, max_tokens: int, max_file_bytes: int,
                 report: BuildReport, reader: FileReader) -> _Changes:
    """Parse and chunk every new or changed file into the manifest; files gone (or now copies) leave it. Failures
    are reported, and a known file that now fails keeps its previous version. Copies are found on the normalized
    text, so a GBK or UTF-16 copy of a report is the same report."""
    changes = _Changes()
    digests, seen, stats = _hash_corpus(corpus_dir, manifest, max_file_bytes, report)
    reads = _read_files(corpus_dir, digests, manifest, max_tokens, max_file_bytes, report, seen, reader)
    keys = {name: text_key(reads[name].text) if name in reads else manifest.files[name].text_hash
            for name in digests}
    for name, key in keys.items():
        old = manifest.files.get(name)
        if old is not None and old.hash == digests[name] and old.text_hash != key:
            old.text_hash = key  # an index written before texts were compared learns its files' keys
            changes.manifest_only = True
        if old is not None and old.hash == digests[name] and old.stat != stats.get(name, []):
            old.stat = stats.get(name, [])  # known by its content; next time by its stat
            changes.manifest_only = True
    duplicates = _duplicates(keys, manifest)
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
            changes.stale.extend(i for i in old.chunks if i not in new_ids)
            report.updated.append(name)
        else:
            report.added.append(name)
        if parsed.notes:
            report.warnings[name] = list(parsed.notes)
        r = parsed.report
        manifest.files[name] = FileEntry(
            hash=digest, title=r.title, region=r.region, year=r.year or 0, period=r.period,
            records=len(parsed.records), chunks=[c.id for c in chunks], text_hash=keys[name],
            stat=stats.get(name, []),
        )
        changes.fresh.extend(chunks)
    for name in sorted(set(manifest.files) - seen):
        changes.stale.extend(manifest.files.pop(name).chunks)
        if name not in duplicates:
            report.removed.append(name)
    report.duplicates = dict(sorted(duplicates.items()))
    changes.duplicates_changed = duplicates != manifest.duplicates
    manifest.duplicates = duplicates
    return changes


def _hash_corpus(corpus_dir: Path, manifest: Manifest, max_file_bytes: int,
                 report: BuildReport) -> tuple[dict[str, str], set[str], dict[str, list[int]]]:
    """Each readable corpus file's content hash, the names kept although unreadable (their previous version
    stays searchable), and each file's stat to keep; the unreadable and the refused are reported. A refused entry
    (a link leaving the corpus, a pipe, a device) is not kept: whatever an earlier version of it held leaves the
    index. A file whose stat is the one kept with its hash is not read again (adding one report to a large corpus
    would otherwise read every report)."""
    digests: dict[str, str] = {}
    kept: set[str] = set()
    stats: dict[str, list[int]] = {}
    listing = list_corpus(corpus_dir)
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
    reported and dropped from digests (kept, when it was indexed before)."""
    reads: dict[str, ReadFile] = {}
    failed: list[str] = []
    for name, digest in sorted(digests.items()):
        old = manifest.files.get(name)
        if old is not None and old.hash == digest and old.text_hash:
            continue
        try:
            data = read_report(corpus_dir / name, corpus_dir, max_file_bytes, VANISHED)
            if hashlib.sha256(data).hexdigest() != digest:
                raise ReadError(name, "changed while the corpus was being read; it is picked up next time")
            reads[name] = reader.read(data, name, max_tokens, f"{digest}:{max_tokens}")
        except MinshengError as exc:
            report.failed.append(FailedFile(name, str(exc)))
            failed.append(name)
            if old is not None:
                kept.add(name)
    for name in failed:
        del digests[name]
    return reads


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


def _publish_generation(index_dir: Path, store: VectorStore, base: _Base, stale: list[str], ordered: list[Chunk],
                        vectors: dict[str, list[float]], reuse: bool) -> None:
    """Write a new generation (catalog, BM25, vector matrix, manifest) and make it the live one; reuse: the last
    build's tokens and vectors may be kept (it was of the same model, format and chunk size)."""
    manifest, live = base.manifest, base.live
    manifest.garbage = sorted((set(manifest.garbage) | set(stale)) - set(base.catalog))
    gen_dir = new_generation(index_dir)
    write_chunks(gen_dir, ordered)
    previous = live / BM25_DIR if live is not None and reuse else None
    lexical = LexicalIndex.build([c.id for c in ordered], search_texts(ordered), vocabulary(ordered), previous)
    lexical.save(gen_dir / BM25_DIR)
    kept = read_vectors(live, len(base.live_order)) if previous is not None and live is not None else None
    matrix = assemble([c.id for c in ordered], vectors, base.live_order, kept, store.vectors)
    if matrix is not None:
        write_vectors(gen_dir, matrix)
    write_manifest(gen_dir, manifest)
    # The one step readers see: before it they use the old generation, after it the new one.
    publish(index_dir, gen_dir)
    prune_generations(index_dir, [gen_dir.name] + ([live.name] if live else []))
    _remove_old_layout(index_dir)


def _remove_old_layout(index_dir: Path) -> None:
    """Files of the single-directory layout (index formats 1–2), superseded by generations."""
    for name in (MANIFEST, CHUNKS, MANIFEST + ".tmp", CHUNKS + ".tmp"):
        (index_dir / name).unlink(missing_ok=True)
    shutil.rmtree(index_dir / BM25_DIR, ignore_errors=True)


def _rebuild_reason(manifest: Manifest | None, model_name: str, max_tokens: int, full: bool) -> str:
    if full:
        return "--full asked for"
    if manifest is None:
        return ""
    if manifest.model != model_name:
        return f"the embedding model changed ({manifest.model} → {model_name})"
    if manifest.max_tokens != max_tokens:
        return f"the chunk size changed ({manifest.max_tokens} → {max_tokens} tokens)"
    return ""


def _embed_into(store: VectorStore, embedder: Callable[[], Embedder], chunks: list[Chunk],
                progress: ProgressFactory | None, stored: dict[str, list[float]]) -> dict[str, list[float]]:
    """Vectors of chunks, embedded (the embedder loaded only if some need it) or taken from `stored`, upserted."""
    todo = [c for c in chunks if c.id not in stored]
    found = dict(stored)
    if todo:
        bar = progress(len(todo), "embedding") if progress else None
        try:
            found.update(zip((c.id for c in todo), embedder().embed_documents(search_texts(todo),
                                                                              bar.update if bar else None)))
        finally:
            if bar:
                bar.close()
    vectors = [found[c.id] for c in chunks]
    store.upsert([c.id for c in chunks], vectors, [c.text for c in chunks], [c.metadata() for c in chunks])
    return {c.id: v for c, v in zip(chunks, vectors)}




def vocabulary(chunks: Iterable[Chunk]) -> set[str]:
    """Words jieba must keep whole: districts and their short names, lead units, project names, report terms."""
    words: set[str] = set(report_terms())
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
