"""Building an index generation: records → chunks → vectors (Chroma) and BM25, with the catalog and manifest.

The names below are what bot/ may use; each is imported from its module when first used (index/lazy.py), so the
builder, Chroma and sentence-transformers cost nothing to a caller that never asks for them."""
from __future__ import annotations

from typing import TYPE_CHECKING

from minsheng.index.lazy import lazy_face

if TYPE_CHECKING:
    from minsheng.index.indexing.builder import BuildReport, ProgressFactory, build_index, text_key
    from minsheng.index.indexing.catalog import (
        Coverage,
        FileEntry,
        Manifest,
        generation,
        read_chunks,
        read_manifest,
        require_index,
    )
    from minsheng.index.indexing.chunk import (
        LABELLED,
        Chunk,
        chunk_report,
        count_records,
        count_tokens,
        field_text,
        fit_tokens,
        other_text,
        period_label,
        project_name,
        search_texts,
        states,
    )
    from minsheng.index.indexing.embed import Embedder, SentenceTransformerEmbedder
    from minsheng.index.indexing.layout import CHROMA_DIR, MODELS_DIR
    from minsheng.index.indexing.onnx_embed import OnnxEmbedder, export_ready, onnx_name
    from minsheng.index.indexing.reader import FileLimits, FileReader
    from minsheng.index.indexing.store import ChromaStore, LazyStore, VectorStore, open_store
    from minsheng.index.indexing.vectors import nearest

__all__ = [
    "CHROMA_DIR", "LABELLED", "MODELS_DIR", "BuildReport", "ChromaStore", "Chunk", "Coverage", "Embedder",
    "FileEntry", "FileLimits", "Manifest", "FileReader", "LazyStore", "OnnxEmbedder", "ProgressFactory", "SentenceTransformerEmbedder", "VectorStore",
    "build_index", "chunk_report", "count_records", "count_tokens", "export_ready", "field_text", "fit_tokens",
    "generation", "nearest", "onnx_name", "open_store", "other_text", "period_label", "project_name", "read_chunks", "read_manifest",
    "require_index", "search_texts", "states", "text_key",
]
__getattr__ = lazy_face(__name__)
