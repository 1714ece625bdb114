"""Hybrid search over the real index: filters, lists, comparisons, abstentions, the LangChain retriever."""
from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from minsheng.bot.measure.bench import QUESTIONS
from minsheng.index.indexing.catalog import Coverage
from minsheng.index.ingest.normalize import match_key
from minsheng.index.search.ranking import by_record, evidence, one_per_region
from minsheng.index.search.results import Hit
from minsheng.index.search.retriever import MinshengRetriever
from minsheng.index.search.searcher import Searcher
from minsheng.index.search.topic import topic_coverage


def _texts(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [match_key(h.chunk.text) for h in result.hits]


def test_named_district_filters_every_hit(retriever: MinshengRetriever) -> None:
    """A district named in the question: every source is from it (密云 ≠ 大兴)."""
    result = retriever.search("密云区老旧小区节能改造进展", 5)
    assert not result.abstained
    assert result.hits and all(h.chunk.region == "密云区" for h in result.hits)
    assert "老旧小区" in result.hits[0].chunk.text


def test_same_topic_two_districts_gives_the_asked_one(retriever: MinshengRetriever) -> None:
    """Both 大兴 and 青岛 renovate old housing; the one asked about comes back."""
    for district in ("大兴区", "青岛市"):
        result = retriever.search(f"{district}老旧小区改造了多少", 3)
        assert result.hits[0].chunk.region == district
        assert "老旧小区" in result.hits[0].chunk.text


def test_figure_question_finds_the_figure_record(retriever: MinshengRetriever) -> None:
    """numeric: the record holding the asked-for figure is first."""
    result = retriever.search("大兴区老楼加装电梯开工了几部", 5)
    assert "加梯" in result.hits[0].chunk.text or "电梯" in result.hits[0].chunk.text
    assert result.hits[0].chunk.region == "大兴区"


def test_traditional_question(retriever: MinshengRetriever) -> None:
    """traditional: a Traditional question finds the same record as its Simplified form."""
    simplified = retriever.search("青岛口袋公园建设进展", 3)
    traditional = retriever.search("青島口袋公園建設進展", 3)
    assert traditional.query.traditional
    assert traditional.hits[0].chunk.id == simplified.hits[0].chunk.id


def test_everyday_wording(retriever: MinshengRetriever) -> None:
    """paraphrase: 电瓶车充电 reaches the report's 电动自行车充电设施."""
    result = retriever.search("密云区电瓶车充电的地方多了没有", 3)
    assert not result.abstained
    assert "电动自行车" in result.hits[0].chunk.text


def test_problems_question_prefers_a_record_that_states_problems(retriever: MinshengRetriever) -> None:
    """field: for 存在什么问题 the part holding 存在问题 leads, and it is not just "无"."""
    result = retriever.search("济宁高新区文体活动有什么困难", 3)
    lead = result.hits[0].chunk.text
    assert "存在问题:" in lead
    assert "存在问题: 无" not in lead and "存在问题: 暂无" not in lead


def test_year_filter_and_uncovered_year_note(retriever: MinshengRetriever) -> None:
    """time: a covered year filters; a year the index lacks is noted, not silently ignored."""
    covered = retriever.search("2021年济宁高新区学校建设", 5)
    assert all(h.chunk.year == 2021 for h in covered.hits)
    missing = retriever.search("2019年密云区操场改造", 5)
    assert any(note.kind == "period" and note.value == "2019年" for note in missing.notes)
    assert missing.hits[0].chunk.region == "密云区"


def test_lead_unit_lists_that_units_records(retriever: MinshengRetriever) -> None:
    """lead_unit: every record led by the unit is returned, and only those."""
    result = retriever.search("大兴区民政局负责哪些实事", 10)
    assert result.query.kind == "unit_list"
    assert len(result.hits) >= 2
    assert all("区民政局" in h.chunk.lead_unit and h.chunk.region == "大兴区" for h in result.hits)


def test_which_districts_gives_one_record_per_district(retriever: MinshengRetriever) -> None:
    """cross: 哪些地区 returns the best record of several districts first."""
    result = retriever.search("哪些地区在做老旧小区改造", 6)
    regions = [h.chunk.region for h in result.hits[:3]]
    assert len(set(regions)) == 3
    assert all("老旧小区" in h.chunk.text for h in result.hits[:3])


def test_compare_two_districts_in_order(retriever: MinshengRetriever) -> None:
    """cross: "A和B…分别" leads with A's best record, then B's."""
    result = retriever.search("青岛和密云的老旧小区改造分别进展如何", 4)
    assert [h.chunk.region for h in result.hits[:2]] == ["青岛市", "密云区"]


def test_uncovered_district_abstains(retriever: MinshengRetriever) -> None:
    """negative: a district the index does not hold → abstain, no sources."""
    result = retriever.search("成都市武侯区老旧小区改造进展", 5)
    assert result.abstained and result.reason == "region" and not result.hits


def test_an_uncovered_district_in_a_year_its_city_lacks_abstains(retriever: MinshengRetriever) -> None:
    """Its city's report of another year would answer about another place and another time at once."""
    both = retriever.search("广州市天河区2023年民生实事完成情况")
    assert both.abstained and both.reason == "region" and not both.hits
    # Either alone still answers from the city's report, with the caveat.
    place = retriever.search("广州市天河区交通拥堵点位微改造")
    assert not place.abstained and place.hits[0].chunk.region == "广州市"
    year = retriever.search("广州市2023年交通拥堵点位微改造")
    assert not year.abstained and [n.kind for n in year.notes] == ["period"]


def test_off_topic_abstains(retriever: MinshengRetriever) -> None:
    """negative: a request unrelated to the reports → abstain for weak evidence."""
    for question in ("给我讲个笑话", "明天会下雨吗", "推荐一本好看的小说"):
        result = retriever.search(question, 5)
        assert result.abstained, question
        assert not result.hits


def test_langchain_retriever_returns_documents(retriever: MinshengRetriever) -> None:
    """The retriever plugs into LangChain: invoke → Documents with the record metadata."""
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("大兴区便利店建设进展")
    assert docs and isinstance(docs[0], Document)
    meta = docs[0].metadata
    assert meta["region"] == "大兴区" and meta["period_label"] == "2024年一季度"
    assert {"id", "source", "report", "item", "lead_unit", "score"} <= set(meta)
    assert retriever.invoke("给我讲个笑话") == []




def test_topic_coverage_counts_long_words_by_pieces() -> None:
    """A long question word not written as such in the report still counts by its two-character pieces."""
    assert topic_coverage(["充电桩"], [], "新增充电桩46台") == 1.0
    assert 0 < topic_coverage(["老旧小区改造"], [], "改造城镇老旧小区300个") < 1
    assert topic_coverage(["春天"], [], "改造城镇老旧小区300个") == 0.0
    assert topic_coverage(["买菜", "市场"], [("买菜", ("农贸市场",))], "开工农贸市场7处") == 1.0


def test_one_per_region_skips_weak_districts(retriever: MinshengRetriever) -> None:
    """A district whose best hit is weak gets no lead place in a comparison."""
    result = retriever.search("大兴区便利店建设进展", 5)
    strong = result.hits[0]
    weak = Hit(strong.chunk.__class__(**{**strong.chunk.__dict__, "id": "x", "region": "某区"}), 0.1)
    ordered = one_per_region([strong, weak], ("某区", "大兴区"), retriever.searcher.whole().strong)
    assert ordered[0] is strong
    assert evidence(weak, 0.7) < 0.4


def test_by_record_puts_the_wanted_part_first(retriever: MinshengRetriever) -> None:
    """Parts of one record: the one holding the asked-for field leads, with the record's best score."""
    chunks = [c for c in retriever.searcher.whole().chunks if c.part == 0][:1]
    chunk = chunks[0]
    task_part = Hit(chunk.__class__(**{**chunk.__dict__, "text": "头\n任务: 做事"}), 0.9)
    plan_part = Hit(chunk.__class__(**{**chunk.__dict__, "id": "p2", "part": 1, "text": "头\n下步计划: 继续"}), 0.5)
    ranked = by_record([task_part, plan_part], "plan")
    assert ranked[0].chunk.id == "p2" and ranked[0].score >= 0.9


def test_a_place_inside_a_covered_report_is_answered_from_the_records_naming_it(retriever: MinshengRetriever) -> None:
    """柴桑区 is no report's place but a row of 九江市's table names it: those records answer, and the search says so."""
    result = retriever.search("九江柴桑区完整社区建设", 5)
    assert not result.abstained and result.query.inside == ("柴桑区",)
    assert all("柴桑区" in h.chunk.places.split() for h in result.hits)
    assert {(n.kind, n.value) for n in result.notes} >= {("inside", "柴桑区"), ("inside_report", "九江市")}


def test_a_real_place_sharing_a_covered_name_is_not_the_covered_one(retriever: MinshengRetriever) -> None:
    """城关区 is covered (兰州's); 拉萨's is not, and 北京's 昌平区 is not: both abstain, 昌平 naming 北京's places."""
    lhasa = retriever.search("拉萨城关区的学校", 5)
    assert lhasa.abstained and lhasa.reason == "region" and lhasa.query.uncovered == ("城关区（拉萨市）",)
    changping = retriever.search("北京昌平养老", 5)
    assert changping.abstained and changping.reason == "region"
    assert set(changping.query.nearby) == {"大兴区", "密云区", "通州区", "怀柔区"}
    assert retriever.search("兰州城关区的托育机构", 5).query.regions == ("城关区",)


def test_the_whole_areas_row_of_a_table_leads_unless_a_place_inside_is_asked(retriever: MinshengRetriever) -> None:
    """眉山市2019's rows tie on every signal but their first cell: a question on the city gets 全市's figures, one
    naming 丹棱县 gets its row."""
    from minsheng.index.search.ranking import whole_area_lift

    rows = [c for c in retriever.searcher.whole().chunks if c.is_passage and "27800" in c.text or "丹棱县\n1900" in c.text]
    city = next(c for c in rows if "27800" in c.text)
    county = next(c for c in rows if "丹棱县" in c.text)
    assert whole_area_lift(city, ()) > 0 and whole_area_lift(county, ()) == 0 and whole_area_lift(city, ("丹棱县",)) == 0
    assert "52242" in retriever.search("眉山市2019年城镇新增就业实际完成多少人", 5).hits[0].chunk.text
    assert "丹棱县" in retriever.search("眉山丹棱县2019年城镇新增就业完成多少", 5).hits[0].chunk.text


def test_a_place_reported_on_several_times_answers_from_its_latest_report(retriever: MinshengRetriever) -> None:
    """萧县's June and September reports open with the same count: with no period asked, September's leads; asked
    for June, June's."""
    latest = retriever.search("萧县民生实事一共完成了多少项", 5).hits[0].chunk
    assert (latest.region, latest.last_month) == ("萧县", 9)
    june = retriever.search("萧县6月民生实事一共完成了多少项", 5).hits[0].chunk
    assert (june.region, june.last_month) == ("萧县", 6)


def test_a_question_about_the_reports_period_gets_each_reports_opening(retriever: MinshengRetriever) -> None:
    """"统计到几月": the first passage of each report of the place (its title), the latest first; with no place named
    and several reports, no guess."""
    result = retriever.search("萧县民生工程报告的数据统计到几月", 5)
    assert not result.abstained
    assert [(h.chunk.region, h.chunk.last_month, h.chunk.is_passage) for h in result.hits] == [
        ("萧县", 9, True), ("萧县", 6, True)]
    assert all(h.chunk.report in h.chunk.text for h in result.hits)
    assert retriever.search("这份报告统计到几月份", 5).abstained


def test_a_period_asked_in_other_words_finds_the_report_ending_that_month(retriever: MinshengRetriever) -> None:
    """"截至6月底" is the period of 萧县's "6月" report: its records answer, with no "no such report" note."""
    result = retriever.search("截至6月底萧县民生实事进展", 5)
    assert result.hits and {h.chunk.last_month for h in result.hits} == {6}
    assert not [n for n in result.notes if n.kind == "period"]
    assert [n.kind for n in retriever.search("萧县11月民生实事进展", 5).notes] == ["period"]


def test_a_passage_of_titles_and_header_cells_ranks_below_the_reports_statements(retriever: MinshengRetriever) -> None:
    """西湖区's attachment titles ("…滞后项目情况表 / 序号 / 目标任务 …") share every word of a question on lagging
    projects but state nothing: the sentence naming the lagging projects leads."""
    from minsheng.index.search.ranking import furniture_drop

    passages = [c for c in retriever.searcher.whole().chunks if c.is_passage and "通报三" in c.source]
    titles = next(c for c in passages if c.text.split("\n", 1)[1].startswith("附件:"))
    assert furniture_drop(titles) < 0
    assert all(furniture_drop(c) == 0 for c in passages if "滞后于节点目标" in c.text)
    best = retriever.search("西湖区2022年4月底有哪几个实事项目进度落后", 5).hits[0].chunk
    assert furniture_drop(best) == 0 and "滞后" in best.text


def test_a_list_asked_reads_on_past_the_passage_it_starts_in(retriever: MinshengRetriever) -> None:
    """鹿寨县's answer lists its projects 一是…九是 over several windows: a question asking which they were gets
    the window the list starts in with the following windows joined on; other questions get the window alone."""
    listed = retriever.search("鹿寨县2009年为民办的10件实事都有哪些", 5).hits[0].chunk
    assert listed.is_passage and all(f"{n}是" in listed.text for n in "一二三四五六七")
    stored = {c.id: c.text for c in retriever.searcher.whole().chunks}
    assert len(listed.text) > len(stored[listed.id])
    single = retriever.search("鹿寨县2009年农村改厕完成多少座", 5).hits[0].chunk
    assert "农村改厕2000座" in single.text and single.text == stored[single.id]


def test_a_small_index_answers_without_opening_the_vector_store(indexed) -> None:  # type: ignore[no-untyped-def]
    """The embedded store opens on first use; an index this small answers from its memory-mapped vectors, so a
    cold `ask` never pays for opening chromadb."""
    from minsheng.bot.engine import open_searcher
    from minsheng.index.indexing.store import LazyStore

    searcher = open_searcher(indexed)
    assert not searcher.search("大兴区养老服务进展", 5).abstained
    store = searcher.store
    assert isinstance(store, LazyStore) and store._opened is None


def test_problems_of_a_list_named_only_by_its_name_come_from_the_report_s_problems(own_retriever) -> None:  # type: ignore[no-untyped-def]
    """"X为民办实事碰到了什么困难": the list's own name is no topic; the report's problems passage answers."""
    result = own_retriever.search("武功县惠民实事碰到了什么困难")
    assert not result.abstained and result.hits[0].chunk.is_passage and "存在问题" in result.hits[0].chunk.text


SCOPE_QUESTIONS = [question for question, _ in QUESTIONS] + [
    "养老服务驿站进展", "区城市管理委负责哪些项目", "哪些区在建口袋公园", "丹棱县城乡供水一体化进展", "老楼加装电梯开工了几部",
    "2024年一季度充电桩建设进展", "上海市浦东新区养老服务进展", "你好", "大兴区和密云区的养老服务", "密云区下月计划",
]


def test_a_question_s_reports_answer_as_the_whole_index_does(retriever: MinshengRetriever) -> None:
    """Read for each question only the reports it concerns (its places', else its best candidates' reports: the
    whole-index reading forced off), the answers are the whole index's: same first hit, same abstentions."""
    opened = retriever.searcher
    scoped = Searcher(opened.catalog, opened.store, opened.embedder, whole_rows=0)
    whole = opened.whole()
    for question in SCOPE_QUESTIONS:
        got, want = scoped.search(question), whole.search(question)
        assert (got.abstained, got.reason) == (want.abstained, want.reason), question
        assert [h.chunk.id for h in got.hits[:1]] == [h.chunk.id for h in want.hits[:1]], question
    # A place's question read that place's reports alone.
    assert {c.region for c in scoped._search_over(*scoped._scope(scoped.parse("密云区操场改造完成了吗"))).chunks} \
        == {"密云区"}


def test_opening_reads_no_chunk(retriever: MinshengRetriever, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening an index reads each report's facts, not its chunks: what it covers comes from them alone."""
    opened = retriever.searcher
    read: list[object] = []
    monkeypatch.setattr(type(opened.catalog), "chunks", lambda self, files=None: read.append(files) or ([], None))
    fresh = Searcher(opened.catalog, opened.store, opened.embedder)
    assert not read and fresh.record_count() == 182
    assert fresh.coverage == Coverage.of(opened.whole().chunks) and fresh.coverage.lead_units
