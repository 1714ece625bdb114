"""bot.measure.baseline: the plain dense pipeline that eval and bench compare against."""
from __future__ import annotations

from bot.measure.baseline import over_index
from index.search.retriever import MinshengRetriever


def test_dense_baseline_never_abstains(retriever: MinshengRetriever) -> None:
    """The plain dense search used for comparison returns k hits for anything."""
    reply = over_index(retriever.searcher).reply("给我讲个笑话", 3)
    assert len(reply["sources"]) == 3 and not reply["abstained"]
