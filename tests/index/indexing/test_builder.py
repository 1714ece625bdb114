"""index.indexing.builder on copies of the real reports: a fake embedder and a real embedded Chroma store in tmp_path."""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings

from minsheng.index.errors import MinshengError
from minsheng.index.indexing.builder import STORE_FIELDS, BuildReport, build_index, file_words
from minsheng.index.indexing.catalog import generation, open_catalog, read_chunks, read_manifest
from minsheng.index.indexing.chunk import Chunk, chunk_report
from minsheng.index.indexing.layout import CATALOG, MANIFEST
from minsheng.index.indexing.lexical import LexicalIndex, Tokenizer
from minsheng.index.indexing.store import ChromaStore, open_store
from minsheng.index.ingest.corpus import corpus_files
from minsheng.index.ingest.load import load_report
from minsheng.index.ingest.records import ParsedReport
from minsheng.index.synonyms import report_terms
from tests.conftest import CORPUS, corpus_file
from tests.support.fakes import FakeEmbedder

MAX_TOKENS = 512
COLLECTION = "test"
DAXING = corpus_file("大兴区").name
MIYUN = corpus_file("密云区").name
QINGDAO = corpus_file("青岛市").name
ALL_FILES = sorted(p.name for p in CORPUS.iterdir() if p.is_file())
# Binary garbage: NUL/0xFF pairs then (seeded) random bytes.
GARBAGE = b"\x00\xff" * 500 + random.Random(20240101).randbytes(2000)


class Factory:
    """An embedder factory that counts its calls and keeps every embedder it made."""

    def __init__(self, name: str = "fake") -> None:
        self.name = name
        self.calls = 0
        self.made: list[FakeEmbedder] = []

    def __call__(self) -> FakeEmbedder:
        self.calls += 1
        embedder = FakeEmbedder(self.name)
        self.made.append(embedder)
        return embedder

    @property
    def embedded(self) -> list[str]:
        """Every text embedded by this factory's embedders."""
        return [text for embedder in self.made for text in embedder.embedded]


@dataclass
class Bar:
    """A progress bar that remembers what it was told."""

    total: int
    label: str
    updates: list[int] = field(default_factory=list)
    closed: bool = False

    def update(self, n: int = 1) -> None:
        self.updates.append(n)

    def close(self) -> None:
        self.closed = True


@dataclass
class Env:
    """A corpus copy, an index directory and a real embedded Chroma store, all in tmp_path."""

    corpus: Path
    index: Path
    store: ChromaStore

    def build(self, model: str = "fake", full: bool = False, max_tokens: int = MAX_TOKENS,
              progress=None, names: list[str] | None = None) -> tuple[BuildReport, Factory]:  # type: ignore[no-untyped-def]
        factory = Factory(model)
        report = build_index(self.corpus, self.index, self.store, factory, model, max_tokens, full=full,
                             progress=progress, names=names)
        return report, factory

    def catalog(self) -> dict[str, Chunk]:
        return {c.id: c for c in read_chunks(self.index)}

    def documents(self) -> dict[str, str]:
        """id → document text, read straight from chroma (not through ChromaStore)."""
        # Same settings as index.indexing.store's client, or chroma refuses a second client on the path.
        client = chromadb.PersistentClient(path=str(self.index / "chroma"), settings=Settings(anonymized_telemetry=False))
        got = client.get_collection(COLLECTION, embedding_function=None).get(include=["documents"])
        return dict(zip(got["ids"], got["documents"] or []))


@pytest.fixture
def env(tmp_path: Path) -> Env:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ALL_FILES:
        shutil.copy(CORPUS / name, corpus / name)
    index = tmp_path / "index"
    store = open_store("embedded", index / "chroma", "127.0.0.1", 0, COLLECTION)
    return Env(corpus, index, store)


@pytest.fixture(scope="module")
def expected() -> dict[str, list[Chunk]]:
    """What load_report + chunk_report give for each real file, by file name."""
    return {name: chunk_report(load_report(CORPUS / name), MAX_TOKENS, key=key_of(CORPUS / name)) for name in ALL_FILES}


def key_of(path: Path, max_tokens: int = MAX_TOKENS) -> str:
    """The chunk-id key the build uses: content hash and chunk size."""
    return f"{hashlib.sha256(path.read_bytes()).hexdigest()}:{max_tokens}"


def keywords(env: Env) -> LexicalIndex:
    """The keyword index of the built catalog, as a searcher opens it."""
    catalog = open_catalog(env.index)
    chunks, rows = catalog.chunks()
    return LexicalIndex(catalog, [c.id for c in chunks], rows, Tokenizer(set(catalog.words()) | report_terms()))


