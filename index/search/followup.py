"""Follow-up questions: "那密云区呢？", "它的问题是什么？", "下个月呢？", "一季度呢？" completed from the last turn.

Pure: a question's Query and the last answered Turn in, what to search (or which record to read again) out. The
conversation memory that holds the Turn lives with the chat (bot/session.py).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from minsheng.index.kinds import COLLECTION_KINDS, QueryKind, Wants
from minsheng.index.search.query import Query


@dataclass(frozen=True)
class Turn:
    """What a conversation remembers of its last answered question: its query and its best record."""

    query: Query
    record: tuple[str, int] | None


@dataclass(frozen=True)
class FollowUp:
    """How to answer a follow-up: search a completed query, or (record set) read that record again for the field
    the query now asks for."""

    query: Query
    record: tuple[str, int] | None = None


# Kinds of question never completed from an earlier one.
_STANDS_ALONE = (QueryKind.UNIT_LIST, QueryKind.GREETING, QueryKind.FOREIGN)


def complete(question: str, query: Query, last: Turn) -> FollowUp | None:
    """The follow-up completed from the last turn, or None when the question stands on its own."""
    refers = query.refers_back
    if query.uncovered and not query.regions or query.kind in _STANDS_ALONE:
        return None
    if query.kind in COLLECTION_KINDS:
        # "一共有多少项？" after a question about 大兴区: the whole list of the same place, not the last record.
        return FollowUp(replace(query, regions=last.query.regions)) if not query.regions and last.query.regions \
            else None
    if query.topic:
        if refers and not query.regions and last.query.regions:
            # "那养老呢？": a new topic in the same districts.
            return FollowUp(replace(query, regions=last.query.regions))
        return None
    if query.regions and set(query.regions) != set(last.query.regions):
        if not refers:
            return None  # "济宁高新区下月计划" is a question of its own
        # "那密云区呢？": the same topic and field asked of another district.
        return FollowUp(same_topic(query, last.query))
    if query.period or query.year:
        # "一季度呢？": the same topic, districts and field in another period.
        return FollowUp(replace(same_topic(query, last.query), regions=last.query.regions))
    if last.record is None:
        return None
    # "它的问题是什么？" / "下个月呢？" / "完成了吗？": the same record, the field now asked for.
    asked = replace(last.query, text=question, wants=query.wants, traditional=query.traditional, kind=QueryKind.SINGLE,
                    **_own_cues(query))
    return FollowUp(asked, last.record)


def _own_cues(query: Query) -> dict[str, object]:
    """What the follow-up itself asks of the record ("谁负责？", "什么时候完成？", "为什么慢？", "落后了吗？"), in place
    of what the last question asked."""
    return {"asks_who": query.asks_who, "asks_when": query.asks_when, "asks_why": query.asks_why,
            "asks_lag": query.asks_lag, **({"asked_unit": query.asked_unit, "asked_verb": query.asked_verb}
                                           if query.asked_unit else {})}


def same_topic(query: Query, previous: Query) -> Query:
    """The new question's districts, period and field (the old field when none is asked) on the old topic."""
    wants = previous.wants if query.wants == Wants.PROGRESS else query.wants
    if previous.kind in COLLECTION_KINDS:
        # "那密云区呢？" after "大兴区有哪些项目滞后": the same question about the whole list of another place.
        return replace(query, topic="", expansions=(), wants=wants, kind=previous.kind, statuses=previous.statuses)
    return replace(query, topic=previous.topic, expansions=previous.expansions, wants=wants,
                   kind=QueryKind.COMPARE if len(query.regions) > 1 else QueryKind.SINGLE)
