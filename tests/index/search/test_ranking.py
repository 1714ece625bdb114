"""index.search.ranking: the lifts and drops a hit's score gets beside fusion and topic coverage."""
from __future__ import annotations

from minsheng.index.indexing.chunk import Chunk
from minsheng.index.search.ranking import rank_lift


def _passage(body: str) -> Chunk:
    return Chunk("a-0001-p", f"甲县 · 2020年9月\n{body}", "a.txt", "报告", "甲县", 2020, "9月", "", "", "", "unknown",
                 1, 0, kind="passage")


def test_a_text_giving_a_rank_leads_only_when_a_rank_is_asked() -> None:
    ranked = _passage("9月份甲镇、乙镇位居全县前两名,丙镇位居全县后三名。")
    about = _passage("现将实施进度和考核排名情况通报如下:")
    assert rank_lift(ranked, True) > 0 and rank_lift(about, True) == 0.0
    assert rank_lift(ranked, False) == 0.0
    # "排名前三的是…", "排名后三位的是…", "排名靠后": ranks written as a list.
    for text in ("综合完成率排名前三的是甲街道、乙镇、丙镇。", "排名后三位的是丁镇、戊镇、己镇。", "排名靠后的是庚县、辛县。"):
        assert rank_lift(_passage(text), True) > 0, text


def test_when_problems_are_asked_a_passage_stating_some_leads_a_record_stating_none() -> None:
    """The record reader kept "还存在一些问题:" and lost the "一是…二是…" lines; the record's passage holding them leads."""
    from minsheng.index.search.ranking import by_record
    from minsheng.index.search.results import Hit

    record = Chunk("a-0005-0", "甲县 · 第5项\n进展: 县发改局坦言,推进中还存在一些问题:", "a.txt", "报告", "甲县", 2020, "9月",
                   "5", "", "", "unknown", 5, 0)
    passage = Chunk("a-0005-p", "甲县 · 2020年9月\n推进中还存在一些问题:一是资金到位率不高;二是施工交叉。", "a.txt", "报告",
                    "甲县", 2020, "9月", "5", "", "", "unknown", 5, 1000, kind="passage")
    ranked = by_record([Hit(record, 1.0, coverage=1.0), Hit(passage, 0.9, coverage=1.0)], "problems")
    assert ranked[0].chunk.is_passage
    assert not by_record([Hit(record, 1.0, coverage=1.0), Hit(passage, 0.9, coverage=1.0)], "progress")[0].chunk.is_passage


def test_the_text_answering_the_aspect_asked_leads() -> None:
    """Which ones: the sentence naming them; why: a cause; when: a date; each on the topic, each only when asked."""
    from minsheng.index.kinds import Wants
    from minsheng.index.search.query import Query
    from minsheng.index.search.ranking import aspect_lift

    def asked(**flags: bool) -> Query:
        return Query(text="", simplified="", traditional=False, **flags)

    named = _passage("其中4项已提前完成全年任务,分别是两癌免费筛查、农村危房改造、幸福院建设和农村公路防护工程。")
    one = _passage("今年计划改造农村危房320户,已全部完工,提前完成全年任务。")
    cause = _passage("一是农村供水项目进度滞后,部分项目受水源地论证和管材采购影响,开工较晚。")
    dated = _passage("确保十件民生实事在12月15日前全面完成。")
    covers = lambda text: 1.0 if any(w in text for w in ("提前完成", "农村供水", "民生实事")) else 0.0  # noqa: E731
    assert aspect_lift(named, asked(asks_list=True), covers) > 0 == aspect_lift(one, asked(asks_list=True), covers)
    assert aspect_lift(cause, asked(asks_why=True), covers) > 0 == aspect_lift(cause, asked(asks_when=True), covers)
    assert aspect_lift(dated, asked(asks_when=True), covers) > 0 == aspect_lift(dated, asked(), covers)
    # When something is to be done: a deadline, not the day the news was written.
    dateline = _passage("10月18日,记者从市政府获悉,十件民生实事进展顺利。")
    done_when = asked(asks_when=True, wants=Wants.STATUS)
    assert aspect_lift(dated, done_when, covers) > 0 == aspect_lift(dateline, done_when, covers)


def test_a_rank_on_the_topic_is_evidence_enough() -> None:
    from minsheng.index.search.ranking import gives_rank
    from minsheng.index.search.results import Hit

    ranked = _passage("按综合完成率排名,排名靠后的是甲县、乙县。")
    assert gives_rank(Hit(ranked, 1.0, coverage=0.5), True)
    assert not gives_rank(Hit(ranked, 1.0, coverage=0.5), False) and not gives_rank(Hit(ranked, 1.0), True)
