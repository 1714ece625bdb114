"""bot.answer.extractive on the real index: the composer of each question kind, verdicts, lists, script; the kind table."""
from __future__ import annotations

import re

import pytest

from minsheng.bot.answer.composers import verdict_status
from minsheng.bot.answer.extractive import COMPOSERS, compose
from minsheng.index.indexing.catalog import Coverage
from minsheng.index.indexing.chunk import Chunk
from minsheng.index.kinds import QueryKind, Status
from minsheng.index.search.query import parse_query
from minsheng.index.search.results import Hit, SearchResult
from tests.support.answers import ask, first_line


@pytest.mark.parametrize("question, verdict, evidence", [
    ("密云区操场改造完成了吗", "已完成。", "目前已全部完工"),
    ("青岛未贯通道路完成了吗", "正在推进，报告未说已全部完成。", "开工未贯通道路42条"),
])


def test_status_question_leads_with_a_verdict(retriever, question: str, verdict: str, evidence: str) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, question)
    assert first_line(answer) == verdict
    assert evidence in answer.text.splitlines()[1]


def test_unit_list_lists_every_record_grouped_by_district(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "区城市管理委负责哪些项目", k=2)
    lines = answer.text.splitlines()
    assert lines[0] == "区城市管理委牵头的项目（4项）：" and lines[1] == "密云区（2022年三季度）"
    assert [line.split(" ")[1] for line in lines[2:]] == ["第17项", "第19项", "第20项", "第25项"]  # report order
    assert len(answer.citations) == 4  # more than k: a list is complete


def test_per_region_lists_only_districts_with_the_topic(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "哪些地区有充电桩项目")
    assert first_line(answer) == "有相关内容的地区（1个）：密云区"
    assert {c.region for c in answer.citations} == {"密云区"}


def test_comparison_gives_one_paragraph_per_district_in_the_order_asked(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "密云区和大兴区的公交线路分别进展如何")
    lines = answer.text.splitlines()
    assert lines[0].startswith("密云区（2022年三季度）：") and "公交线路16条" in lines[0]
    assert lines[1].startswith("大兴区（2024年一季度）：") and "专班" in lines[1]
    assert [c.region for c in answer.citations] == ["密云区", "大兴区"]


def test_comparison_says_which_district_has_nothing(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "密云区和大兴区的操场改造分别进展如何")
    assert "提升改造操场8块,目前已全部完工" in answer.text
    assert answer.text.splitlines()[1] == "大兴区：收录的报告里没有找到这方面的内容。"


def test_traditional_question_gets_a_traditional_answer(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "青島口袋公園建了多少個")
    assert first_line(answer) == "青島市（2022年上半年）：46個口袋公園已開工,其中25個已完工;"
    assert answer.traditional and answer.citations[0].region == "青島市"


def test_simplified_question_about_a_traditional_report_gets_simplified(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "困境儿童活动开展了多少场")
    assert "儿童活动2878场" in answer.text and "兒童" not in answer.text


def test_example_questions_are_answered_with_a_figure(retriever) -> None:  # type: ignore[no-untyped-def]
    """The questions /start, /help, greetings and refusals suggest: three places, each answered with a figure."""
    examples = retriever.searcher.examples()
    assert len(examples) == 3
    places = [next(r for r in retriever.searcher.coverage.regions if r and q.startswith(r)) for q in examples]
    assert len(set(places)) == 3
    for question in examples:
        answer = ask(retriever, question)
        assert not answer.abstained and "报告没有写" not in answer.text
        assert re.search(r"\d", first_line(answer).partition("：")[2]), answer.text


def test_every_citation_is_a_record_that_was_retrieved(retriever) -> None:  # type: ignore[no-untyped-def]
    result = retriever.search("大兴区公交线路调整得怎么样了")
    answer = compose(result)
    ids = {h.chunk.id for h in result.hits}
    assert answer.citations and all(c.chunk_id in ids for c in answer.citations)


def test_overview_without_topic_lists_the_districts_records(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "济宁高新区下个月计划做什么", k=3)
    lines = answer.text.splitlines()
    assert lines[0] == "济宁高新区各项目的下一步计划（3项）：" and lines[1] == "济宁高新区（2021年1-9月）"
    assert all(line.startswith("· 第") for line in lines[2:]) and len(lines) == 5


def test_hit_order_is_respected_for_single_answers() -> None:
    coverage = Coverage({"甲区": ("2024年一季度",)}, {"甲区": 1}, ())
    query = parse_query("甲区急救站进展", coverage)
    a = Chunk("a-0000-0", "甲区 · 2024年一季度 · 第1项\n进展: 新增急救站2处均已建成。", "a.txt", "报告", "甲区", 2024,
              "一季度", "1", "", "区卫健委", "completed", 0, 0)
    b = Chunk("a-0001-0", "甲区 · 2024年一季度 · 第2项\n进展: 培训急救人员300人次。", "a.txt", "报告", "甲区", 2024,
              "一季度", "2", "", "区卫健委", "on_track", 1, 0)
    answer = compose(SearchResult(query=query, hits=[Hit(a, 1.0, strong=True), Hit(b, 0.5, strong=True)]))
    assert answer.text == "甲区（2024年一季度）：新增急救站2处均已建成。"
    assert [c.chunk_id for c in answer.citations] == ["a-0000-0"]


