"""Who follows which place, and which reports have been announced: an SQLite database beside the index, shared by
every bot process (a report is announced by the one process that claims it first) and kept across restarts."""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from minsheng.bot import texts
from minsheng.index.errors import MinshengError

if TYPE_CHECKING:
    from minsheng.index.indexing import Coverage

# Bumped when the tables change; an older file is upgraded by _SCHEMA's IF NOT EXISTS statements.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS follows (
    chat_id INTEGER NOT NULL,
    path TEXT NOT NULL,   -- the place's path from the province down, its names joined by "/"
    label TEXT NOT NULL,  -- how the place is shown (a county with its city)
    since REAL NOT NULL,
    PRIMARY KEY (chat_id, path)
);
CREATE TABLE IF NOT EXISTS announced (
    text_hash TEXT PRIMARY KEY,  -- a report's text key: a copy under another name has the same one
    source TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_SEEDED = "seeded"
# Places one chat may follow: enough for a reporter's beat, not a way to fill the database.
MAX_FOLLOWS = 50


class FollowsUnavailable(MinshengError):
    """The follows database cannot be opened or written."""


class TooManyFollows(MinshengError):
    """A chat already follows MAX_FOLLOWS places."""


@dataclass(frozen=True)
class Followed:
    """A place a chat follows: its path from the province down and how it is shown."""

    path: tuple[str, ...]
    label: str

    def covers(self, report_path: tuple[str, ...], region: str) -> bool:
        """Whether a report of this place (path, or only its region name when the path is unsettled) is news to
        followers of this place: the place itself or a place inside it."""
        if report_path:
            return report_path[: len(self.path)] == self.path
        return bool(region) and self.path[-1:] == (region,)


class Follows:
    """The follows database (one file; every call opens its own connection, so threads and processes may share it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._db() as db:
                db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise FollowsUnavailable(f"{path}: the follows database cannot be opened ({exc})") from exc

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise FollowsUnavailable(f"{self.path}: the follows database cannot be opened ({exc})") from exc
        try:
            db.execute("PRAGMA journal_mode=WAL")
            yield db
        except sqlite3.Error as exc:
            raise FollowsUnavailable(f"{self.path}: the follows database failed ({exc})") from exc
        finally:
            db.close()

    def follow(self, chat_id: int, place: Followed) -> bool:
        """Add a follow; False when the chat already follows the place; TooManyFollows past MAX_FOLLOWS."""
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            count = db.execute("SELECT COUNT(*) FROM follows WHERE chat_id = ?", (chat_id,)).fetchone()[0]
            known = db.execute("SELECT 1 FROM follows WHERE chat_id = ? AND path = ?",
                               (chat_id, "/".join(place.path))).fetchone()
            if known:
                db.execute("ROLLBACK")
                return False
            if count >= MAX_FOLLOWS:
                db.execute("ROLLBACK")
                raise TooManyFollows(f"chat {chat_id} follows {MAX_FOLLOWS} places already")
            db.execute("INSERT INTO follows VALUES (?, ?, ?, ?)", (chat_id, "/".join(place.path), place.label,
                                                                    time.time()))
            db.execute("COMMIT")
        return True

    def unfollow(self, chat_id: int, place: Followed) -> bool:
        """Remove a follow (the place or any place inside it the chat follows); False when there was none."""
        with self._db() as db:
            key = "/".join(place.path)
            gone = db.execute("DELETE FROM follows WHERE chat_id = ? AND (path = ? OR path LIKE ? ESCAPE '\\')",
                              (chat_id, key, _like_prefix(key))).rowcount
        return gone > 0

    def following(self, chat_id: int) -> list[Followed]:
        """The places a chat follows, in the order it followed them."""
        with self._db() as db:
            rows = db.execute("SELECT path, label FROM follows WHERE chat_id = ? ORDER BY since", (chat_id,)).fetchall()
        return [Followed(tuple(path.split("/")), label) for path, label in rows]

    def followers(self, report_path: tuple[str, ...], region: str) -> dict[int, Followed]:
        """The chats following a report's place (or a place it lies in) → the place they follow."""
        with self._db() as db:
            rows = db.execute("SELECT chat_id, path, label FROM follows ORDER BY since").fetchall()
        found: dict[int, Followed] = {}
        for chat_id, path, label in rows:
            place = Followed(tuple(path.split("/")), label)
            if chat_id not in found and place.covers(report_path, region):
                found[chat_id] = place
        return found

    def drop_chat(self, chat_id: int) -> int:
        """Forget every follow of a chat (it blocked the bot); how many there were."""
        with self._db() as db:
            return db.execute("DELETE FROM follows WHERE chat_id = ?", (chat_id,)).rowcount

    def claim(self, reports: Iterable[tuple[str, str]]) -> list[str]:
        """Of the (text key, source) pairs of an index, those not announced before, marked announced now: each is
        claimed by one process only. The first call on a new database marks the whole index as known and claims
        nothing (the reports there before anyone could follow are no news)."""
        pairs = list(reports)
        now = time.time()
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            seeded = db.execute("SELECT 1 FROM state WHERE key = ?", (_SEEDED,)).fetchone()
            claimed = []
            for key, source in pairs:
                inserted = db.execute("INSERT OR IGNORE INTO announced VALUES (?, ?, ?)", (key, source, now)).rowcount
                if inserted and seeded:
                    claimed.append(source)
            db.execute("INSERT OR IGNORE INTO state VALUES (?, ?)", (_SEEDED, str(now)))
            db.execute("COMMIT")
        return claimed


def _like_prefix(key: str) -> str:
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "/%"


class PlaceNotUnderstood(MinshengError):
    """A name given to /follow that is no place, or could be several; the message says which for people."""


def named_place(name: str, coverage: Coverage) -> Followed:
    """The place a /follow argument names, read as a question's place names are: a covered place by any of its
    names (大兴 → 大兴区), else any place of the gazetteer, settled by a parent written with it (天津和平区)."""
    from minsheng.index.places import gazetteer
    from minsheng.index.script import to_simplified
    from minsheng.index.search import region_names

    gaz = gazetteer()
    simple = to_simplified(name.strip())
    covered = region_names(coverage).get(simple)
    if covered:
        path = tuple(coverage.paths.get(covered, ())) or (covered,)
        place = gaz.by_path(path)
        return Followed(path, gaz.label(place) if place else covered)
    mentions = gaz.mentions(simple, lone_at=frozenset({0}))
    place = gaz.resolve(mentions) if mentions else None
    if place is None:
        several = next((m for m in mentions if len(m.places) > 1), None)
        if several is not None:
            labels = list(dict.fromkeys(gaz.label(p) for p in several.places))
            parent = gaz.get(several.places[0].parent).name if several.places[0].parent else ""
            raise PlaceNotUnderstood(texts.FOLLOW_AMBIGUOUS.format(name=name, places=texts.LIST_JOIN.join(labels),
                                                                   example=parent + several.name))
        raise PlaceNotUnderstood(texts.FOLLOW_UNKNOWN.format(name=name))
    return Followed(tuple(p.name for p in gaz.path(place)), gaz.label(place))
