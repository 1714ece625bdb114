"""One Answer, three renderings: terminal, Telegram HTML (escaped), and the `ask --json` object."""
from __future__ import annotations

import html
import re

from minsheng.bot.answer.render import to_html, to_json, to_terminal
from minsheng.bot.answer.types import Answer, Citation
from minsheng.index.indexing.catalog import Coverage
from minsheng.index.indexing.chunk import Chunk
from minsheng.index.search.query import parse_query
from minsheng.index.search.results import Hit, SearchResult

CITATION = Citation("abc-0001-0", "甲区", "甲区<2024>民生实事&进展", "2024年一季度", "3", "区住建委")
ANSWER = Answer("甲区（2024年一季度）：完成改造<b>12</b>个 & 开工3个", [CITATION])


def test_terminal_lists_numbered_sources() -> None:
    text = to_terminal(ANSWER)
    assert text.splitlines() == [
        "甲区（2024年一季度）：完成改造<b>12</b>个 & 开工3个", "", "来源：",
        "[1] 甲区 · 《甲区<2024>民生实事&进展》2024年一季度 · 第3项 · 牵头 区住建委",
    ]


def test_html_escapes_every_piece_of_report_text() -> None:
    out = to_html(ANSWER)
    assert "&lt;b&gt;12&lt;/b&gt;" in out and "&amp; 开工3个" in out and "《甲区&lt;2024&gt;民生实事&amp;进展》" in out
    # Only our own tags remain, and they are balanced.
    tags = re.findall(r"</?([a-z]+)>", out)
    assert set(tags) <= {"b", "i"} and tags.count("b") % 2 == 0 and tags.count("i") % 2 == 0
    assert html.unescape(re.sub(r"</?[bi]>", "", out)).startswith(ANSWER.text)


def test_traditional_answer_renders_traditional_labels() -> None:
    answer = Answer("青島市：46個", [CITATION], traditional=True)
    assert "來源：" in to_terminal(answer) and "第3項 · 牽頭 區住建委" in to_terminal(answer)
    assert "<b>來源</b>" in to_html(answer)


def test_abstention_has_no_sources_section() -> None:
    answer = Answer("收录的报告里没有乙区的内容。", abstained=True)
    assert to_terminal(answer) == "收录的报告里没有乙区的内容。\n" and "来源" not in to_html(answer)


def test_json_keeps_the_contract_and_cuts_sources_to_k() -> None:
    coverage = Coverage({"甲区": ("2024年一季度",)}, {"甲区": 1}, ())
    chunks = [Chunk(f"abc-000{i}-0", f"甲区 · 第{i}项\n进展: 完成{i}个", "a.txt", "甲区报告", "甲区", 2024, "一季度",
                    str(i), "", "区住建委", "on_track", i, 0) for i in range(1, 4)]
    result = SearchResult(parse_query("甲区改造进展", coverage), [Hit(c, 1.0 / i) for i, c in enumerate(chunks, 1)])
    data = to_json("甲区改造进展", ANSWER, result, k=2)
    assert list(data)[:4] == ["question", "answer", "abstained", "sources"]
    assert [s["id"] for s in data["sources"]] == ["abc-0001-0", "abc-0002-0"]
    assert set(data["sources"][0]) == {"id", "report", "region", "period", "item", "lead_unit", "text", "score"}
    assert data["sources"][0]["period"] == "2024年一季度" and data["answer"] == ANSWER.text
    assert data["citations"][0]["label"] == CITATION.label() and data["composer"] == "extractive"


def test_a_records_source_ends_with_the_reports_own_wording() -> None:
    """A record's fields are relabelled; its source text also carries the report's words for checking."""
    coverage = Coverage({"甲区": ("2024年一季度",)}, {"甲区": 1}, ())
    record = Chunk("abc-0001-0", "甲区 · 第1项\n任务: 新建公园\n牵头: 区园林局", "a.txt", "甲区报告", "甲区", 2024, "一季度",
                   "1", "", "区园林局", "on_track", 1, 0, original="1 | 新建公园 | 区园林局 | 已开工 |")
    passage = Chunk("abc-0001-1001", "甲区 · 2024年一季度\n1 | 新建公园 | 区园林局 | 已开工 |", "a.txt", "甲区报告", "甲区",
                    2024, "一季度", "1", "", "区园林局", "on_track", 1, 1001, kind="passage")
    result = SearchResult(parse_query("甲区公园", coverage), [Hit(record, 1.0), Hit(passage, 0.5)])
    record_text, passage_text = (s["text"] for s in to_json("甲区公园", ANSWER, result, k=2)["sources"])
    assert record_text == record.text + "\n原文: 1 | 新建公园 | 区园林局 | 已开工 |"
    assert passage_text == passage.text
