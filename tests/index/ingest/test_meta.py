"""District, year and period from titles and file names."""
from __future__ import annotations

from index.ingest.meta import find_period, find_region, find_year


def test_regions() -> None:
    """Most specific district; aliases from the data file; no false places."""
    assert find_region("北京市大兴区2023年第四季度民生实事") == "大兴区"
    assert find_region("济宁高新区2021年1-9月为民办事项目表") == "济宁高新区"
    assert find_region("邹城市2023年民生实事") == "邹城市"
    assert find_region("北京城市副中心我为群众办实事成果发布会") == "通州区"
    assert find_region("事關教育和交通等領域,北京城市副中心集中匯報") == "通州区"
    assert find_region("关于做好2021年为民办实事的通知") == ""
    assert find_region("老旧小区改造进展") == ""


def test_periods_and_years() -> None:
    """Quarters, halves and month ranges in their usual spellings."""
    assert find_period("进展情况(第三季度)") == "三季度"
    assert find_period("2024年一季度进展") == "一季度"
    assert find_period("2022年市办实事上半年进展情况") == "上半年"
    assert find_period("2021年1—9月") == "1-9月"
    assert find_period("成果发布会(2021年12月)") == "12月"
    assert find_period("民生实事") == ""
    assert find_year("2022-2023年度") == 2022 or find_year("2022年") == 2022
    assert find_year("无年份") is None


def test_district_names_holding_report_characters() -> None:
    """徐汇区 holds 汇 (as in 汇报) and is still a district; report words themselves are not."""
    from index.ingest.meta import find_region

    assert find_region("徐汇区2024年为民办实事项目1-6月完成情况") == "徐汇区"
    assert find_region("关于做好2024年民生实事工作的通知") == ""
