"""The search as a LangChain retriever, returning Documents with the record metadata."""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from minsheng.index.search.results import Hit, SearchResult
from minsheng.index.search.searcher import Searcher


def hit_document(hit: Hit) -> Document:
    """A hit as a LangChain Document: the chunk text, and its metadata plus scores."""
    chunk = hit.chunk
    metadata: dict[str, Any] = {
        "id": chunk.id, **chunk.metadata(), "period_label": chunk.period_label,
        "score": hit.score, "dense": hit.dense, "lexical": hit.lexical, "coverage": hit.coverage,
    }
    return Document(page_content=chunk.text, metadata=metadata, id=chunk.id)


class MinshengRetriever(BaseRetriever):
    """Hybrid, district- and period-aware retrieval over the 民生实事 index; empty when it abstains."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Searcher
    k: int = 5

    def search(self, question: str, k: int | None = None) -> SearchResult:
        """The full result (query, hits, abstention and its reason): what the CLI and the bot use."""
        return self.searcher.search(question, k or self.k)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        result = self.search(query)
        return [] if result.abstained else [hit_document(h) for h in result.hits]
