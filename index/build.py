"""Incremental index build: hash the corpus files, re-embed only what changed, rebuild BM25 from the catalog."""
from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol

from index.catalog import FORMAT, MANIFEST, FileEntry, IndexMissing, Manifest, bare_unit, read_chunks, read_manifest, split_units, stale_format, write_chunks, write_json_atomic
from index.chunk import Chunk, chunk_report
from index.embed import Embedder
from index.errors import MinshengError
from index.lexical import LexicalIndex
from index.load import corpus_files, parse_bytes, read_bytes
from index.meta import short_forms
from index.store import VectorStore
from index.wording import lexicon_version, report_terms

BM25_DIR = "bm25"


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

    def to_json(self) -> dict[str, object]:
        """The JSON object of `minsheng index --json` (without the internal rebuild reason)."""
        data = asdict(self)
        data.pop("rebuilt")
        data["seconds"] = round(self.seconds, 2)
        return data


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    store: VectorStore,
    embedder: Callable[[], Embedder],
    model_name: str,
    max_tokens: int,
    full: bool = False,
    progress: ProgressFactory | None = None,
) -> BuildReport:
    """Bring the index in line with the corpus; the embedder is only loaded when something needs embedding."""
    started = time.monotonic()
    report = BuildReport()
    manifest = read_manifest(index_dir)
    report.rebuilt = _rebuild_reason(manifest, model_name, max_tokens, full)
    stale = stale_format(index_dir)
    if stale is not None and not report.rebuilt:
        report.rebuilt = f"the index was written by another version (index format {stale}, now {FORMAT})"
    catalog: dict[str, Chunk] = {}
    if manifest is not None and not report.rebuilt:
        try:
            catalog = {c.id: c for c in read_chunks(index_dir)}
        except (IndexMissing, ValueError, KeyError, TypeError):
            report.rebuilt = "the chunk catalog is missing or damaged"
        else:
            if store.count() != len(catalog):
                report.rebuilt = "the vector store does not match the chunk catalog"
    if manifest is None or report.rebuilt:
        store.reset()
        manifest = Manifest(model=model_name, max_tokens=max_tokens)
        catalog = {}
    lexicon_changed = manifest.lexicon != lexicon_version()
    manifest.lexicon = lexicon_version()

    fresh: list[Chunk] = []
    stale: list[str] = []
    seen: set[str] = set()
    for path in corpus_files(corpus_dir):
        seen.add(path.name)
        old = manifest.files.get(path.name)
        try:
            data = read_bytes(path)
            digest = hashlib.sha256(data).hexdigest()
            if old is not None and old.hash == digest:
                report.unchanged += 1
                continue
            parsed = parse_bytes(data, path.name)
        except MinshengError as exc:
            # The previous version of a now-broken file stays searchable: losing it helps nobody.
            report.failed.append(FailedFile(path.name, str(exc)))
            continue
        chunks = chunk_report(parsed, max_tokens)
        new_ids = {c.id for c in chunks}
        if old is not None:
            stale.extend(i for i in old.chunks if i not in new_ids)
            report.updated.append(path.name)
        else:
            report.added.append(path.name)
        r = parsed.report
        manifest.files[path.name] = FileEntry(
            hash=digest, title=r.title, region=r.region, year=r.year or 0, period=r.period,
            records=len(parsed.records), chunks=[c.id for c in chunks],
        )
        fresh.extend(chunks)
    for name in sorted(set(manifest.files) - seen):
        stale.extend(manifest.files.pop(name).chunks)
        report.removed.append(name)

    if fresh:
        _embed_into(store, embedder(), fresh, progress)
    if stale:
        store.delete(stale)
    for chunk_id in stale:
        catalog.pop(chunk_id, None)
    catalog.update((c.id, c) for c in fresh)
    ordered = sorted(catalog.values(), key=lambda c: (c.source, c.record, c.part))
    if fresh or stale or lexicon_changed or not (index_dir / BM25_DIR).exists():
        write_chunks(index_dir, ordered)
        lexical = LexicalIndex.build([c.id for c in ordered], [c.search_text for c in ordered], vocabulary(ordered))
        lexical.save(index_dir / BM25_DIR)
    # The manifest goes last: a run that dies before this point is redone by the next one.
    write_json_atomic(index_dir / MANIFEST, json.dumps(manifest.to_json(), ensure_ascii=False, indent=1))
    report.records = sum(entry.records for entry in manifest.files.values())
    report.chunks = len(ordered)
    report.seconds = time.monotonic() - started
    return report


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


def _embed_into(store: VectorStore, embedder: Embedder, chunks: list[Chunk], progress: ProgressFactory | None) -> None:
    bar = progress(len(chunks), "embedding") if progress else None
    try:
        vectors = embedder.embed_documents([c.search_text for c in chunks], bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    store.upsert([c.id for c in chunks], vectors, [c.text for c in chunks], [c.metadata() for c in chunks])


_SECTION_NOISE = re.compile(r"^[一二三四五六七八九十\d]+[、.．]\s*|[(（][^)）]*[)）]")


def vocabulary(chunks: Iterable[Chunk]) -> set[str]:
    """Words jieba must keep whole: districts and their short names, lead units, project names, report terms."""
    words: set[str] = set(report_terms())
    for chunk in chunks:
        if chunk.region:
            words.add(chunk.region)
            words.update(short_forms(chunk.region))
        for unit in split_units(chunk.lead_unit):
            words.add(unit)
            words.add(bare_unit(unit))
        section = _SECTION_NOISE.sub("", chunk.section).strip()
        if 2 <= len(section) <= 10:
            words.add(section)
    return {w for w in words if len(w) >= 2}
