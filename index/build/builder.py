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

from index.build.catalog import (
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
from index.build.chunk import Chunk, chunk_report, search_texts
from index.build.embed import Embedder
from index.build.layout import BM25_DIR, CHUNKS, LOCK, MANIFEST
from index.build.lexical import LexicalIndex
from index.build.store import VectorStore
from index.build.vectors import assemble, read_vectors, write_vectors
from index.errors import MinshengError, ReadError
from index.ingest.load import corpus_files, parse_bytes, read_bytes, read_errors
from index.ingest.meta import short_forms
from index.wording import lexicon_version, report_terms

# One report larger than this is refused with a message (memory stays bounded); config.toml can raise it.
MAX_FILE_BYTES = 20_000_000
_VANISHED = "disappeared while the corpus was being read"


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

    def to_json(self) -> dict[str, object]:
        """The JSON object of `minsheng index --json` (without the internal rebuild reason)."""
        data = asdict(self)
        data.pop("rebuilt")
        data.pop("duplicates")  # the JSON line's keys are a contract; duplicates are printed as text
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
) -> BuildReport:
    """Bring the index in line with the corpus, under the build lock. Readers keep the live generation until
    the new one is complete and published; the embedder is only loaded when something needs embedding."""
    with index_lock(index_dir, wait):
        return _build(corpus_dir, index_dir, store, embedder, model_name, max_tokens, full, progress,
                      max_file_bytes)


def _build(corpus_dir: Path, index_dir: Path, store: VectorStore, embedder: Callable[[], Embedder], model_name: str,
           max_tokens: int, full: bool, progress: ProgressFactory | None, max_file_bytes: int) -> BuildReport:
    started = time.monotonic()
    report = BuildReport()
    live = live_dir(index_dir)
    # Directories of interrupted builds and generations two builds old; the live and the previous stay.
    prune_generations(index_dir, [live.name] if live else [])
    manifest = read_manifest(index_dir)
    report.rebuilt = _rebuild_reason(manifest, model_name, max_tokens, full)
    stale_fmt = stale_format(index_dir)
    if stale_fmt is not None and not report.rebuilt:
        report.rebuilt = f"the index was written by another version (index format {stale_fmt}, now {FORMAT})"
    catalog: dict[str, Chunk] = {}
    live_order: list[str] = []  # the live generation's chunk ids in catalog order (its vector matrix's rows)
    collected = False
    if manifest is not None and not report.rebuilt:
        try:
            catalog = {c.id: c for c in read_chunks(index_dir)}
            live_order = list(catalog)
        except (IndexMissing, ValueError, KeyError, TypeError):
            report.rebuilt = "the chunk catalog is missing or damaged"
        else:
            if manifest.garbage:
                store.delete(manifest.garbage)
                manifest.garbage = []
                collected = True
            if store.count() != len(catalog):
                # Vectors of an interrupted build, never published: nobody uses them.
                extra = sorted(set(store.ids()) - set(catalog))
                if extra:
                    store.delete(extra)
                if store.count() != len(catalog):
                    report.rebuilt = "the vector store does not match the chunk catalog"
    if manifest is None or report.rebuilt:
        # Content-addressed ids: re-embedding rewrites the same ids with the same vectors, so the live
        # generation keeps working during a rebuild; what it no longer needs is collected next time.
        previous = set(catalog) | {i for e in manifest.files.values() for i in e.chunks} if manifest else set()
        manifest = Manifest(model=model_name, max_tokens=max_tokens, garbage=sorted(previous))
        catalog = {}
    lexicon_changed = manifest.lexicon != lexicon_version()
    manifest.lexicon = lexicon_version()

    fresh: list[Chunk] = []
    stale: list[str] = []
    seen: set[str] = set()
    # Copies of the same content are indexed once, under the name already indexed (else the first name).
    digests: dict[str, str] = {}
    for path in corpus_files(corpus_dir):
        try:
            digests[path.name] = file_digest(path, max_file_bytes)
        except MinshengError as exc:
            report.failed.append(FailedFile(path.name, str(exc)))
            if path.name in manifest.files:
                seen.add(path.name)  # the previous version of a now-broken file stays searchable
    primary: dict[str, str] = {}
    for name, digest in sorted(digests.items(), key=lambda nd: (manifest.files.get(nd[0]) is None
                                                                 or manifest.files[nd[0]].hash != nd[1], nd[0])):
        primary.setdefault(digest, name)
    duplicates = {name: primary[d] for name, d in sorted(digests.items()) if primary[d] != name}
    for name, digest in sorted(digests.items()):
        if name in duplicates:
            continue
        seen.add(name)
        old = manifest.files.get(name)
        if old is not None and old.hash == digest:
            report.unchanged += 1
            continue
        try:
            data = read_file(corpus_dir / name, max_file_bytes)
            if hashlib.sha256(data).hexdigest() != digest:
                raise ReadError(name, "changed while the corpus was being read; it is picked up next time")
            parsed = parse_bytes(data, name)
        except MinshengError as exc:
            report.failed.append(FailedFile(name, str(exc)))
            if old is None:
                seen.discard(name)
            continue
        chunks = chunk_report(parsed, max_tokens, key=f"{digest}:{max_tokens}")
        new_ids = {c.id for c in chunks}
        if old is not None:
            stale.extend(i for i in old.chunks if i not in new_ids)
            report.updated.append(name)
        else:
            report.added.append(name)
        r = parsed.report
        manifest.files[name] = FileEntry(
            hash=digest, title=r.title, region=r.region, year=r.year or 0, period=r.period,
            records=len(parsed.records), chunks=[c.id for c in chunks],
        )
        fresh.extend(chunks)
    for name in sorted(set(manifest.files) - seen):
        stale.extend(manifest.files.pop(name).chunks)
        if name not in duplicates:
            report.removed.append(name)
    report.duplicates = dict(sorted(duplicates.items()))
    duplicates_changed = duplicates != manifest.duplicates
    manifest.duplicates = duplicates

    vectors = _embed_into(store, embedder(), fresh, progress) if fresh else {}
    for chunk_id in stale:
        catalog.pop(chunk_id, None)
    catalog.update((c.id, c) for c in fresh)
    ordered = sorted(catalog.values(), key=lambda c: (c.source, c.record, c.part))
    changed = bool(fresh or stale or lexicon_changed or report.rebuilt or live is None or duplicates_changed)
    if changed:
        manifest.garbage = sorted((set(manifest.garbage) | set(stale)) - set(catalog))
        gen_dir = new_generation(index_dir)
        write_chunks(gen_dir, ordered)
        # The last build's tokens are reused unless it was of another model, format or chunk size.
        previous = live / BM25_DIR if live is not None and not report.rebuilt else None
        lexical = LexicalIndex.build([c.id for c in ordered], search_texts(ordered), vocabulary(ordered), previous)
        lexical.save(gen_dir / BM25_DIR)
        kept = read_vectors(live, len(live_order)) if previous is not None and live is not None else None
        matrix = assemble([c.id for c in ordered], vectors, live_order, kept, store.vectors)
        if matrix is not None:
            write_vectors(gen_dir, matrix)
        write_manifest(gen_dir, manifest)
        # The one step readers see: before it they use the old generation, after it the new one.
        publish(index_dir, gen_dir)
        prune_generations(index_dir, [gen_dir.name] + ([live.name] if live else []))
        _remove_old_layout(index_dir)
    elif collected and live is not None:
        write_manifest(live, manifest)  # only the garbage list changed; the catalog readers use did not
    report.records = sum(entry.records for entry in manifest.files.values())
    report.chunks = len(ordered)
    report.seconds = time.monotonic() - started
    return report


