"""News pages: headline sections, and plain paragraphs when there are no headlines."""
from __future__ import annotations

from index.ingest.news import is_boilerplate, is_headline
from index.ingest.parse import parse_text


def test_headlines_and_boilerplate() -> None:
    """Short unpunctuated lines are headlines; navigation and bylines are page furniture."""
    assert is_headline("解决办税难题2475件")
    assert not is_headline("近两年,累计服务小微企业。")
    assert is_boilerplate("首页 > 地方要闻 > 正文")
    assert is_boilerplate("[责任编辑:张三]")
    assert not is_boilerplate("新建养老驿站10个。")


def test_plain_news_paragraphs_become_records() -> None:
    """A news story with no section headlines: every paragraph is a record, nothing dropped."""
    text = "\n".join([
        "某县召开民生实事推进会",
        "",
        "11月5日,某县召开民生实事推进会,通报今年10件实事进展情况,其中8件已完成年度任务。",
        "",
        "会议指出,农村公路改造已完成120公里,超额完成全年任务;城区停车场建设正在推进,预计年底完工。",
        "",
        "[责任编辑:李四]",
    ])
    parsed = parse_text(text, "news.txt")
    assert parsed.shape == "paragraphs"
    assert parsed.report.title == "某县召开民生实事推进会"
    assert len(parsed.records) == 2
    assert "农村公路改造已完成120公里" in parsed.records[1].progress
    assert parsed.leftover == ["[责任编辑:李四]"]
