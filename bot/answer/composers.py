"""One composer per kind of question, each a search result in and an answer out: one project, a project over time,
a unit's projects, a place's projects, the places with a topic, places side by side, a report's period, and the
introduction for a greeting or a question in English. bot/answer/extractive.py picks one by the question's kind."""
from __future__ import annotations

from minsheng.bot import texts
from minsheng.bot.answer.caveats import ask_like
from minsheng.bot.answer.figures import earlier_figure, header_lines, row_header, target
from minsheng.bot.answer.quoting import grouped, place_of, record_lead, see_also, see_also_line, unique_records, where
from minsheng.bot.answer.sentences import PIECE, best_sentences
from minsheng.bot.answer.types import Answer, citation_of
from minsheng.bot.coverage import covered_line
from minsheng.index.indexing import field_text
from minsheng.index.ingest import derive_status
from minsheng.index.kinds import Field, Status, Wants, answer_field
from minsheng.index.search import Hit, SearchResult, figure_change

_LIST_COVERAGE = 0.5


def project(result: SearchResult) -> Answer:
    """A question about one project; a place asked about without a topic gets its projects (overview)."""
    return single(result) if result.query.topic else overview(result)


def single(result: SearchResult) -> Answer:
    """One record answers: the verdict when asked, the quoted sentences, the target, close runners-up."""
    query = result.query
    best = result.hits[0]
    lead = record_lead(best.chunk, query)
    lines = []
    if query.wants == Wants.STATUS and not query.asks_when:
        verdicts = texts.LAG_VERDICTS if query.asks_lag else texts.STATUS_VERDICTS
        verdict = verdicts.get(verdict_status(best.chunk.status, lead), verdicts[Status.UNKNOWN])
        lines.append(texts.SENTENCE.format(text=verdict))
    if query.asks_who:
        leader = field_text(best.chunk.text, Field.LEADER)
        lines.extend(texts.FIELD_LINE.format(field=texts.FIELD_NAMES[name], value=value) for name, value in (
            (Field.LEAD, best.chunk.lead_unit), (Field.LEADER, leader)) if value)
    lines.append(texts.QUOTE_LINE.format(where=where(best.chunk), text=lead))
    main_at = len(lines) - 1
    earlier = earlier_figure(result, lines[-1])
    aim = target(best.chunk, query, lines[-1])
    if aim:
        lines.append(texts.TARGET_LINE.format(target=aim))
    header = row_header(best.chunk, lines[-1])
    if header:
        lines.extend(header_lines(header, lines[-1], query))
    if earlier:
        lines[main_at] += earlier
    used = [best]
    # Other rows of the same table are other counties' figures, not other answers.
    others = [h for h in result.hits if not (header and h.chunk.source == best.chunk.source
                                             and h.chunk.section == best.chunk.section)]
    # The same project in the series' earlier reports is told on the answer's line, not as another answer.
    told = {(p.chunk.source, p.chunk.record) for p in result.earlier}
    others = [h for h in others if (h.chunk.source, h.chunk.record) not in told]
    for hit in see_also([best, *others], best, query.wants):
        lines.append(see_also_line(hit, query))
        used.append(hit)
    return Answer("\n".join(lines), [citation_of(h) for h in used])


def verdict_status(status: str, quoted: str) -> str:
    """The status a 完成了吗 answer gives: the record's, unless it says nothing or only "under way" while the
    sentence quoted for the question says more (a passage's "已全部完成", "全部办结", "进度滞后")."""
    said = derive_status(quoted)
    if status in (Status.UNKNOWN, Status.ON_TRACK) and said in (Status.COMPLETED, Status.BEHIND, Status.NOT_STARTED):
        return said
    return status


def change(result: SearchResult) -> Answer:
    """One project across the reports of its series, latest first, and how its figure moved."""
    query = result.query
    if not result.earlier:
        answer = single(result)
        return Answer(texts.NO_EARLIER.format(text=answer.text), answer.citations)
    best = result.hits[0]
    newer = record_lead(best.chunk, query)
    lines = [texts.QUOTE_LINE.format(where=where(best.chunk), text=newer)]
    changes = []
    for point in result.earlier:
        older = best_sentences(point.project.progress or point.project.text.split("\n", 1)[-1], query,
                               Field.PROGRESS, PIECE)
        lines.append(texts.QUOTE_LINE.format(
            where=texts.PLACE_PERIOD.format(place=point.report.region, period=point.report.label), text=older))
        moved = figure_change(newer, older)
        if moved:
            changes.append(texts.CHANGE_FIRST.format(before_period=point.report.label, before=moved[0],
                                                     after_period=result.hits[0].chunk.period_label, after=moved[1])
                           if not changes else texts.CHANGE_STEP.format(before_period=point.report.label,
                                                                        before=moved[0]))
        newer = older
    if changes:
        lines.append(texts.CHANGES_LINE.format(changes=texts.CLAUSE_JOIN.join(changes)))
    return Answer("\n".join(lines), [citation_of(best), *(citation_of(Hit(p.chunk, 0.0)) for p in result.earlier)])


