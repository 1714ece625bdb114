"""Question → Query for each kind of question the eval README lists, against what the real reports cover."""
from __future__ import annotations

import pytest

from minsheng.bot.coverage import covered_line
from minsheng.index.indexing.catalog import Coverage
from minsheng.index.indexing.chunk import chunk_report
from minsheng.index.ingest.records import ParsedReport
from minsheng.index.kinds import QueryKind, Wants
from minsheng.index.search.query import asked_in, find_units, parse_query, region_names


@pytest.fixture(scope="module")
def coverage(reports: dict[str, ParsedReport]) -> Coverage:
    """What an index of the five real reports covers."""
    return Coverage.of(c for parsed in reports.values() for c in chunk_report(parsed, 768))


def test_coverage_lists_districts_periods_and_units(coverage: Coverage) -> None:
    """Districts with their periods, and lead units split from multi-unit cells."""
    assert coverage.regions["大兴区"] == ("2024年一季度",)
    assert coverage.regions["通州区"] == ("2021年12月",)
    assert set(coverage.regions) == {"密云区", "青岛市", "大兴区", "济宁高新区", "通州区"}
    assert "区民政局" in coverage.lead_units
    assert "发展软环境保障局" in coverage.lead_units
    assert covered_line(coverage) == ("大兴区（北京市，2024年一季度）、密云区（北京市，2022年三季度）、"
                                   "济宁高新区（济宁市，2021年1-9月）、通州区（北京市，2021年12月）、青岛市（2022年上半年）")
    assert coverage.paths["济宁高新区"] == ("山东省", "济宁市", "济宁高新区")


def test_region_names_derived_from_index(coverage: Coverage) -> None:
    """Short names and aliases point at the indexed district."""
    names = region_names(coverage)
    assert names["密云"] == "密云区"
    assert names["青岛"] == "青岛市"
    assert names["城市副中心"] == "通州区"
    assert names["通州"] == "通州区"
    assert names["济宁高新区"] == "济宁高新区"


@pytest.mark.parametrize(
    ("question", "regions"),
    [
        ("密云老旧小区改造得怎样", ("密云区",)),
        ("大兴区的便利店建了几家", ("大兴区",)),
        ("北京城市副中心的家园中心建成了吗", ("通州区",)),
        ("济宁高新区的托育机构", ("济宁高新区",)),
    ],
)
def test_named_district_becomes_a_filter(coverage: Coverage, question: str, regions: tuple[str, ...]) -> None:
    """region_topic / region_disambig / numeric: the district named is recognised, and only it."""
    query = parse_query(question, coverage)
    assert query.regions == regions
    assert query.uncovered == ()


def test_uncovered_district_is_reported(coverage: Coverage) -> None:
    """negative: a district the index lacks is named as uncovered (the search abstains on it)."""
    query = parse_query("杭州市西湖区2023年实事完成得怎么样", coverage)
    assert query.regions == ()
    assert query.uncovered == ("西湖区（杭州市）",)
    assert query.year == 2023


def test_place_inside_a_district_is_not_uncovered(coverage: Coverage) -> None:
    """A '…区' that the reports mention (a business district, a housing estate) is topic, not a district."""
    query = parse_query("运河商务区引进了多少企业", coverage, in_reports=lambda name: name == "运河商务区")
    assert query.uncovered == ()
    assert "运河商务区" in query.topic


def test_a_district_a_report_names_is_inside_it_however_jieba_tags_it(coverage: Coverage) -> None:
    """天元区 is a noun to jieba (天元 is a point of the go board); asked alone and named in a covered report, it is a
    place inside that report, never nothing (the answer came from 大兴区 with no word of it)."""
    query = parse_query("天元区老旧小区改造完工了多少个", coverage, in_reports=lambda name: name == "天元区")
    assert query.inside == ("天元区",) and "天元区" not in query.topic


def test_how_and_this_year_are_no_topic(coverage: Coverage) -> None:
    assert parse_query("大兴区农村吃水难今年怎么解决", coverage).topic == "农村吃水难"
    # "什么时候" goes whole: "时候" left behind matched every text saying 时候.
    assert parse_query("大兴区通学公交什么时候开通", coverage).topic == "通学公交 开通"


def test_rank_words_leave_what_is_ranked(coverage: Coverage) -> None:
    assert parse_query("大兴区民生实事哪个镇排名最靠后", coverage).topic == "排名"