def assert_consistent(env: Env) -> None:
    """Catalog, vector store and keyword index hold the same chunks, each once, and every chunk's stored vector
    is the store's."""
    catalog_ids = [c.id for c in read_chunks(env.index)]
    store_ids = env.store.ids()
    assert len(set(catalog_ids)) == len(catalog_ids)
    # Vectors the previous build used stay until the next build collects them.
    garbage = read_manifest(env.index).garbage  # type: ignore[union-attr]
    assert sorted(store_ids) == sorted(set(catalog_ids) | set(garbage)) and not set(garbage) & set(catalog_ids)
    assert env.store.count() == len(catalog_ids) + len(garbage)
    catalog = open_catalog(env.index)
    try:
        catalog.db.execute("INSERT INTO terms(terms, rank) VALUES ('integrity-check', 1)")  # FTS5 against its rows
        rows = dict(catalog.query("SELECT id, row FROM chunks"))
        assert sorted(rows) == sorted(catalog_ids)
        vectors = catalog.vectors(list(rows.values()))
    finally:
        catalog.close()
    stored = env.store.vectors(catalog_ids)
    matrix = np.array([vectors[rows[i]] for i in catalog_ids], dtype=np.float32)
    assert np.abs(matrix - np.array([stored[i] for i in catalog_ids])).max() < 2e-3


# ---------------------------------------------------------------- first build


def test_first_build_adds_every_report(env: Env, reports: dict[str, ParsedReport],
                                       expected: dict[str, list[Chunk]]) -> None:
    report, factory = env.build()
    assert sorted(report.added) == ALL_FILES
    assert report.updated == report.removed == report.failed == []
    assert report.unchanged == 0 and report.rebuilt == ""
    assert report.records == sum(len(load_report(CORPUS / name).records) for name in ALL_FILES)
    all_chunks = [c for chunks in expected.values() for c in chunks]
    assert report.chunks == len(all_chunks)
    assert factory.calls == 1
    assert sorted(factory.embedded) == sorted(c.search_text for c in all_chunks)

    manifest = read_manifest(env.index)
    assert manifest is not None
    assert manifest.model == "fake" and manifest.max_tokens == MAX_TOKENS
    assert sorted(manifest.files) == ALL_FILES
    for name, chunks in expected.items():
        entry = manifest.files[name]
        assert sorted(open_catalog(env.index).chunk_ids(name)) == sorted(c.id for c in chunks)
        assert entry.records == len(load_report(CORPUS / name).records)
    assert manifest.files[DAXING].region == "大兴区" and manifest.files[DAXING].year == 2024

    catalog = env.catalog()
    assert catalog == {c.id: c for c in all_chunks}
    assert_consistent(env)
    # The store holds vectors and the fields its filter reads, never the text a second time.
    assert env.documents() == {c.id: "" for c in all_chunks}


def test_stored_vectors_belong_to_their_chunks(env: Env, expected: dict[str, list[Chunk]]) -> None:
    """A query with a chunk's own (fake) vector finds that chunk at distance ~0, with its metadata."""
    env.build()
    chunk = expected[MIYUN][3]
    hits = env.store.query(FakeEmbedder().embed_query(chunk.search_text), 1)
    assert hits[0].id == chunk.id
    assert hits[0].distance == pytest.approx(0.0, abs=1e-4)
    assert hits[0].metadata == {name: getattr(chunk, name) for name in STORE_FIELDS}


def test_progress_bar_counts_every_embedded_chunk(env: Env, expected: dict[str, list[Chunk]]) -> None:
    bars: list[Bar] = []

    def progress(total: int, label: str) -> Bar:
        bars.append(Bar(total, label))
        return bars[-1]

    report, _ = env.build(progress=progress)
    assert len(bars) == 1
    assert bars[0].total == report.chunks == sum(map(len, expected.values()))
    assert sum(bars[0].updates) == bars[0].total
    assert bars[0].closed

    bars.clear()
    env.build(progress=progress)
    assert bars == []  # nothing to embed, no bar


# ---------------------------------------------------------------- incremental builds


def test_second_build_with_nothing_changed_embeds_nothing(env: Env) -> None:
    first, _ = env.build()
    before = generation(env.index)
    report, factory = env.build()
    assert report.unchanged == len(ALL_FILES)
    assert report.added == report.updated == report.removed == report.failed == []
    assert factory.calls == 0  # the model is not even loaded
    assert factory.embedded == []
    assert (report.records, report.chunks) == (first.records, first.chunks)
    assert generation(env.index) == before  # nothing committed: readers keep what they loaded
    assert_consistent(env)


