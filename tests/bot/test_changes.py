"""What a newly indexed report tells followers of its place: the counts, the moves since the previous report."""
from __future__ import annotations

from minsheng.bot.changes import news_lines, report_news
from tests.support.series import DAXING_Q1, DAXING_Q2


def _timeline(settings):  # type: ignore[no-untyped-def]
    from minsheng.bot.cli import _timeline as timeline

    return timeline(settings)


def test_the_next_quarter_says_what_moved_since_the_previous_one(series_indexed) -> None:  # type: ignore[no-untyped-def]
    timeline, paths = _timeline(series_indexed)
    news = report_news(timeline, paths, DAXING_Q2)
    assert news is not None and not news.first and news.path == ("北京市", "大兴区")
    text = "\n".join(news_lines(news))
    assert text.startswith("新报告：大兴区（2024年二季度）《大兴区2024年重要民生实事项目二季度进展情况》")
    assert "上一期：2024年一季度《大兴区2024年重要民生实事项目一季度进展情况》" in text
    assert "已完成 0项 → 1项" in text  # the counts by status
    assert "已开工19部 → 已开工26部" in text  # a figure as the reports write it
    assert "通学服务：正在推进 → 已完成" in text  # a status


def test_the_first_report_of_a_place_says_so_and_a_repost_is_no_news(series_indexed) -> None:  # type: ignore[no-untyped-def]
    timeline, paths = _timeline(series_indexed)
    first = report_news(timeline, paths, DAXING_Q1)
    assert first is not None and first.first
    assert "这是大兴区收录的第一份报告。" in news_lines(first)
    assert report_news(timeline, paths, "萧县民生工程9月进展(转载).txt") is None  # the same report reposted
    assert report_news(timeline, paths, "no such report.txt") is None