def test_a_target_reached_is_asked_as_done(coverage: Coverage) -> None:
    """"实现目标了吗" asks what was done against the target, not the target."""
    assert parse_query("青岛公益性岗位实现目标了吗", coverage).wants != "task"
    assert parse_query("青岛公益性岗位的目标是什么", coverage).wants == "task"


def test_who_asked_is_no_topic(coverage: Coverage) -> None:
    for question in ("大兴区城乡供水一体化谁牵头", "大兴区城乡供水一体化由哪个部门牵头"):
        assert parse_query(question, coverage).topic == "城乡供水一体化", question


def test_question_words_ending_in_qu_are_not_places(coverage: Coverage) -> None:
    """cross: 哪些地区 / 各区 are not district names."""
    query = parse_query("哪些地区在建设农贸市场", coverage)
    assert query.uncovered == ()
    assert query.kind == "per_region"
    assert parse_query("各区充电桩建设情况", coverage).kind == "per_region"


def test_traditional_question_is_simplified(coverage: Coverage) -> None:
    """traditional: the script is noted and the question searched in Simplified."""
    query = parse_query("密雲區公園建設進展如何", coverage)
    assert query.traditional
    assert query.regions == ("密云区",)
    assert "公园建设" in query.topic
    assert not parse_query("密云区公园建设进展如何", coverage).traditional


def test_time_words_become_year_and_period(coverage: Coverage) -> None:
    """time: years and periods are read off and removed from the topic."""
    query = parse_query("2024年一季度大兴区的养老驿站", coverage)
    assert (query.year, query.period) == (2024, "一季度")
    assert "2024" not in query.topic and "季度" not in query.topic
    assert parse_query("青岛上半年新增就业多少人", coverage).period == "上半年"
    assert parse_query("济宁高新区1-9月学校建设", coverage).period == "1-9月"


@pytest.mark.parametrize(
    ("question", "wants"),
    [
        ("大兴区的公墓建设遇到了什么困难", "problems"),
        ("密云区操场改造下一步打算怎么做", "plan"),
        ("青岛的停车场项目目标是什么", "task"),
        ("大兴区老楼加梯完成了吗", "status"),
        ("密云区新打的水井都打完了吗", "status"),
        ("密云区农贸市场开工了吗", "status"),
        ("安溪为民办实事碰到了什么困难", "problems"),
        ("青岛新建了几所学校", "amount"),
        ("密云区远程会诊平台进展", "progress"),
        # A problem word naming people or things is no question about problems.
        ("青岛给困难群众安排了多少公益岗位", "amount"),
        ("大兴区问题楼盘处置完成了吗", "status"),
        ("大兴区的养老服务还有哪些困难和问题", "problems"),
    ],
)
def test_field_wanted(coverage: Coverage, question: str, wants: str) -> None:
    """field / status / numeric: what part of a record the question asks for."""
    assert parse_query(question, coverage).wants == wants


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("寿县那份通报的数据截至什么时候", "report"),
        ("广州市的十件实事报告统计到哪个月", "report"),
        ("这期通报是哪一期的", "report"),
        ("青岛这张进展表是截至什么时候的", "report"),
        ("大兴区养老项目截至什么时候完成", "single"),
        ("密云区操场什么时候建好", "single"),
    ],
)
def test_question_about_the_report_itself(coverage: Coverage, question: str, kind: str) -> None:
    """The time a report covers is asked of the report (统计到, 数据截至 with 报告/通报/数据), not of a project."""
    assert parse_query(question, coverage).kind == kind


def test_lead_unit_question_lists_units(coverage: Coverage) -> None:
    """lead_unit: a unit named with a list cue makes a unit list; its name leaves the topic."""
    query = parse_query("大兴区民政局牵头哪些项目", coverage)
    assert query.kind == "unit_list"
    assert "区民政局" in query.lead_units
    assert "民政局" not in query.topic


def test_short_unit_names_match_full_names(coverage: Coverage) -> None:
    """住建委 in a question finds 区住房城乡建设委 (general short-name data)."""
    units = find_units("住建委负责什么", coverage.lead_units)
    assert any("住房城乡建设" in u for u in units)


def test_compare_two_districts(coverage: Coverage) -> None:
    """cross: two districts joined by 和 make a comparison, in the order named."""
    query = parse_query("大兴和青岛的老旧小区改造分别怎样", coverage)
    assert query.kind == "compare"
    assert query.regions == ("大兴区", "青岛市")


