"""`records --check`: what a report holds and what is doubtful, per file."""
from __future__ import annotations

from minsheng.index.ingest.check import check_report, text_share
from minsheng.index.ingest.load import read_text
from minsheng.index.ingest.parse import parse_text
from minsheng.index.ingest.records import Record
from tests.conftest import corpus_file


def test_a_clean_report_has_its_facts_and_no_warning() -> None:
    path = corpus_file("苍南县")
    text = read_text(path)
    check = check_report(path.name, text, parse_text(text, path.name))
    assert check.place == ("浙江省", "温州市", "苍南县") and check.year == 2022 and check.months == (1, 10)
    # Its table puts a blank line between cells, header cells too: read as a table of 13 rows.
    assert check.records == 13 and check.share > 0.9 and check.warnings == ()


def test_doubtful_places_and_years_are_warned() -> None:
    west = corpus_file("西湖区2022年全区民生实事项目进展情况通报一")
    text = read_text(west)
    check = check_report(west.name, text, parse_text(text, west.name))
    assert check.place == () and check.region == "西湖区"
    assert any("no parent is named" in w for w in check.warnings)
    bare = "民生实事进展情况\n1.新建幼儿园2所,已完工。"
    nothing = check_report("report.txt", bare, parse_text(bare, "report.txt"))
    assert any(w.startswith("place:") for w in nothing.warnings) and any(w.startswith("year:") for w in nothing.warnings)
    assert (nothing.place, nothing.year, nothing.period) == ((), None, "")


def test_text_share_counts_what_records_hold() -> None:
    text = "标题：某地民生实事\n进展情况:新建幼儿园2所,已完工。\n网站导航 首页 联系我们"
    record = Record(item="1", progress="新建幼儿园2所,已完工。")
    share = text_share(text, [record])
    assert 0.3 < share < 0.7
    assert text_share(text, []) == 0.0 and text_share("", []) == 1.0
