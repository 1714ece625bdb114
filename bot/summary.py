"""A place's scorecard for `minsheng summary` and the Telegram command /summary: the cards of its latest reports,
their text and sources, and the bar chart picture."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from minsheng.bot import texts
from minsheng.bot.answer.over_time import compose_whole, moved_value
from minsheng.bot.answer.types import Answer
from minsheng.bot.chart import ChartError, cjk_font, draw
from minsheng.bot.coverage import covered_line
from minsheng.index.errors import MinshengError
from minsheng.index.kinds import QueryKind
from minsheng.index.search import STATUS_ORDER, Scorecard, Searcher


class PlaceError(MinshengError):
    """The place asked for is not one the index covers."""


@dataclass
class Summary:
    """What a summary request gives: the answer (text and sources), the cards, and the chart or why there is none."""

    answer: Answer
    cards: list[Scorecard]
    chart: Path | None = None
    chart_error: str = ""


def summarize(searcher: Searcher, place: str, period: str = "") -> Summary:
    """The scorecards of a place's latest reports (each series), or of its reports of the period asked ("2024年一季度",
    "一季度", "2023年"); PlaceError naming what is covered, or the periods the place has, otherwise."""
    query = searcher.parse(f"{place} {period}".strip())
    if period and query.year is None and not query.period:
        raise PlaceError(texts.PERIOD_NOT_UNDERSTOOD.format(period=period))
    if not query.regions:
        covered = covered_line(searcher.coverage) if searcher.coverage else ""
        named = texts.LIST_JOIN.join(query.uncovered) or place.strip() or texts.NO_PLACE_GIVEN
        raise PlaceError(texts.NOT_COVERED.format(places=named) + texts.COVERED_SO_FAR.format(covered=covered)
                         if covered else texts.NO_REPORTS_INDEXED)
    result = searcher.search_query(replace(query, kind=QueryKind.SUMMARY, topic="", expansions=(), statuses=()))
    if not result.cards:
        raise PlaceError(texts.NOTHING_TO_SUMMARIZE.format(places=texts.LIST_JOIN.join(query.regions)))
    if period and not any(_of_period(card, query.year, query.period) for card in result.cards):
        # The search falls back on the latest report when none is of the period asked: say so instead.
        labels = [ref.label for region in query.regions for reports in searcher.timeline.series_of_place(region)
                  for ref in reports]
        raise PlaceError(texts.NO_REPORT_OF_PERIOD.format(
            places=texts.LIST_JOIN.join(query.regions), period=period,
            periods=texts.LIST_JOIN.join(dict.fromkeys(labels))))
    return Summary(compose_whole(result), result.cards)


def _of_period(card: Scorecard, year: int | None, period: str) -> bool:
    report = card.report
    return (year is None or report.year == year) and (not period or period in report.period or period in report.label)


def with_chart(summary: Summary, font: Path | None, out: Path) -> Summary:
    """The summary with its first card's chart written to out, or the reason it could not be drawn."""
    try:
        summary.chart = draw(summary.cards[0], cjk_font(font), out)
    except ChartError as exc:
        summary.chart_error = str(exc)
    return summary


def card_json(card: Scorecard) -> dict[str, Any]:
    """A scorecard as the JSON object of `minsheng summary --json` (a status that moved by its name, as people
    read it)."""
    return {
        "place": card.report.region,
        "issuer": card.report.issuer,
        "report": card.report.title,
        "source": card.report.source,
        "period": card.report.label,
        "items": len(card.items),
        "counted": {str(s): n for s, n in card.counted().items()},
        "stated": None if card.stated is None else {
            "sentence": card.stated.sentence, "total": card.stated.total,
            "counts": {str(s): n for s, n in card.stated.counts}, "all_done": card.stated.all_done},
        "summary": card.summary,
        "by_status": {str(s): [{"item": i.item, "name": i.name, "from": i.source, "because": i.because}
                               for i in card.of(s)] for s in STATUS_ORDER if card.of(s)},
        "previous": None if card.previous is None else {
            "period": card.previous.report.label, "source": card.previous.report.source,
            "counted": {str(s): n for s, n in card.previous.counted().items()},
            "stated": None if card.previous.stated is None else card.previous.stated.sentence},
        "changes": [{"item": c.item, "name": c.name, "before": moved_value(c.before), "after": moved_value(c.after)}
                    for c in card.changes],
    }

