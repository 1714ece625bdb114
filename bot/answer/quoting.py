"""Quoting one record: the field a question asks for (or what the record says instead), where the record comes
from, its short name, list lines, and the runners-up worth a "另见"."""
from __future__ import annotations

from dataclasses import replace

from minsheng.bot import texts
from minsheng.bot.answer.sentences import LIST_PIECE, PIECE, best_sentences, score, split_sentences, window
from minsheng.index.indexing import Chunk, field_text, other_text, project_name, states
from minsheng.index.kinds import Field, Wants, answer_field
from minsheng.index.places import name_forms
from minsheng.index.script import to_simplified
from minsheng.index.search import Hit, Query
from minsheng.index.vocabulary import AHEAD, DONE_WORDS, PLAN_TEXT, PROBLEM_TEXT, SENTENCE_TRIM

# Words by which a passage states problems or a plan.
_STATED_BY = {Field.PROBLEMS: PROBLEM_TEXT, Field.PLAN: PLAN_TEXT}
_SEE_ALSO = 2
_SEE_ALSO_SHARE = 0.85


def record_lead(chunk: Chunk, query: Query, limit: int = PIECE) -> str:
    """The quoted answer from one record; when it states no problems or plan, says so and gives its progress."""
    name = answer_field(query.wants)
    text = field_text(chunk.text, name)
    if chunk.is_passage and name in _STATED_BY:
        # A passage has no fields: it states problems or a plan in its own sentences ("还存在一些问题: 一是…").
        own = body(chunk)
        if _STATED_BY[name].search(own):
            return best_sentences(own, query, name, limit)
    if name in (Field.PROBLEMS, Field.PLAN) and not states(text):
        field = texts.FIELD_NAMES[name]
        missing = (texts.FIELD_WRITTEN.format(field=field, text=text.strip().rstrip(SENTENCE_TRIM)) if text
                   else texts.FIELD_NOT_WRITTEN.format(field=field))
        ahead = [s for s in split_sentences(body(chunk)) if AHEAD.search(s)] if name == Field.PLAN and not text else []
        if ahead:
            # No plan column, but the progress text says what comes next.
            return texts.PLAN_IN_PROGRESS.format(text=window("".join(ahead), query, limit))
        progress = best_sentences(body(chunk), replace(query, wants=Wants.PROGRESS), Field.PROGRESS, limit)
        return (texts.LATEST_PROGRESS.format(missing=missing, progress=progress) if progress
                else texts.SENTENCE.format(text=missing))
    if name == Field.PROGRESS and not chunk.is_passage:
        other = other_text(chunk.text)
        if query.inside and not any(form in to_simplified(text + other) for place in query.inside
                                   for form in name_forms(place)):
            # A place inside the report asked for that the progress does not name: its own figure where the record
            # holds it (a report in prose puts the districts' figures under the item's first sentence).
            other = "\n".join(p for p in (other, field_text(chunk.text, Field.TASK)) if p)
        if not text and any(DONE_WORDS.search(s) for s in split_sentences(other)):
            # No progress column, but a line after the task says what was done ("当前进展:…完成工程量的80%"):
            # that, not the target, answers (the target follows on its own line).
            # (A place inside the report asked for may be named in either: its own figure, wherever it is.)
            return _best_of(other, body(chunk), query, limit) if query.inside else best_sentences(
                other, query, Field.PROGRESS, limit)
        return _best_of(text or body(chunk), other, query, limit)
    return best_sentences(text or body(chunk), query, name, limit)


def _best_of(main: str, other: str, query: Query, limit: int) -> str:
    """The progress field's best sentences, unless the record's other text answers clearly better (the progress
    cell says only "顺利推进" while the figures sit in the next column)."""
    if other.strip() and query.topic:
        mine = max((score(s, query) for s in split_sentences(main)), default=0.0)
        theirs = max((score(s, query) for s in split_sentences(other)), default=0.0)
        if theirs > mine + 0.1:
            return best_sentences(other, query, Field.PROGRESS, limit)
    return best_sentences(main, query, Field.PROGRESS, limit)


def body(chunk: Chunk) -> str:
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


def where(chunk: Chunk) -> str:
    """"密云区（2022年三季度）"."""
    return texts.PLACE_PERIOD.format(place=place_of(chunk), period=chunk.period_label) if chunk.period_label \
        else place_of(chunk)


def place_of(chunk: Chunk) -> str:
    """The place a record is shown under: its district, or the report's title when the report names no place."""
    return chunk.region or texts.TITLE.format(title=chunk.report or chunk.source)


def see_also(hits: list[Hit], best: Hit, wants: str) -> list[Hit]:
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


def see_also_line(hit: Hit, query: Query) -> str:
    """"另见大兴区（2024年一季度）第3项：…"."""
    text = record_lead(hit.chunk, query, LIST_PIECE)
    return texts.SEE_ALSO_ITEM.format(where=where(hit.chunk), item=hit.chunk.item, text=text) if hit.chunk.item \
        else texts.SEE_ALSO.format(where=where(hit.chunk), text=text)


def unique_records(hits: list[Hit]) -> list[Hit]:
    """The first hit of each record (a long record's other parts dropped)."""
    seen: set[tuple[str, int]] = set()
    out = []
    for hit in hits:
        key = (hit.chunk.source, hit.chunk.record)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


def _list_line(hit: Hit, query: Query) -> str:
    c = hit.chunk
    head = " ".join(p for p in (texts.ITEM.format(item=c.item) if c.item else "", project_name(c)) if p)
    text = record_lead(c, query, LIST_PIECE)
    return texts.LIST_LINE.format(head=head, text=text) if head else texts.LIST_LINE_BARE.format(text=text)


def grouped(hits: list[Hit], query: Query) -> list[str]:
    """One line per record, grouped under its district and period, first part of each record only."""
    lines: list[str] = []
    groups: dict[str, list[Hit]] = {}
    for hit in unique_records(hits):
        groups.setdefault(where(hit.chunk), []).append(hit)
    for place, members in groups.items():
        lines.append(place)
        lines.extend(_list_line(h, query) for h in members)
    return lines
