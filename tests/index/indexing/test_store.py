"""index.indexing.store against real chromadb: an embedded index in tmp_path and a real `chroma run` server."""
from __future__ import annotations

import json
import math
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

from minsheng.index.errors import MinshengError
from minsheng.index.indexing.store import ChromaStore, LazyStore, StoredHit, StoreError, open_store
from tests.conftest import ROOT

CHROMA = Path(sys.executable).parent / "chroma"
DIM = 8


def vec(*values: float) -> list[float]:
    """An 8-dim vector starting with values, zero-padded."""
    return [float(v) for v in values] + [0.0] * (DIM - len(values))


# Cosine distances to vec(1): a 0, b 1-1/√2, c 1-1/√10, d 1, e 2.
ITEMS = {
    "a": (vec(1), {"region": "密云区", "year": 2024, "done": True, "share": 0.5}),
    "b": (vec(1, 1), {"region": "密云区", "year": 2025, "done": False, "share": 0.25}),
    "c": (vec(1, 3), {"region": "大兴区", "year": 2024, "done": True, "share": 1.0}),
    "d": (vec(0, 0, 1), {"region": "大兴区", "year": 2025, "done": False, "share": 0.0}),
    "e": (vec(-1), {"region": "青岛市", "year": 2025, "done": True, "share": 0.75}),
}


def fill(store: ChromaStore) -> None:
    """Put ITEMS into store."""
    ids = list(ITEMS)
    store.upsert(
        ids,
        [ITEMS[i][0] for i in ids],
        [f"document {i}" for i in ids],
        [ITEMS[i][1] for i in ids],
    )


@pytest.fixture(autouse=True)
def no_default_embedding_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if chroma tries to download or run its default ONNX model."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("chroma tried to use its default ONNX embedding model")

    monkeypatch.setattr(ONNXMiniLM_L6_V2, "_download", refuse)
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "_download_model_if_not_exists", refuse)
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "__call__", refuse)


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    """A not-yet-existing index directory."""
    return tmp_path / "deep" / "index"


@pytest.fixture
def store(index_dir: Path) -> ChromaStore:
    """An empty embedded store."""
    return open_store("embedded", index_dir, "127.0.0.1", 1, "minsheng_test")


# --- embedded mode -----------------------------------------------------------


def test_embedded_creates_directory_and_starts_empty(index_dir: Path, store: ChromaStore) -> None:
    assert index_dir.is_dir()
    assert store.count() == 0
    assert store.ids() == []
    assert store.query(vec(1), 5) == []


def test_upsert_count_and_query_nearest_first(store: ChromaStore) -> None:
    fill(store)
    assert store.count() == 5
    hits = store.query(vec(1), 5)
    assert [h.id for h in hits] == ["a", "b", "c", "d", "e"]
    expected = [0.0, 1 - 1 / math.sqrt(2), 1 - 1 / math.sqrt(10), 1.0, 2.0]
    assert [h.distance for h in hits] == pytest.approx(expected, abs=1e-5)
    assert hits[0] == StoredHit("a", hits[0].distance, ITEMS["a"][1])
    assert type(hits[0].metadata["year"]) is int and type(hits[0].metadata["done"]) is bool


def test_query_k(store: ChromaStore) -> None:
    fill(store)
    assert [h.id for h in store.query(vec(0, 1), 2)] == ["c", "b"]
    assert len(store.query(vec(1), 100)) == 5
    assert store.query(vec(1), 0) == []


def test_where_filters(store: ChromaStore) -> None:
    fill(store)
    assert [h.id for h in store.query(vec(1), 5, where={"region": "密云区"})] == ["a", "b"]
    both = {"$and": [{"region": "大兴区"}, {"year": {"$gte": 2025}}]}
    assert [h.id for h in store.query(vec(1), 5, where=both)] == ["d"]
    assert [h.id for h in store.query(vec(1), 5, where={"done": True})] == ["a", "c", "e"]
    assert store.query(vec(1), 5, where={"region": "海淀区"}) == []
    assert [h.id for h in store.query(vec(1), 5, where={})] == ["a", "b", "c", "d", "e"]


def test_bad_where_is_store_error(store: ChromaStore, index_dir: Path) -> None:
    fill(store)
    with pytest.raises(StoreError, match=str(index_dir)):
        store.query(vec(1), 5, where={"region": "大兴区", "year": 2025})  # two keys need an explicit $and


def test_delete_and_ids(store: ChromaStore) -> None:
    fill(store)
    assert sorted(store.ids()) == ["a", "b", "c", "d", "e"]
    store.delete(["b", "d", "no-such-id"])
    store.delete([])
    assert store.count() == 3
    assert sorted(store.ids()) == ["a", "c", "e"]
    assert [h.id for h in store.query(vec(1), 5)] == ["a", "c", "e"]


