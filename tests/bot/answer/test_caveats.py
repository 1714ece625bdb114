"""bot.answer.caveats: abstentions that say why and what is covered, and the caveat lines before an answer."""
from __future__ import annotations

from minsheng.bot.answer.extractive import compose
from minsheng.index.indexing.catalog import Coverage
from minsheng.index.search.query import parse_query
from minsheng.index.search.results import SearchResult
from tests.support.answers import ask, first_line


def test_abstained_result_without_coverage_says_the_index_is_empty() -> None:
    query = parse_query("大兴区养老", Coverage({}, {}, ()))
    answer = compose(SearchResult(query=query, hits=[], abstained=True, reason="empty"))
    assert answer.abstained and "minsheng index" in answer.text and not answer.citations


def test_uncovered_district_with_a_covered_one_is_named(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "青岛市崂山区老旧小区改造")
    assert first_line(answer) == "（没有收录崂山区（青岛市）的报告，以下是青岛市的内容。）"
    assert "318个" in answer.text


def test_period_not_held_is_said(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "2019年大兴区老旧小区改造进展")
    assert first_line(answer) == "（没有2019年的报告，以下是2024年一季度的内容。）"


def test_uncovered_district_abstains_with_coverage_and_examples(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "上海市浦东新区养老服务进展")
    assert answer.abstained and not answer.citations
    assert answer.text.startswith("收录的报告里没有") and "浦东新区" in first_line(answer)
    # Not every place: how many places and reports, a few of them, and how to see all.
    assert "共收录20个地方的24份报告，如" in answer.text and "问“你能做什么”可看全部" in answer.text
    assert "肇庆市" not in answer.text
    assert f"可以这样问：“{retriever.searcher.examples()[0]}”" in answer.text


def test_off_topic_question_says_what_the_bot_can_do(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "今天天气怎么样")
    assert answer.abstained
    assert "我能回答" in answer.text and "可以这样问" in answer.text


def test_covered_district_without_the_topic_abstains_by_name(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "密云区养老服务进展")
    assert answer.abstained and first_line(answer) == "密云区的报告里没有找到“养老服务”的内容。"


def test_places_inside_a_report_and_near_an_uncovered_one_are_told(retriever) -> None:  # type: ignore[no-untyped-def]
    inside = ask(retriever, "九江柴桑区完整社区建设")
    assert first_line(inside) == "九江市的报告中关于柴桑区："
    near = ask(retriever, "北京昌平养老")
    assert near.abstained and first_line(near).startswith("收录的报告里没有昌平区（北京市）的内容。附近收录的有：")
    assert "大兴区（北京市）" in first_line(near)
    # 丹棱县's row in 眉山市's table (a cell per line): the row is quoted whole, then read against the header.
    other = ask(retriever, "丹棱县城镇新增就业")
    assert first_line(other) == "眉山市的报告中关于丹棱县："
    assert "丹棱县 1900 3029 159.4" in other.text
    assert "按表头：城镇新增就业(人)：目标任务1900，进度3029，完成比例159.4%；" in other.text
    assert other.citations and all(c.region == "眉山市" for c in other.citations)


def test_a_place_asked_by_its_short_name_alone_is_refused_by_name(retriever) -> None:  # type: ignore[no-untyped-def]
    """"昌平养老服务进展怎么样" was answered from 青岛市's 养老服务站 with no word that it is another place."""
    for question, named in (("昌平养老服务进展怎么样", "昌平区（北京市）"), ("海淀学校建设进展", "海淀区（北京市）"),
                            ("顺义老旧小区改造完成了多少", "顺义区（北京市）"), ("义乌养老服务进展", "义乌市（金华市）"),
                            ("保定市公交线路优化进展", "保定市")):
        answer = ask(retriever, question)
        assert answer.abstained and first_line(answer).startswith(f"收录的报告里没有{named}的内容"), question


def test_a_short_name_a_covered_report_writes_is_answered_from_it(retriever) -> None:  # type: ignore[no-untyped-def]
    """A county a covered city's report names ("丹棱县" in 眉山市's table) asked by its short form, and a covered
    place whose name two places share (西湖区, its city not settled) asked by its short form, answer from them."""
    answer = ask(retriever, "丹棱城镇新增就业完成了多少人")
    assert not answer.abstained and "丹棱县 1900 3029" in first_line(answer)
    answer = ask(retriever, "西湖体育馆为什么进度比原计划慢")
    assert not answer.abstained and "因春节前" in answer.text


def test_a_short_name_joined_to_a_covered_place_is_said_first(retriever) -> None:  # type: ignore[no-untyped-def]
    """"青岛和昌平…": 青岛 answers, and the first line says 昌平区 is not held (the answer was 青岛 alone)."""
    answer = ask(retriever, "青岛和昌平的养老服务进展")
    assert first_line(answer) == "（没有收录昌平区（北京市）的报告，以下是青岛市的内容。）"


def test_a_refusal_names_the_places_near_the_one_asked_and_a_count(retriever) -> None:  # type: ignore[no-untyped-def]
    """A place not covered: its covered neighbours named once, then the count; a topic missing from covered places:
    those places with their periods, then the count."""
    uncovered = ask(retriever, "海淀区学校建设").text.splitlines()
    assert uncovered[0].startswith("收录的报告里没有海淀区（北京市）的内容。附近收录的有：") and "大兴区（北京市）" in uncovered[0]
    assert uncovered[1] == "共收录20个地方的24份报告（问“你能做什么”可看全部）。"
    missing = ask(retriever, "密云区和大兴区的垃圾分类").text.splitlines()
    assert missing[1] == ("相关的已收录地方：密云区（北京市，2022年三季度）、大兴区（北京市，2024年一季度）。"
                          "共收录20个地方的24份报告（问“你能做什么”可看全部）。")

