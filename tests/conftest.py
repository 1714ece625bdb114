"""Shared fixtures: the real reports of corpus/, parsed once per session."""
from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from minsheng.index.ingest.load import load_report
from minsheng.index.ingest.records import ParsedReport

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
# How many reports the product ships with (the five seed reports and the real ones of ../shared/corpus_real).
SHIPPED = len([path for path in CORPUS.iterdir() if path.is_file()])


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


def _built(tmp_path_factory: pytest.TempPathFactory, corpus: Path):  # type: ignore[no-untyped-def]
    """Settings of a real index (bundled m3e-small, embedded Chroma) of a corpus folder, built."""
    from minsheng.bot.engine import run_index
    from minsheng.bot.settings import load_settings

    index_dir = tmp_path_factory.mktemp("index")
    settings = load_settings(ROOT / "config.toml", {"MINSHENG_INDEX": str(index_dir), "MINSHENG_CORPUS": str(corpus)})
    report = run_index(settings, progress=None)
    assert not report.failed
    return settings


@pytest.fixture(scope="session")
def indexed(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Settings of a real index of the real corpus, built once."""
    return _built(tmp_path_factory, CORPUS)


@pytest.fixture(scope="session")
def series_indexed(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Settings of an index of the real corpus plus 大兴区's next quarter and a 萧县 report reposted elsewhere."""
    from tests.support.series import series_corpus

    return _built(tmp_path_factory, series_corpus(tmp_path_factory.mktemp("series") / "corpus"))


@pytest.fixture(scope="session")
def own_retriever(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The retriever over an index of our own reports (tests/support/own_reports.py)."""
    from minsheng.bot.engine import open_retriever
    from tests.support.own_reports import own_corpus

    return open_retriever(_built(tmp_path_factory, own_corpus(tmp_path_factory.mktemp("own") / "corpus")))


@pytest.fixture(scope="session")
def series_retriever(series_indexed):  # type: ignore[no-untyped-def]
    """The retriever over the series index, loaded once."""
    from minsheng.bot.engine import open_retriever

    return open_retriever(series_indexed)


@pytest.fixture(scope="session")
def retriever(indexed):  # type: ignore[no-untyped-def]
    """The retriever over the real index, loaded once."""
    from minsheng.bot.engine import open_retriever

    return open_retriever(indexed)


@pytest.fixture(scope="module")
def offline() -> Iterator[None]:
    """Any connection beyond loopback fails the test (models must load offline)."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else ""
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"test tried to reach the network: {address}")
        return real_connect(self, address)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", connect)
        yield
