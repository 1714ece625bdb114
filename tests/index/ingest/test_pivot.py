"""Pivot tables: projects across under repeated header groups, places down."""
from __future__ import annotations

from minsheng.index.ingest.load import load_report
from minsheng.index.ingest.parse import parse_text
from minsheng.index.kinds import Status
from tests.conftest import corpus_file


def _cells(*cells: str) -> str:
    return "\n\n".join(cells)


def test_each_project_across_is_a_record_with_the_first_row_s_figures() -> None:
    text = _cells("某县2023年民生工程完成情况表", "地区", "城乡供水提升(户)", "新建幼儿园(所)", "养老床位(张)",
                  "县民政局", "目标", "进度", "完成比例(%)", "目标", "进度", "完成比例(%)", "目标", "进度",
                  "完成比例(%)", "全县", "5000", "4100", "82", "3", "3", "100", "200", "260", "130", "甲镇", "800",
                  "900", "112.5")
    parsed = parse_text(text, "某县2023年民生工程完成情况表.txt")
    assert parsed.shape == "table:pivot"
    assert [(r.item, r.task, r.status) for r in parsed.records] == [
        ("1", "城乡供水提升(户)", Status.ON_TRACK), ("2", "新建幼儿园(所)", Status.COMPLETED),
        ("3", "养老床位(张)", Status.COMPLETED)]
    assert parsed.records[0].progress == "全县 目标:5000 进度:4100 完成比例(%):82"
    assert parsed.records[0].ratio == 0.82
    assert "甲镇" in parsed.leftover and "112.5" in parsed.leftover  # the other rows stay readable as passages


def test_a_rate_kept_below_its_target_and_projects_the_page_cut_off() -> None:
    """眉山市2019: "城镇登记失业率低于(%)" has no share column, 3.57 under 4.3 is done; the second table's page ends
    after two projects' figures, the other three are projects with nothing said."""
    parsed = load_report(corpus_file("眉山市2019"))
    records = {r.task: r for r in parsed.records}
    assert len(records) == 10 and records["城镇新增就业(人)"].ratio == 1.879
    assert records["城镇登记失业率低于(%)"].status == Status.COMPLETED
    assert records["城镇登记失业率低于(%)"].progress == "全市 目标:4.3 进度:3.57"
    assert records["开展现代农业科技培训(人次)"].status == Status.UNKNOWN
    assert records["开展现代农业科技培训(人次)"].progress == ""


def test_a_header_group_repeated_without_projects_before_it_is_no_pivot() -> None:
    text = _cells("说明", "目标", "进度", "目标", "进度", "全县", "5", "6")
    assert "pivot" not in parse_text(text, "x.txt").shape
