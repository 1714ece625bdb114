"""The embedding model as int8 ONNX, run by ONNX Runtime: exported once from the sentence-transformers model into
a folder beside the index, checked against the float32 export on the machine it runs on (kept as float32 when int8
drifts), then loaded without torch (a fast `ask`, and about three times the CPU throughput)."""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

import numpy as np

from minsheng.index.indexing.embed import EmbedError, Progress, QueryCache, resolve_model

# 7-bit weights ("r7", within ±64, scaled per channel): u8 activations times s8 weights overflow int16 pair sums on
# AVX2 CPUs without VNNI, where ONNX Runtime's kernel saturates and the vectors drift; with 7-bit weights no sum can,
# so every x86-64 CPU computes the same integers.
SUFFIX = " (onnx-int8-r7)"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_SETTINGS = "embedder.json"
# Written into embedder.json; an export of another version is redone.
EXPORT_VERSION = 2
# At export, int8 vectors of these sentences must stay this close (cosine) to the float32 model's, else the float32
# model is kept: slower, but never a ranking that depends on quantization.
_CHECK_SENTENCES = ("全区新建社区养老服务驿站4家，已有2家投入运营", "完成老旧小区综合整治12个，惠及居民3000余户",
                    "新建改扩建中小学和幼儿园5所，新增学位2400个", "公交线路优化调整5条，方便群众出行",
                    "大兴区医保移动支付进展如何")
_CHECK_COSINE = 0.98


def onnx_name(model: str) -> str:
    """The name an index built with the ONNX embedder records (its vectors differ slightly from float32 ones)."""
    return model + SUFFIX


def export_folder(cache_dir: Path, model: str) -> Path:
    """Where the export of `model` is kept under cache_dir."""
    digest = hashlib.sha1(onnx_name(model).encode("utf-8")).hexdigest()[:12]
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in model.rsplit("/", 1)[-1].rsplit(":", 1)[-1])
    return cache_dir / f"{safe}-{digest}"


def _pooling(path: str) -> str:
    """The sentence-transformers pooling of a local model directory: "mean" (also when none is declared, as
    sentence-transformers assumes) or "cls"."""
    modules = Path(path) / "modules.json"
    if not modules.is_file():
        return "mean"
    for module in json.loads(modules.read_text("utf-8")):
        if module.get("type", "").endswith("Pooling"):
            config = json.loads((Path(path) / module.get("path", "") / "config.json").read_text("utf-8"))
            if config.get("pooling_mode_cls_token"):
                return "cls"
            if config.get("pooling_mode_mean_tokens", True):
                return "mean"
            raise EmbedError(f"model {path!r}: its pooling is neither mean nor CLS; set [index] backend = \"torch\"")
    return "mean"


def export(model: str, folder: Path) -> None:
    """Export `model` (a bundled name, a path or a hub id) to folder: model.onnx with int8 weights, tokenizer.json
    and embedder.json. Written beside folder and renamed into place, so a reader never sees half an export."""
    path = resolve_model(model)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=folder.parent))
    work.chmod(0o755)  # mkdtemp makes it private; bot processes of other users read it too
    try:
        pooling, max_length, precision = _export_into(path, work)
        (work / _SETTINGS).write_text(json.dumps({
            "model": model, "pooling": pooling, "max_length": max_length, "version": EXPORT_VERSION,
            "precision": precision,
        }), "utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        try:
            work.rename(folder)
        except OSError:
            if not (folder / _SETTINGS).is_file():  # another process finished the same export first
                raise
    except EmbedError:
        raise
    except Exception as exc:  # noqa: BLE001 - an export failure of any kind becomes one readable line
        raise EmbedError(f"model {model!r} ({path}): cannot be exported to ONNX ({exc}); "
                         "set [index] backend = \"torch\" to use it through sentence-transformers") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _export_into(path: str, work: Path) -> tuple[str, int, str]:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    local = Path(path).is_dir()
    pooling = _pooling(path) if local else "mean"
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=local)
    if not tokenizer.is_fast:
        raise EmbedError(f"model {path!r}: has no fast tokenizer (tokenizer.json); set [index] backend = \"torch\"")
    tokenizer.save_pretrained(str(work))
    # Eager attention exports as plain matrix products, which ONNX Runtime runs (and int8 quantizes) well.
    bert = AutoModel.from_pretrained(path, local_files_only=local, attn_implementation="eager").eval()
    max_length = _max_length(path, tokenizer.model_max_length, bert.config.max_position_embeddings)

    class Hidden(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    sample = tokenizer(["示例", "再来一个例子"], padding=True, return_tensors="pt")
    dynamic = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "hidden")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about Python control flow in the model
        torch.onnx.export(Hidden(bert), tuple(sample[name] for name in _INPUTS), str(work / "float32.onnx"),
                          input_names=list(_INPUTS), output_names=["hidden"], dynamic_axes=dynamic,
                          opset_version=17, dynamo=False)
    # A scale per output channel wins back what the 7th bit loses (cosine to float32 0.997 against 0.965 per tensor).
    quantize_dynamic(str(work / "float32.onnx"), str(work / "model.onnx"), weight_type=QuantType.QInt8,
                     reduce_range=True, per_channel=True)
    closeness = _closeness(work, pooling, max_length)
    precision = "int8"
    if closeness < _CHECK_COSINE:
        print(f"embedder: int8 vectors drift from the float32 model on this CPU (cosine {closeness:.3f}); "
              "using the float32 model", file=sys.stderr)
        (work / "float32.onnx").replace(work / "model.onnx")
        precision = "float32"
    for extra in work.glob("float32.onnx*"):
        extra.unlink()
    return pooling, max_length, precision


