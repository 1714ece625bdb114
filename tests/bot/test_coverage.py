"""bot.coverage: what the index covers, in words: places with their parents and periods, grouped by province."""
from __future__ import annotations

from minsheng.bot.coverage import covered_line, place_label
from minsheng.index.indexing import Coverage

PATHS = {"大兴区": ("北京市", "大兴区"), "密云区": ("北京市", "密云区"), "城关区": ("甘肃省", "兰州市", "城关区"),
         "青岛市": ("山东省", "青岛市"), "天津市": ("天津市",)}


def test_a_few_places_are_listed_with_their_parents_and_periods() -> None:
    coverage = Coverage({r: ("2024年",) for r in PATHS}, {r: 1 for r in PATHS}, (), paths=PATHS)
    assert covered_line(coverage) == ("大兴区（北京市，2024年）、密云区（北京市，2024年）、城关区（兰州市，2024年）、"
                                      "青岛市（2024年）、天津市（2024年）")
    assert [place_label(coverage, r) for r in ("城关区", "青岛市", "天津市")] == ["城关区（兰州市）", "青岛市", "天津市"]


def test_many_places_are_grouped_by_province_a_municipality_alone() -> None:
    coverage = Coverage({r: ("2024年",) for r in PATHS}, {r: 1 for r in PATHS}, (), paths=PATHS)
    assert covered_line(coverage, group_over=3) == ("北京市：大兴区（2024年）、密云区（2024年）；天津市（2024年）；"
                                                    "山东省：青岛市（2024年）；甘肃省：城关区（兰州市，2024年）")


def test_an_unsettled_province_and_a_report_naming_no_place_are_said_so() -> None:
    regions = {**{r: ("2024年",) for r in PATHS}, "西湖区": ("2022年",)}
    coverage = Coverage(regions, {r: 1 for r in regions}, (), unplaced={"民生工程进展": ("2025年6月",)}, paths=PATHS)
    line = covered_line(coverage, group_over=3)
    assert line.endswith("；省份未定：西湖区（2022年）；未注明地区：《民生工程进展》（2025年6月）")
    assert covered_line(coverage, group_over=8).endswith("、西湖区（2022年）、《民生工程进展》（2025年6月）")
