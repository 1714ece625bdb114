"""`minsheng eval`: a question file (see the eval README) asked of our pipeline and of the plain baseline, each\nresult scored the way the CLI contract describes."""
from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence, TextIO

from minsheng.index.errors import ParseError, ReadError
from minsheng.index.ingest import match_key

if TYPE_CHECKING:
    from minsheng.bot.answer.responder import Responder
    from minsheng.index.search import MinshengRetriever

_DEFAULT_K = 5
_WIDTH = 100  # terminal columns for the failing list


@dataclass(frozen=True)
class EvalQuestion:
    """One line of a question file."""

    id: str
    type: str
    q: str
    gold: tuple[str, ...] = ()
    gold_any: tuple[str, ...] = ()
    min_any: int = 1
    k: int = _DEFAULT_K
    facts: tuple[str, ...] = ()
    negative: bool = False


@dataclass(frozen=True)
class QuestionScore:
    """How one result did against its question."""

    id: str
    type: str
    negative: bool
    abstained: bool
    hit_at_1: bool | None  # None for negatives
    hit_at_k: bool | None  # None for negatives
    facts_ok: bool | None  # None for negatives; True when facts is empty (unless abstained)
    seconds: float


@dataclass(frozen=True)
class EvalSummary:
    """The figures of one run over a question file."""

    questions: int
    answerable: int
    negatives: int
    recall_at_1: float  # over answerable questions
    recall_at_k: float
    fact_accuracy: float
    abstained_negatives: int
    false_abstentions: int
    median_latency: float  # seconds, over all questions
    failing: tuple[str, ...]  # in question order
    # The same figures for the questions of each type (the file's `type` field), in order of first appearance.
    by_type: tuple[tuple[str, "EvalSummary"], ...] = ()


# --- loading ------------------------------------------------------------------------------


