"""Follow-up questions on the real index: another district, the same record's other fields, a new topic."""
from __future__ import annotations

from minsheng.bot.answer.extractive import compose
from minsheng.bot.answer.types import Answer
from minsheng.bot.session import Conversation, Conversations


def turn(conversation: Conversation, question: str) -> Answer:
    return compose(conversation.search(question))


def test_another_district_keeps_the_topic(retriever) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(retriever.searcher)
    assert "专班" in turn(chat, "大兴区公交线路调整得怎么样了").text
    answer = turn(chat, "那密云区呢？")
    assert answer.text.startswith("密云区（2022年三季度）：") and "公交线路16条" in answer.text
    assert answer.citations[0].item == "18"


def test_field_follow_ups_read_the_same_record(retriever) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(retriever.searcher)
    first = turn(chat, "济宁高新区明厨亮灶工程进展")
    assert "已完成40家学校明厨亮灶改造" in first.text
    plan = turn(chat, "下个月呢？")
    assert plan.text == "济宁高新区（2021年1-9月）：完成二期学校明厨亮灶改造,进行设备调试,接入视频监控平台。"
    problems = turn(chat, "它的问题是什么？")
    assert problems.text.startswith("济宁高新区（2021年1-9月）：报告写明存在的问题：无。")
    assert {c.chunk_id for c in (*first.citations, *plan.citations, *problems.citations)} == {first.citations[0].chunk_id}


def test_status_follow_up_gives_a_verdict_for_the_same_record(retriever) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(retriever.searcher)
    turn(chat, "密云区操场改造进展")
    assert turn(chat, "完成了吗？").text.splitlines()[0] == "已完成。"


def test_new_topic_in_the_same_district(retriever) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(retriever.searcher)
    turn(chat, "济宁高新区明厨亮灶工程进展")
    answer = turn(chat, "那养老呢？")
    assert answer.citations[0].region == "济宁高新区" and answer.citations[0].item == "9"


def test_a_full_question_is_not_a_follow_up(retriever) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(retriever.searcher)
    turn(chat, "大兴区公交线路调整得怎么样了")
    answer = turn(chat, "青岛口袋公园建了多少个")
    assert answer.citations[0].region == "青岛市" and "46个口袋公园" in answer.text
    overview = turn(chat, "济宁高新区下月计划")
    assert overview.text.startswith("济宁高新区各项目的下一步计划")


def test_follow_up_without_a_previous_turn_abstains(retriever) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(retriever.searcher)
    assert turn(chat, "它的问题是什么？").abstained


def test_traditional_follow_up_is_answered_in_traditional(retriever) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(retriever.searcher)
    turn(chat, "大兴区公交线路调整得怎么样了")
    answer = turn(chat, "那密雲區呢？")
    assert answer.text.startswith("密雲區（2022年三季度）：") and "公交線路16條" in answer.text


def test_a_follow_up_to_an_uncovered_district_abstains_and_keeps_the_topic(retriever) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(retriever.searcher)
    turn(chat, "大兴区公交线路调整得怎么样了")
    assert turn(chat, "那广州市天河区呢？").abstained
    assert "公交线路16条" in turn(chat, "那密云区呢？").text


def test_reset_forgets(retriever) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(retriever.searcher)
    turn(chat, "济宁高新区明厨亮灶工程进展")
    chat.reset()
    assert turn(chat, "下个月呢？").abstained


def test_conversations_are_per_chat_and_expire(retriever) -> None:  # type: ignore[no-untyped-def]
    chats = Conversations(retriever.searcher, max_chats=2, idle_seconds=60)
    a = chats.get(1, now=0)
    a.search("济宁高新区明厨亮灶工程进展")
    assert chats.get(1, now=30) is a and chats.get(2, now=30) is not a
    assert chats.get(1, now=200) is not a  # idle too long: a fresh conversation
    b = chats.get(2, now=200)
    chats.get(3, now=201)
    chats.get(4, now=202)
    assert chats.get(2, now=203) is not b  # least recently used dropped past max_chats
