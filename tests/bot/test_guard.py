"""Rate limit and allowlist."""
from __future__ import annotations

from minsheng.bot.guard import RateLimiter, chat_allowed


def test_rate_limit_is_per_user_and_slides() -> None:
    limiter = RateLimiter(limit=2, window=60)
    assert limiter.allow(1, now=0) and limiter.allow(1, now=10)
    assert not limiter.allow(1, now=20)
    assert limiter.wait(1, now=20) == 40
    assert limiter.allow(2, now=20)  # another user is not affected
    assert limiter.allow(1, now=60.5)  # the first question left the window
    assert not limiter.allow(1, now=61)


def test_refused_questions_do_not_extend_the_wait() -> None:
    limiter = RateLimiter(limit=1, window=10)
    assert limiter.allow(7, now=0)
    assert not limiter.allow(7, now=5) and not limiter.allow(7, now=9)
    assert limiter.allow(7, now=10)


def test_zero_limit_means_no_limit() -> None:
    limiter = RateLimiter(limit=0, window=60)
    assert all(limiter.allow(1, now=0) for _ in range(100))


def test_allowlist() -> None:
    assert chat_allowed(5, ()) and chat_allowed(5, (5, 6)) and not chat_allowed(7, (5, 6))


def test_a_refused_user_is_told_once_per_window() -> None:
    """A flood past the limit gets one notice, and the next window's flood one more."""
    limiter = RateLimiter(limit=2, window=60.0)
    told = [limiter.tell(7, now=float(t)) for t in range(0, 50)]
    assert told == [True] + [False] * 49
    assert limiter.tell(8, now=10.0)  # each user has their own
    assert limiter.tell(7, now=61.0) and not limiter.tell(7, now=62.0)