def test_everyday_words_bring_report_wording(coverage: Coverage) -> None:
    """paraphrase: a resident's phrase adds the report's terms."""
    query = parse_query("大兴区老人吃饭的地方多了吗", coverage)
    assert query.expansions
    assert any("餐" in term or "食堂" in term for term in query.expansions)
    assert "打官司" not in parse_query("密云区就业", coverage).search_text


def test_off_topic_question_has_no_region_or_unit(coverage: Coverage) -> None:
    """negative: a request unrelated to the reports carries nothing the index knows."""
    query = parse_query("给我讲个笑话", coverage)
    assert query.regions == () and query.lead_units == () and query.kind == "single"


def test_larger_place_searches_the_indexed_places_inside_it(coverage: Coverage) -> None:
    """A city or province named: its indexed districts become the filter; one with none is uncovered."""
    query = parse_query("北京的老旧小区改造进展", coverage)
    assert set(query.regions) == {"密云区", "大兴区", "通州区"}
    assert "北京" not in query.topic
    shandong = parse_query("山东省托育机构", coverage)
    assert set(shandong.regions) == {"青岛市", "济宁高新区"}
    elsewhere = parse_query("上海市养老驿站建设", coverage)
    assert elsewhere.regions == () and elsewhere.uncovered == ("上海市",)
    named = parse_query("北京市大兴区便利店", coverage)
    assert named.regions == ("大兴区",)


WIDE = Coverage(
    regions={r: ("2025年",) for r in ("城关区", "眉山市", "大兴区", "密云区", "萧县")},
    reports={}, lead_units=("区城市管理委",),
    paths={"城关区": ("甘肃省", "兰州市", "城关区"), "眉山市": ("四川省", "眉山市"), "大兴区": ("北京市", "大兴区"),
           "密云区": ("北京市", "密云区"), "萧县": ("安徽省", "宿州市", "萧县")},
)


def _in_reports(name: str) -> bool:
    return name in ("丹棱县", "古荡街道")


@pytest.mark.parametrize(
    ("question", "regions", "uncovered", "nearby", "inside"),
    [
        # A covered unit, by full or short name, with or without its parent.
        ("兰州城关区的学校", ("城关区",), (), (), ()),
        ("城关区学校", ("城关区",), (), (), ()),
        ("萧县完成了几项", ("萧县",), (), (), ()),
        # A province or city: the covered units inside it.
        ("北京的养老项目", ("大兴区", "密云区"), (), (), ()),
        ("甘肃省民生实事", ("城关区",), (), (), ()),
        # A unit the covered reports name inside them.
        ("眉山市丹棱县就业", ("眉山市",), (), (), ("丹棱县",)),
        ("丹棱县新增就业多少", (), (), (), ("丹棱县",)),
        # A real place not covered: abstain, naming covered places of its city, else of its province.
        ("拉萨城关区的学校", (), ("城关区（拉萨市）",), (), ()),
        ("北京昌平养老", (), ("昌平区（北京市）",), ("大兴区", "密云区"), ()),
        ("砀山县民生工程进展", (), ("砀山县（宿州市）",), ("萧县",), ()),
        ("甘肃省天水市秦州区学校", (), ("秦州区（天水市）",), ("城关区",), ()),
        ("成都养老", (), ("成都市",), ("眉山市",), ()),
        # Phrases that are not places.
        ("世界和平", (), (), (), ()),
        ("文体惠民工程存在什么问题", (), (), (), ()),
        ("区城市管理委负责哪些项目", (), (), (), ()),
    ],
)
def test_places_in_questions(question: str, regions: tuple[str, ...], uncovered: tuple[str, ...],
                             nearby: tuple[str, ...], inside: tuple[str, ...]) -> None:
    query = parse_query(question, WIDE, _in_reports)
    assert (query.regions, query.uncovered, query.nearby, query.inside) == (regions, uncovered, nearby, inside)


# The vocabulary's cues that read a question; only the question parser (index/search/query.py) may use them, so a
# question is read once and everything downstream works from its Query.
QUESTION_CUES = (
    "WANTS_CUES", "UNIT_LIST_CUE", "PER_REGION_CUE", "COMPARE_JOIN", "JOINERS", "FILLERS", "REFERS_BACK", "GREETING",
    "RESET_WORDS", "QUIT_WORDS", "COLLECTION_NAMED", "COLLECTION_WORDS", "STATUS_ASKED", "COUNT_ASKED",
    "CHANGE_ASKED", "REPORT_ASKED", "REPORT_NAMED", "WHEN_ASKED", "WHY_ASKED", "LIST_ASKED", "WHO_ASKED",
    "ASKED_UNIT", "ASKED_VERB", "WRITTEN_UNITS", "WHOLE_UNITS", "QUESTION_OPENING", "RANK_ASKED",
)


