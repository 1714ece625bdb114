"""The index's own record of what it holds: chunks by id, files by hash, and what that covers."""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from minsheng.index.errors import MinshengError
from minsheng.index.indexing.chunk import Chunk, period_label
from minsheng.index.indexing.layout import BM25_DIR, BM25_IDS, CHUNKS, CURRENT, GENERATION_PREFIX, MANIFEST
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
FORMAT = 17


class IndexMissing(MinshengError):
    """There is no usable index at the configured place."""


class IndexDamaged(IndexMissing):
    """The index is there but a part of it cannot be read; `minsheng index` repairs it."""


@dataclass
class FileEntry:
    """One indexed corpus file: its content hash, report facts and chunk ids."""

    hash: str
    title: str
    region: str
    year: int
    period: str
    records: int
    chunks: list[str] = field(default_factory=list)
    # The sha256 of the normalized text: copies in other encodings or formats have the same one.
    text_hash: str = ""
    # The file's size, mtime, ctime (ns) and inode when it was hashed, kept only when it had not changed for a
    # while then: the next build takes `hash` without reading a file whose stat is the same ([] : read it).
    stat: list[int] = field(default_factory=list)


@dataclass
class Manifest:
    """What an index was built from and with; written last, so it only names finished work."""

    model: str
    max_tokens: int
    format: int = FORMAT
    lexicon: str = ""
    files: dict[str, FileEntry] = field(default_factory=dict)
    # Vector ids of the previous generation no longer used; deleted by the next build, not this one, so a
    # reader still on the previous generation keeps its vectors until then.
    garbage: list[str] = field(default_factory=list)
    # Other names of the same content: duplicate file → the file that is indexed.
    duplicates: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The manifest as JSON data."""
        return {
            "format": self.format, "model": self.model, "max_tokens": self.max_tokens, "lexicon": self.lexicon,
            "files": {name: asdict(entry) for name, entry in sorted(self.files.items())},
            "garbage": sorted(self.garbage), "duplicates": dict(sorted(self.duplicates.items())),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Manifest":
        """Parse manifest JSON data (KeyError/TypeError on a malformed file)."""
        return cls(
            model=data["model"], max_tokens=int(data["max_tokens"]), format=int(data["format"]),
            lexicon=str(data.get("lexicon", "")),
            files={name: FileEntry(**entry) for name, entry in data["files"].items()},
            garbage=[str(i) for i in data.get("garbage", [])],
            duplicates={str(k): str(v) for k, v in data.get("duplicates", {}).items()},
        )


# The parts a generation is answered from, none of them empty (but the catalog of an empty corpus); vectors.npy is
# optional (the vector store answers without it).
_PARTS = (MANIFEST, CHUNKS, f"{BM25_DIR}/{BM25_IDS}")


def live_dir(index_dir: Path) -> Path | None:
    """The generation directory queries use now: the one CURRENT names when all its parts are there, else (CURRENT
    or that generation damaged) the newest generation that has them all; None when there is none."""
    named = named_generation(index_dir)
    if named is not None and not missing_parts(named):
        return named
    return next((path for path in generations(index_dir) if not missing_parts(path)), None)


def missing_parts(gen_dir: Path) -> list[str]:
    """The parts of a generation that are missing or empty (cheap: looks at the files, reads none)."""
    missing = []
    for part in _PARTS:
        try:
            if (gen_dir / part).stat().st_size == 0 and part != CHUNKS:
                missing.append(part)
        except OSError:
            missing.append(part)
    return missing


def index_damage(index_dir: Path) -> str:
    """What is wrong with the index and which generation answers meanwhile, in a sentence; "" when nothing is."""
    named = named_generation(index_dir)
    live = live_dir(index_dir)
    if named is not None and named == live:
        return ""
    if named is None:
        if live is None and not (index_dir / CURRENT).exists():
            return ""  # no index yet, not a damaged one
        what = f"{CURRENT} is missing or damaged"
    else:
        what = f"{named.name} is damaged ({', '.join(missing_parts(named))} missing)"
    using = f"answering from {live.name}, the newest intact generation" if live else "no intact generation is left"
    return f"{index_dir}: {what}; {using}; run `minsheng index` to repair it"


def named_generation(index_dir: Path) -> Path | None:
    """The generation CURRENT names, whatever its state; None when CURRENT is missing or damaged."""
    try:
        name = str(json.loads((index_dir / CURRENT).read_text("utf-8"))["generation"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    path = index_dir / name
    return path if name.startswith(GENERATION_PREFIX) and "/" not in name and path.is_dir() else None


def generations(index_dir: Path) -> list[Path]:
    """Generation directories, newest first."""
    found = [p for p in index_dir.glob(f"{GENERATION_PREFIX}*")
             if p.is_dir() and p.name[len(GENERATION_PREFIX):].isdigit()]
    return sorted(found, key=lambda p: int(p.name[len(GENERATION_PREFIX):]), reverse=True)


def generation(index_dir: Path) -> str:
    """The name of the live generation ("" when none): what a reader compares to notice a re-index."""
    live = live_dir(index_dir)
    return live.name if live else ""


def new_generation(index_dir: Path) -> Path:
    """A fresh, empty directory for the generation a build writes."""
    numbers = [int(p.name[len(GENERATION_PREFIX):]) for p in index_dir.glob(f"{GENERATION_PREFIX}*")
               if p.name[len(GENERATION_PREFIX):].isdigit()]
    path = index_dir / f"{GENERATION_PREFIX}{max(numbers, default=0) + 1:06d}"
    path.mkdir(parents=True)
    return path


def publish(index_dir: Path, gen_dir: Path) -> None:
    """Make a finished generation the live one, in one atomic rename."""
    _sync_tree(gen_dir)
    write_json_atomic(index_dir / CURRENT, json.dumps({"generation": gen_dir.name, "format": FORMAT}))


def prune_generations(index_dir: Path, keep: Iterable[str]) -> None:
    """Remove generation directories not kept (an interrupted build's, or ones two builds old)."""
    kept = set(keep)
    for path in index_dir.glob(f"{GENERATION_PREFIX}*"):
        if path.is_dir() and path.name not in kept:
            shutil.rmtree(path, ignore_errors=True)


def read_manifest(index_dir: Path) -> Manifest | None:
    """The live generation's manifest, or None when absent, unreadable or of another format (→ rebuild)."""
    live = live_dir(index_dir)
    return None if live is None else manifest_of(live)


def manifest_of(gen_dir: Path) -> Manifest | None:
    """A generation's manifest, or None when absent, unreadable or of another format."""
    try:
        manifest = Manifest.from_json(json.loads((gen_dir / MANIFEST).read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return manifest if manifest.format == FORMAT else None


def write_manifest(gen_dir: Path, manifest: Manifest) -> None:
    """Write a generation's manifest."""
    write_json_atomic(gen_dir / MANIFEST, json.dumps(manifest.to_json(), ensure_ascii=False, indent=1))


def stale_format(index_dir: Path) -> int | None:
    """The format number of an index written by another version of the program (older layouts had their
    manifest at the top of the index directory), else None."""
    for path in (index_dir / CURRENT, index_dir / MANIFEST):
        try:
            found = int(json.loads(path.read_text("utf-8"))["format"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        return found if found != FORMAT else None
    return None


def require_index(index_dir: Path, model: str | None = None) -> None:
    """Refuse, with what to do, an index directory that holds no index, one of another version, or one built with
    another embedding model than `model` (when given); cheap, so it runs before any model is loaded."""
    stale = stale_format(index_dir)
    if stale is not None:
        raise MinshengError(f"{index_dir}: the index was written by another version (index format {stale}, "
                            f"now {FORMAT}); run `minsheng index` to rebuild it")
    manifest = read_manifest(index_dir)
    if manifest is None:
        damage = index_damage(index_dir)
        if damage or any(generations(index_dir)):
            raise IndexDamaged(damage or f"{index_dir}: the index is damaged (no readable manifest); run `minsheng "
                                         "index` to repair it")
        raise MinshengError(f"{index_dir}: no index here; run `minsheng index` first")
    if model is not None and manifest.model != model:
        raise MinshengError(f"{index_dir}: built with model {manifest.model!r}, configured {model!r}; "
                            "run `minsheng index` to rebuild")


def write_json_atomic(path: Path, text: str) -> None:
    """Write a file so readers see the old or the new content, never half of it (flushed to disk before the
    rename, so a crash cannot leave an empty file under the final name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _sync_tree(path: Path) -> None:
    """Flush every file under path to disk (a generation must be complete before it is published)."""
    for item in [path, *path.rglob("*")]:
        try:
            fd = os.open(item, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


def write_chunks(gen_dir: Path, chunks: Iterable[Chunk]) -> None:
    """All chunks of a generation as JSON lines (text and metadata)."""
    lines = (json.dumps({"id": c.id, "text": c.text, **c.metadata(), **({"simplified": c.simplified}
                                                                         if c.simplified else {})},
                        ensure_ascii=False) for c in chunks)
    write_json_atomic(gen_dir / CHUNKS, "".join(line + "\n" for line in lines))


def read_chunks(index_dir: Path) -> list[Chunk]:
    """Every chunk of the live generation, in catalog order."""
    live = live_dir(index_dir)
    if live is None:
        raise IndexMissing(f"{index_dir}: no index here; run `minsheng index`")
    return chunks_of(index_dir, live)


def chunks_of(index_dir: Path, live: Path) -> list[Chunk]:
    """Every chunk of a generation of the index, in catalog order; IndexDamaged when its catalog cannot be read."""
    path = live / CHUNKS
    try:
        lines = path.read_text("utf-8").splitlines()
        # One parse of the whole catalog, and its lines' keys are Chunk's fields as written: a tenth of the start-up
        # of a large index was spent parsing lines one at a time and picking their fields.
        return [Chunk.from_catalog(data) for data in json.loads("[" + ",".join(lines) + "]")]
    except OSError as exc:
        raise IndexDamaged(f"{index_dir}: the index is damaged ({live.name}/{CHUNKS}: {exc.strerror}); run "
                           "`minsheng index` to repair it") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexDamaged(f"{index_dir}: the index is damaged ({live.name}/{CHUNKS} cannot be read: "
                           f"{type(exc).__name__}); run `minsheng index` to repair it") from None


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
        periods: dict[str, set[str]] = {}
        sources: dict[str, set[str]] = {}
        untitled: dict[str, set[str]] = {}
        paths: dict[str, tuple[str, ...]] = {}
        units: set[str] = set()
        for chunk in chunks:
            label = period_label(chunk.year or None, chunk.period)
            periods.setdefault(chunk.region, set()).add(label)
            sources.setdefault(chunk.region, set()).add(chunk.source)
            if not chunk.region:
                untitled.setdefault(chunk.report or chunk.source, set()).add(label)
            elif chunk.place:
                paths.setdefault(chunk.region, tuple(chunk.place.split("/")))
            units.update(split_units(chunk.lead_unit))
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