def _closeness(work: Path, pooling: str, max_length: int) -> float:
    """The smallest cosine between the int8 and the float32 export's vectors of the check sentences."""
    int8 = _Session(work / "model.onnx", work / "tokenizer.json", pooling, max_length)
    float32 = _Session(work / "float32.onnx", work / "tokenizer.json", pooling, max_length)
    return min(float(np.dot(int8.vector(text), float32.vector(text))) for text in _CHECK_SENTENCES)


def _max_length(path: str, tokenizer_max: int, positions: int) -> int:
    """The sequence length sentence-transformers would use: its own setting if the model has one."""
    config = Path(path) / "sentence_bert_config.json"
    if config.is_file():
        value = json.loads(config.read_text("utf-8")).get("max_seq_length")
        if isinstance(value, int) and value > 0:
            return value
    return min(tokenizer_max if 0 < tokenizer_max < 100_000 else positions, positions)


class _Session:
    """One ONNX model and its tokenizer: a text's pooled unit vector, one text per run."""

    def __init__(self, model: Path, tokenizer: Path, pooling: str, max_length: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._pooling = pooling
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(max_length)
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]

    def vector(self, text: str) -> np.ndarray:
        """The text's vector (mean or CLS pooling), normalized."""
        encoding = self._tokenizer.encode(text)
        feeds = {"input_ids": encoding.ids, "attention_mask": encoding.attention_mask,
                 "token_type_ids": encoding.type_ids}
        hidden = self._session.run(None, {name: np.array([feeds[name]], dtype=np.int64)
                                          for name in self._inputs})[0][0]
        vector = hidden[0] if self._pooling == "cls" else hidden.mean(axis=0)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector


class OnnxEmbedder:
    """Sentence vectors from the int8 ONNX export, one text per run: a text's vector never depends on what it was
    batched with (dynamic quantization scales each run's activations), so a question meets its own sentence
    exactly. Several texts run at once on `workers` threads, each run on one core."""

    def __init__(self, model: str, cache_dir: Path, workers: int = 1) -> None:
        self.name = onnx_name(model)
        folder = export_folder(cache_dir, model)
        if not _current(folder):
            export(model, folder)
        try:
            settings = json.loads((folder / _SETTINGS).read_text("utf-8"))
            self._model = _Session(folder / "model.onnx", folder / "tokenizer.json", settings["pooling"],
                                   int(settings["max_length"]))
        except Exception as exc:  # noqa: BLE001 - a damaged export becomes one readable line
            raise EmbedError(f"model {model!r}: the ONNX export in {folder} cannot be loaded ({exc}); "
                             "delete that folder to export it again") from None
        self.workers = max(1, workers)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._cache = QueryCache()

    def _vector(self, text: str) -> np.ndarray:
        return self._model.vector(text)

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> list[list[float]]:
        """Vectors for texts, in order; progress(n) after every n texts done."""
        if not texts:
            return []
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="embed")
        vectors: list[list[float]] = []
        step = 16 * self.workers
        for start in range(0, len(texts), step):
            part = texts[start:start + step]
            vectors.extend(v.tolist() for v in self._pool.map(self._vector, part))
            if progress:
                progress(len(part))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """The vector of one question, cached because people repeat questions."""
        return self._cache.get(text, lambda t: self._vector(t).tolist())


def export_ready(cache_dir: Path, model: str) -> bool:
    """Whether an up-to-date export of `model` is in cache_dir (else the first use makes it, ~15 s on 2 cores)."""
    return _current(export_folder(cache_dir, model))


def _current(folder: Path) -> bool:
    try:
        settings = json.loads((folder / _SETTINGS).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return settings.get("version") == EXPORT_VERSION and (folder / "model.onnx").is_file()
