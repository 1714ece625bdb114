"""Shared fixtures: the real reports of corpus/, parsed once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.load import load_report
from index.records import ParsedReport

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def corpus_file(prefix: str) -> Path:
    """The corpus file whose name starts with prefix."""
    matches = sorted(CORPUS.glob(f"{prefix}*"))
    assert len(matches) == 1, f"expected one corpus file starting with {prefix}, found {matches}"
    return matches[0]


@pytest.fixture(scope="session")
def reports() -> dict[str, ParsedReport]:
    """Every real report, parsed, keyed by the district its file name starts with."""
    keys = ["密云区", "青岛市", "大兴区", "济宁高新区", "北京城市副中心"]
    return {key: load_report(corpus_file(key)) for key in keys}
