"""A damaged index says what is wrong and what to do, and the next `index` repairs it without embedding anything
again (the damaged catalog kept aside); a full disk stops a build with a message and loses nothing."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from minsheng.index.indexing import builder as builder_module
from minsheng.index.indexing.builder import DiskFull, build_index
from minsheng.index.indexing.catalog import IndexDamaged, generation, index_damage, require_index
from minsheng.index.indexing.database import Catalog
from minsheng.index.indexing.layout import CATALOG
from minsheng.index.indexing.store import ChromaStore, open_store
from minsheng.index.search.searcher import Searcher
from tests.conftest import corpus_file
from tests.index.indexing.test_builder import Factory
from tests.support.fakes import FakeEmbedder

FILES = ("大兴区", "密云区", "青岛市")


class Index:
    """A corpus of three real reports and its index, built in two steps with a fake embedder."""

    def __init__(self, root: Path) -> None:
        self.corpus, self.dir = root / "corpus", root / "index"
        self.corpus.mkdir()
        for prefix in FILES[:2]:
            shutil.copy(corpus_file(prefix), self.corpus)
        self.store: ChromaStore = open_store("embedded", self.dir / "chroma", "127.0.0.1", 0, "test")
        self.build()
        shutil.copy(corpus_file(FILES[2]), self.corpus)
        self.build()
        assert generation(self.dir) == "gen-000002"

    def build(self) -> tuple[builder_module.BuildReport, Factory]:
        factory = Factory("fake")
        return build_index(self.corpus, self.dir, self.store, factory, "fake", 512), factory

    def ask(self, question: str) -> tuple[Searcher, str]:
        searcher = Searcher.open(self.dir, self.store, FakeEmbedder("fake"))
        return searcher, " ".join(hit.chunk.text for hit in searcher.search(question, 3).hits)


@pytest.fixture
def index(tmp_path: Path) -> Index:
    return Index(tmp_path)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "header overwritten"])
def test_a_damaged_catalog_is_named_and_repaired_without_embedding(index: Index, damage: str) -> None:
    path = index.dir / CATALOG
    Catalog.open(path).db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the file itself
    if damage == "garbage":
        path.write_bytes(b"not a database" * 1000)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:5000])
    else:
        data = path.read_bytes()
        path.write_bytes(b"\xa5" * 100 + data[100:])
    assert "damaged" in index_damage(index.dir) and "run `minsheng index` to repair it" in index_damage(index.dir)
    with pytest.raises(IndexDamaged, match="damaged.*run `minsheng index` to repair it"):
        require_index(index.dir)
    report, factory = index.build()
    assert report.repaired.startswith("the catalog could not be read") and "kept as catalog.sqlite.damaged-" in \
        report.repaired
    assert factory.calls == 0 and sorted(report.added) == sorted(corpus_file(f).name for f in FILES)
    assert list(index.dir.glob(f"{CATALOG}.damaged-*")) and index_damage(index.dir) == ""
    searcher, found = index.ask("青岛口袋公园建了多少个")
    assert "口袋公园" in found and searcher.record_count() > 22


def test_a_lost_catalog_beside_a_filled_store_is_repaired_without_embedding(index: Index) -> None:
    (index.dir / CATALOG).unlink()
    report, factory = index.build()
    assert report.repaired.startswith("the catalog could not be read (it is missing")
    assert factory.calls == 0 and len(report.added) == 3
    _, found = index.ask("青岛口袋公园建了多少个")
    assert "口袋公园" in found


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


def test_a_full_disk_stops_the_build_with_a_message_and_the_index_answers(
        index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    before = generation(index.dir)
    shutil.copy(corpus_file("济宁高新区"), index.corpus)

    def no_space(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Catalog, "put_chunks", no_space)
    with pytest.raises(DiskFull, match="the disk is full .*the index in use is unchanged.*run `minsheng index` again"):
        index.build()
    assert generation(index.dir) == before
    _, found = index.ask("青岛口袋公园建了多少个")
    assert "口袋公园" in found
    monkeypatch.undo()  # space again
    report, _ = index.build()
    assert report.added == [corpus_file("济宁高新区").name] and index_damage(index.dir) == ""
