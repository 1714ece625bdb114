"""Tests for bot/measure/evaluate.py: loading question files, scoring results, summary figures and their display."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from minsheng.bot.measure.evaluate import (
    EvalQuestion,
    EvalSummary,
    QuestionScore,
    failure_reasons,
    format_summary,
    load_questions,
    score_result,
    summarize,
)
from minsheng.index.errors import MinshengError, ParseError, ReadError

FILLER = "本项目按计划推进。"


def _write(tmp_path: Path, lines: list[str]) -> Path:
    """A question file with these lines."""
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _result(q: str, texts: list[str], answer: str = "", abstained: bool = False) -> dict[str, Any]:
    """A CLI result object whose sources hold these texts, best first."""
    sources = [
        {"id": f"s{i}", "report": "某区报告", "region": "某区", "period": "三季度", "item": str(i),
         "lead_unit": "区城管委", "text": text, "score": 1.0 - i / 10}
        for i, text in enumerate(texts)
    ]
    return {"question": q, "answer": answer, "abstained": abstained, "sources": sources}


LAMPS = EvalQuestion(id="t01", type="numeric", q="某区路灯修了多少盏", gold=("修复路灯120盏",), facts=("120盏",))
PARKS = EvalQuestion(
    id="t02", type="cross", q="哪些区建了口袋公园",
    gold_any=("甲区建成口袋公园3处", "乙区建成口袋公园5处", "丙区建成口袋公园2处"), min_any=2,
)
NEG = EvalQuestion(id="t03", type="negative", q="某区建了几座机场", negative=True)


def _score(qid: str, *, negative: bool = False, abstained: bool = False, h1: bool | None = True,
           hk: bool | None = True, facts: bool | None = True, seconds: float = 0.1) -> QuestionScore:
    """A score built directly, for summary tests."""
    if negative:
        h1 = hk = facts = None
    return QuestionScore(qid, "numeric", negative, abstained, h1, hk, facts, seconds)


# --- load_questions -----------------------------------------------------------------------


def test_load_good_file_with_defaults_and_all_fields(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        json.dumps({"id": "a1", "type": "numeric", "q": "某区路灯修了多少盏", "gold": ["修复路灯120盏"],
                    "facts": ["120盏"]}, ensure_ascii=False),
        json.dumps({"id": "a2", "type": "cross", "q": "哪些区建了口袋公园", "gold_any": ["甲区", "乙区"],
                    "min_any": 2, "k": 8}, ensure_ascii=False),
        json.dumps({"id": "a3", "type": "negative", "q": "某区建了几座机场", "negative": True}, ensure_ascii=False),
    ])
    questions = load_questions(path)
    assert questions == [
        EvalQuestion(id="a1", type="numeric", q="某区路灯修了多少盏", gold=("修复路灯120盏",), facts=("120盏",)),
        EvalQuestion(id="a2", type="cross", q="哪些区建了口袋公园", gold_any=("甲区", "乙区"), min_any=2, k=8),
        EvalQuestion(id="a3", type="negative", q="某区建了几座机场", negative=True),
    ]
    assert questions[0].k == 5 and questions[0].min_any == 1 and not questions[0].negative
    assert isinstance(questions[0].gold, tuple)


def test_load_skips_blank_lines_and_ignores_unknown_fields(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        "",
        '{"id": "b1", "type": "numeric", "q": "某区修了几盏灯", "note": "extra"}',
        "   ",
        '{"id": "b2", "q": "某区种了几棵树"}',
        "",
    ])
    questions = load_questions(path)
    assert [q.id for q in questions] == ["b1", "b2"]
    assert questions[1].type == ""


def test_load_accepts_a_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + '{"id": "c1", "q": "某区修了几盏灯"}\n'.encode("utf-8"))
    assert [q.id for q in load_questions(path)] == ["c1"]


def test_load_bad_json_line_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, ['{"id": "d1", "q": "某区修了几盏灯"}', "", '{"id": "d2", "q": '])
    with pytest.raises(ParseError) as info:
        load_questions(path)
    assert info.value.source == str(path)
    assert "line 3" in str(info.value) and str(path) in str(info.value)
    assert isinstance(info.value, MinshengError)


def test_load_missing_file_is_a_read_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.jsonl"
    with pytest.raises(ReadError) as info:
        load_questions(path)
    assert str(path) in str(info.value)


def test_load_non_utf8_file_is_a_read_error(tmp_path: Path) -> None:
    path = tmp_path / "gbk.jsonl"
    path.write_bytes('{"id": "e1", "q": "某区修了几盏灯"}\n'.encode("gbk"))
    with pytest.raises(ReadError):
        load_questions(path)


@pytest.mark.parametrize("missing", ["id", "q"])
def test_load_missing_id_or_q_is_a_parse_error(tmp_path: Path, missing: str) -> None:
    data = {"id": "f1", "type": "numeric", "q": "某区修了几盏灯"}
    del data[missing]
    path = _write(tmp_path, ['{"id": "f0", "q": "某区种了几棵树"}', json.dumps(data, ensure_ascii=False)])
    with pytest.raises(ParseError, match=rf"line 2: missing field '{missing}'"):
        load_questions(path)


@pytest.mark.parametrize(
    "line, reason",
    [
        ('["not", "an", "object"]', "expected a JSON object"),
        ('{"id": "g1", "q": "某区修了几盏灯", "gold": "修复路灯120盏"}', "'gold' must be a list of strings"),
        ('{"id": "g1", "q": "某区修了几盏灯", "gold": ["修复", 3]}', "'gold' must be a list of strings"),
        ('{"id": "g1", "q": "某区修了几盏灯", "facts": [" "]}', "'facts' holds an empty string"),
        ('{"id": "g1", "q": "某区修了几盏灯", "k": 0}', "'k' must be a positive integer"),
        ('{"id": "g1", "q": "某区修了几盏灯", "k": true}', "'k' must be a positive integer"),
        ('{"id": "g1", "q": "某区修了几盏灯", "gold_any": ["甲区"], "min_any": 2}', "min_any 2 is more than"),
        ('{"id": "g1", "q": "某区修了几盏灯", "negative": "yes"}', "'negative' must be true or false"),
        ('{"id": "", "q": "某区修了几盏灯"}', "'id' must be a non-empty string"),
    ],
)
def test_load_rejects_malformed_fields(tmp_path: Path, line: str, reason: str) -> None:
    path = _write(tmp_path, [line])
    with pytest.raises(ParseError, match="line 1") as info:
        load_questions(path)
    assert reason in str(info.value)


def test_load_rejects_repeated_ids(tmp_path: Path) -> None:
    path = _write(tmp_path, ['{"id": "h1", "q": "某区修了几盏灯"}', '{"id": "h1", "q": "某区种了几棵树"}'])
    with pytest.raises(ParseError, match="line 2: id 'h1' already used on line 1"):
        load_questions(path)


# --- score_result: gold -------------------------------------------------------------------


def test_gold_in_first_source_hits_at_1_and_k() -> None:
    result = _result(LAMPS.q, ["全年修复路灯120盏，完成率100%。", FILLER], answer="已修复路灯120盏。")
    score = score_result(LAMPS, result, 0.25)
    assert score == QuestionScore("t01", "numeric", False, False, True, True, True, 0.25)
    assert failure_reasons(LAMPS, score) == []


def test_gold_only_in_third_source_hits_at_k_not_at_1() -> None:
    result = _result(LAMPS.q, [FILLER, FILLER, "修复路灯120盏"], answer="修复路灯120盏")
    score = score_result(LAMPS, result, 0.1)
    assert score.hit_at_1 is False and score.hit_at_k is True
    assert failure_reasons(LAMPS, score) == ["recall@1"]


def test_gold_beyond_k_is_a_miss() -> None:
    question = EvalQuestion(id="t04", type="numeric", q=LAMPS.q, gold=LAMPS.gold, k=2)
    result = _result(question.q, [FILLER, FILLER, "修复路灯120盏"])
    score = score_result(question, result, 0.1)
    assert score.hit_at_1 is False and score.hit_at_k is False
    assert failure_reasons(question, score) == ["recall@1", "recall@k"]
    # The default k of 5 does reach the third source.
    assert score_result(LAMPS, result, 0.1).hit_at_k is True


def test_every_gold_string_must_be_found_but_may_be_in_different_sources() -> None:
    question = EvalQuestion(id="t05", type="field", q="某区路灯谁负责", gold=("修复路灯120盏", "区城管委"))
    split = _result(question.q, ["修复路灯120盏", "牵头单位：区城管委"])
    score = score_result(question, split, 0.1)
    assert score.hit_at_1 is False and score.hit_at_k is True
    partial = _result(question.q, ["修复路灯120盏", FILLER])
    assert score_result(question, partial, 0.1).hit_at_k is False


def test_no_sources_is_a_miss() -> None:
    score = score_result(LAMPS, _result(LAMPS.q, [], answer="修复路灯120盏"), 0.1)
    assert score.hit_at_1 is False and score.hit_at_k is False and score.facts_ok is True


@pytest.mark.parametrize(
    "stored",
    [
        "修復路燈120盞",  # Traditional script
        "修复路灯１２０盏",  # full-width digits
        "修复 路灯\n120 盏",  # whitespace and a line break inside the wording
        "修(xiū)復路燈120盞",  # ruby pinyin after a Traditional character
    ],
)
def test_gold_matches_through_match_key(stored: str) -> None:
    result = _result(LAMPS.q, [f"全年{stored}。"], answer=f"已{stored}")
    score = score_result(LAMPS, result, 0.1)
    assert score.hit_at_1 is True and score.hit_at_k is True and score.facts_ok is True


def test_gold_side_is_normalized_too() -> None:
    question = EvalQuestion(id="t06", type="traditional", q="某區路燈", gold=("修復路燈“120盞”",), facts=("１２０盞",))
    result = _result(question.q, ['修复路灯"120盏"'], answer="修复路灯120盏")
    score = score_result(question, result, 0.1)
    assert score.hit_at_1 is True and score.facts_ok is True


# --- score_result: gold_any ---------------------------------------------------------------


def test_gold_any_needs_min_any_distinct_strings_within_k() -> None:
    result = _result(PARKS.q, ["甲区建成口袋公园3处", FILLER, "丙区建成口袋公园2处"])
    score = score_result(PARKS, result, 0.1)
    assert score.hit_at_1 is True and score.hit_at_k is True


def test_gold_any_with_too_few_strings_misses_at_k() -> None:
    result = _result(PARKS.q, ["甲区建成口袋公园3处", "甲区建成口袋公园3处", FILLER])
    score = score_result(PARKS, result, 0.1)
    # One entry found twice is still one distinct entry.
    assert score.hit_at_1 is True and score.hit_at_k is False


def test_gold_any_second_entry_beyond_k_misses() -> None:
    question = EvalQuestion(id="t07", type="cross", q=PARKS.q, gold_any=PARKS.gold_any, min_any=2, k=2)
    result = _result(question.q, [FILLER, "乙区建成口袋公园5处", "丙区建成口袋公园2处"])
    score = score_result(question, result, 0.1)
    assert score.hit_at_1 is False and score.hit_at_k is False


def test_gold_any_two_entries_in_one_first_source() -> None:
    result = _result(PARKS.q, ["甲区建成口袋公园3处；乙区建成口袋公园5处。"])
    score = score_result(PARKS, result, 0.1)
    assert score.hit_at_1 is True and score.hit_at_k is True


# --- score_result: facts, abstention, negatives -------------------------------------------


def test_facts_must_all_be_in_the_answer() -> None:
    question = EvalQuestion(id="t08", type="numeric", q=LAMPS.q, gold=LAMPS.gold, facts=("120盏", "区城管委"))
    sources = ["修复路灯120盏，区城管委牵头"]
    ok = score_result(question, _result(question.q, sources, answer="区城管委牵头，修复路灯１２０盏。"), 0.1)
    assert ok.facts_ok is True
    missing = score_result(question, _result(question.q, sources, answer="修复路灯120盏。"), 0.1)
    assert missing.facts_ok is False
    assert failure_reasons(question, missing) == ["facts"]


def test_facts_found_only_in_sources_do_not_count() -> None:
    result = _result(LAMPS.q, ["修复路灯120盏"], answer="见来源。")
    assert score_result(LAMPS, result, 0.1).facts_ok is False


def test_no_facts_means_facts_ok() -> None:
    question = EvalQuestion(id="t09", type="numeric", q=LAMPS.q, gold=LAMPS.gold)
    assert score_result(question, _result(question.q, ["修复路灯120盏"], answer="好的"), 0.1).facts_ok is True


def test_false_abstention_misses_facts_but_sources_still_score() -> None:
    result = _result(LAMPS.q, ["修复路灯120盏"], answer="报告中没有找到120盏相关内容。", abstained=True)
    score = score_result(LAMPS, result, 0.1)
    assert score.abstained is True and score.facts_ok is False
    assert score.hit_at_1 is True and score.hit_at_k is True
    assert failure_reasons(LAMPS, score) == ["false abstention"]


def test_negative_abstained_passes() -> None:
    score = score_result(NEG, _result(NEG.q, [FILLER], answer="报告中没有相关内容。", abstained=True), 0.3)
    assert score == QuestionScore("t03", "negative", True, True, None, None, None, 0.3)
    assert failure_reasons(NEG, score) == []


def test_negative_answered_fails() -> None:
    score = score_result(NEG, _result(NEG.q, [FILLER], answer="建了两座。"), 0.3)
    assert score.abstained is False and score.hit_at_1 is None and score.facts_ok is None
    assert failure_reasons(NEG, score) == ["not abstained"]


def test_failure_reasons_checks_the_pairing() -> None:
    score = score_result(NEG, _result(NEG.q, [], abstained=True), 0.1)
    with pytest.raises(ValueError):
        failure_reasons(LAMPS, score)


# --- score_result: the CLI contract -------------------------------------------------------


def test_result_for_another_question_is_rejected() -> None:
    with pytest.raises(ParseError, match="another question"):
        score_result(LAMPS, _result("某区种了几棵树", ["修复路灯120盏"]), 0.1)


def test_result_question_compared_on_match_key() -> None:
    score = score_result(LAMPS, _result(" 某區路燈修了多少盞 ", ["修复路灯120盏"]), 0.1)
    assert score.hit_at_1 is True


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"sources": None}, "'sources' must be a list"),
        ({"abstained": "no"}, "'abstained' must be true or false"),
        ({"answer": None}, "'answer' must be a string"),
        ({"sources": [{"id": "s0"}]}, "source 1 has no 'text'"),
    ],
)
def test_malformed_result_is_a_parse_error(change: dict[str, Any], reason: str) -> None:
    result = {**_result(LAMPS.q, ["修复路灯120盏"]), **change}
    with pytest.raises(ParseError, match=reason) as info:
        score_result(LAMPS, result, 0.1)
    assert "t01" in str(info.value)


# --- summarize ----------------------------------------------------------------------------


def test_summarize_figures() -> None:
    scores = [
        _score("q1", seconds=0.5),
        _score("q2", h1=False, seconds=0.1),  # recall@1 miss only
        _score("q3", h1=False, hk=False, facts=False, seconds=0.4),
        _score("q4", abstained=True, facts=False, seconds=0.2),  # false abstention
        _score("n1", negative=True, abstained=True, seconds=0.3),
        _score("n2", negative=True, abstained=False, seconds=0.9),
    ]
    summary = summarize(scores)
    assert summary == EvalSummary(
        questions=6, answerable=4, negatives=2,
        recall_at_1=0.5, recall_at_k=0.75, fact_accuracy=0.5,
        abstained_negatives=1, false_abstentions=1,
        median_latency=summary.median_latency,
        failing=("q2", "q3", "q4", "n2"),
        by_type=(("numeric", summarize(scores, by_type=False)),),
    )
    assert summary.median_latency == pytest.approx(0.35)


def test_summarize_median_of_odd_count() -> None:
    summary = summarize([_score("a", seconds=3.0), _score("b", seconds=0.1), _score("c", seconds=0.2)])
    assert summary.median_latency == 0.2
    assert summary.failing == () and summary.recall_at_1 == 1.0


def test_summarize_only_negatives_and_empty() -> None:
    only_neg = summarize([_score("n1", negative=True, abstained=True)])
    assert only_neg.answerable == 0 and only_neg.recall_at_1 == 0.0 and only_neg.abstained_negatives == 1
    empty = summarize([])
    assert empty.questions == 0 and empty.median_latency == 0.0 and empty.failing == ()


def test_end_to_end_from_file(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        json.dumps({"id": "e1", "type": "numeric", "q": LAMPS.q, "gold": ["修复路灯120盏"], "facts": ["120盏"]},
                   ensure_ascii=False),
        json.dumps({"id": "e2", "type": "negative", "q": NEG.q, "negative": True}, ensure_ascii=False),
    ])
    questions = load_questions(path)
    results = [
        _result(LAMPS.q, [FILLER, "修復路燈120盞"], answer="修复路灯120盏"),
        _result(NEG.q, [FILLER], answer="没有相关内容", abstained=True),
    ]
    scores = [score_result(q, r, 0.01) for q, r in zip(questions, results)]
    summary = summarize(scores)
    details = {q.id: failure_reasons(q, s) for q, s in zip(questions, scores) if failure_reasons(q, s)}
    assert summary.failing == ("e1",) and details == {"e1": ["recall@1"]}
    assert "e1(recall@1)" in format_summary(summary, "dev", details)


# --- format_summary -----------------------------------------------------------------------


def _summary(failing: tuple[str, ...]) -> EvalSummary:
    return EvalSummary(
        questions=40, answerable=38, negatives=2, recall_at_1=0.95, recall_at_k=1.0, fact_accuracy=37 / 38,
        abstained_negatives=2, false_abstentions=0, median_latency=0.0312, failing=failing,
    )


def test_format_summary_block() -> None:
    text = format_summary(_summary(("d07", "d19")), "dev set")
    assert text == "\n".join([
        "dev set",
        "  recall@1          0.950  (38 answerable)",
        "  recall@k          1.000",
        "  fact accuracy     0.974",
        "  abstention        2/2 negatives abstained",
        "  false abstentions 0",
        "  median latency    0.031 s",
        "  failing           d07 d19",
    ])


def test_format_summary_none_failing() -> None:
    assert format_summary(_summary(()), "dev").splitlines()[-1] == "  failing           none"


def test_format_summary_with_details() -> None:
    details = {"d07": ["recall@1"], "d19": ["facts", "not abstained"]}
    last = format_summary(_summary(("d07", "d19", "d20")), "dev", details).splitlines()[-1]
    assert last == "  failing           d07(recall@1) d19(facts,not abstained) d20"


def test_format_summary_wraps_long_failing_lists_without_splitting_entries() -> None:
    ids = tuple(f"q{i:03d}" for i in range(60))
    details = {qid: ["not abstained"] for qid in ids}
    lines = format_summary(_summary(ids), "dev", details).splitlines()
    failing = lines[7:]
    assert len(failing) > 1 and all(len(line) <= 100 for line in failing)
    assert all(line.startswith(" " * 20) and line[20] == "q" for line in failing[1:])
    entries = " ".join(line.strip() for line in failing).removeprefix("failing").split(") ")
    assert len(entries) == 60


def test_figures_by_question_type() -> None:
    """`minsheng eval` prints each type's figures too, so a kind of question that falls behind shows."""
    scores = [QuestionScore("a", "numeric", False, False, True, True, True, 0.1),
              QuestionScore("b", "numeric", False, False, False, True, False, 0.1),
              QuestionScore("c", "status", False, True, False, False, False, 0.1),
              QuestionScore("n", "negative", True, True, None, None, None, 0.1)]
    summary = summarize(scores)
    kinds = dict(summary.by_type)
    assert list(kinds) == ["numeric", "status", "negative"]
    assert (kinds["numeric"].answerable, kinds["numeric"].recall_at_1, kinds["numeric"].fact_accuracy) == (2, 0.5, 0.5)
    assert kinds["status"].false_abstentions == 1 and kinds["negative"].abstained_negatives == 1
    assert "by type" not in format_summary(summary, "ours")  # asked for with --by-type only
    text = format_summary(summary, "ours", by_type=True)
    assert "    numeric            2     0.500     1.000  0.500  0 false" in text
    assert "    negative           1" in text and "1/1 negatives" in text
    assert text.index("failing") < text.index("by type")  # overall figures and failures first, as before