def unit_list(result: SearchResult) -> Answer:
    """Every record a lead unit leads, grouped by district."""
    query = result.query
    # A unit's projects read best in report order, district by district.
    hits = sorted(unique_records(result.hits), key=lambda h: (h.chunk.region, h.chunk.source, h.chunk.record))
    head = texts.UNIT_PROJECTS.format(units=texts.LIST_JOIN.join(query.lead_units), count=len(hits))
    return Answer("\n".join([head, *grouped(hits, query)]), [citation_of(h) for h in hits])


def overview(result: SearchResult) -> Answer:
    """A district asked about without a topic: its records, the wanted field of each."""
    query = result.query
    hits = unique_records(result.hits)
    head = texts.OVERVIEW_HEAD.format(places=texts.LIST_JOIN.join(query.regions),
                                      field=texts.FIELD_NAMES[answer_field(query.wants)], count=len(hits))
    return Answer("\n".join([head, *grouped(hits, query)]), [citation_of(h) for h in hits])


def per_region(result: SearchResult) -> Answer:
    """"哪些地区有…": the districts with strong evidence, each with its records on the topic."""
    query = result.query
    # A district is listed for a record that holds at least half of the topic, not for a shared word.
    hits = [h for h in unique_records(result.hits) if h.strong and h.coverage >= _LIST_COVERAGE]
    regions = list(dict.fromkeys(place_of(h.chunk) for h in hits))
    head = texts.PLACES_WITH_TOPIC.format(count=len(regions), places=texts.LIST_JOIN.join(regions))
    return Answer("\n".join([head, *grouped(hits, query)]), [citation_of(h) for h in hits])


def compare(result: SearchResult) -> Answer:
    """"A和B分别…": one short paragraph per named district, in the order named."""
    query = result.query
    lines = []
    used = []
    for region in query.regions:
        hit = next((h for h in result.hits if h.chunk.region == region and h.strong), None)
        if hit is None:
            lines.append(texts.COMPARE_NOTHING.format(place=region))
            continue
        lines.append(texts.QUOTE_LINE.format(where=where(hit.chunk), text=record_lead(hit.chunk, query)))
        used.append(hit)
    return Answer("\n".join(lines), [citation_of(h) for h in used])


def report_period(result: SearchResult) -> Answer:
    """"统计到几月份": each report's title and the period it covers, quoted from the report."""
    lines = []
    for hit in result.hits:
        chunk = hit.chunk
        covers = texts.REPORT_PERIOD_HELD.format(period=chunk.period_label) if chunk.period \
            else texts.REPORT_PERIOD_NONE
        lines.append(texts.REPORT_PERIOD_LINE.format(place=chunk.region or texts.A_REPORT,
                                                     title=chunk.report or chunk.source, covers=covers))
    return Answer("\n".join(lines), [citation_of(h) for h in result.hits])


def introduction(result: SearchResult) -> Answer:
    """The answer to a greeting or "你能做什么": what the bot does, what it covers, three example questions."""
    covered = covered_line(result.coverage) if result.coverage else ""
    if not covered:
        return Answer(texts.HELLO + texts.EMPTY_INDEX, abstained=True)
    lines = [texts.INTRODUCTION, texts.COVERED_NOW.format(covered=covered), *ask_like(result.examples)]
    return Answer("\n".join(lines), abstained=True)


def in_english(result: SearchResult) -> Answer:
    """One line in English for a question in English: what the bot answers, and in which language."""
    places = [region for region in (result.coverage.regions if result.coverage else {}) if region]
    if not places:
        return Answer(texts.ENGLISH_EMPTY, abstained=True)
    named = texts.LIST_JOIN.join(places[:5]) + (
        texts.ENGLISH_MORE_PLACES.format(count=len(places) - 5) if len(places) > 5 else "")
    example = texts.ENGLISH_EXAMPLE.format(question=result.examples[0]) if result.examples else ""
    return Answer(texts.ENGLISH_INTRO.format(places=named, example=example), abstained=True)