def test_upsert_replaces_existing_id(store: ChromaStore) -> None:
    fill(store)
    store.upsert(["e"], [vec(1)], ["new e"], [{"region": "大兴区"}])
    assert store.count() == 5
    hits = store.query(vec(1), 2)
    assert {h.id for h in hits} == {"a", "e"}
    assert all(h.distance == pytest.approx(0.0, abs=1e-5) for h in hits)
    assert next(h for h in hits if h.id == "e").metadata == {"region": "大兴区"}  # replaced, not merged
    store.upsert(["e"], [vec(1)], ["newer e"], [{}])
    assert next(h for h in store.query(vec(1), 2) if h.id == "e").metadata == {}


def test_empty_metadata_is_allowed(store: ChromaStore) -> None:
    store.upsert(["x"], [vec(1)], ["x"], [{}])
    [hit] = store.query(vec(1), 1)
    assert (hit.id, hit.metadata) == ("x", {})
    store.upsert([], [], [], [])
    assert store.count() == 1


def test_none_metadata_is_refused(store: ChromaStore, index_dir: Path) -> None:
    with pytest.raises(StoreError, match=r"'x'.*None for metadata region") as err:
        store.upsert(["ok", "x"], [vec(1), vec(0, 1)], ["ok", "x"], [{"year": 1}, {"region": None, "year": 2}])
    assert str(index_dir) in str(err.value)
    assert isinstance(err.value, MinshengError)
    assert store.count() == 0


def test_mismatched_lengths_and_duplicate_ids_are_refused(store: ChromaStore) -> None:
    with pytest.raises(StoreError, match="2 ids, 1 embeddings"):
        store.upsert(["a", "b"], [vec(1)], ["a", "b"], [{}, {}])
    with pytest.raises(StoreError, match="more than once: a$"):
        store.upsert(["a", "b", "a"], [vec(1), vec(2), vec(3)], ["a", "b", "a"], [{}, {}, {}])
    assert store.count() == 0


def test_reset(store: ChromaStore) -> None:
    fill(store)
    store.reset()
    assert store.count() == 0
    assert store.ids() == []
    fill(store)
    assert store.count() == 5
    assert store.query(vec(1), 1)[0].distance == pytest.approx(0.0, abs=1e-5)  # still cosine after recreating


def test_store_survives_reset_by_another_store(index_dir: Path, store: ChromaStore) -> None:
    fill(store)
    other = open_store("embedded", index_dir, "127.0.0.1", 1, "minsheng_test")
    other.reset()
    other.upsert(["z"], [vec(1)], ["z"], [{"region": "密云区"}])
    assert store.ids() == ["z"]
    assert [h.id for h in store.query(vec(1), 5)] == ["z"]


