"""The index's own record of what it holds: chunks by id, files by hash, and what that covers."""
from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from index.chunk import Chunk, period_label
from index.errors import MinshengError

# Raised whenever parsing or chunking changes what an unchanged file becomes, so old indexes are rebuilt.
# 2: 一、/（一） labelled items parsed as records; header-only one-cell-per-line tables dropped.
FORMAT = 2
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"


class IndexMissing(MinshengError):
    """There is no usable index at the configured place."""


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


@dataclass
class Manifest:
    """What an index was built from and with; written last, so it only names finished work."""

    model: str
    max_tokens: int
    format: int = FORMAT
    lexicon: str = ""
    files: dict[str, FileEntry] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The manifest as JSON data."""
        return {
            "format": self.format, "model": self.model, "max_tokens": self.max_tokens, "lexicon": self.lexicon,
            "files": {name: asdict(entry) for name, entry in sorted(self.files.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Manifest":
        """Parse manifest JSON data (KeyError/TypeError on a malformed file)."""
        return cls(
            model=data["model"], max_tokens=int(data["max_tokens"]), format=int(data["format"]),
            lexicon=str(data.get("lexicon", "")),
            files={name: FileEntry(**entry) for name, entry in data["files"].items()},
        )


def read_manifest(index_dir: Path) -> Manifest | None:
    """The manifest of an index directory, or None when absent or unreadable (→ full rebuild)."""
    try:
        manifest = Manifest.from_json(json.loads((index_dir / MANIFEST).read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return manifest if manifest.format == FORMAT else None


def stale_format(index_dir: Path) -> int | None:
    """The format number of a manifest written by another version of the program, else None."""
    try:
        found = int(json.loads((index_dir / MANIFEST).read_text("utf-8"))["format"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found if found != FORMAT else None


def write_json_atomic(path: Path, text: str) -> None:
    """Write a file so readers see the old or the new content, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def write_chunks(index_dir: Path, chunks: Iterable[Chunk]) -> None:
    """All chunks as JSON lines (text and metadata)."""
    lines = (json.dumps({"id": c.id, "text": c.text, **c.metadata()}, ensure_ascii=False) for c in chunks)
    write_json_atomic(index_dir / CHUNKS, "".join(line + "\n" for line in lines))


def read_chunks(index_dir: Path) -> list[Chunk]:
    """Every chunk the index holds, in catalog order."""
    path = index_dir / CHUNKS
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise IndexMissing(f"{index_dir}: no index here ({exc.strerror}); run `minsheng index`") from None
    chunks = []
    for line in lines:
        data = json.loads(line)
        chunks.append(Chunk.from_metadata(data.pop("id"), data.pop("text"), data))
    return chunks


@dataclass(frozen=True)
class Coverage:
    """Districts, periods and lead units the index holds, for query understanding and abstentions."""

    regions: dict[str, tuple[str, ...]]  # district → its "2022年三季度" labels
    reports: dict[str, int]  # district → number of report files
    lead_units: tuple[str, ...]

    @classmethod
    def of(cls, chunks: Iterable[Chunk]) -> "Coverage":
        """What a set of chunks covers."""
        periods: dict[str, set[str]] = {}
        sources: dict[str, set[str]] = {}
        units: set[str] = set()
        for chunk in chunks:
            periods.setdefault(chunk.region, set()).add(period_label(chunk.year or None, chunk.period))
            sources.setdefault(chunk.region, set()).add(chunk.source)
            units.update(split_units(chunk.lead_unit))
        return cls(
            regions={r: tuple(sorted(p for p in ps if p)) for r, ps in sorted(periods.items())},
            reports={r: len(s) for r, s in sources.items()},
            lead_units=tuple(sorted(units)),
        )

    def describe(self) -> str:
        """One line for people: "密云区(2022年三季度)、大兴区(2024年一季度)…"."""
        parts = []
        for region, periods in self.regions.items():
            name = region or "未注明地区"
            parts.append(f"{name}({'、'.join(periods)})" if periods else name)
        return "、".join(parts)


def split_units(text: str) -> list[str]:
    """The unit names of a lead-unit cell ("区民政局、王因街道" → two names)."""
    return [u.strip() for u in re.split(r"[、,，;；/\s]+", text) if len(u.strip()) >= 2]


# Words that begin with 市/区/县 without it being the government level (市场监管局, 区域…).
_LEVEL_WORDS = ("市场", "市政", "市容", "市民", "区域", "县城")


def bare_unit(unit: str) -> str:
    """A unit name without its leading level (区民政局 → 民政局), as people say it; 市场监管局 stays."""
    if unit[:1] in "市区县" and unit[:2] not in _LEVEL_WORDS and len(unit) > 2:
        return unit[1:]
    return unit
