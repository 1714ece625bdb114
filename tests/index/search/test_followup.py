"""index.search.followup: completing a follow-up from the last turn, on hand-made queries (no index)."""
from __future__ import annotations

from minsheng.index.kinds import QueryKind, Wants
from minsheng.index.search.followup import Turn, complete
from minsheng.index.search.query import Query, asked_in

LAST = Turn(Query("大兴区养老服务进展", "大兴区养老服务进展", False, regions=("大兴区",), topic="养老服务",
                  expansions=("养老驿站",)), ("大兴区.txt", 3))


def ask(simplified: str, **fields: object) -> Query:
    return Query(simplified, simplified, False, **{**asked_in(simplified), **fields})  # type: ignore[arg-type]


def test_another_district_keeps_the_topic_and_field() -> None:
    done = complete("那密云区呢？", ask("那密云区呢?", regions=("密云区",)), LAST)
    assert done is not None and done.record is None
    assert (done.query.regions, done.query.topic, done.query.expansions) == (("密云区",), "养老服务", ("养老驿站",))
    both = complete("那密云和青岛呢", ask("那密云和青岛呢", regions=("密云区", "青岛市")), LAST)
    assert both is not None and both.query.kind == QueryKind.COMPARE


def test_a_field_alone_reads_the_same_record_again() -> None:
    done = complete("它的问题是什么？", ask("它的问题是什么?", wants=Wants.PROBLEMS), LAST)
    assert done is not None and done.record == ("大兴区.txt", 3)
    assert (done.query.wants, done.query.regions, done.query.text) == (Wants.PROBLEMS, ("大兴区",), "它的问题是什么？")
    assert complete("完成了吗", ask("完成了吗", wants=Wants.STATUS), Turn(LAST.query, None)) is None


def test_a_new_topic_that_refers_back_keeps_the_districts() -> None:
    done = complete("那学校呢", ask("那学校呢", topic="学校"), LAST)
    assert done is not None and done.query.regions == ("大兴区",) and done.query.topic == "学校"


def test_questions_of_their_own_are_not_follow_ups() -> None:
    assert complete("济宁高新区下月计划", ask("济宁高新区下月计划", regions=("济宁高新区",), wants=Wants.PLAN), LAST) is None
    assert complete("学校建设进展", ask("学校建设进展", topic="学校建设"), LAST) is None
    assert complete("区民政局负责哪些项目", ask("区民政局负责哪些项目", kind=QueryKind.UNIT_LIST), LAST) is None
    assert complete("那城阳区呢", ask("那城阳区呢", uncovered=("城阳区",)), LAST) is None


def test_another_period_keeps_topic_and_districts() -> None:
    done = complete("一季度呢", ask("一季度呢", period="一季度"), LAST)
    assert done is not None and done.record is None
    assert (done.query.period, done.query.regions, done.query.topic) == ("一季度", ("大兴区",), "养老服务")


def test_a_greeting_or_a_question_in_english_is_no_follow_up() -> None:
    assert complete("你好", ask("你好", kind=QueryKind.GREETING), LAST) is None
    assert complete("and Miyun?", ask("and Miyun?", kind=QueryKind.FOREIGN), LAST) is None


def test_a_question_about_the_whole_list_keeps_the_place_not_the_record() -> None:
    done = complete("一共有多少项？", ask("一共有多少项?", kind=QueryKind.COUNT), LAST)
    assert done is not None and done.record is None
    assert (done.query.kind, done.query.regions, done.query.topic) == (QueryKind.COUNT, ("大兴区",), "")
    named = ask("密云区有哪些项目滞后", kind=QueryKind.STATUS_LIST, regions=("密云区",))
    assert complete("密云区有哪些项目滞后", named, LAST) is None


def test_who_when_and_is_it_behind_after_a_project_read_that_project_for_what_they_ask() -> None:
    """"谁负责？", "落后了吗？" after a project: the same record, asking who leads it or whether it lags (not what
    the last question asked)."""
    who = complete("谁负责？", ask("谁负责?"), LAST)
    assert who is not None and who.record == ("大兴区.txt", 3) and who.query.asks_who
    lag = complete("落后了吗？", ask("落后了吗?", wants=Wants.STATUS), LAST)
    assert lag is not None and lag.record == ("大兴区.txt", 3) and lag.query.asks_lag and not lag.query.asks_who
