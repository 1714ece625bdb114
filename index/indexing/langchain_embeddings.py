"""Our embedder as a LangChain `Embeddings` (its own module: LangChain is not imported to answer a question)."""
from __future__ import annotations

from langchain_core.embeddings import Embeddings

from minsheng.index.indexing.embed import Embedder


class LangChainEmbeddings(Embeddings):
    """Our embedder as a LangChain `Embeddings`, for use in other chains and vector stores."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain's document embedding call."""
        return self.embedder.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        """LangChain's query embedding call."""
        return self.embedder.embed_query(text)
