"""News pages: headline sections, and plain paragraphs when there are no headlines."""
from __future__ import annotations

import pytest

from minsheng.index.ingest.load import load_report
from minsheng.index.ingest.news import is_boilerplate, is_headline
from minsheng.index.ingest.parse import parse_text
from tests.conftest import corpus_file


def test_headlines_and_boilerplate() -> None:
    """Short unpunctuated lines are headlines; navigation and bylines are page furniture."""
    assert is_headline("解决办税难题2475件")
    assert not is_headline("近两年,累计服务小微企业。")
    assert is_boilerplate("首页 > 地方要闻 > 正文")
    assert is_boilerplate("[责任编辑:张三]")
    assert not is_boilerplate("新建养老驿站10个。")


def test_a_pages_byline_controls_and_pictures_are_furniture() -> None:
    """Publication lines with two byline labels, the page's 字号/打印 controls and a picture's file name are no
    project; a sentence naming one source (资金来源:…) is."""
    assert is_boilerplate("发表时间:2025-10-09 14:34 信息来源:民生办 作者:民生办 初审:某某 阅读人次:")
    assert is_boilerplate("2017-12-15 00:00   [字号: ] 打印")
    assert is_boilerplate("發布時間:2025-02-20 10:16:17 來源:某某日報")
    assert is_boilerplate("51eaf6b6-34a0-4a76.jpg.jpg")
    assert is_boilerplate("分享到:")
    assert not is_boilerplate("资金来源:市级财政补助300万元,已全部拨付。")


def test_a_site_s_footer_is_furniture() -> None:
    """Copyright, filing and licence lines at a page's foot are no project, whatever figures they hold."""
    assert is_boilerplate("某某网版权所有,未经书面授权禁止使用 服务邮箱:abc2015@163.com 举报电话:25204288")
    assert is_boilerplate("备案编号:豫ICP备05015077号-1")
    assert is_boilerplate("互联网新闻信息服务许可证:12120170004")
    assert is_boilerplate("Copyright © 2024 某某县人民政府")
    assert not is_boilerplate("完成版权登记服务平台建设,服务企业120家。")


@pytest.mark.parametrize("prefix", ["萧县2025年9月", "惠東縣"])
def test_no_real_report_keeps_its_byline_as_a_record(prefix: str) -> None:
    """These pages open with a byline line: it is left over, not a project."""
    parsed = load_report(corpus_file(prefix))
    assert parsed.records
    for record in parsed.records:
        assert not any(label in record.progress for label in ("发表时间:", "[字号:", "發布時間:", ".jpg"))


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


def test_a_long_cell_between_short_cells_of_a_cell_per_line_table_is_no_paragraph() -> None:
    """A page that is mostly one table cell per line: a longer cell between two short ones is a cell, left to the
    passages; in a page of paragraphs the same layout is a paragraph."""
    cells = ["1", "城镇新增就业(人)", "26000", "32095", "2", "对创业的在校大学生和毕业5年内的高校毕业生给予创业补贴等政策扶持",
             "500", "262", "3", "城乡居民养老保险参保(万人)", "120", "118"]
    parsed = parse_text("\n\n".join(["某市民生工程实施进度表", *cells]), "cells.txt")
    assert parsed.records == [] and any("创业补贴" in line for line in parsed.leftover)
    prose = "\n\n".join(["某县民生实事进展", "一、就业", "城镇新增就业3200人,完成全年任务的80%。", "二、教育",
                           "新建幼儿园2所,已完成主体工程。", "三、养老"])
    assert [r.progress for r in parse_text(prose, "prose.txt").records] == [
        "城镇新增就业3200人,完成全年任务的80%。", "新建幼儿园2所,已完成主体工程。"]