def test_edited_file_is_updated_alone(env: Env, expected: dict[str, list[Chunk]]) -> None:
    env.build()
    path = env.corpus / DAXING
    text = path.read_text("utf-8")
    assert text.count("增加学位1440个") == 1
    path.write_text(text.replace("增加学位1440个", "增加学位1550个"), "utf-8")

    report, factory = env.build()
    assert report.updated == [DAXING]
    assert report.added == report.removed == report.failed == []
    assert report.unchanged == len(ALL_FILES) - 1
    new_chunks = chunk_report(load_report(path), MAX_TOKENS, key=key_of(path))
    assert sorted(factory.embedded) == sorted(c.search_text for c in new_chunks)
    assert len(factory.embedded) == len(expected[DAXING])
    # Changed content gets new ids: a reader still on the catalog before never sees the new text under an
    # old id. The old vectors wait as garbage until the next build.
    assert not {c.id for c in new_chunks} & {c.id for c in expected[DAXING]}
    assert read_manifest(env.index).garbage == sorted(c.id for c in expected[DAXING])  # type: ignore[union-attr]
    catalog_texts = {i: c.text for i, c in env.catalog().items()}
    assert not any("1440" in t for t in catalog_texts.values())
    # Once in its record and once in the passage of the report's text that holds it.
    assert sorted(c.kind for c in env.catalog().values() if "增加学位1550个" in c.text) == ["passage", "record"]
    assert env.build()[0].unchanged == len(ALL_FILES)
    assert set(env.documents()) == set(env.catalog())  # the store holds the new chunks' vectors, not the old
    # The other files' chunks are untouched.
    catalog = env.catalog()
    for chunk in expected[MIYUN]:
        assert catalog[chunk.id] == chunk
    assert_consistent(env)
    # The keyword index holds the new text.
    lexical = keywords(env)
    hits = lexical.search(lexical.tokenizer.tokens("学位1550"), 1)
    assert catalog[hits[0][0]].source == DAXING and "1550" in catalog[hits[0][0]].text


