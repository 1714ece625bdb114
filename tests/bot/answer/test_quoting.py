"""bot.answer.quoting: one record quoted for the field asked, or what it says instead; where it comes from."""
from __future__ import annotations

from minsheng.bot.answer.extractive import compose
from minsheng.bot.coverage import covered_line
from minsheng.index.indexing.catalog import Coverage
from minsheng.index.indexing.chunk import Chunk
from minsheng.index.search.query import parse_query
from minsheng.index.search.results import Hit, SearchResult
from tests.support.answers import ask, first_line


def test_a_report_naming_no_place_is_shown_by_its_title() -> None:
    """Never under a blank or placeholder name: "有相关内容的地区（2个）：甲区、《乙报告》", not "、…"."""
    chunks = [Chunk("a-0001-0", "甲区 · 第1项\n进展: 新建口袋公园46个", "a.txt", "甲区报告", "甲区", 2024, "一季度", "1",
                    "", "", "on_track", 1, 0),
              Chunk("b-0001-0", "第1项\n进展: 新建口袋公园12个", "b.txt", "乙报告", "", 0, "", "1", "", "", "on_track", 1, 0)]
    coverage = Coverage.of(chunks)
    assert covered_line(coverage) == "甲区（2024年一季度）、《乙报告》"
    query = parse_query("哪些地区建了口袋公园", coverage)
    hits = [Hit(c, 1.0, coverage=1.0, strong=True) for c in chunks]
    text = compose(SearchResult(query, hits, coverage=coverage)).text
    assert text.startswith("有相关内容的地区（2个）：甲区、《乙报告》") and "未注明" not in text
    single = compose(SearchResult(parse_query("口袋公园建了多少个", coverage), hits[1:], coverage=coverage)).text
    assert single.startswith("《乙报告》：新建口袋公园12个")


def test_problems_question_quotes_the_problems_column(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "济宁高新区优质教育提升工程存在什么问题")
    assert first_line(answer) == "济宁高新区（2021年1-9月）：项目土地手续尚未办结,影响后期建设手续办理"
    assert answer.citations[0].item == "2"


def test_plan_question_quotes_the_plan_column(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "济宁高新区交通畅行工程下一步计划")
    assert first_line(answer) == "济宁高新区（2021年1-9月）：采取有力措施,加快建设步伐。"


def test_plan_question_without_a_plan_column_says_so(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "密云区檀城北街道路工程下一步计划")
    assert "报告没有写下一步计划" in answer.text or "报告没有单列下一步计划" in answer.text
    assert "檀城北街" in answer.text


def test_task_question_quotes_the_task(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "青岛老旧小区改造的目标是什么")
    assert first_line(answer) == "青岛市（2022年上半年）：改造城镇老旧小区300个以上,完成既有居住建筑节能保暖改造230万平方米以上。"


def test_progress_in_another_column_is_quoted_over_a_bare_status(retriever) -> None:  # type: ignore[no-untyped-def]
    """柯桥区's progress cell says only "顺利推进"; the figures sit under the next column and are what is quoted."""
    answer = ask(retriever, "轻纺城第二小学新建工程进展")
    assert "室内装修及安装工程完成80%" in first_line(answer) and "顺利推进" not in first_line(answer)


def test_progress_written_under_the_task_is_quoted_before_the_target(retriever) -> None:  # type: ignore[no-untyped-def]
    """怀柔区's report puts "当前进展:…" on the line after each task: it is the progress field, and answers; the target
    follows."""
    answer = ask(retriever, "怀柔区背街小巷整治完成得怎么样了")
    assert first_line(answer) == "怀柔区（2022年）：施工,完成工程量的80%。"
    assert answer.text.splitlines()[1] == "目标：整治提升背街小巷15条" and "责任编辑" not in answer.text


def test_text_no_record_holds_is_answered_from_its_passage(retriever) -> None:  # type: ignore[no-untyped-def]
    """眉山市2019's figures are one cell per line, outside every record: a passage still finds and quotes them."""
    result = retriever.search("眉山市2019年城镇新增就业目标任务完成情况表全市", 5)
    assert any("52242" in h.chunk.text and h.chunk.is_passage for h in result.hits)


def test_a_passage_states_problems_in_its_own_sentences() -> None:
    """A passage has no problems field: its sentences stating them are quoted, the list after the cue too."""
    chunk = Chunk("a-0001-p", "甲县 · 2023年上半年\n在总结成绩的同时,推进中还存在一些问题:\n一是资金到位率不高,到位率为63.5%;\n"
                  "二是部分项目施工交叉。", "a.txt", "甲县报告", "甲县", 2023, "上半年", "", "", "", "unknown", 9, 1000,
                  kind="passage")
    coverage = Coverage.of([chunk])
    query = parse_query("甲县民生实事推进中存在什么问题", coverage)
    text = compose(SearchResult(query, [Hit(chunk, 1.0, coverage=1.0, strong=True)], coverage=coverage)).text
    assert "63.5%" in text and "没有写" not in text


def test_a_place_inside_the_report_is_quoted_from_the_field_naming_it() -> None:
    """A report in prose put the districts' figures in the record's task and the city's in its progress: asked about
    one district, its figure; asked about the city, the city's."""
    text = ("甲市 · 2024年上半年 · 第1项\n任务: 分区域看,荷塘区开工26个、完工11个;芦淞区开工18个、完工12个。\n"
            "进展: 全市计划改造老旧小区152个,已开工128个,完工57个。")
    chunk = Chunk("a-0001-0", text, "a.txt", "甲市报告", "甲市", 2024, "上半年", "1", "", "", "on_track", 1, 0)
    coverage = Coverage.of([chunk])
    hits = [Hit(chunk, 1.0, coverage=1.0, strong=True)]
    inside = parse_query("甲市芦淞区老旧小区改造完工了多少个", coverage, in_reports=lambda name: name == "芦淞区")
    assert inside.inside == ("芦淞区",)
    assert "芦淞区开工18个、完工12个" in compose(SearchResult(inside, hits, coverage=coverage)).text
    whole = compose(SearchResult(parse_query("甲市老旧小区改造完工了多少个", coverage), hits, coverage=coverage)).text
    assert "完工57个" in whole and "芦淞区" not in whole
