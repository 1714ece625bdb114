"""bot.summary: a place's scorecards as `minsheng summary --json` prints them, on the real reports of a series."""
from __future__ import annotations

import pytest

from minsheng.bot.summary import PlaceError, card_json, summarize
from tests.support.series import DAXING_Q2


def test_the_json_of_a_card_keeps_its_keys_and_counts(series_retriever) -> None:  # type: ignore[no-untyped-def]
    data = card_json(summarize(series_retriever.searcher, "寿县").cards[0])
    assert list(data) == ["place", "issuer", "report", "source", "period", "items", "counted", "stated", "summary",
                          "by_status", "previous", "changes"]
    assert data["counted"]["behind"] == 5 and len(data["by_status"]["behind"]) == 5


def test_a_status_that_moved_is_named_as_people_read_it(series_retriever) -> None:  # type: ignore[no-untyped-def]
    cards = summarize(series_retriever.searcher, "大兴区").cards
    card = next(c for c in cards if c.report.source.startswith(DAXING_Q2))
    moved = {(c["item"], c["before"], c["after"]) for c in card_json(card)["changes"]}
    assert ("12", "正在推进", "已完成") in moved and ("6", "已开工19部", "已开工26部") in moved


def test_a_place_not_covered_is_refused_by_name(series_retriever) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PlaceError, match="昌平区"):
        summarize(series_retriever.searcher, "昌平区")


def test_every_status_in_the_json_carries_its_evidence(series_retriever) -> None:  # type: ignore[no-untyped-def]
    """苍南县's rows: the phrase of each row that decides its status, as written."""
    data = card_json(summarize(series_retriever.searcher, "苍南县").cards[0])
    because = {row["item"]: row["because"] for rows in data["by_status"].values() for row in rows}
    assert because["6"] == "57%(赤溪、灵溪偏慢)" and because["2"] == "95%"
    assert all(because.values())


def test_an_earlier_report_s_card_by_its_period(series_retriever) -> None:  # type: ignore[no-untyped-def]
    searcher = series_retriever.searcher
    latest = summarize(searcher, "大兴区").cards[0]
    earlier = summarize(searcher, "大兴区", "2024年一季度").cards[0]
    assert latest.report.label == "2024年二季度" and earlier.report.label == "2024年一季度"
    assert summarize(searcher, "大兴区", "一季度").cards[0].report.label == "2024年一季度"
    with pytest.raises(PlaceError, match="大兴区没有2023年的报告；已收录的时期：2024年一季度、2024年二季度"):
        summarize(searcher, "大兴区", "2023年")
    with pytest.raises(PlaceError, match="看不出“去年冬天”是哪个时期"):
        summarize(searcher, "大兴区", "去年冬天")
