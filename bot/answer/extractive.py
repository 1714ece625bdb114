"""The extractive answer: the report's own sentences that answer, a verdict when asked, citations."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Callable

from minsheng.bot.answer.over_time import compose_whole
from minsheng.bot.answer.table_row import labelled_row
from minsheng.bot.answer.types import Answer, Citation, citation_of
from minsheng.index.indexing.chunk import LABELLED, Chunk, field_text, states
from minsheng.index.ingest.fields import is_section
from minsheng.index.ingest.news import is_boilerplate
from minsheng.index.ingest.normalize import to_simplified, to_traditional
from minsheng.index.kinds import COLLECTION_KINDS, Field, QueryKind, Status, Wants, answer_field
from minsheng.index.search.query import Query
from minsheng.index.search.results import Hit, SearchResult
from minsheng.index.search.series import figure_change
from minsheng.index.search.topic import topic_coverage
from minsheng.index.synonyms import matched_phrases
from minsheng.index.vocabulary import (
    AHEAD,
    ASKED_UNIT,
    ASKED_VERB,
    CAUSE,
    DATE,
    DONE_WORDS,
    ENUMERATED,
    ENUMERATOR,
    FIELD_WORDS,
    LIST_ASKED,
    RUN_IN_ITEM,
    SHORT_CELL,
    STATE_WORDS,
    STATES_TARGET,
    STATUS_WORDS,
    WHEN_ASKED,
    WHO_ASKED,
    WHOLE_UNITS,
    WHY_ASKED,
    WRITTEN_UNITS,
    figure_with_unit,
)

_ENDS = set("。！？!?；;\n")
_OPEN, _CLOSE = set("(（“‘《[【"), set(")）”’》]】")
_CLAUSE = re.compile(r"(?<=[,，:：])")
_DIGIT = re.compile(r"\d")
_DAY = re.compile(r"\d{1,2}月\d{1,2}日")
# A sentence counting what it then names ("打通民生路等4条断头路。" before the four roads).
_COUNTED = re.compile(r"\d+\s*[个件项条处所家座批]")
# A field holding a short text is quoted whole; a longer one by its best sentences.
_WHOLE_FIELD = {Field.PROGRESS: 50, Field.TASK: 120, Field.PROBLEMS: 220, Field.PLAN: 220}
_PIECE = 160
_LIST_PIECE = 70
# How much of an enumeration a "which ones" answer quotes.
_LIST_BUDGET = 700
_SEE_ALSO = 2
_TARGET_COVERAGE = 0.3
_LIST_COVERAGE = 0.5
_SEE_ALSO_SHARE = 0.85


def compose(result: SearchResult) -> Answer:
    """The extractive answer to a search result: quoted sentences, figures as written, cited."""
    query = result.query
    if query.kind == QueryKind.GREETING:
        return in_script(query, Answer(introduction(result), abstained=True))
    if query.kind == QueryKind.FOREIGN:
        return Answer(in_english(result), abstained=True)
    if result.abstained or not result.hits:
        return in_script(query, Answer(abstention_text(result), abstained=True))
    if query.kind == QueryKind.UNIT_LIST:
        answer = _unit_list(result)
    elif query.kind == QueryKind.PER_REGION:
        answer = _per_region(result)
    elif query.kind == QueryKind.COMPARE:
        answer = _compare(result)
    elif query.kind == QueryKind.REPORT:
        answer = _report_period(result)
    elif query.kind in COLLECTION_KINDS:
        answer = compose_whole(result)
    elif query.kind == QueryKind.CHANGE:
        answer = _change(result)
    elif not query.topic:
        answer = _overview(result)
    else:
        answer = _single(result)
    notes = note_lines(result)
    if notes:
        answer = Answer("\n".join([*notes, answer.text]), answer.citations)
    return in_script(query, answer)


def abstention_text(result: SearchResult) -> str:
    """Why nothing is answered, what the index covers, and what to ask instead."""
    coverage = result.coverage
    covered = coverage.describe() if coverage else ""
    if result.reason == "empty" or not covered:
        return "索引里还没有任何报告。把报告文件放进语料目录后运行 `minsheng index`。"
    query = result.query
    if result.reason == "region":
        head = f"收录的报告里没有{'、'.join(query.uncovered)}的内容。"
        if query.nearby and coverage:
            head += f"附近收录的有：{'、'.join(coverage.label(r) for r in query.nearby)}。"
    elif any(n.kind == "inside" for n in result.notes):
        inside = "、".join(n.value for n in result.notes if n.kind == "inside")
        reports = "、".join(n.value for n in result.notes if n.kind == "inside_report")
        head = f"{reports}的报告提到了{inside}，但没有找到{inside}“{query.topic or query.simplified.strip()}”的内容。"
    elif query.regions:
        head = f"{'、'.join(query.regions)}的报告里没有找到“{query.topic or query.simplified.strip()}”的内容。"
    else:
        head = ("这个问题在收录的民生实事报告里找不到答案。我能回答各地民生实事项目（学校、养老、旧房改造、公交、"
                "充电设施等）的任务目标、进展、存在问题和下一步计划。")
    return "\n".join([head, f"目前收录：{covered}。", *_ask_like(result.examples)])


def _ask_like(examples: tuple[str, ...]) -> list[str]:
    """The line of example questions (none when the index has none to offer)."""
    return ["可以这样问：" + "、".join(f"“{q}”" for q in examples)] if examples else []


def answers_with_figure(result: SearchResult) -> bool:
    """Whether the answer to a result quotes a figure (what makes a good example question)."""
    answer = compose(result)
    quoted = answer.text.split("\n", 1)[0].partition("：")[2]
    return not answer.abstained and bool(re.search(r"\d", quoted))


def introduction(result: SearchResult) -> str:
    """The answer to a greeting or "你能做什么": what the bot does, what it covers, three example questions."""
    covered = result.coverage.describe() if result.coverage else ""
    if not covered:
        return "你好！索引里还没有任何报告。把报告文件放进语料目录后运行 `minsheng index`。"
    return "\n".join(["你好！我根据各地政府公开的民生实事报告，回答项目的任务目标、进展、存在问题和下一步计划，"
                      "引用报告原文并注明出处；报告里没有的，我会直说。", f"目前收录：{covered}。",
                      *_ask_like(result.examples)])


def in_english(result: SearchResult) -> str:
    """One line in English for a question in English: what the bot answers, and in which language."""
    places = [region for region in (result.coverage.regions if result.coverage else {}) if region]
    if not places:
        return "I answer questions in Chinese about local governments' 民生实事 reports, but none are indexed yet."
    named = "、".join(places[:5]) + (f" and {len(places) - 5} more places" if len(places) > 5 else "")
    example = f"; for example: {result.examples[0]}" if result.examples else ""
    return (f"I answer questions in Chinese about the 民生实事 (livelihood projects) reports of {named}"
            f"{example}")


def note_lines(result: SearchResult) -> list[str]:
    """Caveat lines: what the answer could not honour: an uncovered place named with a covered one, a period not held."""
    query = result.query
    lines = []
    if query.uncovered and query.regions:
        lines.append(f"（没有收录{'、'.join(query.uncovered)}的报告，以下是{'、'.join(query.regions)}的内容。）")
    missing = [n.value for n in result.notes if n.kind == "inside_missing"]
    if missing and result.hits:
        reports = "、".join(dict.fromkeys(h.chunk.region or h.chunk.report for h in result.hits))
        lines.append(f"（{reports}的报告里没有单独写{'、'.join(missing)}的这项内容，以下是{reports}的内容。）")
    inside = [n.value for n in result.notes if n.kind == "inside"]
    if inside and result.hits:
        reports = "、".join(dict.fromkeys(h.chunk.region or h.chunk.report for h in result.hits))
        lines.append(f"{reports}的报告中关于{'、'.join(inside)}：")
    periods = [n.value for n in result.notes if n.kind == "period"]
    if periods:
        held = "、".join(dict.fromkeys(h.chunk.period_label for h in result.hits if h.chunk.period_label))
        lines.append(f"（没有{'、'.join(periods)}的报告，以下是{held or '现有报告'}的内容。）")
    return lines


def _single(result: SearchResult) -> Answer:
    """One record answers: the verdict when asked, the quoted sentences, the target, close runners-up."""
    query = result.query
    best = result.hits[0]
    lines = []
    if query.wants == Wants.STATUS and not WHEN_ASKED.search(query.simplified):
        lines.append(f"{STATUS_WORDS.get(best.chunk.status, STATUS_WORDS[Status.UNKNOWN]).verdict}。")
    if WHO_ASKED.search(query.simplified):
        leader = field_text(best.chunk.text, Field.LEADER)
        lines.extend(f"{FIELD_WORDS[name].name}：{value}" for name, value in (
            (Field.LEAD, best.chunk.lead_unit), (Field.LEADER, leader)) if value)
    lines.append(f"{_where(best.chunk)}：{_record_lead(best.chunk, query)}")
    main_at = len(lines) - 1
    earlier = _earlier_figure(result, lines[-1])
    target = _target(best.chunk, query, lines[-1])
    if target:
        lines.append(f"目标：{target}")
    header = _row_header(best.chunk, lines[-1])
    if header:
        lines.extend(_header_lines(header, lines[-1], query))
    if earlier:
        lines[main_at] += earlier
    used = [best]
    # Other rows of the same table are other counties' figures, not other answers.
    others = [h for h in result.hits if not (header and h.chunk.source == best.chunk.source
                                             and h.chunk.section == best.chunk.section)]
    # The same project in the series' earlier reports is told on the answer's line, not as another answer.
    earlier = {(p.chunk.source, p.chunk.record) for p in result.earlier}
    others = [h for h in others if (h.chunk.source, h.chunk.record) not in earlier]
    for hit in _see_also([best, *others], best, query.wants):
        lines.append(f"另见{_where(hit.chunk)}第{hit.chunk.item}项：{_record_lead(hit.chunk, query, _LIST_PIECE)}"
                     if hit.chunk.item else f"另见{_where(hit.chunk)}：{_record_lead(hit.chunk, query, _LIST_PIECE)}")
        used.append(hit)
    return Answer("\n".join(lines), [citation_of(h) for h in used])


def _earlier_figure(result: SearchResult, quoted: str) -> str:
    """"（2024年一季度：已开工19部）" when the previous report of the series wrote the quoted figure otherwise."""
    if not result.earlier:
        return ""
    point = result.earlier[0]
    change = figure_change(quoted, point.project.progress or point.project.text)
    return f"（{point.report.label}：{change[0]}）" if change else ""


def _change(result: SearchResult) -> Answer:
    """One project across the reports of its series, latest first, and how its figure moved."""
    query = result.query
    if not result.earlier:
        answer = _single(result)
        return Answer(f"（收录的报告里找不到这个项目更早一期的进展，以下是现有的内容。）\n{answer.text}", answer.citations)
    best = result.hits[0]
    newer = _record_lead(best.chunk, query)
    lines = [f"{_where(best.chunk)}：{newer}"]
    changes = []
    for point in result.earlier:
        older = best_sentences(point.project.progress or point.project.text.split("\n", 1)[-1], query,
                               Field.PROGRESS, _PIECE)
        lines.append(f"{point.report.region}（{point.report.label}）：{older}")
        change = figure_change(newer, older)
        if change:
            changes.append(f"{point.report.label} {change[0]} → {result.hits[0].chunk.period_label} {change[1]}"
                           if not changes else f"{point.report.label} {change[0]}")
        newer = older
    if changes:
        lines.append("变化：" + "；".join(changes))
    return Answer("\n".join(lines), [citation_of(best), *(citation_of(Hit(p.chunk, 0.0)) for p in result.earlier)])


def _see_also(hits: list[Hit], best: Hit, wants: str) -> list[Hit]:
    """Other records nearly as good as the best one (other parts of the same record do not count)."""
    seen = {(best.chunk.source, best.chunk.record)}
    out = []
    for hit in hits[1:]:
        key = (hit.chunk.source, hit.chunk.record)
        if key in seen or not hit.strong or hit.score < _SEE_ALSO_SHARE * best.score:
            continue
        if wants in (Wants.PROBLEMS, Wants.PLAN) and not states(field_text(hit.chunk.text, wants)):
            continue
        seen.add(key)
        out.append(hit)
        if len(out) == _SEE_ALSO:
            break
    return out


def _record_lead(chunk: Chunk, query: Query, limit: int = _PIECE) -> str:
    """The quoted answer from one record; when it states no problems or plan, says so and gives its progress."""
    name = answer_field(query.wants)
    text = field_text(chunk.text, name)
    if name in (Field.PROBLEMS, Field.PLAN) and not states(text):
        missing = f"报告写明{FIELD_WORDS[name].name}：{text.strip().rstrip('。.')}" if text else f"报告没有写{FIELD_WORDS[name].name}"
        ahead = [s for s in split_sentences(_body(chunk)) if AHEAD.search(s)] if name == Field.PLAN and not text else []
        if ahead:
            # No plan column, but the progress text says what comes next.
            return f"报告没有单列下一步计划，进展中写到：{_window(''.join(ahead), query, limit)}"
        progress = best_sentences(_body(chunk), replace(query, wants=Wants.PROGRESS), Field.PROGRESS, limit)
        return f"{missing}。最新进展：{progress}" if progress else f"{missing}。"
    if name == Field.PROGRESS and not chunk.is_passage:
        other = _other_lines(chunk)
        if not text and any(DONE_WORDS.search(s) for s in split_sentences(other)):
            # No progress column, but a line after the task says what was done ("当前进展:…完成工程量的80%"):
            # that, not the target, answers (the target follows on its own line).
            return best_sentences(other, query, Field.PROGRESS, limit)
        return _best_of(text or _body(chunk), other, query, limit)
    return best_sentences(text or _body(chunk), query, name, limit)


def _row_header(chunk: Chunk, quoted: str) -> str:
    """The header cells of the table a quoted row of cells comes from ("地区 … 目标 任务 进度 完成比例(%)"), so bare
    figures say what they measure; "" when the quote is no such row."""
    cells = quoted.split("：", 1)[-1].split(" ")
    header = chunk.section.split(" ")
    if not chunk.is_passage or len(cells) < 3 or len(header) < 3 or not any(_DIGIT.search(c) for c in cells):
        return ""
    return chunk.section


def _header_lines(header: str, quoted: str, query: Query) -> list[str]:
    """The quoted row read against its header, the measure most like the question first ("按表头：城镇新增就业(人)：目标任务1900，
    进度3029，完成比例159.4%；…"); the header itself as well unless every figure got its labels."""
    groups = labelled_row(header, quoted.split("：", 1)[-1])
    covers = [_cover(to_simplified(g.measure), query) if g.measure else 0.0 for g in groups]
    best = max(range(len(groups)), key=lambda i: covers[i], default=0)
    ordered = groups if not groups or not covers[best] else [groups[best], *groups[:best], *groups[best + 1:]]
    lines = [f"按表头：{'；'.join(g.text() for g in ordered)}"] if groups else []
    if not groups or not all(g.measure for g in groups):
        lines.append(f"（表头：{header}）")
    return lines


def _other_lines(chunk: Chunk) -> str:
    """A record's text other than its task and progress fields: earlier periods, notes and the plan column, where
    reports often put what was done ("进展情况:…完成80%" under 下步计划, "当前进展:…" after the task)."""
    task, progress = FIELD_WORDS[Field.TASK].label + ": ", FIELD_WORDS[Field.PROGRESS].label + ": "
    lines = chunk.text.split("\n")[1:]
    kept, inside = [], False
    for line in lines:
        if line.startswith((task, progress)):
            # The task's later lines are text the reader folded into it ("当前进展:…" under the task): kept.
            inside = line.startswith(progress)
            continue
        if inside and not LABELLED.match(line):
            continue  # the rest of a skipped multi-line field
        inside = False
        if not is_boilerplate(line):  # "责任编辑:…" after the last field
            kept.append(line.split(": ", 1)[-1] if LABELLED.match(line) else line)
    return "\n".join(kept)


def _best_of(main: str, other: str, query: Query, limit: int) -> str:
    """The progress field's best sentences, unless the record's other text answers clearly better (the progress
    cell says only "顺利推进" while the figures sit in the next column)."""
    if other.strip() and query.topic:
        mine = max((_score(s, query) for s in split_sentences(main)), default=0.0)
        theirs = max((_score(s, query) for s in split_sentences(other)), default=0.0)
        if theirs > mine + 0.1:
            return best_sentences(other, query, Field.PROGRESS, limit)
    return best_sentences(main, query, Field.PROGRESS, limit)


def _body(chunk: Chunk) -> str:
    """Progress, else the earlier-period columns, else the record's body: what a record says it did; a passage's
    own text."""
    if chunk.is_passage:
        return chunk.text.split("\n", 1)[-1].strip()
    for name in (Field.PROGRESS, Field.TASK):
        text = field_text(chunk.text, name)
        if text:
            return text
    lines = chunk.text.split("\n")[1:]
    return " ".join(line.split(":", 1)[-1].strip() for line in lines if line.strip())


def best_sentences(text: str, query: Query, name: Field = Field.PROGRESS, limit: int = _PIECE) -> str:
    """The sentences of a field that answer the question, in their order, figures exactly as written."""
    text = _rows_of_cells(text.strip())
    if not text:
        return ""
    if len(text) <= min(_WHOLE_FIELD.get(name, 50), limit * 2):
        return text
    raw = split_sentences(text)
    sentences = [ENUMERATOR.sub("", s) for s in raw]
    if not sentences:
        return text[:limit]
    scores = [_score(s, query) for s in sentences]
    covers = [_cover(s, query) for s in sentences]
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    take = [order[0]]
    budget = _WHOLE_FIELD.get(name, limit) if name in (Field.PROBLEMS, Field.PLAN) else limit * 3 // 2
    for i in order[1:]:
        if len("".join(sentences[j] for j in take)) + len(sentences[i]) > budget:
            break
        # A second sentence must be nearly as good and about the topic itself, not only hold a figure.
        if name not in (Field.PROBLEMS, Field.PLAN) and (scores[i] < 0.75 * scores[order[0]] or covers[i] < 0.5 * covers[order[0]]
                                                 or not covers[i]):
            break
        take.append(i)
    if scores[order[0]] <= 0 or not query.topic:
        take = [0]  # nothing to match (an overview): the field's opening sentence
    elif LIST_ASKED.search(query.simplified):
        take = _enumeration(raw, take)
    picked = "".join(_window(sentences[i], query, limit) for i in sorted(take))
    return picked


def _enumeration(sentences: list[str], take: list[int]) -> list[int]:
    """For a question asking which ones: the enumeration the best sentence opens or belongs to ("…办了10件实事:
    一是…;二是…;…"), every member, within a list budget."""
    first = min(take)
    start = first + 1 if first + 1 < len(sentences) and ENUMERATED.match(sentences[first + 1]) else first
    if not ENUMERATED.match(sentences[start]):
        if _COUNTED.search(sentences[first]):
            # The count, then the sentence naming its members ("…4条断头路。" "民生路…、通园街…、…已全部完工")
            naming = next((i for i in range(first + 1, min(first + 3, len(sentences)))
                           if sentences[i].count("、") >= 2), None)
            return sorted(set(take) | ({naming} if naming is not None else set()))
        return take
    members = [start]
    for i in range(start + 1, len(sentences)):
        if not ENUMERATED.match(sentences[i]) or len("".join(sentences[j] for j in members)) > _LIST_BUDGET:
            break
        members.append(i)
    return sorted(set(take) | set(members) | ({first} if start == first + 1 else set()))


def split_sentences(text: str) -> list[str]:
    """Sentences of a field: cut after 。；！？ and line ends outside brackets and quotes, and before run-in
    sub-item numbers; a list inside parentheses ("(城后小区路、檀南胡同;农园路)") stays whole."""
    out: list[str] = []
    for block in RUN_IN_ITEM.split(_rows_of_cells(text)):
        depth = 0
        current: list[str] = []
        for ch in block:
            current.append(ch)
            if ch in _OPEN:
                depth += 1
            elif ch in _CLOSE:
                depth = max(depth - 1, 0)
            elif ch in _ENDS and (depth == 0 or ch == "\n"):
                depth = 0
                out.append("".join(current))
                current = []
        out.append("".join(current))
    return [s.strip() for s in out if s.strip()]


def _rows_of_cells(text: str) -> str:
    """Runs of three or more short cell lines (a table row exported a cell per line: "丹棱县\n1900\n3029") joined
    into one line, so the row is quoted whole rather than one bare figure."""
    lines = text.split("\n")
    out: list[str] = []
    run: list[str] = []
    for line in [*lines, None]:
        if line is not None and SHORT_CELL.match(line.strip()):
            run.append(line.strip())
            continue
        out.extend([" ".join(run)] if len(run) >= 3 else run)
        run = []
        if line is not None:
            out.append(line)
    return "\n".join(out)


def _window(sentence: str, query: Query, limit: int) -> str:
    """A long sentence cut to its best clauses (marked with …), short ones whole."""
    if len(sentence) <= limit:
        return sentence
    clauses = [c for c in _CLAUSE.split(sentence) if c]
    scores = [_score(c, query) for c in clauses]
    # Among equally good clauses the earliest: reports lead with the main fact.
    best = max(range(len(clauses)), key=lambda i: (scores[i], -i))
    start, end = best, best + 1
    while True:
        grown = False
        for cand in (end, start - 1):
            if 0 <= cand < len(clauses) and len("".join(clauses[min(start, cand):max(end, cand + 1)])) <= limit:
                start, end = min(start, cand), max(end, cand + 1)
                grown = True
                break
        if not grown:
            break
    piece = "".join(clauses[start:end]).rstrip(",，:：")
    return ("…" if start > 0 else "") + piece + ("…" if end < len(clauses) else "")


def _score(piece: str, query: Query) -> float:
    """How well a piece of report text answers the question: topic held, plus a figure or a state when asked."""
    text = to_simplified(piece)
    score = _cover(text, query)
    if query.wants == Wants.AMOUNT:
        unit = _asked_unit(query.simplified)
        if unit and figure_with_unit(unit).search(text):
            score += 0.6
            verb_figure = _verb_with_figure(query.simplified, unit)
            if verb_figure and verb_figure.search(text):
                score += 0.4  # "完成了几项" → "已完成8项", not the total planned beside it
        elif _DIGIT.search(text):
            score += 0.3
    elif query.wants == Wants.STATUS and STATE_WORDS.search(text):
        score += 0.3
    elif query.wants == Wants.PROGRESS and _DIGIT.search(text):
        score += 0.1
    if query.wants in (Wants.PROGRESS, Wants.AMOUNT, Wants.STATUS) and DONE_WORDS.search(text):
        score += 0.15  # what was done, before what was planned
    if WHEN_ASKED.search(query.simplified) and DATE.search(text):
        score += 0.8 if _DAY.search(text) else 0.6  # a day answers "when" better than a month
    if WHY_ASKED.search(query.simplified) and CAUSE.search(text):
        score += 0.6
    if LIST_ASKED.search(query.simplified) and text.count("、") >= 2:
        score += 0.3  # the sentence naming the members, not the one counting them
    return score


@lru_cache(maxsize=64)
def _verb_with_figure(question: str, unit: str) -> re.Pattern[str] | None:
    """The verb a 多少/几 question asks with, followed closely by a figure in the asked unit; None without a verb.
    Made once per question: every clause of every candidate is scored against it."""
    verb = ASKED_VERB.search(question)
    return re.compile(re.escape(verb.group(1)) + r"[^,，。；;]{0,4}?" + figure_with_unit(unit).pattern) if verb else None


def _cover(piece: str, query: Query) -> float:
    """Share of the question's topic a piece of report text holds."""
    return topic_coverage(query.topic.split(), matched_phrases(query.simplified), to_simplified(piece))


def _asked_unit(question: str) -> str:
    """The unit a 多少/几 question asks for ("几处" → 处, "多少钱" → 元), or ""."""
    match = ASKED_UNIT.search(question)
    if not match:
        return ""
    word = match.group(2)
    for asked, written in WRITTEN_UNITS.items():
        if word.startswith(asked):
            return written
    return word[:1] if word not in WHOLE_UNITS else word


def _target(chunk: Chunk, query: Query, lead: str) -> str:
    """The part of the task a figure in the lead is measured against ("目标 30部以上"), when there is one."""
    # The lead already measuring itself against a plan ("任务60批次,已完成25批次") needs no target line.
    if query.wants not in (Wants.PROGRESS, Wants.AMOUNT, Wants.STATUS) or not _DIGIT.search(lead) or STATES_TARGET.search(lead):
        return ""
    task = field_text(chunk.text, Field.TASK)
    if not task or task in lead:
        return ""
    pieces = [p.strip() for p in re.split(r"[。；;,，]", task) if _DIGIT.search(p)]
    scored = [(_cover(p, query), p) for p in pieces]
    scored = [(s, p) for s, p in scored if s >= _TARGET_COVERAGE]
    if not scored:
        return ""
    piece = max(scored, key=lambda sp: sp[0])[1]
    return _window(piece, query, _LIST_PIECE)


def _where(chunk: Chunk) -> str:
    """"密云区（2022年三季度）"."""
    return f"{place_of(chunk)}（{chunk.period_label}）" if chunk.period_label else place_of(chunk)


def place_of(chunk: Chunk) -> str:
    """The place a record is shown under: its district, or the report's title when the report names no place."""
    return chunk.region or f"《{chunk.report or chunk.source}》"


def record_name(chunk: Chunk) -> str:
    """A short name of the project: its section when that names it, else the start of its task."""
    if chunk.section and not is_section(chunk.section):
        return chunk.section[:24]
    task = field_text(chunk.text, Field.TASK)
    first = re.split(r"[,，;；。:：]", task)[0] if task else ""
    return first[:24] + ("…" if len(first) > 24 else "")


def _list_line(hit: Hit, query: Query) -> str:
    c = hit.chunk
    head = " ".join(p for p in (f"第{c.item}项" if c.item else "", record_name(c)) if p)
    return f"· {head}：{_record_lead(c, query, _LIST_PIECE)}" if head else f"· {_record_lead(c, query, _LIST_PIECE)}"


def _grouped(hits: list[Hit], query: Query) -> list[str]:
    """One line per record, grouped under its district and period, first part of each record only."""
    lines: list[str] = []
    groups: dict[str, list[Hit]] = {}
    for hit in _unique_records(hits):
        groups.setdefault(_where(hit.chunk), []).append(hit)
    for where, members in groups.items():
        lines.append(where)
        lines.extend(_list_line(h, query) for h in members)
    return lines


def more_text(result: SearchResult, shown: list[Citation]) -> str:
    """The retrieved records an answer did not quote, one line each, grouped by district."""
    ids = {c.chunk_id for c in shown}
    quoted = {(h.chunk.source, h.chunk.record) for h in result.hits if h.chunk.id in ids}
    rest = [h for h in result.hits if (h.chunk.source, h.chunk.record) not in quoted]
    text = "\n".join(["其他相关记录：", *_grouped(rest, result.query)]) if rest else "没有更多相关记录了。"
    return _script(result.query)(text)


def _unique_records(hits: list[Hit]) -> list[Hit]:
    """The first hit of each record (a long record's other parts dropped)."""
    seen: set[tuple[str, int]] = set()
    out = []
    for hit in hits:
        key = (hit.chunk.source, hit.chunk.record)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


def _unit_list(result: SearchResult) -> Answer:
    """Every record a lead unit leads, grouped by district."""
    query = result.query
    # A unit's projects read best in report order, district by district.
    hits = sorted(_unique_records(result.hits), key=lambda h: (h.chunk.region, h.chunk.source, h.chunk.record))
    units = "、".join(query.lead_units)
    lines = [f"{units}牵头的项目（{len(hits)}项）：", *_grouped(hits, query)]
    return Answer("\n".join(lines), [citation_of(h) for h in hits])


def _overview(result: SearchResult) -> Answer:
    """A district asked about without a topic: its records, the wanted field of each."""
    query = result.query
    hits = _unique_records(result.hits)
    what = FIELD_WORDS[answer_field(query.wants)].name
    lines = [f"{'、'.join(query.regions)}各项目的{what}（{len(hits)}项）：", *_grouped(hits, query)]
    return Answer("\n".join(lines), [citation_of(h) for h in hits])


def _per_region(result: SearchResult) -> Answer:
    """"哪些地区有…": the districts with strong evidence, each with its records on the topic."""
    query = result.query
    # A district is listed for a record that holds at least half of the topic, not for a shared word.
    hits = [h for h in _unique_records(result.hits) if h.strong and h.coverage >= _LIST_COVERAGE]
    regions = list(dict.fromkeys(place_of(h.chunk) for h in hits))
    lines = [f"有相关内容的地区（{len(regions)}个）：{'、'.join(regions)}", *_grouped(hits, query)]
    return Answer("\n".join(lines), [citation_of(h) for h in hits])


def _compare(result: SearchResult) -> Answer:
    """"A和B分别…": one short paragraph per named district, in the order named."""
    query = result.query
    lines = []
    used = []
    for region in query.regions:
        hit = next((h for h in result.hits if h.chunk.region == region and h.strong), None)
        if hit is None:
            lines.append(f"{region}：收录的报告里没有找到这方面的内容。")
            continue
        lines.append(f"{_where(hit.chunk)}：{_record_lead(hit.chunk, query)}")
        used.append(hit)
    return Answer("\n".join(lines), [citation_of(h) for h in used])


def _report_period(result: SearchResult) -> Answer:
    """"统计到几月份": each report's title and the period it covers, quoted from the report."""
    lines = []
    for hit in result.hits:
        chunk = hit.chunk
        covers = f"，统计时段：{chunk.period_label}" if chunk.period else "，报告未写明统计时段"
        lines.append(f"{chunk.region or '报告'}：《{chunk.report or chunk.source}》{covers}。")
    return Answer("\n".join(lines), [citation_of(h) for h in result.hits])


def _script(query: Query) -> Callable[[str], str]:
    """The converter to the question's script: Traditional for a Traditional question, else Simplified."""
    return to_traditional if query.traditional else to_simplified


def in_script(query: Query, answer: Answer) -> Answer:
    """The answer in the question's script: Traditional in, Traditional out (citations too); else Simplified."""
    convert = _script(query)
    citations = [Citation(c.chunk_id, convert(c.region), convert(c.report), convert(c.period), c.item,
                          convert(c.lead_unit)) for c in answer.citations]
    return Answer(convert(answer.text), citations, answer.abstained, answer.composer, answer.notes, query.traditional)
