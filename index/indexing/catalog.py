"""The index's own record of what it holds: chunks by id, files by hash, and what that covers."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from minsheng.index.errors import MinshengError
from minsheng.index.indexing.chunk import Chunk, period_label
from minsheng.index.indexing.database import Catalog, CatalogUnreadable
from minsheng.index.indexing.layout import CATALOG, CURRENT, MANIFEST
from minsheng.index.places import gazetteer
from minsheng.index.vocabulary import GOVERNMENT_LEVELS, MUNICIPALITY_END, NOT_LEVEL_WORDS, UNIT_SPLIT

# Raised whenever parsing, chunking or the layout changes what an index holds, so old indexes are rebuilt.
# 2: 一、/（一） labelled items parsed as records; header-only one-cell-per-line tables dropped.
# 3: generations (CURRENT names the live one), content-addressed chunk ids, one collection per model.
# 4: the catalog keeps each Traditional chunk's Simplified text.
# 5: places from the gazetteer: each chunk's place path, months, and the places its record names.
# 6: passages (windows of report text) beside records, each chunk's kind.
# 7: cell-per-line tables read by content, a record's original wording.
# 8: bylines, page controls and pictures' file names are no records; long cells of a cell-per-line page are none.
# 9: the official in charge (分管领导) as a field of its own; tables typed with spaces; 稿源 bylines.
# 10: "进度较慢"/"推进缓慢" read as behind.
# 11: a period the report's opening lines give ("1-4月", "前三季度") when its title gives none, over a title that only
# sounds like a year's end.
#     A lead unit written in prose ("由区民政局牵头") when no column or label gives one; 全年任务/目标/计划 is no period.
# 17: statuses from shares, lags since made good and preparations; cell tables with merged cells before the 序号; pivot
#     tables; "当前进展:" labels; bylines end a numbered item.
# 18: one SQLite catalog (files, chunks, tokens, vectors, FTS5 keywords) instead of generation directories.
# 19: each report's facts (place, period, lead units, records) in a table of their own, so a reader loads no chunk
#     before a question.
# 20: chunks compressed with zstd (zlib before).
# 21: a report's facts count its chunks.
FORMAT = 21


class IndexMissing(MinshengError):
    """There is no usable index at the configured place."""


class IndexDamaged(IndexMissing):
    """The index is there but a part of it cannot be read; `minsheng index` repairs it."""


@dataclass
class FileEntry:
    """One indexed corpus file: its content hash and report facts (its chunks are the catalog's rows of it)."""

    hash: str
    title: str
    region: str
    year: int
    period: str
    records: int
    # The sha256 of the normalized text: copies in other encodings or formats have the same one.
    text_hash: str = ""
    # The file's size, mtime, ctime (ns) and inode when it was hashed, kept only when it had not changed for a
    # while then: the next build takes `hash` without reading a file whose stat is the same ([] : read it).
    stat: list[int] = field(default_factory=list)


@dataclass
class Manifest:
    """What an index was built from and with (its files' chunk ids are read from the catalog when needed)."""

    model: str
    max_tokens: int
    format: int = FORMAT
    lexicon: str = ""
    files: dict[str, FileEntry] = field(default_factory=dict)
    # Vector ids no longer used; deleted from the store by the next build, not this one, so a reader still on the
    # state before keeps its vectors until then.
    garbage: list[str] = field(default_factory=list)
    # Other names of the same content: duplicate file → the file that is indexed.
    duplicates: dict[str, str] = field(default_factory=dict)


def catalog_path(index_dir: Path) -> Path:
    """Where an index's catalog database is."""
    return index_dir / CATALOG


def open_catalog(index_dir: Path) -> Catalog:
    """The index's catalog; IndexMissing when there is none, IndexDamaged when it cannot be read."""
    path = catalog_path(index_dir)
    if not path.is_file():
        raise IndexMissing(f"{index_dir}: no index here; run `minsheng index` first")
    try:
        return Catalog.open(path)
    except CatalogUnreadable as exc:
        raise damaged(index_dir, exc) from None


def damaged(index_dir: Path, exc: Exception) -> IndexDamaged:
    """The error saying the index cannot be read, why, and what to do."""
    return IndexDamaged(f"{index_dir}: the index is damaged ({exc}); run `minsheng index` to repair it")


def _settings_of(index_dir: Path) -> dict[str, str] | None:
    """The catalog's settings, its chunks seen to read (None: there is no catalog); IndexDamaged when it cannot be
    read. Cheap: a few rows."""
    if not catalog_path(index_dir).is_file():
        return None
    catalog = open_catalog(index_dir)
    try:
        meta = catalog.meta()
        catalog.query("SELECT row FROM chunks LIMIT 1")
        return meta
    except CatalogUnreadable as exc:
        raise damaged(index_dir, exc) from None
    finally:
        catalog.close()


def manifest_from(catalog: Catalog, names: Iterable[str] | None = None) -> Manifest | None:
    """The manifest a catalog holds (names: only their file entries); None when it holds none of this format
    (→ rebuild)."""
    meta = catalog.meta()
    if "model" not in meta or meta.get("format") != str(FORMAT):
        return None
    return Manifest(model=meta["model"], max_tokens=int(meta["max_tokens"]), format=FORMAT,
                    lexicon=meta.get("lexicon", ""),
                    files={name: FileEntry(**entry) for name, entry in catalog.files(names).items()},
                    garbage=catalog.garbage(), duplicates=catalog.duplicates())


def index_damage(index_dir: Path) -> str:
    """What is wrong with the index, in a sentence; "" when nothing is (or there is no index yet)."""
    try:
        _settings_of(index_dir)
    except IndexMissing as exc:
        return str(exc)
    return ""


def generation_name(number: int) -> str:
    """How a committed state of the catalog is named to readers ("gen-000042")."""
    return f"gen-{number:06d}"


def generation(index_dir: Path) -> str:
    """A name for the state readers see now ("" when there is no readable index): what a reader compares to
    notice a re-index (cheap: a few rows of the catalog)."""
    try:
        meta = _settings_of(index_dir)
    except IndexMissing:
        return ""
    return "" if meta is None else generation_name(int(meta.get("generation", "0")))


def read_manifest(index_dir: Path) -> Manifest | None:
    """The index's manifest, or None when absent, unreadable or of another format (→ rebuild)."""
    try:
        catalog = open_catalog(index_dir)
    except IndexMissing:
        return None
    try:
        return manifest_from(catalog)
    except CatalogUnreadable:
        return None
    finally:
        catalog.close()


def stale_format(index_dir: Path) -> int | None:
    """The format number of an index written by another version of the program (older layouts kept a CURRENT file
    or a manifest at the top of the index directory), else None."""
    for path in (index_dir / CURRENT, index_dir / MANIFEST):
        try:
            found = int(json.loads(path.read_text("utf-8"))["format"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if not catalog_path(index_dir).exists():
            return found if found != FORMAT else None
    try:
        found_text = (_settings_of(index_dir) or {}).get("format", "")
    except IndexMissing:
        return None
    return int(found_text) if found_text.isdigit() and int(found_text) != FORMAT else None


def require_index(index_dir: Path, model: str | None = None) -> None:
    """Refuse, with what to do, an index directory that holds no index, one of another version, or one built with
    another embedding model than `model` (when given); cheap (the catalog's settings, not its files), so it runs
    before any model is loaded."""
    stale = stale_format(index_dir)
    if stale is not None:
        raise MinshengError(f"{index_dir}: the index was written by another version (index format {stale}, "
                            f"now {FORMAT}); run `minsheng index` to rebuild it")
    meta = _settings_of(index_dir)
    if meta is None or "model" not in meta:
        raise MinshengError(f"{index_dir}: no index here; run `minsheng index` first")
    if model is not None and meta["model"] != model:
        raise MinshengError(f"{index_dir}: built with model {meta['model']!r}, configured {model!r}; "
                            "run `minsheng index` to rebuild")


def read_chunks(index_dir: Path, files: Iterable[str] | None = None) -> list[Chunk]:
    """Every chunk of the index (files: of these files only), in catalog order."""
    catalog = open_catalog(index_dir)
    try:
        return catalog.chunks(files)[0]
    except CatalogUnreadable as exc:
        raise damaged(index_dir, exc) from None
    finally:
        catalog.close()


@dataclass(frozen=True)
class ReportFacts:
    """What a reader needs of one report before loading any of its chunks: its place, period and lead units."""

    source: str
    report: str  # the title
    region: str
    place: str  # the gazetteer path, "/"-joined ("" when unsettled)
    year: int
    period: str
    last_month: int
    units: tuple[str, ...]  # the lead units its records name
    records: int
    chunks: int

    def to_json(self) -> str:
        """As the catalog stores it."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "ReportFacts":
        """What to_json() wrote; CatalogUnreadable when it is not that."""
        try:
            data = json.loads(text)
            return cls(**{**data, "units": tuple(data["units"])})
        except (ValueError, KeyError, TypeError) as exc:
            raise CatalogUnreadable(f"a report's facts cannot be read ({type(exc).__name__})") from None


def report_facts(chunks: Iterable[Chunk]) -> dict[str, ReportFacts]:
    """The facts of each report these chunks come from, by source name (a report's place and period are its first
    chunk's)."""
    firsts: dict[str, Chunk] = {}
    units: dict[str, set[str]] = {}
    records: dict[str, set[int]] = {}
    counts: dict[str, int] = {}
    for chunk in chunks:
        firsts.setdefault(chunk.source, chunk)
        counts[chunk.source] = counts.get(chunk.source, 0) + 1
        units.setdefault(chunk.source, set()).update(split_units(chunk.lead_unit))
        if not chunk.is_passage:
            records.setdefault(chunk.source, set()).add(chunk.record)
    return {source: ReportFacts(source, c.report, c.region, c.place, c.year, c.period, c.last_month,
                                tuple(sorted(units[source])), len(records.get(source, ())), counts[source])
            for source, c in firsts.items()}


def read_reports(catalog: Catalog) -> dict[str, ReportFacts]:
    """Every indexed report's facts, by source name."""
    return {name: ReportFacts.from_json(text) for name, text in catalog.reports()}


@dataclass(frozen=True)
class Coverage:
    """Places, periods and lead units the index holds, for query understanding and abstentions."""

    regions: dict[str, tuple[str, ...]]  # place → its "2022年三季度" labels ("": reports that name no place)
    reports: dict[str, int]  # place → number of report files
    lead_units: tuple[str, ...]
    # Reports that name no place, by title → their period labels: shown by title, never under a blank name.
    unplaced: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Place → its path from the province down (("甘肃省", "兰州市", "城关区")); () when the gazetteer could not
    # settle it (a name two places share, with no parent named).
    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, chunks: Iterable[Chunk]) -> "Coverage":
        """What a set of chunks covers."""
        return cls.of_reports(report_facts(chunks).values())

    @classmethod
    def of_reports(cls, reports: Iterable[ReportFacts]) -> "Coverage":
        """What a set of reports covers."""
        periods: dict[str, set[str]] = {}
        sources: dict[str, set[str]] = {}
        untitled: dict[str, set[str]] = {}
        paths: dict[str, tuple[str, ...]] = {}
        units: set[str] = set()
        for facts in reports:
            label = period_label(facts.year or None, facts.period)
            periods.setdefault(facts.region, set()).add(label)
            sources.setdefault(facts.region, set()).add(facts.source)
            if not facts.region:
                untitled.setdefault(facts.report or facts.source, set()).add(label)
            elif facts.place:
                paths.setdefault(facts.region, tuple(facts.place.split("/")))
            units.update(facts.units)
        return cls(
            regions={r: tuple(sorted(p for p in ps if p)) for r, ps in sorted(periods.items())},
            reports={r: len(s) for r, s in sources.items()},
            lead_units=tuple(sorted(units)),
            unplaced={t: tuple(sorted(p for p in ps if p)) for t, ps in sorted(untitled.items())},
            paths=paths,
        )

    def parent(self, region: str) -> str:
        """The unit a place lies in, as shown beside it: a county's city (城关区 → 兰州市), a district's
        municipality (大兴区 → 北京市); "" for a city in a province, a province, or a place without a path."""
        path = self.paths.get(region, ())
        if len(path) < 2 or region != path[-1]:
            return ""
        return path[-2] if len(path) > 2 or path[0].endswith(MUNICIPALITY_END) else ""

    def order(self, region: str) -> tuple[str, tuple[str, ...], str]:
        """A sort key putting places in the gazetteer's order of provinces (北京, 天津, 河北 … by code), then by path;
        places without a province last."""
        province = self.province(region)
        named = gazetteer().named(province) if province else []
        return (named[0].code if named else "\uffff", self.paths.get(region, ()), region)

    def province(self, region: str) -> str:
        """The province-level unit a place lies in ("" when unknown)."""
        return self.paths.get(region, ("",))[0]


# Remembered: a large index repeats a few hundred lead-unit cells over tens of thousands of chunks, split twice at
# each start-up (coverage and the searcher's unit filter).
@lru_cache(maxsize=4096)
def split_units(text: str) -> tuple[str, ...]:
    """The unit names of a lead-unit cell ("区民政局、王因街道" → two names)."""
    return tuple(u.strip() for u in UNIT_SPLIT.split(text) if len(u.strip()) >= 2)




def bare_unit(unit: str) -> str:
    """A unit name without its leading level (区民政局 → 民政局), as people say it; 市场监管局 stays."""
    if unit[:1] in GOVERNMENT_LEVELS and unit[:2] not in NOT_LEVEL_WORDS and len(unit) > 2:
        return unit[1:]
    return unit