def _remove_old_layout(index_dir: Path) -> None:
    """Files of the single-directory layout (index formats 1–2), superseded by generations."""
    for name in (MANIFEST, CHUNKS, MANIFEST + ".tmp", CHUNKS + ".tmp"):
        (index_dir / name).unlink(missing_ok=True)
    shutil.rmtree(index_dir / BM25_DIR, ignore_errors=True)


def file_digest(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The sha256 of a corpus file, read in blocks (bounded memory); size and read errors name the file."""
    _check_size(path, max_bytes)
    digest = hashlib.sha256()
    with read_errors(path, _VANISHED), path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_size(path: Path, max_bytes: int) -> None:
    with read_errors(path, _VANISHED):
        size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(path.name, f"is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit for one "
                                   "report ([index] max_file_mb in config.toml); split it or raise the limit")


def read_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """A corpus file's bytes, refused with a message when larger than max_bytes (memory stays bounded)."""
    _check_size(path, max_bytes)
    data = read_bytes(path, _VANISHED)
    if len(data) > max_bytes:  # it grew while we looked
        raise ReadError(path.name, f"is over the {max_bytes / 1e6:.0f} MB limit for one report")
    return data


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


_SECTION_NOISE = re.compile(r"^[一二三四五六七八九十\d]+[、.．]\s*|[(（][^)）]*[)）]")


def vocabulary(chunks: Iterable[Chunk]) -> set[str]:
    """Words jieba must keep whole: districts and their short names, lead units, project names, report terms."""
    words: set[str] = set(report_terms())
    # Each distinct value once: a large index repeats the same districts, units and sections many times.
    regions, units, sections = set(), set(), set()
    for chunk in chunks:
        regions.add(chunk.region)
        units.add(chunk.lead_unit)
        sections.add(chunk.section)
    for region in regions - {""}:
        words.add(region)
        words.update(short_forms(region))
    for lead in units:
        for unit in split_units(lead):
            words.add(unit)
            words.add(bare_unit(unit))
    for raw in sections:
        section = _SECTION_NOISE.sub("", raw).strip()
        if 2 <= len(section) <= 10:
            words.add(section)
    return {w for w in words if len(w) >= 2}
