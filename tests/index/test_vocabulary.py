"""index.vocabulary: each role of a shared cue recognizes it, and the word tables cover every kind."""
from __future__ import annotations

import pytest

from minsheng.index.kinds import Field, Status, Wants
from minsheng.index.vocabulary import (
    AHEAD,
    COLUMN_HEADERS,
    FIELD_WORDS,
    ITEM_START,
    LABEL_AT,
    NEXT_STEP,
    NEXT_STEP_START,
    PLAN_START,
    STATUS_WORDS,
    WANTS_CUES,
)


def column_kind(cell: str) -> Field | None:
    return next((kind for kind, pattern in COLUMN_HEADERS if pattern.search(cell)), None)


def wants(question: str) -> Wants | None:
    return next((kind for kind, cue in WANTS_CUES if cue.search(question)), None)


@pytest.mark.parametrize("word", NEXT_STEP)
def test_a_next_step_word_is_a_plan_in_every_role(word: str) -> None:
    """The shared next-step words: a header column, a prose label, a question, a sentence start, a plan cell."""
    assert column_kind(f"{word}工作计划") == Field.PLAN
    label = LABEL_AT.match(f"{word}计划：继续推进")
    assert label is not None and label.group(Field.PLAN)
    assert wants(f"大兴区养老{word}打算怎么做") == Wants.PLAN
    assert AHEAD.search(f"{word}将加快施工") and NEXT_STEP_START.match(f"{word}，继续推进")
    assert PLAN_START.match(f"{word}将加快施工")


def test_item_starts_of_every_style_and_no_figures() -> None:
    for line in ("第3件：新增养老床位", "1.新增养老床位", "1、新增", "(一)教育", "（2）医疗", "一、教育", "第二章 总则", "3）住房"):
        assert ITEM_START.match(line), line
    for line in ("2024年民生实事进展", "1.5万平方米", "民生实事第一批"):
        assert not ITEM_START.match(line), line


def test_every_status_and_body_field_has_its_words() -> None:
    assert set(STATUS_WORDS) == set(Status)
    assert all(words.short and words.verdict for words in STATUS_WORDS.values())
    body = (Field.TASK, Field.LEAD, Field.UNITS, Field.LEADER, Field.PROGRESS, Field.PROBLEMS, Field.PLAN)
    assert set(FIELD_WORDS) == set(body)
    # Chunk labels are how field_text finds a field again: two fields may not share one.
    labels = [FIELD_WORDS[f].label for f in body]
    assert len(set(labels)) == len(labels)
