"""What a newly indexed report tells the people following its place: the report and its period, and what changed
since the previous report of its series (counts by status, the projects whose figure or status moved, the report's
own summary sentence), or that it is the place's first. Shared by the Telegram notices and `minsheng index|add`."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from minsheng.bot import texts
from minsheng.bot.answer.over_time import card_opening, change_lines
from minsheng.index.search import Scorecard, Timeline


@dataclass(frozen=True)
class ReportNews:
    """A newly indexed report seen as news: its scorecard (with the previous one of its series) and its place."""

    source: str
    region: str
    path: tuple[str, ...]  # the place from the province down; () when the report's place is unsettled
    card: Scorecard

    @property
    def first(self) -> bool:
        """Whether no earlier report of its series is indexed."""
        return self.card.previous is None


def report_news(timeline: Timeline, paths: Mapping[str, tuple[str, ...]], source: str) -> ReportNews | None:
    """The news of one indexed report (None when the index does not hold it, or holds it as a copy of another)."""
    if source not in timeline.refs or timeline.copy_of(source):
        return None
    card = timeline.card(source)
    region = card.report.region
    return ReportNews(source, region, tuple(paths.get(region, ())), card)


def news_lines(news: ReportNews) -> list[str]:
    """The notice's lines (plain text): the report, its own summary sentence, its counts, then what changed since
    the previous report, or that it is the first of its place."""
    card = news.card
    lines = card_opening(card, texts.NEWS_HEAD)
    if news.first:
        lines.append(texts.NEWS_FIRST.format(place=news.region or texts.READ_UNKNOWN))
    else:
        assert card.previous is not None
        lines.append(texts.NEWS_PREVIOUS.format(period=card.previous.report.label, title=card.previous.report.title))
        lines.extend(change_lines(card))
    return lines
