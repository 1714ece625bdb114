"""Searching: question → Query (with follow-up completion), hybrid retrieval, ranking, abstention.

The names below are what bot/ may use; each is imported from its module when first used (index/lazy.py), so the
LangChain retriever costs nothing to a caller that never asks for it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from minsheng.index.lazy import lazy_face

if TYPE_CHECKING:
    from minsheng.index.search.followup import FollowUp, Turn, complete
    from minsheng.index.search.query import Query, ends_chat, region_names, starts_over
    from minsheng.index.search.ranking import by_record
    from minsheng.index.search.results import Hit, Note, SearchResult
    from minsheng.index.search.retriever import MinshengRetriever
    from minsheng.index.search.scorecard import STATUS_ORDER, Scorecard, ScoredItem
    from minsheng.index.search.searcher import Searcher
    from minsheng.index.search.series import figure_change
    from minsheng.index.search.timeline import Timeline
    from minsheng.index.search.topic import topic_coverage

__all__ = [
    "STATUS_ORDER", "FollowUp", "Hit", "MinshengRetriever", "Note", "Query", "Scorecard", "ScoredItem", "SearchResult",
    "Searcher", "Timeline", "Turn", "by_record", "complete", "ends_chat", "figure_change", "region_names", "starts_over", "topic_coverage",
]
__getattr__ = lazy_face(__name__)
