"""index.search.ranking: the lifts and drops a hit's score gets beside fusion and topic coverage."""
from __future__ import annotations

from minsheng.index.indexing.chunk import Chunk
from minsheng.index.search.ranking import rank_lift


def _passage(body: str) -> Chunk:
    return Chunk("a-0001-p", f"甲县 · 2020年9月\n{body}", "a.txt", "报告", "甲县", 2020, "9月", "", "", "", "unknown",
                 1, 0, kind="passage")


def test_a_text_giving_a_rank_leads_only_when_a_rank_is_asked() -> None:
    ranked = _passage("9月份甲镇、乙镇位居全县前两名,丙镇位居全县后三名。")
    about = _passage("现将实施进度和考核排名情况通报如下:")
    assert rank_lift(ranked, True) > 0 and rank_lift(about, True) == 0.0
    assert rank_lift(ranked, False) == 0.0
