"""Report facts: the place (a gazetteer unit), the year and the period with its months, for every shipped report and
for each wording of a period."""
from __future__ import annotations

import pytest

from minsheng.index.ingest.load import load_report
from minsheng.index.ingest.meta import (
    find_months,
    find_period,
    find_region,
    find_year,
    issuer_lines,
    report_place,
    report_year,
)
from tests.conftest import corpus_file

# Written from reading each report: file name prefix → (place path, year, months). 西湖区's reports never name their
# city (杭州 or 南昌), so they keep the name alone.
EXPECTED = {
    "北京城市副中心": (("北京市", "通州区"), 2021, (12, 12)),
    "大兴区": (("北京市", "大兴区"), 2024, (1, 3)),
    "密云区": (("北京市", "密云区"), 2022, (7, 9)),
    "济宁高新区": (("山东省", "济宁市", "济宁高新区"), 2021, (1, 9)),
    "青岛市": (("山东省", "青岛市"), 2022, (1, 6)),
    "九江市": (("江西省", "九江市"), 2025, (1, 5)),
    "兰州市城关区": (("甘肃省", "兰州市", "城关区"), 2025, (1, 12)),
    "天津市2024年20项民心工程一季度": (("天津市",), 2024, (1, 3)),
    "天津市2024年20项民心工程三季度": (("天津市",), 2024, (7, 9)),
    "寿县": (("安徽省", "淮南市", "寿县"), 2020, (9, 9)),
    "广州市": (("广东省", "广州市"), 2020, (1, 6)),
    "怀柔区": (("北京市", "怀柔区"), 2022, None),
    "惠東縣": (("广东省", "惠州市", "惠东县"), 2024, (1, 12)),
    "柯桥区": (("浙江省", "绍兴市", "柯桥区"), 2023, (1, 3)),
    "眉山市2017": (("四川省", "眉山市"), 2017, (1, 11)),
    "眉山市2019": (("四川省", "眉山市"), 2019, (1, 12)),
    "石家庄市": (("河北省", "石家庄市"), 2014, (1, 12)),
    "肇庆市": (("广东省", "肇庆市"), 2020, None),
    "苍南县": (("浙江省", "温州市", "苍南县"), 2022, (1, 10)),
    "萧县2025年6月": (("安徽省", "宿州市", "萧县"), 2025, (6, 6)),
    "萧县2025年9月": (("安徽省", "宿州市", "萧县"), 2025, (9, 9)),
    "西湖区2022年全区民生实事项目进展情况通报一": ((), 2022, (1, 2)),
    "西湖区2022年全区民生实事项目进展情况通报三": ((), 2022, (1, 4)),
    "鹿寨县": (("广西壮族自治区", "柳州市", "鹿寨县"), 2009, (1, 12)),
}


@pytest.mark.parametrize("prefix", EXPECTED)
def test_every_shipped_report_gets_its_place_year_and_months(prefix: str) -> None:
    path, year, months = EXPECTED[prefix]
    report = load_report(corpus_file(prefix)).report
    assert (report.place, report.year, report.months) == (path, year, months)
    assert report.region == (path[-1] if path else "西湖区")


def test_every_shipped_report_is_listed() -> None:
    from tests.conftest import CORPUS

    assert len(list(CORPUS.iterdir())) == len(EXPECTED)


def test_a_doubtful_place_is_a_note_never_a_made_up_phrase() -> None:
    """西湖区 with no parent anywhere: no path and a note naming both; 怀柔区's 区城市管理委 is not a district."""
    west = load_report(corpus_file("西湖区2022年全区民生实事项目进展情况通报一"))
    assert west.report.place == () and any("西湖区（杭州市）、西湖区（南昌市）" in n for n in west.notes)
    assert load_report(corpus_file("怀柔区")).report.region == "怀柔区"
    only_file = report_place("民生实事进展情况", [], "德清县2023年民生实事", "各项工作有序推进。")
    assert only_file.region == "德清县" and "file name only" in only_file.note
    nothing = report_place("民生实事进展情况", [], "report", "各项工作有序推进。")
    assert nothing.place is None and nothing.region == "" and nothing.note


def test_the_most_trusted_consistent_unit_wins() -> None:
    """Title over issuer over file name; a more specific unit inside the one found refines it (兰州市 → 城关区)."""
    assert report_place("兰州市城关区2025年民生实事", [], "x", "").path == ("甘肃省", "兰州市", "城关区")
    assert report_place("2020年9月份民生工程实施进度考核通报", ["作者:寿县民生工程"], "通报", "").region == "寿县"
    assert report_place("民生实事未完成项目进度表", ["来源:苍南县人民政府办公室"], "进度表", "").region == "苍南县"
    assert report_place("九江市民生实事", [], "广州市2020", "").region == "九江市"


def test_issuer_and_signature_lines() -> None:
    lines = ["标题", "来源:鹿寨县信息办", "正文……", "", "苍南县人民政府办公室", "2022年11月1日"]
    assert issuer_lines(lines) == ["来源:鹿寨县信息办", "苍南县人民政府办公室"]


