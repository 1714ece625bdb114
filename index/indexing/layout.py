"""Every file and directory of an index, named once.

    <index>/catalog.sqlite        the catalog: files, chunks (text, metadata, tokens, float16 vector), the corpus's
                                  words, the keyword index (FTS5); each build one transaction (WAL beside it)
    <index>/lock                  the build lock (a flock; holds the builder's pid)
    <index>/chroma/               the embedded Chroma database ([store] mode = "embedded")
    <index>/models/               ONNX exports of the embedding model when [paths] models is not set

Left by index formats before 18 and removed by the first build of this one: CURRENT, gen-NNNNNN/ (manifest.json,
chunks.jsonl, vectors.npy, bm25/).
"""
from __future__ import annotations

CATALOG = "catalog.sqlite"
LOCK = "lock"
CHROMA_DIR = "chroma"
MODELS_DIR = "models"
# The layout before the catalog database (format ≤ 17): recognized to say it is old, removed by the next build.
CURRENT = "CURRENT"
GENERATION_PREFIX = "gen-"
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
BM25_DIR = "bm25"
