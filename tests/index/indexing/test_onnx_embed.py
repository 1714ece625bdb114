"""index.indexing.onnx_embed: the int8 ONNX export of the bundled model and the ONNX Runtime embedder."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from minsheng.index.indexing.embed import EmbedError, SentenceTransformerEmbedder
from minsheng.index.indexing.onnx_embed import EXPORT_VERSION, OnnxEmbedder, export_folder, onnx_name
from tests.conftest import ROOT
from tests.index.indexing.test_embed import SENTENCES as EMBED_SENTENCES

MODEL = "bundled:m3e-small"
# The adapter tests' sentences, plus one past the 512-token limit.
SENTENCES = [*EMBED_SENTENCES, "全区新建社区养老服务驿站4家，已有2家投入运营，另外2家正在装修" * 30]

pytestmark = pytest.mark.usefixtures("offline")


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def onnx(models: Path) -> OnnxEmbedder:
    return OnnxEmbedder(MODEL, models, workers=2)


@pytest.fixture(scope="module")
def exact() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(MODEL)


def test_the_export_holds_model_tokenizer_and_settings(onnx: OnnxEmbedder, models: Path) -> None:
    folder = export_folder(models, MODEL)
    assert {p.name for p in folder.iterdir()} >= {"model.onnx", "tokenizer.json", "embedder.json"}
    settings = json.loads((folder / "embedder.json").read_text("utf-8"))
    # 7-bit int8 weights hold on this CPU (the export compared them with the float32 model before keeping them).
    assert settings == {"model": MODEL, "pooling": "mean", "max_length": 512, "version": EXPORT_VERSION,
                        "precision": "int8"}
    assert not list(models.glob(".export-*"))  # the work folder was renamed into place
    assert onnx.name == onnx_name(MODEL) == "bundled:m3e-small (onnx-int8-r7)"


def test_vectors_are_512_dim_unit_vectors_in_input_order(onnx: OnnxEmbedder) -> None:
    vectors = np.array(onnx.embed_documents(SENTENCES))
    assert vectors.shape == (len(SENTENCES), 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors[2], onnx.embed_documents([SENTENCES[2]])[0], atol=1e-6)


def test_a_texts_vector_never_depends_on_its_neighbours(onnx: OnnxEmbedder) -> None:
    together = np.array(onnx.embed_documents(SENTENCES))
    alone = np.array([onnx.embed_documents([s])[0] for s in SENTENCES])
    reversed_ = np.array(onnx.embed_documents(SENTENCES[::-1]))[::-1]
    queries = np.array([onnx.embed_query(s) for s in SENTENCES])
    assert np.abs(together - alone).max() < 1e-6
    assert np.abs(together - reversed_).max() < 1e-6
    assert np.abs(together - queries).max() < 1e-6


def test_int8_vectors_stay_close_to_the_float32_model(onnx: OnnxEmbedder, exact: SentenceTransformerEmbedder) -> None:
    fast, slow = np.array(onnx.embed_documents(SENTENCES)), np.array(exact.embed_documents(SENTENCES))
    assert (fast * slow).sum(axis=1).min() > 0.97
    # Similarities move by less than the gaps that matter: the two old-housing sentences and the two school
    # sentences stay each other's nearest neighbours.
    assert np.abs(fast @ fast.T - slow @ slow.T).max() < 0.03
    for a, b in ((0, 1), (3, 4)):
        for vectors in (fast, slow):
            assert np.argsort(-(vectors @ vectors[a]))[1] == b and np.argsort(-(vectors @ vectors[b]))[1] == a


def test_one_worker_gives_the_same_vectors_as_two(onnx: OnnxEmbedder, models: Path) -> None:
    single = OnnxEmbedder(MODEL, models, workers=1)
    assert np.abs(np.array(single.embed_documents(SENTENCES)) - np.array(onnx.embed_documents(SENTENCES))).max() < 1e-6


def test_progress_adds_up_and_no_texts_no_vectors(onnx: OnnxEmbedder) -> None:
    calls: list[int] = []
    onnx.embed_documents(SENTENCES * 9, calls.append)
    assert sum(calls) == len(SENTENCES) * 9 and len(calls) > 1
    assert onnx.embed_documents([]) == []


def test_an_existing_export_is_reused_and_an_old_one_redone(onnx: OnnxEmbedder, models: Path) -> None:
    folder = export_folder(models, MODEL)
    stamp = (folder / "model.onnx").stat().st_mtime_ns
    OnnxEmbedder(MODEL, models)
    assert (folder / "model.onnx").stat().st_mtime_ns == stamp
    settings = json.loads((folder / "embedder.json").read_text("utf-8"))
    (folder / "embedder.json").write_text(json.dumps({**settings, "version": 0}), "utf-8")
    again = OnnxEmbedder(MODEL, models)
    assert json.loads((folder / "embedder.json").read_text("utf-8"))["version"] == EXPORT_VERSION
    assert np.abs(np.array(again.embed_query(SENTENCES[0])) - np.array(onnx.embed_query(SENTENCES[0]))).max() < 1e-6


def test_a_damaged_export_is_reported_with_its_folder(tmp_path: Path, onnx: OnnxEmbedder, models: Path) -> None:
    copy = tmp_path / "models"
    folder = export_folder(copy, MODEL)
    folder.parent.mkdir()
    source = export_folder(models, MODEL)
    folder.mkdir()
    for name in ("embedder.json", "tokenizer.json"):
        (folder / name).write_bytes((source / name).read_bytes())
    (folder / "model.onnx").write_bytes((source / "model.onnx").read_bytes()[:1000])
    with pytest.raises(EmbedError, match=f"{folder.name}.*cannot be loaded.*delete that folder"):
        OnnxEmbedder(MODEL, copy)


def test_an_unknown_model_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(EmbedError, match="bundled:nope"):
        OnnxEmbedder("bundled:nope", tmp_path)
    (tmp_path / "empty").mkdir()  # a directory with no model in it
    with pytest.raises(EmbedError, match="empty.*cannot be exported"):
        OnnxEmbedder(str(tmp_path / "empty"), tmp_path / "models")


def test_loading_an_export_does_not_import_torch(onnx: OnnxEmbedder, models: Path) -> None:
    # The point of the export: a question is embedded without the seconds torch takes to import.
    code = ("import sys; from pathlib import Path; from index.indexing.onnx_embed import OnnxEmbedder; "
            f"e = OnnxEmbedder({MODEL!r}, Path({str(models)!r})); e.embed_query('公交'); "
            "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_int8_weights_are_7_bit_so_no_cpu_saturates_them(onnx: OnnxEmbedder, models: Path) -> None:
    """u8 activations times s8 weights overflow int16 pair sums on AVX2 CPUs without VNNI (2 × 255 × 127); with
    weights within ±64 no pair sum can (2 × 255 × 64 = 32,640 ≤ 32,767), so every x86-64 CPU gets the same vectors."""
    import onnx as onnx_format
    from onnx import numpy_helper

    graph = onnx_format.load(str(export_folder(models, MODEL) / "model.onnx")).graph
    weights = [numpy_helper.to_array(t) for t in graph.initializer if t.data_type == onnx_format.TensorProto.INT8]
    assert len(weights) >= 48 and all(np.abs(w.astype(np.int32)).max() <= 64 for w in weights)
    assert max(np.abs(w.astype(np.int32)).max() for w in weights) == 64  # the 7 bits are used, not fewer


def test_an_int8_export_that_drifts_is_kept_as_float32(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str],
                                                         exact: SentenceTransformerEmbedder) -> None:
    """Checked at export on the machine it runs on: int8 vectors further from the float32 model than allowed leave
    the float32 model in place, with a line saying so."""
    from minsheng.index.indexing import onnx_embed

    monkeypatch.setattr(onnx_embed, "_CHECK_COSINE", 1.01)  # no int8 export is that close
    embedder = OnnxEmbedder(MODEL, tmp_path)
    assert "using the float32 model" in capsys.readouterr().err
    settings = json.loads((export_folder(tmp_path, MODEL) / "embedder.json").read_text("utf-8"))
    assert settings["precision"] == "float32"
    fast, slow = np.array(embedder.embed_documents(SENTENCES)), np.array(exact.embed_documents(SENTENCES))
    assert (fast * slow).sum(axis=1).min() > 0.999