def test_years_from_file_name_title_publication_line_and_text() -> None:
    """The file name (with or without 年) first; a headline about next year does not move the report's year."""
    assert report_year("广州市2020十件民生实事上半年", "2021年十件民生实事出炉", []) == (2020, "file name")
    assert report_year("民生实事", "2024年一季度进展", []) == (2024, "title")
    assert report_year("民生实事", "进展", ["发布日期:2022-12-14"]) == (2022, "publication line")
    assert report_year("民生实事", "进展", ["2019年完成了", "2019年底", "2020年计划"]) == (2019, "text")
    assert report_year("x", "y", ["no year"]) == (None, "")


@pytest.mark.parametrize(
    ("text", "period", "months"),
    [
        ("2024年一季度进展", "一季度", (1, 3)),
        ("1季度进展", "一季度", (1, 3)),
        ("进展情况(第三季度)", "三季度", (7, 9)),
        ("二季度", "二季度", (4, 6)),
        ("上半年进展情况", "上半年", (1, 6)),
        ("前三季度", "前三季度", (1, 9)),
        ("1-3月", "1-3月", (1, 3)),
        ("2021年1—9月", "1-9月", (1, 9)),
        ("1至8月份民生工程", "1-8月", (1, 8)),
        ("截至9月底", "截至9月底", (1, 9)),
        ("截至5月31日", "截至5月31日", (1, 5)),
        ("截止2月28日", "截止2月28日", (1, 2)),
        ("10月份进展", "10月", (10, 10)),
        # Months in Chinese numerals, and the first months counted.
        ("截至四月底", "截至4月底", (1, 4)),
        ("十一月份进展", "11月", (11, 11)),
        ("前八个月", "1-8月", (1, 8)),
        ("全年完成情况", "全年", (1, 12)),
        ("年度完成情况", "", (1, 12)),
        ("民生实事", "", None),
    ],
)
def test_period_wordings_become_months(text: str, period: str, months: tuple[int, int] | None) -> None:
    """The period keeps the report's words; its months put it on a timeline (1-3月 is 一季度's months)."""
    assert (find_period(text), find_months(text)) == (period, months)


def test_regions_in_titles() -> None:
    assert find_region("北京市大兴区2023年第四季度民生实事") == "大兴区"
    assert find_region("济宁高新区2021年1-9月为民办事项目表") == "济宁高新区"
    assert find_region("邹城市2023年民生实事") == "邹城市"
    assert find_region("北京城市副中心我为群众办实事成果发布会") == "通州区"
    assert find_region("事關教育和交通等領域,北京城市副中心集中匯報") == "通州区"
    assert find_region("徐汇区2024年为民办实事项目1-6月完成情况") == "徐汇区"
    assert find_region("关于做好2021年为民办实事的通知") == ""
    assert find_region("怀柔区城市管理委2022年重要民生实事") == "怀柔区"
    assert find_year("2022年") == 2022 and find_year("无年份") is None


def test_a_year_s_target_is_no_period() -> None:
    """"已完成全年任务" asks about the yearly target, not a report covering the whole year; "全年" alone is one."""
    assert (find_period("哪些民心工程已完成全年任务"), find_months("哪些民心工程已完成全年任务")) == ("", None)
    assert find_period("完成全年目标的87%") == "" and find_period("下半年计划开工") == "下半年"
    assert (find_period("2023年全年民生实事完成情况"), find_months("2023年全年民生实事完成情况")) == ("全年", (1, 12))


def test_a_place_named_in_the_title_or_file_name_that_jieba_knows_as_a_noun() -> None:
    """东营市, 大观区: jieba tags them as nouns, yet a title or file name naming one names the report's place, over a
    district the text names more often; 城区 or 开发区 alone are no place."""
    body = "2016年初,市委、市政府研究确定为民办10件实事。河口区完成改厕1万户。河口区新建学校2所。"
    found = report_place("2016年为民办10件实事完成情况", [], "东营市2016为民办10件实事完成情况", body)
    assert found.path == ("山东省", "东营市")
    found = report_place("1-4月50项民生实事有序推进", [], "大观区2024年1-4月50项民生实事有序推进", "全区50项民生实事。")
    assert found.path[-1] == "大观区"
    assert report_place("城区民生实事", [], "开发区2024年民生实事", "全区民生实事。").place is None


def test_a_report_going_through_a_city_s_districts_is_the_city_s() -> None:
    """青岛市's report under a name that says nothing (an upload, a copy): its body names 黄岛区 twice and four other
    units of 青岛市 once each, so it is 青岛市's, not 黄岛区's; a district's own report stays the district's."""
    from minsheng.index.ingest.load import text_of
    from minsheng.index.ingest.parse import parse_text

    qingdao = corpus_file("青岛市")
    parsed = parse_text(text_of(qingdao.read_bytes(), "q2.txt"), "q2.txt")
    assert parsed.report.region == "青岛市" and parsed.report.place == ("山东省", "青岛市")
    daxing = corpus_file("大兴区")
    assert parse_text(text_of(daxing.read_bytes(), "d.txt"), "d.txt").report.region == "大兴区"
