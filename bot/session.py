"""Conversations: a follow-up ("那密云区呢？", "它的问题是什么？", "下个月呢？") reuses the previous turn."""
from __future__ import annotations

import re
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Protocol

from index.kinds import QueryKind, Wants
from index.search.query import Query
from index.search.ranking import by_record
from index.search.results import Hit, SearchResult

# Messages that start a new topic (the chat prompt and the bot both honour them).
RESET_WORDS = frozenset({"新话题", "重新开始", "清空", "reset", "/reset"})

# A question that points back at the previous one: "那…", "…呢", "它/这个…", "也/还…".
_REFERS = re.compile(r"^(那么?|那个|它|这个|这项|该项|还有|再|也)|呢[?？。!！\s]*$|它|这个项目|该项目")


class Searches(Protocol):
    """What a conversation needs from the search layer (index.search.Searcher provides it)."""

    def parse(self, question: str) -> Query: ...

    def search_query(self, query: Query, k: int = 5) -> SearchResult: ...

    def record_hits(self, source: str, record: int) -> list[Hit]: ...


@dataclass(frozen=True)
class Turn:
    """What a conversation remembers of its last answered question."""

    query: Query
    record: tuple[str, int] | None


class Conversation:
    """One chat's memory: the last answered question and its best record, used to complete follow-ups."""

    def __init__(self, searcher: Searches, k: int = 5) -> None:
        self.searcher = searcher
        self.k = k
        self.last: Turn | None = None

    def search(self, question: str, k: int | None = None) -> SearchResult:
        """Search for a question, completed from the previous turn when it is a follow-up."""
        k = k or self.k
        query = self.searcher.parse(question)
        result = self._follow_up(question, query, k) if self.last else None
        if result is None:
            result = self.searcher.search_query(query, k)
        if not result.abstained and result.hits:
            best = result.hits[0].chunk
            self.last = Turn(result.query, (best.source, best.record))
        return result

    def reset(self) -> None:
        """Forget the previous turn."""
        self.last = None

    def _follow_up(self, question: str, query: Query, k: int) -> SearchResult | None:
        """The follow-up completed from the last turn, or None when the question stands on its own."""
        last = self.last
        assert last is not None
        refers = bool(_REFERS.search(query.simplified))
        if query.uncovered and not query.regions or query.kind == QueryKind.UNIT_LIST:
            return None
        if query.topic:
            if refers and not query.regions and last.query.regions:
                # "那养老呢？": a new topic in the same districts.
                return self.searcher.search_query(replace(query, regions=last.query.regions), k)
            return None
        if query.regions and set(query.regions) != set(last.query.regions):
            if not refers:
                return None  # "济宁高新区下月计划" is a question of its own
            # "那密云区呢？": the same topic and field asked of another district.
            return self.searcher.search_query(self._same_topic(query, last.query), k)
        if query.period or query.year:
            # "一季度呢？": the same topic, districts and field in another period.
            moved = replace(self._same_topic(query, last.query), regions=last.query.regions)
            return self.searcher.search_query(moved, k)
        if last.record is None:
            return None
        # "它的问题是什么？" / "下个月呢？" / "完成了吗？": the same record, the field now asked for.
        hits = by_record(self.searcher.record_hits(*last.record), query.wants)
        if not hits:
            return None
        asked = replace(last.query, text=question, wants=query.wants, traditional=query.traditional, kind=QueryKind.SINGLE)
        return SearchResult(query=asked, hits=hits)

    @staticmethod
    def _same_topic(query: Query, previous: Query) -> Query:
        """The new question's districts, period and field (the old field when none is asked) on the old topic."""
        wants = previous.wants if query.wants == Wants.PROGRESS else query.wants
        return replace(query, topic=previous.topic, expansions=previous.expansions, wants=wants,
                       kind=QueryKind.COMPARE if len(query.regions) > 1 else QueryKind.SINGLE)


class Conversations:
    """Conversations by chat id, the least recently used dropped past a size, idle ones after a time."""

    def __init__(self, searcher: Searches, k: int = 5, max_chats: int = 10_000, idle_seconds: float = 3600.0) -> None:
        self.searcher = searcher
        self.k = k
        self.max_chats = max_chats
        self.idle_seconds = idle_seconds
        self._chats: OrderedDict[object, tuple[float, Conversation]] = OrderedDict()

    def use(self, searcher: Searches) -> None:
        """Answer from a reloaded index from now on (the conversations keep their memory)."""
        self.searcher = searcher
        for _, conversation in self._chats.values():
            conversation.searcher = searcher

    def get(self, chat_id: object, now: float | None = None) -> Conversation:
        """The conversation of a chat; a fresh one when it is new or has been idle too long."""
        now = time.monotonic() if now is None else now
        seen = self._chats.pop(chat_id, None)
        conversation = seen[1] if seen and now - seen[0] <= self.idle_seconds else Conversation(self.searcher, self.k)
        self._chats[chat_id] = (now, conversation)
        while len(self._chats) > self.max_chats:
            self._chats.popitem(last=False)
        return conversation
