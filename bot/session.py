"""Conversations: each chat's memory of its last answered question, which follow-ups ("那密云区呢？", "它的问题是什么？",
"下个月呢？") are completed from (index/search/followup.py)."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Protocol

from minsheng.index.search import FollowUp, Hit, Query, SearchResult, Turn, by_record, complete


class Searches(Protocol):
    """What a conversation needs from the search layer (index.search.searcher.Searcher provides it)."""

    def parse(self, question: str) -> Query: ...

    def search_query(self, query: Query, k: int = 5) -> SearchResult: ...

    def record_hits(self, source: str, record: int) -> list[Hit]: ...


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
        follow_up = complete(question, query, self.last) if self.last else None
        result = self._answer_follow_up(follow_up, k) if follow_up else None
        if result is None:
            result = self.searcher.search_query(query, k)
        if not result.abstained and result.hits:
            best = result.hits[0].chunk
            self.last = Turn(result.query, (best.source, best.record))
        return result

    def reset(self) -> None:
        """Forget the previous turn."""
        self.last = None

    def _answer_follow_up(self, follow_up: FollowUp, k: int) -> SearchResult | None:
        """Search the completed query, or read the same record again (None when it is no longer indexed)."""
        if follow_up.record is None:
            return self.searcher.search_query(follow_up.query, k)
        hits = by_record(self.searcher.record_hits(*follow_up.record), follow_up.query.wants)
        return SearchResult(query=follow_up.query, hits=hits) if hits else None


class Conversations:
    """Conversations by chat id, the least recently used dropped past a size, idle ones after a time."""

    def __init__(self, searcher: Searches, k: int = 5, max_chats: int = 10_000, idle_seconds: float = 3600.0) -> None:
        self.searcher = searcher
        self.k = k
        self.max_chats = max_chats
        self.idle_seconds = idle_seconds
        self._chats: OrderedDict[object, tuple[float, Conversation]] = OrderedDict()
        # Chats are answered on worker threads at the same time; their shared table is changed under a lock.
        self._lock = threading.Lock()

    def use(self, searcher: Searches) -> None:
        """Answer from a reloaded index from now on (the conversations keep their memory)."""
        with self._lock:
            self.searcher = searcher
            for _, conversation in self._chats.values():
                conversation.searcher = searcher

    def get(self, chat_id: object, now: float | None = None) -> Conversation:
        """The conversation of a chat; a fresh one when it is new or has been idle too long."""
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._chats.pop(chat_id, None)
            conversation = seen[1] if seen and now - seen[0] <= self.idle_seconds else Conversation(self.searcher, self.k)
            self._chats[chat_id] = (now, conversation)
            while len(self._chats) > self.max_chats:
                self._chats.popitem(last=False)
        return conversation
