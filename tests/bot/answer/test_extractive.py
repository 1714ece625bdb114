"""Extractive answers on the real index: each field and question kind, verdicts, lists, abstentions, script."""
from __future__ import annotations

import re

import pytest

from minsheng.bot.answer.extractive import compose
from minsheng.bot.answer.quoting import record_name
from minsheng.bot.answer.sentences import best_sentences, split_sentences
from minsheng.bot.answer.types import Answer
from minsheng.index.indexing.catalog import Coverage
from minsheng.index.indexing.chunk import Chunk
from minsheng.index.search.query import parse_query
from minsheng.index.search.results import Hit, SearchResult


def ask(retriever, question: str, k: int = 5) -> Answer:  # type: ignore[no-untyped-def]
    return compose(retriever.search(question, k))


def first_line(answer: Answer) -> str:
    return answer.text.splitlines()[0]


# --- pure pieces ------------------------------------------------------------------------------


def test_sentences_keep_bracketed_lists_whole_and_split_run_in_items() -> None:
    text = "5条小巷(城后小区路、檀南胡同;农园路)已开工,完成45%。下步验收。 2.培训1013人次;上岗72人"
    assert split_sentences(text) == [
        "5条小巷(城后小区路、檀南胡同;农园路)已开工,完成45%。", "下步验收。", "2.培训1013人次;", "上岗72人",
    ]


def test_amount_question_picks_the_sentence_with_the_asked_unit() -> None:
    coverage = Coverage({"测试区": ("2024年一季度",)}, {"测试区": 1}, ())
    query = parse_query("测试区口袋公园建了多少个", coverage)
    text = ("完成公园整治方案设计,正在进行步道建设;35个山头公园已全部开工,其中12处已基本完成整治;"
            "28个口袋公园已开工,其中9个已完工;全市40个微更新项目已全面开工。")
    assert best_sentences(text, query) == "28个口袋公园已开工,其中9个已完工;"


def test_amount_question_quotes_the_clause_with_the_asked_verb_and_its_figure() -> None:
    """"完成了几项": the clause writing 完成 with a count in 项, not the total planned that opens the sentence, even when
    a long bracketed list keeps the two apart."""
    coverage = Coverage({"测试县": ("2025年6月",)}, {"测试县": 1}, ())
    query = parse_query("测试县民生行动完成了几项", coverage)
    names = "、".join(f"第{n}号民生行动" for n in range(1, 9))
    text = f"2025年全县40项民生实事中,常态化开展的有4项({names}),截至6月28日,其余36项中,已完成9项({names})。"
    lead = best_sentences(text, query)
    assert "已完成9项" in lead and lead.startswith("…")


def test_long_sentence_is_cut_to_its_best_clauses_with_ellipsis() -> None:
    coverage = Coverage({"测试区": ()}, {"测试区": 1}, ())
    query = parse_query("测试区注册企业有多少", coverage)
    filler = "主任介绍,委员会坚持服务企业,开展走访座谈,协调解决班车停放、餐厅建设、招工难等问题,"
    text = filler * 3 + "截至目前已有注册企业20513家,营业收入512.6亿元," + filler * 2 + "成效明显。"
    lead = best_sentences(text, query, limit=80)
    assert "注册企业20513家" in lead and lead.startswith("…") and len(lead) <= 84


def test_record_name_prefers_a_named_section_over_a_heading() -> None:
    def chunk(section: str) -> Chunk:
        return Chunk("x-0000-0", "甲区 · 第1项\n任务: 新建急救站点2处,提升急救能力\n进展: 已完工", "a.txt", "报告", "甲区",
                     2024, "一季度", "1", section, "区卫健委", "completed", 0, 0)

    assert record_name(chunk("医疗健康惠民工程")) == "医疗健康惠民工程"
    assert record_name(chunk("一、优化基本公共服务(5件)")) == "新建急救站点2处"


def test_abstained_result_without_coverage_says_the_index_is_empty() -> None:
    query = parse_query("大兴区养老", Coverage({}, {}, ()))
    answer = compose(SearchResult(query=query, hits=[], abstained=True, reason="empty"))
    assert answer.abstained and "minsheng index" in answer.text and not answer.citations


# --- on the real reports ----------------------------------------------------------------------


def test_amount_answer_quotes_the_figure_and_the_target(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "青岛口袋公园建了多少个")
    assert answer.text.splitlines()[:2] == ["青岛市（2022年上半年）：46个口袋公园已开工,其中25个已完工;", "目标：建设口袋公园50个"]
    assert answer.citations[0].item == "10" and answer.citations[0].region == "青岛市"
    assert not answer.abstained and answer.composer == "extractive"


def test_no_target_line_when_the_lead_states_the_plan_itself(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "大兴区化妆品抽检任务多少批次")
    assert first_line(answer).startswith("大兴区（2024年一季度）：化妆品抽检任务60批次")
    assert "目标" not in answer.text


@pytest.mark.parametrize("question, verdict, evidence", [
    ("密云区操场改造完成了吗", "已完成。", "目前已全部完工"),
    ("青岛未贯通道路完成了吗", "正在推进，报告未说已全部完成。", "开工未贯通道路42条"),
])
def test_status_question_leads_with_a_verdict(retriever, question: str, verdict: str, evidence: str) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, question)
    assert first_line(answer) == verdict
    assert evidence in answer.text.splitlines()[1]


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
    assert "目前收录：" in answer.text and "北京市：大兴区（2024年一季度）、密云区（2022年三季度）" in answer.text
    assert f"可以这样问：“{retriever.searcher.examples()[0]}”" in answer.text


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


def test_off_topic_question_says_what_the_bot_can_do(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "今天天气怎么样")
    assert answer.abstained
    assert "我能回答" in answer.text and "可以这样问" in answer.text


