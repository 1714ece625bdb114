"""Every file and directory of an index, named once.

    <index>/CURRENT               the live generation's name (replaced atomically when a build finishes)
    <index>/lock                  the build lock (a flock; holds the builder's pid)
    <index>/chroma/               the embedded Chroma database ([store] mode = "embedded")
    <index>/models/               ONNX exports of the embedding model when [paths] models is not set
    <index>/gen-NNNNNN/           one generation:
        manifest.json             what it was built from and with
        chunks.jsonl              the chunk catalog, in catalog order
        vectors.npy               the chunks' vectors (float16, catalog order)
        bm25/                     the BM25 matrix (bm25s's own files) and:
            ids.json              row → chunk id
            userdict.txt          the corpus words jieba was given
            tokens.npz            every chunk's tokens, reused by the next build
"""
from __future__ import annotations

CURRENT = "CURRENT"
LOCK = "lock"
CHROMA_DIR = "chroma"
MODELS_DIR = "models"
GENERATION_PREFIX = "gen-"
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.npy"
BM25_DIR = "bm25"
BM25_IDS = "ids.json"
USER_DICT = "userdict.txt"
TOKENS = "tokens.npz"