def load_questions(path: Path) -> list[EvalQuestion]:
    """Read a JSONL question file; blank lines are skipped."""
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ReadError(source, f"cannot read the question file ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ReadError(source, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    questions: list[EvalQuestion] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ParseError(source, f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        question = _question(data, source, number)
        # Results and failure details are keyed by id, so a repeated id would hide a question.
        if question.id in seen:
            raise ParseError(source, f"line {number}: id {question.id!r} already used on line {seen[question.id]}")
        seen[question.id] = number
        questions.append(question)
    return questions


def _question(data: Any, source: str, number: int) -> EvalQuestion:
    """One parsed JSON line as a question, with its fields checked."""
    where = f"line {number}"
    if not isinstance(data, dict):
        raise ParseError(source, f"{where}: expected a JSON object, got {type(data).__name__}")
    for name in ("id", "q"):
        if name not in data:
            raise ParseError(source, f"{where}: missing field {name!r}")
    # Unknown fields are ignored so a held-out file with extra notes still loads.
    qid = _text(data, "id", source, where)
    where = f"{where} (id {qid})"
    q = _text(data, "q", source, where)
    qtype = _text(data, "type", source, where) if "type" in data else ""
    gold = _strings(data, "gold", source, where)
    gold_any = _strings(data, "gold_any", source, where)
    facts = _strings(data, "facts", source, where)
    k = _count(data, "k", _DEFAULT_K, source, where)
    min_any = _count(data, "min_any", 1, source, where)
    if gold_any and min_any > len(gold_any):
        # Such a question could never be hit; better to say so than to report a miss forever.
        raise ParseError(source, f"{where}: min_any {min_any} is more than the {len(gold_any)} gold_any strings")
    negative = data.get("negative", False)
    if not isinstance(negative, bool):
        raise ParseError(source, f"{where}: 'negative' must be true or false")
    return EvalQuestion(
        id=qid, type=qtype, q=q, gold=gold, gold_any=gold_any, min_any=min_any, k=k, facts=facts, negative=negative
    )


def _text(data: dict[str, Any], name: str, source: str, where: str) -> str:
    """A required non-empty string field."""
    value = data[name]
    if not isinstance(value, str) or not value.strip():
        raise ParseError(source, f"{where}: {name!r} must be a non-empty string")
    return value


def _strings(data: dict[str, Any], name: str, source: str, where: str) -> tuple[str, ...]:
    """An optional list-of-strings field as a tuple."""
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ParseError(source, f"{where}: {name!r} must be a list of strings")
    # An empty match key is found in every text, so it would make any question pass.
    if any(not match_key(item) for item in value):
        raise ParseError(source, f"{where}: {name!r} holds an empty string")
    return tuple(value)


def _count(data: dict[str, Any], name: str, default: int, source: str, where: str) -> int:
    """An optional positive integer field."""
    value = data.get(name, default)
    # bool is an int subclass; `true` as k is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParseError(source, f"{where}: {name!r} must be a positive integer")
    return value


# --- scoring ------------------------------------------------------------------------------


def score_result(question: EvalQuestion, result: dict[str, Any], seconds: float) -> QuestionScore:
    """Score one CLI result object against its question."""
    answer, abstained, texts = _result_parts(question, result)
    if question.negative:
        return QuestionScore(question.id, question.type, True, abstained, None, None, None, seconds)
    keys = [match_key(text) for text in texts[: question.k]]
    # The first source is one record, expected to hold one list entry: any one gold_any string will do.
    hit_at_1 = _hit(question, keys[:1], needed_any=1)
    hit_at_k = _hit(question, keys, needed_any=question.min_any)
    # An abstention shows the user no answer, so none of its facts were given.
    answer_key = match_key(answer)
    facts_ok = not abstained and all(match_key(fact) in answer_key for fact in question.facts)
    return QuestionScore(question.id, question.type, False, abstained, hit_at_1, hit_at_k, facts_ok, seconds)


def _hit(question: EvalQuestion, keys: list[str], needed_any: int) -> bool:
    """Whether these sources' match keys hold every gold string and needed_any gold_any strings."""
    gold_ok = all(any(match_key(gold) in key for key in keys) for gold in question.gold)
    if not question.gold_any:
        return gold_ok
    # Distinct by match key, so two spellings of one entry do not count twice.
    found = {match_key(item) for item in question.gold_any if any(match_key(item) in key for key in keys)}
    return gold_ok and len(found) >= needed_any


def _result_parts(question: EvalQuestion, result: dict[str, Any]) -> tuple[str, bool, list[str]]:
    """The answer, abstention flag and source texts of a result, checked against the CLI contract."""
    source = f"result for question {question.id}"
    if not isinstance(result, dict):
        raise ParseError(source, f"expected a JSON object, got {type(result).__name__}")
    asked = result.get("question")
    # Results are paired with questions by position; a mismatch means every later figure is wrong.
    if isinstance(asked, str) and match_key(asked) != match_key(question.q):
        raise ParseError(source, f"result is for another question: {asked!r}")
    answer = result.get("answer")
    abstained = result.get("abstained")
    sources = result.get("sources")
    if not isinstance(answer, str):
        raise ParseError(source, "'answer' must be a string")
    if not isinstance(abstained, bool):
        raise ParseError(source, "'abstained' must be true or false")
    if not isinstance(sources, list):
        raise ParseError(source, "'sources' must be a list")
    texts: list[str] = []
    for position, item in enumerate(sources, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ParseError(source, f"source {position} has no 'text' string")
        texts.append(item["text"])
    return answer, abstained, texts


def failure_reasons(question: EvalQuestion, score: QuestionScore) -> list[str]:
    """Short reasons this question failed; empty when it passed."""
    if question.id != score.id:
        raise ValueError(f"score {score.id!r} does not belong to question {question.id!r}")
    if score.negative:
        return [] if score.abstained else ["not abstained"]
    reasons = []
    if score.hit_at_1 is False:
        reasons.append("recall@1")
    if score.hit_at_k is False:
        reasons.append("recall@k")
    if score.abstained:
        # The facts miss of an abstention is its consequence; naming the cause says more.
        reasons.append("false abstention")
    elif score.facts_ok is False:
        reasons.append("facts")
    return reasons


# --- summary ------------------------------------------------------------------------------


def summarize(scores: list[QuestionScore], by_type: bool = True) -> EvalSummary:
    """The run's figures from its per-question scores, and (by_type) those of each question type."""
    answerable = [score for score in scores if not score.negative]
    negatives = [score for score in scores if score.negative]
    failing = tuple(score.id for score in scores if _fails(score))
    return EvalSummary(
        questions=len(scores),
        answerable=len(answerable),
        negatives=len(negatives),
        recall_at_1=_share(answerable, lambda s: s.hit_at_1 is True),
        recall_at_k=_share(answerable, lambda s: s.hit_at_k is True),
        fact_accuracy=_share(answerable, lambda s: s.facts_ok is True),
        abstained_negatives=sum(1 for score in negatives if score.abstained),
        false_abstentions=sum(1 for score in answerable if score.abstained),
        median_latency=statistics.median([score.seconds for score in scores]) if scores else 0.0,
        failing=failing,
        by_type=tuple((kind, summarize([s for s in scores if s.type == kind], by_type=False))
                      for kind in dict.fromkeys(score.type for score in scores)) if by_type else (),
    )


def _share(scores: list[QuestionScore], passed: Callable[[QuestionScore], bool]) -> float:
    """The fraction of scores that passed; 0.0 when there are none."""
    return sum(1 for score in scores if passed(score)) / len(scores) if scores else 0.0


def _fails(score: QuestionScore) -> bool:
    """Whether a score misses on anything."""
    if score.negative:
        return not score.abstained
    return score.abstained or not (score.hit_at_1 and score.hit_at_k and score.facts_ok)


def format_summary(summary: EvalSummary, label: str, details: dict[str, list[str]] | None = None,
                   by_type: bool = False) -> str:
    """The figures as a compact block for a terminal; with by_type, each question type's figures after them."""
    lines = [
        label,
        f"  recall@1          {summary.recall_at_1:.3f}  ({summary.answerable} answerable)",
        f"  recall@k          {summary.recall_at_k:.3f}",
        f"  fact accuracy     {summary.fact_accuracy:.3f}",
        f"  abstention        {summary.abstained_negatives}/{summary.negatives} negatives abstained",
        f"  false abstentions {summary.false_abstentions}",
        f"  median latency    {summary.median_latency:.3f} s",
    ]
    entries = [_failing_entry(qid, details) for qid in summary.failing] or ["none"]
    lines.extend(_wrapped(entries, "  failing           "))
    if by_type and len(summary.by_type) > 1:
        lines.append(f"  {'by type':<18}{'n':>4}  recall@1  recall@k  facts  abstentions")
        for kind, part in summary.by_type:
            if part.answerable:
                lines.append(f"    {kind or '-':<16}{part.answerable:>4}  {part.recall_at_1:8.3f}  {part.recall_at_k:8.3f}  "
                             f"{part.fact_accuracy:5.3f}  {part.false_abstentions} false")
            else:
                lines.append(f"    {kind or '-':<16}{part.negatives:>4}  {'':8}  {'':8}  {'':5}  "
                             f"{part.abstained_negatives}/{part.negatives} negatives")
    return "\n".join(lines)


def _wrapped(entries: list[str], prefix: str) -> list[str]:
    """Entries on lines of at most _WIDTH characters, continuation lines aligned under the first entry."""
    # Wrapped by hand: an entry such as "d07(not abstained)" holds a space and must stay whole.
    lines: list[str] = []
    current = prefix + entries[0]
    for entry in entries[1:]:
        if len(current) + 1 + len(entry) > _WIDTH:
            lines.append(current)
            current = " " * len(prefix) + entry
        else:
            current += " " + entry
    lines.append(current)
    return lines


def _failing_entry(qid: str, details: dict[str, list[str]] | None) -> str:
    """One failing id, with its reasons when they are known."""
    reasons = (details or {}).get(qid)
    return f"{qid}({','.join(reasons)})" if reasons else qid


# --- running ------------------------------------------------------------------------------

Reply = Callable[[str, int], dict[str, Any]]


def run_eval(questions: list[EvalQuestion], retriever: MinshengRetriever, responder: Responder, k: int,
             baseline_files: Sequence[Path], out: TextIO, by_type: bool = False) -> None:
    """Ask every question of our pipeline and, in the same run, of plain BM25 and plain dense retrieval over
    300-character chunks of baseline_files (none: no baseline); print each run's figures (ours also by question
    type when by_type), then every figure of ours that falls below a plain one."""
    from minsheng.bot.answer.render import to_json
    from minsheng.bot.measure.baseline import plain_bm25, plain_chunks, plain_dense

    retriever.search("预热")  # the first query pays for lazy loading; latency is for a warm process

    def ours(question: str, k: int) -> dict[str, Any]:
        result = retriever.search(question, k)
        return to_json(question, responder.answer(question, result), result, k)

    # (short name, heading, pipeline)
    runs: list[tuple[str, str, Reply]] = [("minsheng", "minsheng (hybrid)", ours)]
    if baseline_files:
        chunks = plain_chunks(baseline_files)
        runs.append(("plain BM25", "plain BM25 (bm25s + jieba over 300-character chunks, top chunk as the answer)",
                     plain_bm25(chunks).reply))
        runs.append(("plain dense",
                     "plain dense (the embedding model over 300-character chunks, top chunk as the answer)",
                     plain_dense(chunks, retriever.searcher.embedder).reply))
    summaries: list[tuple[str, EvalSummary]] = []
    for name, label, reply in runs:
        summary, details = score_run(questions, reply, k)
        summaries.append((name, summary))
        # By type for ours (the first run) only: the baselines are compared on the overall figures.
        out.write(format_summary(summary, label, details, by_type=by_type and len(summaries) == 1) + "\n")
    if len(summaries) > 1:
        behind = shortfalls(summaries[0][1], summaries[1:])
        out.write("\n".join(["behind plain retrieval:", *(f"  {line}" for line in behind)]) + "\n" if behind
                  else "not behind plain retrieval on any figure\n")


def shortfalls(ours: EvalSummary, plains: list[tuple[str, EvalSummary]]) -> list[str]:
    """Each figure where ours is below a plain pipeline's ("recall@1 0.596 < plain BM25 0.632")."""
    lines = []
    for name, attribute in (("recall@1", "recall_at_1"), ("recall@k", "recall_at_k"),
                            ("fact accuracy", "fact_accuracy")):
        mine = getattr(ours, attribute)
        for label, plain in plains:
            if mine < getattr(plain, attribute):
                lines.append(f"{name} {mine:.3f} < {label} {getattr(plain, attribute):.3f}")
    if ours.negatives and any(ours.abstained_negatives < plain.abstained_negatives for _, plain in plains):
        lines.append("negatives abstained below a plain pipeline")
    return lines


def score_run(questions: list[EvalQuestion], reply: Reply, k: int) -> tuple[EvalSummary, dict[str, list[str]]]:
    """Each question asked once (with at least k sources), scored; the run's figures and each failure's reasons."""
    scores, details = [], {}
    for question in questions:
        started = time.perf_counter()
        result = reply(question.q, max(question.k, k))
        score = score_result(question, result, time.perf_counter() - started)
        scores.append(score)
        reasons = failure_reasons(question, score)
        if reasons:
            details[question.id] = reasons
    return summarize(scores), details
