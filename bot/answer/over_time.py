"""Answers about places' projects as a whole (status lists, counts, the scorecard) and about change over time,
from the scorecards and earlier points a search found. Quoted sentences are the reports' own; counts made here
say that they are counted."""
from __future__ import annotations

from minsheng.bot import texts
from minsheng.bot.answer.types import Answer, citation_of
from minsheng.bot.chart import chart_counts, done_share, item_label
from minsheng.index.kinds import QueryKind, Status
from minsheng.index.search import STATUS_ORDER, Scorecard, ScoredItem, SearchResult

# Items named per status in a list answer, and places in an answer that names none.
_NAMED = 12
_PLACES = 8
_SUMMARY_NAMED = 5
# The evidence shown after a project's name, at most this many characters.
_EVIDENCE_CHARS = 30
# Places named in the line about places whose reports name none of the statuses asked.
_SILENT_NAMED = 6


def compose_whole(result: SearchResult) -> Answer:
    """The answer to a STATUS_LIST, COUNT or SUMMARY question: one block per card."""
    query = result.query
    cards = result.cards[:_PLACES] if not query.regions else result.cards
    silent: list[Scorecard] = []
    if query.kind == QueryKind.STATUS_LIST:
        if not query.regions:
            # Asked of every place: those whose report names none of the statuses asked are counted, not listed.
            silent = [card for card in result.cards if not _names_any(card, query.statuses)]
            cards = [card for card in result.cards if card not in silent][:_PLACES]
        blocks = [status_list_text(card, query.statuses) for card in cards]
    elif query.kind == QueryKind.COUNT:
        blocks = [count_text(card, query.statuses) for card in cards]
    else:
        blocks = [summary_text(card) for card in cards]
    if silent:
        asked = _statuses(query.statuses) or texts.PROJECTS
        places = texts.LIST_JOIN.join(dict.fromkeys(heading(c) for c in silent[:_SILENT_NAMED]))
        blocks.append(texts.OTHER_PLACES_SILENT.format(count=len(silent), places=places, asked=asked,
                                                       etc=texts.ETC if len(silent) > _SILENT_NAMED else ""))
    elif len(result.cards) > len(cards):
        blocks.append(texts.MORE_PLACES.format(count=len(result.cards) - len(cards)))
    if not query.regions and len(cards) > 1:
        blocks.insert(0, texts.BEHIND_FIRST)
    elif query.kind == QueryKind.SUMMARY and len({card.report.region for card in cards}) > 1:
        blocks.insert(0, side_by_side(cards))
    shown = {card.report.source for card in cards}
    citations = {}
    for hit in result.hits:
        if hit.chunk.source in shown:
            citation = citation_of(hit)
            citations.setdefault(citation.label(), citation)  # two passages of one report cite it once
    return Answer("\n\n".join(blocks), list(citations.values()))


def side_by_side(cards: list[Scorecard]) -> str:
    """Places' cards compared: each one's share done, as counted or as its report counts, with its period; a word
    when the periods differ (then the shares are not like with like)."""
    parts = []
    for card in cards:
        counts, how = chart_counts(card)
        total, done, share = done_share(counts)
        parts.append(texts.SIDE_PART.format(heading=heading(card), done=done, total=total, share=share, how=how))
    lines = [texts.SIDE_BY_SIDE.format(parts=texts.CLAUSE_JOIN.join(parts))]
    if len({card.report.label for card in cards}) > 1:
        lines.append(texts.PERIODS_DIFFER)
    return "\n".join(lines)


def _names_any(card: Scorecard, statuses: tuple[Status, ...]) -> bool:
    wanted = statuses or STATUS_ORDER
    return any(card.of(s) for s in wanted) or any(listed.status in wanted for listed in card.lists)


def _statuses(statuses: tuple[Status, ...]) -> str:
    """"滞后、未启动": the statuses asked, as list headings."""
    return texts.LIST_JOIN.join(dict.fromkeys(texts.STATUS_NAMES[s] for s in statuses))


def heading(card: Scorecard) -> str:
    """"大兴区（2024年一季度）" or "怀柔区城市管理委（2022年）"."""
    report = card.report
    if report.label:
        return texts.CARD_HEADING.format(place=report.region, issuer=report.issuer, period=report.label)
    return texts.CARD_HEADING_BARE.format(place=report.region, issuer=report.issuer)


def _item(item: ScoredItem, quoted: set[str] | None = None) -> str:
    """"第1项 名称", with the phrase its status comes from ("（报告：进度滞后）") unless the answer quotes it whole."""
    named = item_label(item)
    if quoted is None or not item.because or item.because in quoted:
        return named
    phrase = item.because if len(item.because) <= _EVIDENCE_CHARS else item.because[:_EVIDENCE_CHARS] + texts.CUT
    return named + texts.EVIDENCE.format(phrase=phrase)


def _items(items: list[ScoredItem], named: int, quoted: set[str] | None = None) -> tuple[str, str]:
    """The first items named, joined, each with its evidence when `quoted` (the sentences the answer quotes whole)
    is given, and " 等N项" when there are more."""
    shown = items[:named]
    more = texts.MORE_ITEMS.format(count=len(items)) if len(items) > len(shown) else ""
    return texts.CLAUSE_JOIN.join(_item(i, quoted) for i in shown), more


