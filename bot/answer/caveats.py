"""What an answer could not honour, said first (a place or period not held, a place found only inside another
place's report), and why nothing is answered at all, with what is covered and what to ask instead."""
from __future__ import annotations

from minsheng.bot import texts
from minsheng.bot.coverage import covered_line, covered_near, place_label
from minsheng.index.search import SearchResult


def abstention_text(result: SearchResult) -> str:
    """Why nothing is answered, what the index covers, and what to ask instead."""
    coverage = result.coverage
    covered = covered_line(coverage) if coverage else ""
    if result.reason == "empty" or not covered:
        return texts.EMPTY_INDEX
    query = result.query
    topic = query.topic or query.simplified.strip()
    if result.reason == "region":
        head = texts.NOT_COVERED.format(places=texts.LIST_JOIN.join(query.uncovered))
        if query.nearby and coverage:
            head += texts.NEARBY.format(places=texts.LIST_JOIN.join(place_label(coverage, r) for r in query.nearby))
    elif any(n.kind == "inside" for n in result.notes):
        inside = texts.LIST_JOIN.join(n.value for n in result.notes if n.kind == "inside")
        reports = texts.LIST_JOIN.join(n.value for n in result.notes if n.kind == "inside_report")
        head = texts.INSIDE_NOT_FOUND.format(reports=reports, inside=inside, topic=topic)
    elif query.regions:
        head = texts.TOPIC_NOT_FOUND.format(places=texts.LIST_JOIN.join(query.regions), topic=topic)
    else:
        head = texts.NOT_ANSWERABLE
    near = covered_near(coverage, [*query.regions, *query.nearby],
                        named_already=result.reason == "region" and bool(query.nearby)) if coverage else ""
    return "\n".join([head, near, *ask_like(result.examples)])


def ask_like(examples: tuple[str, ...]) -> list[str]:
    """The line of example questions (none when the index has none to offer)."""
    if not examples:
        return []
    return [texts.ASK_LIKE.format(questions=texts.LIST_JOIN.join(texts.QUOTED.format(text=q) for q in examples))]


def note_lines(result: SearchResult) -> list[str]:
    """Caveat lines: what the answer could not honour: an uncovered place named with a covered one, a period not held,
    the question's wording (answered by meaning)."""
    query = result.query
    lines = []
    if query.uncovered and query.regions:
        lines.append(texts.UNCOVERED_CAVEAT.format(uncovered=texts.LIST_JOIN.join(query.uncovered),
                                                   places=texts.LIST_JOIN.join(query.regions)))
    missing = [n.value for n in result.notes if n.kind == "inside_missing"]
    if missing and result.hits:
        reports = texts.LIST_JOIN.join(dict.fromkeys(h.chunk.region or h.chunk.report for h in result.hits))
        lines.append(texts.INSIDE_MISSING_CAVEAT.format(reports=reports, missing=texts.LIST_JOIN.join(missing)))
    inside = [n.value for n in result.notes if n.kind == "inside"]
    if inside and result.hits:
        reports = texts.LIST_JOIN.join(dict.fromkeys(h.chunk.region or h.chunk.report for h in result.hits))
        lines.append(texts.INSIDE_CAVEAT.format(reports=reports, inside=texts.LIST_JOIN.join(inside)))
    if any(n.kind == "meaning" for n in result.notes):
        lines.append(texts.MEANING_CAVEAT)
    periods = [n.value for n in result.notes if n.kind == "period"]
    if periods:
        held = texts.LIST_JOIN.join(dict.fromkeys(h.chunk.period_label for h in result.hits if h.chunk.period_label))
        lines.append(texts.PERIOD_CAVEAT.format(periods=texts.LIST_JOIN.join(periods),
                                                held=held or texts.EXISTING_REPORTS))
    return lines
