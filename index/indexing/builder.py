"""Incremental index build: hash the corpus files, re-embed only what changed, rebuild BM25 from the catalog."""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import time
from contextlib import contextmanager
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
    live_dir,
    new_generation,
    prune_generations,
    publish,
    read_chunks,
    read_manifest,
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
from minsheng.index.indexing.store import VectorStore
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
    duplicates: dict[str, str] = field(default_factory=dict)  # a copy's name → the name indexed
    # A file read this run → what is doubtful about it ("place: read from the file name only …").
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The JSON object of `minsheng index --json` (without the internal rebuild reason)."""
        data = asdict(self)
        data.pop("rebuilt")
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
) -> BuildReport:
    """Bring the index in line with the corpus, under the build lock. Readers keep the live generation until
    the new one is complete and published; the embedder is only loaded when something needs embedding."""
    with index_lock(index_dir, wait):
        return _build(corpus_dir, index_dir, store, embedder, model_name, max_tokens, full, progress,
                      max_file_bytes, limits)


def _build(corpus_dir: Path, index_dir: Path, store: VectorStore, embedder: Callable[[], Embedder], model_name: str,
           max_tokens: int, full: bool, progress: ProgressFactory | None, max_file_bytes: int,
           limits: FileLimits) -> BuildReport:
    started = time.monotonic()
    report = BuildReport()
    base = _starting_point(index_dir, store, model_name, max_tokens, full, report)
    with FileReader(limits) as reader:
        changes = _read_corpus(corpus_dir, base.manifest, max_tokens, max_file_bytes, report, reader)
    vectors = _embed_into(store, embedder(), changes.fresh, progress) if changes.fresh else {}
    for chunk_id in changes.stale:
        base.catalog.pop(chunk_id, None)
    base.catalog.update((c.id, c) for c in changes.fresh)
    ordered = sorted(base.catalog.values(), key=lambda c: (c.source, c.record, c.part))
    if changes.any or base.lexicon_changed or report.rebuilt or base.live is None:
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
    """The live generation's manifest and catalog when they can be built on (garbage collected, the store checked),
    else a fresh manifest; the reason for rebuilding goes into the report."""
    live = live_dir(index_dir)
    # Directories of interrupted builds and generations two builds old; the live and the previous stay.
    prune_generations(index_dir, [live.name] if live else [])
    manifest = read_manifest(index_dir)
    report.rebuilt = _rebuild_reason(manifest, model_name, max_tokens, full)
    stale_fmt = stale_format(index_dir)
    if stale_fmt is not None and not report.rebuilt:
        report.rebuilt = f"the index was written by another version (index format {stale_fmt}, now {FORMAT})"
    base = _Base(manifest or Manifest(model=model_name, max_tokens=max_tokens), {}, live, [])
    if manifest is not None and not report.rebuilt:
        _load_live(index_dir, store, base, report)
    if manifest is None or report.rebuilt:
        # Content-addressed ids: re-embedding rewrites the same ids with the same vectors, so the live
        # generation keeps working during a rebuild; what it no longer needs is collected next time.
        previous = set(base.catalog) | {i for e in manifest.files.values() for i in e.chunks} if manifest else set()
        base.manifest = Manifest(model=model_name, max_tokens=max_tokens, garbage=sorted(previous))
        base.catalog = {}
    base.lexicon_changed = base.manifest.lexicon != lexicon_version()
    base.manifest.lexicon = lexicon_version()
    return base


def _load_live(index_dir: Path, store: VectorStore, base: _Base, report: BuildReport) -> None:
    """Read the live catalog, delete the vectors the last build left as garbage and those of an interrupted build;
    a catalog or store that cannot be trusted sets the report's rebuild reason."""
    try:
        base.catalog = {c.id: c for c in read_chunks(index_dir)}
        base.live_order = list(base.catalog)
    except (IndexMissing, ValueError, KeyError, TypeError):
        report.rebuilt = "the chunk catalog is missing or damaged"
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
    digests, seen = _hash_corpus(corpus_dir, manifest, max_file_bytes, report)
    reads = _read_files(corpus_dir, digests, manifest, max_tokens, max_file_bytes, report, seen, reader)
    keys = {name: _text_key(reads[name].text) if name in reads else manifest.files[name].text_hash
            for name in digests}
    for name, key in keys.items():
        old = manifest.files.get(name)
        if old is not None and old.hash == digests[name] and old.text_hash != key:
            old.text_hash = key  # an index written before texts were compared learns its files' keys
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
                 report: BuildReport) -> tuple[dict[str, str], set[str]]:
    """Each readable corpus file's content hash, and the names kept although unreadable (their previous version
    stays searchable); the unreadable and the refused are reported. A refused entry (a link leaving the corpus, a
    pipe, a device) is not kept: whatever an earlier version of it held leaves the index."""
    digests: dict[str, str] = {}
    kept: set[str] = set()
    listing = list_corpus(corpus_dir)
    report.failed.extend(FailedFile(error.source, str(error)) for error in listing.refused)
    for path in listing.files:
        try:
            digests[path.name] = report_digest(path, corpus_dir, max_file_bytes, VANISHED)
        except MinshengError as exc:
            report.failed.append(FailedFile(path.name, str(exc)))
            if path.name in manifest.files:
                kept.add(path.name)
    return digests, kept


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


def _text_key(text: str) -> str:
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


def _embed_into(store: VectorStore, embedder: Embedder, chunks: list[Chunk],
                progress: ProgressFactory | None) -> dict[str, list[float]]:
    bar = progress(len(chunks), "embedding") if progress else None
    try:
        vectors = embedder.embed_documents(search_texts(chunks), bar.update if bar else None)
    finally:
        if bar:
            bar.close()
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