@pytest.mark.parametrize("greeting", ["你好", "您好！", "你能做什么？", "hello"])


def test_a_greeting_gets_an_introduction_with_coverage_and_examples(retriever, greeting: str) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, greeting)
    assert answer.abstained and not answer.citations
    assert answer.text.startswith("你好！我根据各地政府公开的民生实事报告")
    assert "目前收录：" in answer.text and "北京市：大兴区（2024年一季度）" in answer.text
    assert answer.text.count("”、“") == 2  # three example questions


def test_a_greeting_in_traditional_is_answered_in_traditional(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "你好，你能做什麼")
    assert answer.traditional and "我根據各地政府公開的民生實事報告" in answer.text


def test_a_question_in_english_gets_one_line_in_english(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "How is elderly care in Daxing going?")
    assert answer.abstained and "\n" not in answer.text
    assert answer.text.startswith("I answer questions in Chinese about the 民生实事 (livelihood projects) reports of ")
    assert "大兴区" in answer.text and f"for example: {retriever.searcher.examples()[0]}" in answer.text


def test_a_greeting_with_a_question_is_a_question(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "你好，青岛口袋公园建了多少个")
    assert not answer.abstained and "46个口袋公园已开工" in answer.text


def test_when_question_quotes_the_date_without_a_verdict(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "大兴区通学公交哪天开通的")
    assert first_line(answer).startswith("大兴区（2024年一季度）：") and "2月26日" in first_line(answer)


def test_who_question_names_the_lead_unit_first(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "大兴区通学公交由哪个部门负责")
    assert first_line(answer) == "牵头单位：区教委"


def test_who_question_names_the_leader_after_the_unit_when_the_report_does(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "肇庆市残疾人生活补贴提高是哪个单位牵头，哪位市领导分管")
    assert answer.text.splitlines()[:2] == ["牵头单位：市民政局、伍泽国", "分管领导：陈宣群"]
    # Asked about the unit only, a report without leaders gives no leader line.
    assert "分管领导" not in ask(retriever, "大兴区通学公交由哪个部门负责").text


def test_report_period_question_quotes_the_title_and_the_period(retriever) -> None:  # type: ignore[no-untyped-def]
    """眉山市2017's table: the period it covers is its title's "1—11月", not any project's date."""
    answer = ask(retriever, "眉山市2017年那份实施进度表数据截至几月")
    assert first_line(answer).startswith("眉山市：《2017年1—11月十大民生工程项目实施进度表")
    assert "统计时段：2017年1-11月" in first_line(answer) and len(answer.citations) == 1


def test_every_kind_of_question_has_its_composer() -> None:
    """A new QueryKind without an entry would fail at the first question of that kind."""
    assert set(COMPOSERS) == set(QueryKind)


def test_answers_made_from_whole_reports_are_never_worded_by_a_model() -> None:
    worded = {kind for kind, composer in COMPOSERS.items() if composer.worded}
    assert worded == {QueryKind.SINGLE, QueryKind.UNIT_LIST, QueryKind.PER_REGION, QueryKind.COMPARE}
    assert {kind for kind, composer in COMPOSERS.items() if not composer.searched} == {QueryKind.GREETING,
                                                                                     QueryKind.FOREIGN}


def test_a_verdict_follows_the_quoted_sentence_when_the_record_says_less() -> None:
    """A passage says nothing of its status as a whole, but the sentence quoted for "建好了吗" does."""
    coverage = Coverage({"甲区": ("2024年",)}, {"甲区": 1}, ())
    passage = Chunk("a-0001-p", "甲区 · 2024年\n社区食堂建设:12家社区食堂已全部建成并投入使用。", "a.txt", "报告", "甲区",
                    2024, "", "", "", "", "unknown", 1, 0, kind="passage")
    answer = compose(SearchResult(query=parse_query("甲区社区食堂建好了吗", coverage),
                                  hits=[Hit(passage, 1.0, strong=True)]))
    assert answer.text.startswith("已完成。\n")
    assert verdict_status(Status.ON_TRACK, "12家社区食堂已全部建成并投入使用") == Status.COMPLETED
    assert verdict_status(Status.ON_TRACK, "已建成3个,其余正在施工") == Status.ON_TRACK
    assert verdict_status(Status.COMPLETED, "正在推进") == Status.COMPLETED  # the record's own word stands