def test_only_the_question_parser_reads_question_cues() -> None:
    import ast
    from pathlib import Path

    from minsheng.index import vocabulary

    assert all(hasattr(vocabulary, name) for name in QUESTION_CUES)
    root = Path(__file__).resolve().parents[3]
    readers = set()
    for path in sorted([*(root / "bot").rglob("*.py"), *(root / "index").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "minsheng.index.vocabulary":
                if any(alias.name in QUESTION_CUES for alias in node.names):
                    readers.add(path.relative_to(root).as_posix())
            elif (isinstance(node, ast.Attribute) and node.attr in QUESTION_CUES
                  and isinstance(node.value, ast.Name) and node.value.id == "vocabulary"):
                readers.add(path.relative_to(root).as_posix())
    assert readers == {"index/search/query.py"}


def test_every_place_the_index_lacks_is_named_as_such_by_full_and_short_name() -> None:
    """The worst failure is an answer from another place with no word of it. Every place of the gazetteer the index
    does not cover, asked by its full name and by its short form, is in Query.uncovered, so the answer abstains or
    says so first; the only exceptions are names no question can tell from words: generic ones (城区, 市中区), common
    words (和平), short forms jieba knows as a word and joins to what follows, and names the script conversion
    changes (乾县)."""
    from minsheng.index.places import _GENERIC_CHARS, gazetteer
    from minsheng.index.script import to_simplified

    gaz = gazetteer()
    paths = {"大兴区": ("北京市", "大兴区"), "青岛市": ("山东省", "青岛市"), "萧县": ("安徽省", "宿州市", "萧县")}
    coverage = Coverage({r: ("2024年",) for r in paths}, {r: 1 for r in paths}, (), paths=paths)
    held = {name for path in paths.values() for name in path}
    asked, missed = 0, []
    for place in gaz.places.values():
        if place.name in held or place.same_as:
            continue
        short = gaz.short_form(place)
        for name in (place.name, short):
            if not name or gaz.common(name):
                continue
            query = parse_query(f"{name}养老服务进展怎么样", coverage)
            asked += 1
            if not query.uncovered:
                missed.append(name)
    unexplained = [name for name in missed if to_simplified(name) == name and not set(name) <= _GENERIC_CHARS
                   and not gaz.ordinary(name)]
    assert asked > 5000 and unexplained == []
    assert len(missed) < asked / 100, missed


@pytest.mark.parametrize(
    ("question", "who", "verb"),
    [
        ("济宁高新区公园公厕改造是谁主办的", True, ""),
        ("大兴区养老驿站谁牵头", True, ""),
        ("大兴区老楼加梯开工了几部", False, "开工"),
        # A verb of one character is no verb a report writes with its figure: none is kept.
        ("大兴区就业服务到目前帮多少人就业了", False, ""),
    ],
)
def test_who_and_the_verb_asked(question: str, who: bool, verb: str) -> None:
    asked = asked_in(question)
    assert asked["asks_who"] is who
    assert asked["asked_verb"] == verb


def test_places_compared_as_a_whole_or_by_a_topic(retriever) -> None:  # type: ignore[no-untyped-def]
    """Two places and 哪个完成得多 / 谁进展快 compare their cards; a topic between ("哪个养老项目进展快") compares
    that topic; 落后了吗 asks for a verdict."""
    parse = retriever.searcher.parse
    for question in ("密云区和大兴区哪个完成得多", "萧县和寿县谁进展快", "萧县和寿县哪个民生实事完成得好"):
        query = parse(question)
        assert query.kind == QueryKind.SUMMARY and len(query.regions) == 2 and not query.topic, question
    topical = parse("密云区和大兴区哪个养老项目进展快")
    assert topical.kind == QueryKind.COMPARE and "养老" in topical.topic
    lag = parse("大兴区老楼加梯落后了吗")
    assert lag.asks_lag and lag.wants == Wants.STATUS and not parse("大兴区老楼加梯进展").asks_lag
