"""Follows: places resolved as questions resolve them, kept in SQLite across restarts, each report announced once."""
from __future__ import annotations

from pathlib import Path

import pytest

from minsheng.bot.follows import (
    MAX_FOLLOWS,
    Followed,
    Follows,
    FollowsUnavailable,
    PlaceNotUnderstood,
    TooManyFollows,
    named_place,
)

DAXING = Followed(("北京市", "大兴区"), "大兴区（北京市）")
BEIJING = Followed(("北京市",), "北京市")
MIYUN = Followed(("北京市", "密云区"), "密云区（北京市）")


@pytest.fixture(scope="module")
def coverage(indexed):  # type: ignore[no-untyped-def]
    from minsheng.index.indexing import Coverage, read_chunks

    return Coverage.of(read_chunks(indexed.index_dir))


def test_a_place_is_named_as_in_a_question(coverage) -> None:  # type: ignore[no-untyped-def]
    assert named_place("大兴", coverage) == DAXING  # a covered place by its short form
    assert named_place("北京", coverage) == BEIJING  # a city: its districts' reports too
    # Not covered yet: followed through the gazetteer, settled by the parent written with it.
    assert named_place("天津和平区", coverage).path == ("天津市", "和平区")
    assert named_place("萧县", coverage).path == ("安徽省", "宿州市", "萧县")
    with pytest.raises(PlaceNotUnderstood, match="朝阳区（北京市）、朝阳区（长春市）"):
        named_place("朝阳区", coverage)
    with pytest.raises(PlaceNotUnderstood, match="看不出“养老院”是哪个地方"):
        named_place("养老院", coverage)


def test_follows_hold_across_restarts_and_cover_the_places_inside(tmp_path: Path) -> None:
    db = tmp_path / "follows.sqlite"
    first = Follows(db)
    assert first.follow(7, DAXING) and first.follow(8, BEIJING)
    assert not first.follow(7, DAXING)  # already
    again = Follows(db)  # the bot restarted
    assert again.following(7) == [DAXING]
    assert set(again.followers(("北京市", "大兴区"), "大兴区")) == {7, 8}
    assert set(again.followers(("北京市", "密云区"), "密云区")) == {8}
    assert again.followers(("天津市",), "天津市") == {}
    # Unfollowing a city also ends the follows of places inside it.
    again.follow(8, MIYUN)
    assert again.unfollow(8, BEIJING) and again.following(8) == []
    assert not again.unfollow(8, BEIJING)
    assert again.drop_chat(7) == 1 and again.following(7) == []


def test_an_unsettled_report_is_matched_by_its_place_name(tmp_path: Path) -> None:
    follows = Follows(tmp_path / "f.sqlite")
    follows.follow(1, Followed(("西湖区",), "西湖区"))
    assert set(follows.followers((), "西湖区")) == {1}
    assert follows.followers((), "大兴区") == {}


def test_each_report_is_claimed_once_and_the_first_look_is_no_news(tmp_path: Path) -> None:
    db = tmp_path / "f.sqlite"
    one, two = Follows(db), Follows(db)  # two bot processes
    assert one.claim([("k1", "a.txt"), ("k2", "b.txt")]) == []  # what was indexed before anyone followed
    assert one.claim([("k1", "a.txt"), ("k3", "c.txt")]) == ["c.txt"]
    assert two.claim([("k1", "a.txt"), ("k3", "c.txt")]) == []  # the other process told already
    assert two.claim([("k3", "c copy.txt")]) == []  # the same text under another name is no news


def test_a_chat_may_follow_a_bounded_number_of_places(tmp_path: Path) -> None:
    follows = Follows(tmp_path / "f.sqlite")
    for n in range(MAX_FOLLOWS):
        follows.follow(1, Followed(("省", f"地{n}"), f"地{n}"))
    with pytest.raises(TooManyFollows, match=f"follows {MAX_FOLLOWS} places"):
        follows.follow(1, DAXING)


def test_a_database_that_is_no_database_is_named(tmp_path: Path) -> None:
    db = tmp_path / "follows.sqlite"
    db.write_bytes(b"this is not an SQLite file" * 100)
    with pytest.raises(FollowsUnavailable, match="follows.sqlite"):
        Follows(db)