def test_update_that_drops_records_deletes_their_chunks(env: Env, expected: dict[str, list[Chunk]]) -> None:
    env.build()
    path = env.corpus / DAXING
    lines = path.read_text("utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(("第21项", "第22项"))]
    assert len(kept) == len(lines) - 2
    path.write_text("".join(kept), "utf-8")

    report, factory = env.build()
    assert report.updated == [DAXING]
    new_chunks = chunk_report(load_report(path), MAX_TOKENS, key=key_of(path))
    new_ids = {c.id for c in new_chunks}
    old_ids = {c.id for c in expected[DAXING]}
    assert not new_ids & old_ids
    assert sum(not c.is_passage for c in new_chunks) == sum(not c.is_passage for c in expected[DAXING]) - 2
    assert not old_ids & set(env.catalog())
    assert new_ids <= set(env.store.ids())
    assert_consistent(env)
    env.build()  # collects the previous generation's vectors
    assert not old_ids & set(env.store.ids())
    assert sorted(open_catalog(env.index).chunk_ids(DAXING)) == sorted(new_ids)
    assert report.chunks == sum(map(len, expected.values())) - len(expected[DAXING]) + len(new_chunks)
    assert_consistent(env)


def test_removed_file_is_deleted_from_store_and_catalog(env: Env, expected: dict[str, list[Chunk]]) -> None:
    first, _ = env.build()
    (env.corpus / QINGDAO).unlink()
    report, factory = env.build()
    assert report.removed == [QINGDAO]
    assert report.added == report.updated == report.failed == []
    assert report.unchanged == len(ALL_FILES) - 1
    assert factory.calls == 0
    gone = {c.id for c in expected[QINGDAO]}
    assert not gone & set(env.catalog())
    assert gone == set(read_manifest(env.index).garbage)  # type: ignore[union-attr]
    assert QINGDAO not in read_manifest(env.index).files  # type: ignore[union-attr]
    assert report.chunks == first.chunks - len(gone)
    assert report.records == first.records - len(load_report(CORPUS / QINGDAO).records)
    assert_consistent(env)
    assert not any(c.region == "青岛市" for c in env.catalog().values())
    env.build()
    assert not gone & set(env.store.ids())
    assert_consistent(env)


# ---------------------------------------------------------------- broken files


def test_broken_and_empty_files_fail_while_the_rest_is_indexed(env: Env, expected: dict[str, list[Chunk]]) -> None:
    (env.corpus / "乱码.txt").write_bytes(GARBAGE)
    (env.corpus / "空文件.txt").write_bytes(b"")
    (env.corpus / "空白.txt").write_bytes(b"  \n\r\n\t ")
    report, _ = env.build()
    failed = {f.file: f.error for f in report.failed}
    assert sorted(failed) == sorted(["乱码.txt", "空文件.txt", "空白.txt"])
    for name, error in failed.items():
        assert name in error
    assert "empty" in failed["空文件.txt"]
    assert sorted(report.added) == ALL_FILES
    assert report.chunks == sum(map(len, expected.values()))
    manifest = read_manifest(env.index)
    assert sorted(manifest.files) == ALL_FILES  # type: ignore[union-attr]
    assert_consistent(env)

    # Still broken next time: reported again, nothing else happens.
    again, factory = env.build()
    assert sorted(f.file for f in again.failed) == sorted(failed)
    assert again.unchanged == len(ALL_FILES) and factory.calls == 0


def test_indexed_file_that_becomes_broken_keeps_its_old_chunks(env: Env, expected: dict[str, list[Chunk]]) -> None:
    first, _ = env.build()
    original = (env.corpus / MIYUN).read_bytes()
    (env.corpus / MIYUN).write_bytes(GARBAGE)

    report, factory = env.build()
    assert [f.file for f in report.failed] == [MIYUN]
    assert MIYUN in report.failed[0].error
    assert report.updated == report.removed == []
    assert factory.calls == 0
    ids = {c.id for c in expected[MIYUN]}
    assert ids <= set(env.store.ids())
    assert ids <= set(env.catalog())
    assert (report.records, report.chunks) == (first.records, first.chunks)
    assert_consistent(env)

    # Repaired to the indexed content: unchanged, nothing embedded.
    (env.corpus / MIYUN).write_bytes(original)
    repaired, factory = env.build()
    assert repaired.failed == [] and repaired.unchanged == len(ALL_FILES)
    assert factory.calls == 0


# ---------------------------------------------------------------- rebuilds


def test_full_rebuild_embeds_everything_again(env: Env, expected: dict[str, list[Chunk]]) -> None:
    first, _ = env.build()
    report, factory = env.build(full=True)
    assert report.rebuilt
    assert sorted(report.added) == ALL_FILES and report.unchanged == 0
    assert len(factory.embedded) == first.chunks == report.chunks
    assert_consistent(env)


def test_model_change_forces_a_rebuild(env: Env) -> None:
    first, _ = env.build(model="fake-a")
    report, factory = env.build(model="fake-b")
    assert "fake-a" in report.rebuilt and "fake-b" in report.rebuilt
    assert sorted(report.added) == ALL_FILES
    assert len(factory.embedded) == first.chunks
    assert read_manifest(env.index).model == "fake-b"  # type: ignore[union-attr]
    assert_consistent(env)
    again, factory = env.build(model="fake-b")
    assert again.rebuilt == "" and factory.calls == 0


def test_chunk_size_change_forces_a_rebuild(env: Env) -> None:
    first, _ = env.build()
    report, factory = env.build(max_tokens=120)
    assert report.rebuilt and sorted(report.added) == ALL_FILES
    assert report.chunks > first.chunks  # long records are now split
    assert len(factory.embedded) == report.chunks
    assert_consistent(env)


@pytest.mark.parametrize("damage", ["delete", "garbage", "truncate", "missing key"])
def test_damaged_catalog_forces_a_rebuild(env: Env, damage: str) -> None:
    first, _ = env.build()
    path = env.index / CATALOG
    if damage == "delete":
        path.unlink()
    elif damage == "garbage":
        path.write_bytes(b"this is not a database\n" * 100)
    elif damage == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        catalog = open_catalog(env.index)
        catalog.db.execute("DROP TABLE files")
        catalog.close()

    report, factory = env.build()
    assert "catalog" in report.rebuilt and report.repaired
    assert sorted(report.added) == ALL_FILES and first.chunks == report.chunks
    assert factory.embedded == []  # the vectors are the store's already (content-addressed ids)
    assert_consistent(env)
    if damage != "delete":
        assert list(env.index.glob(f"{CATALOG}.damaged-*"))  # kept aside, for a look


def test_lost_vector_store_rebuilds(env: Env) -> None:
    """A vector store emptied behind the manifest's back is noticed and refilled, not reported unchanged."""
    first, _ = env.build()
    env.store.reset()
    report, factory = env.build()
    assert "vector store" in report.rebuilt
    assert len(factory.embedded) == first.chunks
    assert_consistent(env)


# ---------------------------------------------------------------- report and helpers


def test_report_json_has_exactly_the_documented_keys(env: Env) -> None:
    (env.corpus / "乱码.txt").write_bytes(GARBAGE)
    report, _ = env.build(full=True)
    data = report.to_json()
    assert set(data) == {"added", "updated", "removed", "failed", "unchanged", "records", "chunks", "seconds"}
    assert data["failed"] == [{"file": "乱码.txt", "error": report.failed[0].error}]
    assert sorted(data["added"]) == ALL_FILES  # type: ignore[arg-type]
    assert isinstance(data["seconds"], float) and data["seconds"] >= 0
    assert data["seconds"] == round(report.seconds, 2)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_corpus_files_skips_hidden_temporary_and_directories(tmp_path: Path) -> None:
    for name in ("b.txt", "a.md", ".x.txt", "c.txt.tmp", "d.part", "~e.txt", "f.txt~"):
        (tmp_path / name).write_text("x", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "g.txt").write_text("x", "utf-8")
    assert [p.name for p in corpus_files(tmp_path)] == ["a.md", "b.txt"]


def test_corpus_files_of_real_corpus() -> None:
    assert [p.name for p in corpus_files(CORPUS)] == ALL_FILES


def test_missing_corpus_dir_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "没有这个目录"
    with pytest.raises(MinshengError, match="没有这个目录"):
        corpus_files(missing)
    store = open_store("embedded", tmp_path / "index" / "chroma", "127.0.0.1", 0, COLLECTION)
    factory = Factory()
    with pytest.raises(MinshengError, match="没有这个目录"):
        build_index(missing, tmp_path / "index", store, factory, "fake", MAX_TOKENS)
    assert factory.calls == 0


@pytest.fixture(scope="module")
def words(expected: dict[str, list[Chunk]]) -> set[str]:
    return file_words(c for chunks in expected.values() for c in chunks)


def test_vocabulary_has_districts_and_short_forms(words: set[str]) -> None:
    for word in ("大兴区", "大兴", "密云区", "密云", "青岛市", "青岛", "济宁高新区", "济宁", "济宁高新"):
        assert word in words


def test_vocabulary_splits_multi_unit_cells(words: set[str]) -> None:
    # "发展软环境保障局、王因街道、接庄街道" (济宁高新区) and "市人力资源社会保障局、市农业农村局" (青岛市)
    for word in ("发展软环境保障局", "王因街道", "接庄街道", "市人力资源社会保障局", "市农业农村局", "农业农村局",
                 "区民政局", "民政局"):
        assert word in words
    assert "发展软环境保障局、王因街道、接庄街道" not in words
    assert not any(sep in w for w in words for sep in "、,，;； ")


def test_vocabulary_has_no_one_char_words(words: set[str]) -> None:
    assert words and all(len(w) >= 2 for w in words)


def test_vocabulary_keeps_short_section_names(words: set[str]) -> None:
    # "一、优化基本公共服务(5件)" (密云区) → numbering and count stripped
    assert "优化基本公共服务" in words
    assert not any(w.startswith("一、") or "(5件)" in w for w in words)


def test_vocabulary_does_not_cut_words_that_start_with_a_region_character(words: set[str]) -> None:
    assert "市场监管局" in words
    assert "场监管局" not in words


def test_index_of_another_format_is_rebuilt_and_refused_until_then(env: Env) -> None:
    """An index written by an older version: searching says so, the next build rebuilds it whole."""
    from minsheng.index.indexing.catalog import FORMAT
    from minsheng.index.search.searcher import Searcher

    first, _ = env.build()
    catalog = open_catalog(env.index)
    catalog.put_meta({"format": FORMAT + 1})
    catalog.close()
    with pytest.raises(MinshengError, match=f"another version \\(index format {FORMAT + 1}, now {FORMAT}\\)"):
        Searcher.open(env.index, env.store, FakeEmbedder())
    report, factory = env.build()
    assert "another version" in report.rebuilt and sorted(report.added) == ALL_FILES
    assert len(factory.embedded) == first.chunks
    assert read_manifest(env.index).format == FORMAT  # type: ignore[union-attr]
    assert_consistent(env)


def test_the_layout_before_the_catalog_database_is_rebuilt_and_removed(env: Env) -> None:
    """An index of generation directories (format 17): refused until the next build, which removes it."""
    from minsheng.index.search.searcher import Searcher

    gen = env.index / "gen-000003"
    (gen / "bm25").mkdir(parents=True)
    (gen / MANIFEST).write_text(json.dumps({"format": 17, "model": "fake", "max_tokens": MAX_TOKENS, "files": {}}))
    (env.index / "CURRENT").write_text(json.dumps({"generation": gen.name, "format": 17}), "utf-8")
    with pytest.raises(MinshengError, match="another version \\(index format 17"):
        Searcher.open(env.index, env.store, FakeEmbedder())
    report, _ = env.build()
    assert "another version" in report.rebuilt and sorted(report.added) == ALL_FILES
    assert not gen.exists() and not (env.index / "CURRENT").exists()
    assert_consistent(env)


# ---------------------------------------------------------------- bad input, duplicates, the lock


def test_duplicate_copies_are_indexed_once_with_both_names(env: Env, expected: dict[str, list[Chunk]]) -> None:
    env.build()
    # The copy's name sorts first; the name already indexed stays the one indexed.
    shutil.copy(env.corpus / MIYUN, env.corpus / "副本-密云.txt")
    report, factory = env.build()
    assert factory.calls == 0 and report.added == []
    assert report.duplicates == {"副本-密云.txt": MIYUN}
    manifest = read_manifest(env.index)
    assert manifest is not None and manifest.duplicates == report.duplicates
    assert sum(c.region == "密云区" for c in env.catalog().values()) == len(expected[MIYUN])
    (env.corpus / "副本-密云.txt").unlink()
    again, factory = env.build()
    assert again.duplicates == {} and again.removed == [] and factory.calls == 0
    assert_consistent(env)


def test_copies_in_other_encodings_are_the_same_report(env: Env, expected: dict[str, list[Chunk]]) -> None:
    """A GBK or UTF-16 copy of an indexed report is that report: found on the normalized text, not the bytes."""
    env.build()
    text = (env.corpus / QINGDAO).read_text("utf-8")
    (env.corpus / "青岛-gbk.txt").write_bytes(text.encode("gbk"))
    (env.corpus / "青岛-utf16.txt").write_bytes(text.encode("utf-16"))
    report, factory = env.build()
    assert report.added == [] and factory.calls == 0
    assert report.duplicates == {"青岛-gbk.txt": QINGDAO, "青岛-utf16.txt": QINGDAO}
    assert {c.source for c in env.catalog().values()} == set(ALL_FILES)
    assert sum(c.region == "青岛市" for c in env.catalog().values()) == len(expected[QINGDAO])


def test_an_index_without_text_keys_learns_them_without_a_new_generation(env: Env) -> None:
    """An index written before copies were compared by text keeps answering; the next build fills in each file's
    text key (readers need not load again) and then finds copies by text."""
    env.build()
    catalog = open_catalog(env.index)
    catalog.db.execute("UPDATE files SET text_hash=''")
    catalog.close()
    before = generation(env.index)
    report, factory = env.build()
    assert report.unchanged == len(ALL_FILES) and factory.calls == 0 and generation(env.index) == before
    manifest = read_manifest(env.index)
    assert manifest is not None and all(entry.text_hash for entry in manifest.files.values())
    (env.corpus / "副本.txt").write_bytes((env.corpus / DAXING).read_text("utf-8").encode("utf-16"))
    report, _ = env.build()
    assert report.duplicates == {"副本.txt": DAXING} and report.added == []


def test_other_encodings_and_plain_paragraphs_are_indexed(env: Env) -> None:
    text = (env.corpus / DAXING).read_text("utf-8")
    (env.corpus / DAXING).write_bytes(text.encode("gb18030"))
    (env.corpus / MIYUN).write_bytes((env.corpus / MIYUN).read_text("utf-8").encode("utf-16"))
    (env.corpus / "说明.txt").write_text("某区民生实事工作推进会召开。\n\n会议要求各单位抓好落实，确保年底前完成全部任务。\n", "utf-8")
    report, _ = env.build()
    assert report.failed == [] and "说明.txt" in report.added
    catalog = env.catalog().values()
    assert sum(c.region == "大兴区" and not c.is_passage for c in catalog) == len(load_report(CORPUS / DAXING).records)
    assert any("确保年底前完成全部任务" in c.text for c in catalog)


def test_oversized_file_is_refused_with_its_size(env: Env) -> None:
    (env.corpus / "巨大.txt").write_bytes(b"a" * 3_000_001)
    report = build_index(env.corpus, env.index, env.store, Factory("fake"), "fake", MAX_TOKENS,
                         max_file_bytes=3_000_000)
    (failure,) = report.failed
    assert failure.file == "巨大.txt" and "3.0 MB, over the 3 MB limit" in failure.error
    assert sorted(report.added) == ALL_FILES


def test_unreadable_and_vanishing_files_fail_alone(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    (env.corpus / "无权限.txt").write_text("x", "utf-8")
    (env.corpus / "消失.txt").write_text("x", "utf-8")
    real_open = os.open

    def opening(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Simulated: root ignores chmod, and a file cannot be deleted at the exact moment it is read.
        if os.path.basename(path) == "无权限.txt":
            raise PermissionError(13, "Permission denied")
        if os.path.basename(path) == "消失.txt":
            raise FileNotFoundError(2, "No such file or directory")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", opening)
    report, _ = env.build()
    failed = {f.file: f.error for f in report.failed}
    assert failed == {"无权限.txt": "无权限.txt: permission denied",
                      "消失.txt": "消失.txt: disappeared while the corpus was being read"}
    assert sorted(report.added) == ALL_FILES


def test_a_second_build_refuses_or_waits_for_the_lock(env: Env) -> None:
    from minsheng.index.indexing.builder import IndexBusy, index_lock

    env.build()
    with index_lock(env.index):
        with pytest.raises(IndexBusy, match=f"another `minsheng index` is running \\(pid {os.getpid()}\\)"):
            env.build()
        started = time.monotonic()
        with pytest.raises(IndexBusy):
            build_index(env.corpus, env.index, env.store, Factory("fake"), "fake", MAX_TOKENS, wait=0.5)
        assert time.monotonic() - started >= 0.5
    assert env.build()[0].unchanged == len(ALL_FILES)  # released


def test_html_docx_xlsx_and_pdf_reports_are_indexed_and_a_broken_one_fails_alone(env: Env) -> None:
    from tests.index.ingest.test_formats import EXPECTED, PDF_PROSE, make_pdf, same_table

    for suffix in (".html", ".docx", ".xlsx"):
        (env.corpus / f"表格{suffix}").write_bytes(same_table(suffix))
    (env.corpus / "文字.pdf").write_bytes(make_pdf(PDF_PROSE))
    (env.corpus / "坏的.docx").write_bytes(b"PK\x03\x04 not really a zip")
    report, _ = env.build()
    # The three files hold the same table, so the same text: one report, under the first name.
    assert sorted(report.added) == sorted([*ALL_FILES, "表格.docx", "文字.pdf"])
    assert report.duplicates == {"表格.html": "表格.docx", "表格.xlsx": "表格.docx"}
    (failure,) = report.failed
    assert failure.file == "坏的.docx" and "not a valid .docx file" in failure.error
    by_source: dict[str, list[Chunk]] = {}
    for chunk in env.catalog().values():
        by_source.setdefault(chunk.source, []).append(chunk)
    chunks = sorted((c for c in by_source["表格.docx"] if not c.is_passage), key=lambda c: c.record)
    assert [c.item for c in chunks] == [e[0] for e in EXPECTED]
    assert not by_source.keys() & {"表格.html", "表格.xlsx"}
    assert by_source["文字.pdf"]
    assert_consistent(env)


def test_links_out_of_the_corpus_and_pipes_are_refused_and_leave_the_index(env: Env) -> None:
    """A link to a file outside the corpus is never indexed (whatever it points at, nothing of it is searchable),
    a FIFO does not hang the build, and an indexed report replaced by such a link leaves the index."""
    secret = env.corpus.parent / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", "utf-8")
    (env.corpus / "report.txt").symlink_to(secret)
    os.mkfifo(env.corpus / "pipe.txt")
    report, _ = env.build()
    failed = {f.file: f.error for f in report.failed}
    assert set(failed) == {"report.txt", "pipe.txt"} and "outside the corpus folder" in failed["report.txt"]
    assert sorted(report.added) == ALL_FILES
    assert not any("root:x:0:0" in c.text for c in env.catalog().values())
    (env.corpus / DAXING).unlink()
    (env.corpus / DAXING).symlink_to(secret)
    report, _ = env.build()
    assert report.removed == [DAXING] and DAXING in {f.file for f in report.failed}
    assert not any(c.source == DAXING or "root:x:0:0" in c.text for c in env.catalog().values())


def test_a_reader_given_to_builds_stays_warm_between_them(env: Env) -> None:
    """A running bot or watcher hands its reader to every build: one worker reads for all of them, and is still
    there after each build (a build's own reader ends with it)."""
    from minsheng.index.indexing.reader import FileLimits, FileReader

    with FileReader(FileLimits()) as reader:
        first = build_index(env.corpus, env.index, env.store, Factory("fake"), "fake", MAX_TOKENS, reader=reader)
        worker = reader._process
        assert first.added and worker is not None and worker.poll() is None
        # Another report: the same one with a line more, so not a copy.
        (env.corpus / "新报告.txt").write_text((env.corpus / ALL_FILES[0]).read_text("utf-8") + "\n下一步将继续推进。\n",
                                             "utf-8")
        again = build_index(env.corpus, env.index, env.store, Factory("fake"), "fake", MAX_TOKENS, reader=reader)
        assert again.added == ["新报告.txt"] and reader._process is worker and worker.poll() is None
    assert worker.poll() is not None  # ended with its owner


def test_a_file_whose_stat_is_unchanged_is_not_read_again(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding one report reads that report, not the whole corpus; a file rewritten (even to the same size) is read."""
    from minsheng.index.indexing import builder

    monkeypatch.setattr(builder, "_SETTLED_NS", 0)  # every file counts as settled at once
    read: list[str] = []
    digest = builder.report_digest
    monkeypatch.setattr(builder, "report_digest", lambda path, *args: read.append(path.name) or digest(path, *args))
    first, _ = env.build()
    assert sorted(read) == sorted(first.added) and all(read_manifest(env.index).files[n].stat for n in read)
    read.clear()
    (env.corpus / "新报告.txt").write_text("大兴区2024年民生实事进展\n1. 养老服务驿站：已建成3个。\n", "utf-8")
    second, _ = env.build()
    assert read == ["新报告.txt"] and second.added == ["新报告.txt"] and second.unchanged == len(first.added)
    read.clear()
    target = env.corpus / ALL_FILES[0]
    text = target.read_bytes()
    at = text.index(b"1")
    target.write_bytes(text[:at] + b"2" + text[at + 1:])  # the same size, another figure
    third, _ = env.build()
    assert read == [ALL_FILES[0]] and third.updated == [ALL_FILES[0]]


# ---------------------------------------------------------------- builds given the names that changed


def test_a_build_given_names_looks_at_those_files_only(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """An upload names its file: the folder is not listed, other changes wait for a build of the whole folder, and
    the catalog ends up as a whole-folder build makes it."""
    from minsheng.index.indexing import builder as builder_module

    shutil.move(env.corpus / QINGDAO, env.index.parent / QINGDAO)
    first, _ = env.build()
    shutil.move(env.index.parent / QINGDAO, env.corpus / QINGDAO)
    path = env.corpus / MIYUN
    path.write_text(path.read_text("utf-8").replace("提升改造操场8块", "提升改造操场9块"), "utf-8")

    def no_listing(corpus_dir: Path) -> None:
        raise AssertionError("the whole folder was listed")

    monkeypatch.setattr(builder_module, "list_corpus", no_listing)
    report, factory = env.build(names=[QINGDAO])
    assert report.added == [QINGDAO] and report.updated == report.removed == report.failed == []
    assert report.unchanged == len(ALL_FILES) - 1 and report.chunks > first.chunks
    assert not any("操场9块" in c.text for c in env.catalog().values())
    monkeypatch.undo()
    again, _ = env.build()
    assert again.updated == [MIYUN] and again.added == []
    assert_consistent(env)
    catalog = {i: c for i, c in env.catalog().items()}
    scratch = Env(env.corpus, env.index.parent / "scratch", open_store("embedded", env.index.parent / "scratch" / "chroma",
                                                                        "127.0.0.1", 0, COLLECTION))
    scratch.build()
    assert catalog == scratch.catalog()
    from tests.index.indexing.test_lexical import _tokens

    assert _tokens(env.index) == _tokens(scratch.index)


def test_a_named_copy_is_a_copy_and_a_named_file_gone_is_removed(env: Env) -> None:
    env.build()
    shutil.copy(env.corpus / MIYUN, env.corpus / "副本-密云.txt")
    report, factory = env.build(names=["副本-密云.txt"])
    assert report.duplicates == {"副本-密云.txt": MIYUN} and report.added == [] and factory.calls == 0
    assert read_manifest(env.index).duplicates == {"副本-密云.txt": MIYUN}  # type: ignore[union-attr]
    (env.corpus / QINGDAO).unlink()
    report, _ = env.build(names=[QINGDAO])
    assert report.removed == [QINGDAO] and QINGDAO not in read_manifest(env.index).files  # type: ignore[union-attr]
    assert read_manifest(env.index).duplicates == {"副本-密云.txt": MIYUN}  # type: ignore[union-attr]
    (env.corpus / MIYUN).unlink()  # the indexed name goes: its copy is indexed in its place
    report, factory = env.build(names=[MIYUN])
    assert report.added == ["副本-密云.txt"] and report.removed == [MIYUN] and report.duplicates == {}
    assert_consistent(env)


def test_the_catalog_gives_back_the_space_of_removed_reports(env: Env) -> None:
    env.build()
    path = env.index / CATALOG
    full = path.stat().st_size + (path.with_name(CATALOG + "-wal").stat().st_size
                                  if path.with_name(CATALOG + "-wal").exists() else 0)
    for name in ALL_FILES[: len(ALL_FILES) * 2 // 3]:
        (env.corpus / name).unlink()
    env.build()
    catalog = open_catalog(env.index)
    catalog.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert catalog.db.execute("PRAGMA page_size").fetchone()[0] == 16_384
    catalog.close()
    assert path.stat().st_size < 0.7 * full
