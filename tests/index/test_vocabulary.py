"""index.vocabulary: each role of a shared cue recognizes it, and the word tables cover every kind."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from minsheng.index.kinds import Field, Status, Wants
from minsheng.index.vocabulary import (
    AHEAD,
    ALL_DONE,
    ASKED_DONE_WORDS,
    BEHIND,
    BEHIND_WORDS,
    CHUNK_LABELS,
    COLUMN_HEADERS,
    COMPLETED_WORDS,
    COUNTED_STATES,
    DELAY_WORDS,
    DONE,
    ITEM_START,
    LABEL_AT,
    LAG_WORDS,
    LATE_WORDS,
    LEAD_LABELS,
    LEAD_VERBS,
    NEXT_STEP,
    NEXT_STEP_START,
    NOT_STARTED,
    NOT_STARTED_WORDS,
    PARTNER_LABELS,
    PARTNER_VERBS,
    PLAN_START,
    PROBLEM_TEXT,
    PROGRESS_LABELS,
    PROGRESS_NOUNS,
    RATIO,
    RATIO_HEADER,
    RATIO_LABELS,
    RECORD_LAG_WORDS,
    SAID_BEHIND,
    SENTENCE_DONE_WORDS,
    SLOW_WORDS,
    START_VERBS,
    STATES_TARGET,
    STATUS_ASKED,
    STATUS_LIST_CUES,
    TARGET_HEADER,
    TARGET_WORDS,
    TASK_WORDS,
    UNITS_IN_PARENS,
    WANTS_CUES,
)
from tests.support.chinese import chinese_in


def column_kind(cell: str) -> Field | None:
    return next((kind for kind, pattern in COLUMN_HEADERS if pattern.search(cell)), None)


def wants(question: str) -> Wants | None:
    return next((kind for kind, cue in WANTS_CUES if cue.search(question)), None)


def asked(question: str) -> tuple[Status, ...]:
    return next((found for found, cue in STATUS_ASKED if cue.search(question)), ())


def listed(sentence: str) -> Status | None:
    return next((status for status, cue in STATUS_LIST_CUES if cue.search(sentence)), None)


def counted(phrase: str) -> Status | None:
    return next((status for status, words in COUNTED_STATES if re.fullmatch(words, phrase)), None)


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


def test_every_body_field_has_its_chunk_label() -> None:
    body = (Field.TASK, Field.LEAD, Field.UNITS, Field.LEADER, Field.PROGRESS, Field.PROBLEMS, Field.PLAN)
    assert set(CHUNK_LABELS) == set(body)
    # Chunk labels are how field_text finds a field again: two fields may not share one.
    labels = [CHUNK_LABELS[f] for f in body]
    assert len(set(labels)) == len(labels)


# --- each status's words, in every role built from them ---------------------------------------------------------


@pytest.mark.parametrize("word", BEHIND_WORDS)
def test_a_behind_word_is_behind_in_every_role(word: str) -> None:
    """A report's list and count, and a question, read every behind word; what lags may stand before it, and must
    before a slow word in a list ("缓慢" alone may be anything's pace)."""
    for noun in ("", *PROGRESS_NOUNS):
        assert listed(f"{noun}{word}的项目有:") == (Status.BEHIND if noun or word in LAG_WORDS else None)
        assert counted(f"{noun}{word}") == Status.BEHIND
    assert asked(f"哪些项目{word}") == (Status.BEHIND, Status.NOT_STARTED)


@pytest.mark.parametrize("noun", PROGRESS_NOUNS)
def test_a_records_wording_is_behind_with_the_slow_words_after_what_is_slow(noun: str) -> None:
    for word in SLOW_WORDS:
        assert BEHIND.search(f"{noun}{word}") and not BEHIND.search(word)
    assert asked(f"哪些项目{noun}慢") == (Status.BEHIND, Status.NOT_STARTED)


def test_a_records_wording_and_its_cell_read_the_lag_words_but_落后() -> None:
    for word in RECORD_LAG_WORDS:
        assert BEHIND.search(f"工程{word}") and word in SAID_BEHIND
        assert DELAY_WORDS.search(word) and PROBLEM_TEXT.search(word)
    left_out = set(LAG_WORDS) - set(RECORD_LAG_WORDS)
    assert left_out == {"落后"} and not BEHIND.search("淘汰落后产能") and "落后" not in SAID_BEHIND


@pytest.mark.parametrize("word", LATE_WORDS)
def test_a_late_word_is_behind_in_a_record_and_a_delay_in_a_note(word: str) -> None:
    assert BEHIND.search(f"工期{word}") and DELAY_WORDS.search(f"工期{word}")
    # A question reads 延期 only.
    assert asked(f"哪些项目{word}") == ((Status.BEHIND, Status.NOT_STARTED) if word == "延期" else ())


@pytest.mark.parametrize("word", NOT_STARTED_WORDS)
def test_a_not_started_word_is_not_started_in_every_role(word: str) -> None:
    for said in (word, f"尚{word}"):
        assert NOT_STARTED.fullmatch(said)
        assert listed(f"{said}的项目有:") == Status.NOT_STARTED
        assert counted(said) == Status.NOT_STARTED
    assert asked(f"哪些项目{word}") == (Status.NOT_STARTED,)
    assert asked(f"哪些项目还{word.replace('未', '没')}") == (Status.NOT_STARTED,)
    assert set(NOT_STARTED_WORDS) == {f"未{verb}" for verb in START_VERBS}


@pytest.mark.parametrize("word", COMPLETED_WORDS)
def test_a_completed_word_is_completed_in_every_role(word: str) -> None:
    """A report's list and count read every completed word; a record's sentence, a question and a sentence saying
    all are done read those they do not leave out."""
    assert listed(f"已{word}的项目有:") == Status.COMPLETED
    assert counted(f"已{word}") == counted(f"已全部{word}了") == Status.COMPLETED
    assert bool(DONE.search(f"全部{word}")) == bool(DONE.search(f"工程{word}")) == (word in SENTENCE_DONE_WORDS)
    assert bool(DONE.search(f"工程已{word}")) == (word in SENTENCE_DONE_WORDS or word == "竣工")
    assert (asked(f"哪些项目已{word}") == (Status.COMPLETED,)) == (word in ASKED_DONE_WORDS)
    assert bool(ALL_DONE.search(f"10件实事全部{word}")) == (word in ASKED_DONE_WORDS)


@pytest.mark.parametrize(("label", "kind"), [*((label, Field.LEAD) for label in LEAD_LABELS),
                                             *((label, Field.UNITS) for label in PARTNER_LABELS)])
def test_a_unit_label_names_its_field_in_a_header_and_in_prose(label: str, kind: Field) -> None:
    """Lead and partner labels: a header column, a prose label, the units in parentheses after a task."""
    assert column_kind(label) == kind
    found = LABEL_AT.match(f"{label}：区民政局")
    assert found is not None and found.group(kind)
    assert UNITS_IN_PARENS.search(f"新增床位（{label}:区民政局）")


def test_a_units_verb_alone_names_its_column() -> None:
    assert all(column_kind(verb) == Field.LEAD for verb in LEAD_VERBS)
    assert all(column_kind(verb) == Field.UNITS for verb in PARTNER_VERBS)


@pytest.mark.parametrize("label", PROGRESS_LABELS)
def test_a_progress_label_is_progress_in_a_header_and_in_prose(label: str) -> None:
    # A ratio label that is also a progress label ("完成进度") heads the ratio column: RATIO is checked first.
    assert column_kind(label) == (Field.RATIO if label in RATIO_LABELS else Field.PROGRESS)
    found = LABEL_AT.match(f"目前{label}：已开工")
    assert found is not None and found.group(Field.PROGRESS)


@pytest.mark.parametrize("word", TASK_WORDS)
def test_a_task_word_is_the_task_in_a_header_prose_and_a_figures_table(word: str) -> None:
    assert column_kind(word) == Field.TASK
    found = LABEL_AT.match(f"{word}：新增床位200张")
    assert found is not None and found.group(Field.TASK)
    assert TARGET_HEADER.match(word) and STATES_TARGET.search(word) and word in TARGET_WORDS


@pytest.mark.parametrize("label", RATIO_LABELS)
def test_a_ratio_label_is_the_ratio_in_a_header_a_sentence_and_a_figures_table(label: str) -> None:
    assert column_kind(label) == Field.RATIO
    found = RATIO.search(f"{label}95%")
    assert found is not None and "95" in found.groups()
    assert RATIO_HEADER.match(label) and RATIO_HEADER.match(f"{label}(%)")


# index/ modules allowed Chinese besides the vocabulary and the gazetteer, and why.
CHINESE_ELSEWHERE = {
    # The two sentences the model's ONNX export is traced with: what it computes, never text anyone reads or a cue.
    "index/indexing/onnx_embed.py",
}


def test_cues_live_in_the_vocabulary_and_places_in_the_gazetteer() -> None:
    """No index/ module but vocabulary.py (cues) and places.py (place names) writes a Chinese word; what people
    read is bot/texts.py's, which index/ never imports. Punctuation in a parser's patterns ("[。；;]") is mechanics,
    not a cue, and stays where it is read."""
    root = Path(__file__).resolve().parents[2]
    homes = {"index/vocabulary.py", "index/places.py", *CHINESE_ELSEWHERE}
    checked = [path for path in sorted((root / "index").rglob("*.py"))
               if path.relative_to(root).as_posix() not in homes]
    assert chinese_in(checked, root, punctuation=False) == []
    assert all(chinese_in([root / name], root, punctuation=False) for name in CHINESE_ELSEWHERE), "an exception no longer needed"