def test_covered_district_without_the_topic_abstains_by_name(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "密云区养老服务进展")
    assert answer.abstained and first_line(answer) == "密云区的报告里没有找到“养老服务”的内容。"


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


def test_a_report_naming_no_place_is_shown_by_its_title() -> None:
    """Never under a blank or placeholder name: "有相关内容的地区（2个）：甲区、《乙报告》", not "、…"."""
    chunks = [Chunk("a-0001-0", "甲区 · 第1项\n进展: 新建口袋公园46个", "a.txt", "甲区报告", "甲区", 2024, "一季度", "1",
                    "", "", "on_track", 1, 0),
              Chunk("b-0001-0", "第1项\n进展: 新建口袋公园12个", "b.txt", "乙报告", "", 0, "", "1", "", "", "on_track", 1, 0)]
    coverage = Coverage.of(chunks)
    assert coverage.describe() == "甲区（2024年一季度）、《乙报告》"
    query = parse_query("哪些地区建了口袋公园", coverage)
    hits = [Hit(c, 1.0, coverage=1.0, strong=True) for c in chunks]
    text = compose(SearchResult(query, hits, coverage=coverage)).text
    assert text.startswith("有相关内容的地区（2个）：甲区、《乙报告》") and "未注明" not in text
    single = compose(SearchResult(parse_query("口袋公园建了多少个", coverage), hits[1:], coverage=coverage)).text
    assert single.startswith("《乙报告》：新建口袋公园12个")


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


def test_progress_in_another_column_is_quoted_over_a_bare_status(retriever) -> None:  # type: ignore[no-untyped-def]
    """柯桥区's progress cell says only "顺利推进"; the figures sit under the next column and are what is quoted."""
    answer = ask(retriever, "轻纺城第二小学新建工程进展")
    assert "室内装修及安装工程完成80%" in first_line(answer) and "顺利推进" not in first_line(answer)


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


def test_the_measure_asked_about_leads_the_row_read_against_its_header(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "眉山市2019年下岗失业人员再就业完成比例是多少")
    read = next(line for line in answer.text.splitlines() if line.startswith("按表头："))
    assert read.startswith("按表头：下岗失业人员再就业(人)：目标任务400，进度1089，完成比例272.3%；")
    # The 失业率 pair has no ratio to check its roles by: its figures stay bare, under their measure.
    assert "城镇登记失业率低于(%)：4.3、3.57" in read and "（表头：" not in answer.text


def test_text_no_record_holds_is_answered_from_its_passage(retriever) -> None:  # type: ignore[no-untyped-def]
    """眉山市2019's figures are one cell per line, outside every record: a passage still finds and quotes them."""
    result = retriever.search("眉山市2019年城镇新增就业目标任务完成情况表全市", 5)
    assert any("52242" in h.chunk.text and h.chunk.is_passage for h in result.hits)


def test_progress_written_under_the_task_is_quoted_before_the_target(retriever) -> None:  # type: ignore[no-untyped-def]
    """怀柔区's report puts "当前进展:…" on the line after each task: that line answers, the target follows."""
    answer = ask(retriever, "怀柔区背街小巷整治完成得怎么样了")
    assert first_line(answer) == "怀柔区（2022年）：当前进展:施工,完成工程量的80%。"
    assert answer.text.splitlines()[1] == "目标：整治提升背街小巷15条" and "责任编辑" not in answer.text


_HERE = Coverage({"测试区": ()}, {"测试区": 1}, ())


def test_why_is_answered_by_the_sentence_giving_the_cause() -> None:
    text = "体育馆:正在地下室主体结构施工,已完成工程量的80%。因春节前地下部分由地铁代建,进度比原计划滞后。目前已恢复正常进度。"
    picked = best_sentences(text, parse_query("测试区体育馆为什么进度比原计划慢", _HERE))
    assert "因春节前地下部分由地铁代建" in picked


def test_which_ones_quotes_the_whole_enumeration_or_the_sentence_naming_the_counted() -> None:
    listed = ("县长答:2009年,我县为民办了10件实事:一是完成43公里通村道路硬化;二是改善村屯基础设施;三是完成人饮工程20处;"
              "四是建设廉租住房100套;五是完成农村改厕2000座。其他工作正常推进。")
    picked = best_sentences(listed, parse_query("测试区2009年为民办了哪10件实事", _HERE))
    assert "通村道路硬化" in picked and "农村改厕2000座" in picked and "其他工作" not in picked
    counted = "提升改造次干道100条。打通民生路等4条断头路。民生路工程、通园街工程、建通街南延工程、贾商路工程已全部完工。路口改造12个。"
    picked = best_sentences(counted, parse_query("测试区打通的4条断头路是哪几条", _HERE))
    assert "通园街工程" in picked and "贾商路工程" in picked


def test_when_prefers_a_day_to_a_month() -> None:
    text = "一期老旧小区管网改造工作于2014年12月完工,验收合格。二期老旧小区管网改造工作于2014年11月14日完工,验收合格。"
    assert best_sentences(text, parse_query("测试区老旧小区管网改造什么时候完工的", _HERE), limit=40).startswith("二期")


def test_report_period_question_quotes_the_title_and_the_period(retriever) -> None:  # type: ignore[no-untyped-def]
    """眉山市2017's table: the period it covers is its title's "1—11月", not any project's date."""
    answer = ask(retriever, "眉山市2017年那份实施进度表数据截至几月")
    assert first_line(answer).startswith("眉山市：《2017年1—11月十大民生工程项目实施进度表")
    assert "统计时段：2017年1-11月" in first_line(answer) and len(answer.citations) == 1