def test_persists_across_clients(index_dir: Path, store: ChromaStore) -> None:
    fill(store)
    store.delete(["e"])
    # A second process: clients in one process share chroma's cached system, so only
    # a new process proves the data reached the disk.
    script = (
        "import json, sys; from pathlib import Path; from index.indexing.store import open_store\n"
        "s = open_store('embedded', Path(sys.argv[1]), '127.0.0.1', 1, 'minsheng_test')\n"
        "h = s.query([1.0] + [0.0] * 7, 1)[0]\n"
        "print(json.dumps([s.count(), sorted(s.ids()), h.id, h.metadata]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(index_dir)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [4, ["a", "b", "c", "d"], "a", ITEMS["a"][1]]


def test_upsert_in_batches(store: ChromaStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store._client, "get_max_batch_size", lambda: 3)
    ids = [f"id{i}" for i in range(10)]
    store.upsert(ids, [vec(1, i) for i in range(10)], ids, [{"i": i} for i in range(10)])
    assert store.count() == 10
    assert sorted(store.ids()) == sorted(ids)  # paged by 3
    store.delete(ids[:7])
    assert sorted(store.ids()) == ids[7:]


def test_upsert_more_than_the_client_batch_limit(store: ChromaStore) -> None:
    n = store._client.get_max_batch_size() + 1
    ids = [f"id{i}" for i in range(n)]
    store.upsert(ids, [vec(1, i) for i in range(n)], ids, [{"i": i} for i in range(n)])
    assert store.count() == n
    assert len(set(store.ids())) == n


def test_chroma_errors_become_store_errors(store: ChromaStore, index_dir: Path) -> None:
    fill(store)
    with pytest.raises(StoreError, match=f"{index_dir}.*query failed.*dimension"):
        store.query([1.0, 0.0], 1)


def test_bad_collection_name(index_dir: Path) -> None:
    with pytest.raises(StoreError, match=f"{index_dir}.*'x'"):
        open_store("embedded", index_dir, "127.0.0.1", 1, "x")


def test_unknown_mode(index_dir: Path) -> None:
    with pytest.raises(StoreError, match="'cloud'"):
        open_store("cloud", index_dir, "127.0.0.1", 1, "minsheng_test")


# --- http mode against a real server ----------------------------------------------


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A `chroma run` subprocess on a free port, once its heartbeat answers."""
    port = free_port()
    log = workdir / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(workdir / "data"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"chroma server exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                return proc, port
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    stop_server(proc)
    pytest.fail(f"chroma server did not answer within 60 s:\n{log.read_text(errors='replace')}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Kill a server started by start_server and reap it."""
    proc.kill()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The port of a real Chroma server for this module."""
    proc, port = start_server(tmp_path_factory.mktemp("chroma-server"))
    yield port
    stop_server(proc)


@pytest.fixture
def http_store(server: int, request: pytest.FixtureRequest, tmp_path: Path) -> ChromaStore:
    """An empty collection on the server, named after the test."""
    name = "t-" + request.node.name.replace("_", "-")[:60]
    return open_store("http", tmp_path / "unused", "127.0.0.1", server, name)


def test_http_basic_operations(http_store: ChromaStore, tmp_path: Path) -> None:
    assert http_store.query(vec(1), 3) == []
    fill(http_store)
    assert http_store.count() == 5
    hits = http_store.query(vec(1), 10)
    assert [h.id for h in hits] == ["a", "b", "c", "d", "e"]
    assert hits[1].distance == pytest.approx(1 - 1 / math.sqrt(2), abs=1e-5)
    assert hits[0].metadata == ITEMS["a"][1]
    both = {"$and": [{"region": "大兴区"}, {"year": {"$gte": 2025}}]}
    assert [h.id for h in http_store.query(vec(1), 5, where=both)] == ["d"]
    http_store.upsert(["e"], [vec(1)], ["new e"], [{"region": "密云区"}])
    hits = http_store.query(vec(1), 5, where={"region": "密云区"})
    assert sorted(h.id for h in hits[:2]) == ["a", "e"] and hits[2].id == "b"
    assert next(h for h in hits if h.id == "e").metadata == {"region": "密云区"}  # replaced, not merged
    http_store.delete(["b", "no-such-id"])
    assert sorted(http_store.ids()) == ["a", "c", "d", "e"]
    http_store.reset()
    assert http_store.count() == 0
    assert not (tmp_path / "unused").exists()


def test_http_batches_and_errors(http_store: ChromaStore, server: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_store._client, "get_max_batch_size", lambda: 4)
    ids = [f"id{i}" for i in range(10)]
    http_store.upsert(ids, [vec(1, i) for i in range(10)], ids, [{"i": i} for i in range(10)])
    assert sorted(http_store.ids()) == sorted(ids)
    with pytest.raises(StoreError, match=f"http://127.0.0.1:{server}.*query failed"):
        http_store.query([1.0, 0.0], 1)


def test_http_closed_port(tmp_path: Path) -> None:
    port = free_port()
    with pytest.raises(StoreError, match=f"cannot reach the Chroma server at http://127.0.0.1:{port}: "):
        open_store("http", tmp_path, "127.0.0.1", port, "minsheng_test")


def test_http_server_gone_after_open(tmp_path: Path) -> None:
    proc, port = start_server(tmp_path)
    try:
        store = open_store("http", tmp_path, "127.0.0.1", port, "minsheng_test")
        fill(store)
    finally:
        stop_server(proc)
    with pytest.raises(StoreError, match=f"cannot reach the Chroma server at http://127.0.0.1:{port}: count"):
        store.count()


def test_a_lazy_store_opens_on_first_use_only(index_dir: Path) -> None:
    """Nothing is opened until the store is asked; then once, and every call reaches the real store."""
    opened: list[ChromaStore] = []

    def opener() -> ChromaStore:
        opened.append(open_store("embedded", index_dir / "chroma", "", 0, "lazy"))
        return opened[-1]

    lazy = LazyStore(opener)
    assert opened == []
    fill(lazy)  # type: ignore[arg-type]
    assert len(opened) == 1 and lazy.count() == opened[0].count() > 0
    assert [h.id for h in lazy.query(vec(1, 0, 0), 1)] == [h.id for h in opened[0].query(vec(1, 0, 0), 1)]
    assert len(opened) == 1


def test_an_unopenable_lazy_store_says_so_when_asked(tmp_path: Path) -> None:
    """A store that cannot be opened fails on first use, with the error naming where."""
    blocked = tmp_path / "file"
    blocked.write_text("not a directory", encoding="utf-8")
    lazy = LazyStore(lambda: open_store("embedded", blocked / "chroma", "", 0, "lazy"))
    with pytest.raises(StoreError, match="chroma"):
        lazy.count()
