"""Who may ask what, how often and how much: a per-user rate limit, the chat allowlist, the question length."""
from __future__ import annotations

import time
from collections import deque

from minsheng.bot import texts


class RateLimiter:
    """At most `limit` questions per user in any `window` seconds (a sliding window)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._asked: dict[int, deque[float]] = {}
        self._told: dict[int, float] = {}

    def allow(self, user_id: int, now: float | None = None) -> bool:
        """Whether this user may ask now; an allowed question is counted."""
        if self.limit <= 0:
            return True
        now = time.monotonic() if now is None else now
        asked = self._asked.setdefault(user_id, deque())
        while asked and now - asked[0] >= self.window:
            asked.popleft()
        if len(asked) >= self.limit:
            return False
        asked.append(now)
        return True

    def tell(self, user_id: int, now: float | None = None) -> bool:
        """Whether a user who was just refused should be told so: once per window, so a flood of 200 messages
        gets one notice, not 200."""
        now = time.monotonic() if now is None else now
        told = self._told.get(user_id)
        if told is not None and now - told < self.window:
            return False
        self._told[user_id] = now
        return True

    def wait(self, user_id: int, now: float | None = None) -> float:
        """Seconds until this user may ask again (0 when they may now)."""
        now = time.monotonic() if now is None else now
        asked = self._asked.get(user_id)
        if not asked or len(asked) < self.limit:
            return 0.0
        return max(0.0, self.window - (now - asked[0]))


def chat_allowed(chat_id: int, allowed: tuple[int, ...]) -> bool:
    """Whether the bot answers in this chat (an empty allowlist allows every chat)."""
    return not allowed or chat_id in allowed


def too_long(question: str, limit: int) -> str:
    """The reply refusing a question longer than limit characters ([search] max_question_chars), "" when it is not."""
    return texts.QUESTION_TOO_LONG.format(length=len(question), limit=limit) if len(question) > limit else ""
