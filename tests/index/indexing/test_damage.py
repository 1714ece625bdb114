"""A damaged index says what is wrong, answers from its newest intact generation meanwhile, and the next `index`
repairs it without embedding anything again; a full disk stops a build with a message and loses nothing."""
from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import pytest

from minsheng.index.indexing import builder as builder_module
from minsheng.index.indexing.builder import DiskFull, build_index
from minsheng.index.indexing.catalog import IndexDamaged, index_damage, live_dir, require_index
from minsheng.index.indexing.layout import BM25_DIR, CHUNKS, CURRENT
from minsheng.index.indexing.store import ChromaStore, open_store
from minsheng.index.search.searcher import Searcher
from tests.conftest import corpus_file
from tests.index.indexing.test_builder import Factory
from tests.support.fakes import FakeEmbedder

FILES = ("大兴区", "密云区", "青岛市")


class Index:
    """A corpus of three real reports and its index, built twice (two generations) with a fake embedder."""

    def __init__(self, root: Path) -> None:
        self.corpus, self.dir = root / "corpus", root / "index"
        self.corpus.mkdir()
        for prefix in FILES[:2]:
            shutil.copy(corpus_file(prefix), self.corpus)
        self.store: ChromaStore = open_store("embedded", self.dir / "chroma", "127.0.0.1", 0, "test")
        self.build()
        shutil.copy(corpus_file(FILES[2]), self.corpus)
        self.build()
        self.live = live_dir(self.dir)
        assert self.live is not None and self.live.name == "gen-000002" and (self.dir / "gen-000001").is_dir()

    def build(self) -> tuple[builder_module.BuildReport, Factory]:
        factory = Factory("fake")
        return build_index(self.corpus, self.dir, self.store, factory, "fake", 512), factory

    def ask(self, question: str) -> tuple[Searcher, str]:
        searcher = Searcher.open(self.dir, self.store, FakeEmbedder("fake"))
        return searcher, " ".join(hit.chunk.text for hit in searcher.search(question, 3).hits)


@pytest.fixture
def index(tmp_path: Path) -> Index:
    return Index(tmp_path)


@pytest.mark.parametrize("current", [b"garbage", b"", b"\xff\xfe", b'{"generation": "../../etc"}'])
def test_a_damaged_current_answers_from_the_newest_intact_generation_and_is_repaired(index: Index,
                                                                                     current: bytes) -> None:
    (index.dir / CURRENT).write_bytes(current)
    assert live_dir(index.dir) == index.live
    assert "CURRENT is missing or damaged; answering from gen-000002" in index_damage(index.dir)
    require_index(index.dir)  # not "no index here"
    _, found = index.ask("青岛口袋公园建了多少个")
    assert "口袋公园" in found
    report, factory = index.build()
    assert report.repaired.startswith(f"{index.dir}: CURRENT is missing or damaged")
    assert factory.calls == 0 and report.unchanged == 3  # nothing embedded again
    assert index_damage(index.dir) == "" and live_dir(index.dir).name == "gen-000003"  # type: ignore[union-attr]


def test_a_generation_missing_a_part_is_damaged_not_absent_and_is_rebuilt_without_embedding(index: Index) -> None:
    shutil.rmtree(index.live / BM25_DIR)  # type: ignore[operator]
    assert "gen-000002 is damaged (bm25/ids.json missing); answering from gen-000001" in index_damage(index.dir)
    report, factory = index.build()
    assert report.repaired and factory.calls == 0 and index_damage(index.dir) == ""
    _, found = index.ask("青岛口袋公园建了多少个")
    assert "口袋公园" in found
    # With no older generation left to answer, it is still "damaged", never "no index here".
    for gen in index.dir.glob("gen-*"):
        shutil.rmtree(gen / BM25_DIR, ignore_errors=True)
    with pytest.raises(IndexDamaged, match="damaged.*run `minsheng index` to repair it"):
        require_index(index.dir)
    report, factory = index.build()
    assert factory.calls == 0 and index_damage(index.dir) == ""


def test_a_truncated_catalog_is_answered_around_and_repaired(index: Index) -> None:
    catalog = index.live / CHUNKS  # type: ignore[operator]
    catalog.write_bytes(catalog.read_bytes()[:5000])
    searcher, _ = index.ask("大兴区养老服务")
    assert "gen-000002/chunks.jsonl cannot be read" in searcher.damage and "answering from gen-000001" in searcher.damage
    assert searcher.record_count() > 22  # the older generation (大兴区 and 密云区) answers meanwhile
    report, factory = index.build()
    # Built on gen-000001, which lacks 青岛市: read again, its vectors taken from the store, none embedded.
    assert report.repaired and factory.calls == 0 and report.added == [corpus_file("青岛市").name]
    searcher, found = index.ask("青岛口袋公园建了多少个")
    assert searcher.damage == "" and "口袋公园" in found


def test_a_vector_store_left_unreadable_is_emptied_and_filled_again(index: Index) -> None:
    """A full disk can leave Chroma's segment metadata empty; every later build failed on it."""
    segment = next(p for p in (index.dir / "chroma").iterdir() if p.is_dir())
    (segment / "index_metadata.pickle").write_bytes(b"")
    index.store = open_store("embedded", index.dir / "chroma", "127.0.0.1", 0, "test", fresh=True)  # as a new process
    report, factory = index.build()
    assert "the vector store could not be read" in report.repaired and factory.calls == 1
    assert index.store.count() == report.chunks
    again, factory = index.build()
    assert again.repaired == "" and factory.calls == 0


def test_a_full_disk_stops_the_build_with_a_message_and_the_live_generation_answers(
        index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    before = json.loads((index.dir / CURRENT).read_text("utf-8"))
    shutil.copy(corpus_file("济宁高新区"), index.corpus)

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(builder_module, "write_chunks", no_space)
    with pytest.raises(DiskFull, match="the disk is full .*the index in use is unchanged.*run `minsheng index` again"):
        index.build()
    assert json.loads((index.dir / CURRENT).read_text("utf-8")) == before
    _, found = index.ask("青岛口袋公园建了多少个")
    assert "口袋公园" in found
    monkeypatch.undo()  # space again
    report, _ = index.build()
    assert report.added == [corpus_file("济宁高新区").name] and index_damage(index.dir) == ""