def counted_line(card: Scorecard) -> str:
    """"按报告逐项统计…：共N项，已完成a项，…。" ("" when no item has a status)."""
    counts = [(status, n) for status, n in card.counted().items() if n]
    if not counts:
        return ""
    parts = texts.COMMA_JOIN.join(texts.COUNTED_PART.format(status=texts.STATUS_NAMES[status], count=n)
                                  for status, n in counts)
    return texts.COUNTED_LINE.format(total=len(card.items), parts=parts)


def status_list_text(card: Scorecard, statuses: tuple[Status, ...]) -> str:
    """The items of the statuses asked (all, grouped, when none), with the report's own list sentences."""
    wanted = statuses or STATUS_ORDER
    asked = _statuses(statuses) if statuses else ""
    lines = [texts.STATUS_LIST_HEAD.format(heading=heading(card), asked=asked)]
    for listed in card.lists:
        if listed.status in wanted:
            lines.append(texts.REPORT_SAYS.format(sentence=listed.sentence))
    named = 0
    for status in wanted:
        items = card.of(status)
        if not items:
            continue
        shown, more = _items(items, _NAMED, {listed.sentence for listed in card.lists if listed.status in wanted})
        lines.append(texts.STATUS_ITEMS.format(status=texts.STATUS_NAMES[status], count=len(items), items=shown,
                                               more=more))
        named += len(items)
    if not named and len(lines) == 1:
        counted = counted_line(card)
        lines[0] = texts.NONE_OF_STATUS.format(heading=heading(card), asked=asked) + (
            counted and texts.PARENTHESES.format(text=counted[:-1]))
    elif card.items:
        lines.append(texts.STATUS_JUDGED)
    return "\n".join(lines)


def count_text(card: Scorecard, statuses: tuple[Status, ...]) -> str:
    """The report's own count sentence when it has one; the count made from its records, said to be counted."""
    lines = []
    if card.stated is not None:
        lines.append(texts.HEADING_REPORT_SAYS.format(heading=heading(card), sentence=card.stated.sentence))
    counted = "" if card.counts_more() else counted_line(card)
    if counted:
        if statuses and card.stated is None:
            n = sum(card.counted()[s] for s in dict.fromkeys(statuses))
            lines.append(texts.NO_TOTAL_COUNTED_STATUSES.format(heading=heading(card), statuses=_statuses(statuses),
                                                                count=n, total=len(card.items)))
        else:
            lines.append(counted if lines else texts.NO_TOTAL.format(heading=heading(card), counted=counted))
    if not lines:
        lines.append(texts.NO_COUNT_NO_LIST.format(heading=heading(card)))
    return "\n".join(lines)


def card_opening(card: Scorecard, title: str = texts.CARD_TITLE) -> list[str]:
    """A card's first lines: its heading and title (in the `title` template), the report's own summary sentence,
    and the items counted by status unless the report counts more than its records hold."""
    lines = [title.format(heading=heading(card), title=card.report.title)]
    if card.summary:
        lines.append(texts.REPORT_SAYS.format(sentence=card.summary))
    counted = counted_line(card)
    if counted and not card.counts_more():
        lines.append(counted)
    return lines


def summary_text(card: Scorecard) -> str:
    """A place's scorecard: the report's summary sentence, items by status, the behind ones named, the change since
    the previous report of its series."""
    lines = card_opening(card)
    behind = card.of(Status.BEHIND) + card.of(Status.NOT_STARTED)
    if behind:
        shown, more = _items(behind, _SUMMARY_NAMED, {listed.sentence for listed in card.lists})
        lines.append(texts.BEHIND_OR_NOT_STARTED.format(items=shown, more=more))
    for listed in card.lists:
        if listed.status in (Status.BEHIND, Status.NOT_STARTED) and listed.sentence != card.summary:
            lines.append(texts.REPORT_SAYS.format(sentence=listed.sentence))
    lines.extend(change_lines(card))
    if len(lines) == 1:
        lines.append(texts.NO_SUMMARY)
    return "\n".join(lines)


def moved_value(value: str | Status) -> str:
    """A changed project's figure as written, or its status's name."""
    return texts.STATUS_NAMES[value] if isinstance(value, Status) else value


def change_lines(card: Scorecard) -> list[str]:
    """What moved since the previous report of the series: its summary sentence, and the counts by status."""
    before = card.previous
    if before is None:
        return []
    lines = []
    now, then = card.counted(), before.counted()
    moved = [texts.COUNT_MOVED.format(status=texts.STATUS_NAMES[s], before=then[s], after=now[s])
             for s in STATUS_ORDER if now[s] != then[s]]
    period = before.report.label
    # Counts compare only when both reports list the same projects.
    if moved and before.items and len(before.items) == len(card.items):
        lines.append(texts.COUNTS_SINCE.format(period=period, moved=texts.CLAUSE_JOIN.join(moved)))
    if card.changes:
        shown = card.changes[:_SUMMARY_NAMED]
        told = texts.CLAUSE_JOIN.join(
            texts.ITEM_MOVED.format(item=texts.ITEM_PREFIX.format(item=c.item) if c.item else "",
                                    name=texts.ITEM_MOVED_NAMED.format(name=c.name) if c.name or c.item else "",
                                    before=moved_value(c.before), after=moved_value(c.after)) for c in shown)
        more = texts.MORE_ITEMS.format(count=len(card.changes)) if len(card.changes) > len(shown) else ""
        lines.append(texts.ITEMS_SINCE.format(period=period, items=told, more=more))
    if before.summary and before.summary != card.summary:
        lines.append(texts.PREVIOUS_SAYS.format(period=period, sentence=before.summary))
    if not lines:
        lines.append(texts.PREVIOUS_HELD.format(period=period))
    return lines
