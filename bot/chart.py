"""A place's scorecard as a chart (PNG): one stacked bar per report (its projects by status, a number on every
segment), the previous report of its series beside it counted the same way, the total and share done in the title,
the projects behind named under it, source and period in a footer; and, where the report gives projects' shares of
their targets, a second panel of the projects by share done. Drawn with matplotlib's Agg backend in a CJK font
found on disk. What is drawn (ChartData) is computed apart from the drawing, so tests can hold one against the
other."""
from __future__ import annotations

import importlib.util
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from minsheng.bot import texts
from minsheng.index.errors import MinshengError
from minsheng.index.kinds import Status
from minsheng.index.search import STATUS_ORDER, Scorecard, ScoredItem

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

# The package the set-up installs for the chart's Chinese labels (Noto Sans SC, SIL OFL), and its font file.
FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"
_COLOURS = {Status.BEHIND: "#d9534f", Status.NOT_STARTED: "#f0ad4e", Status.ON_TRACK: "#5bc0de",
            Status.COMPLETED: "#5cb85c", Status.UNKNOWN: "#aaaaaa"}
# Segments left to right: what is done first, what is not said last.
SEGMENT_ORDER = (Status.COMPLETED, Status.ON_TRACK, Status.BEHIND, Status.NOT_STARTED, Status.UNKNOWN)
# Projects behind named under the chart, and characters a line of those names holds.
_BEHIND_NAMED = 8
_LINE_CHARS = 46
# A share drawn beyond this (in %) is cut at it, its figure written in full.
_SHARE_AXIS_MAX = 200.0
SHARES_DRAWN = 20


class ChartError(MinshengError):
    """The chart cannot be drawn (no CJK font, nothing to count)."""


@dataclass(frozen=True)
class Bar:
    """One report's projects by status, as one stacked bar."""

    period: str
    counts: dict[Status, int]

    @property
    def total(self) -> int:
        """All projects of the bar."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class ChartData:
    """Everything the chart shows, before it is drawn."""

    title: str
    how: str  # where the counts come from: the report's own count, or its projects counted one by one
    bars: list[Bar]  # the report's, then the previous report's
    behind: list[str]  # the projects behind or not started, "第1项 名称"
    footer: str
    shares: list[tuple[str, float, Status]]  # (project, share done in %, its status), lowest first


def cjk_font(configured: Path | None = None) -> Path:
    """The font file to draw Chinese with: the configured one, else the font package's; ChartError saying what to
    install when neither is there."""
    if configured is not None:
        if configured.is_file():
            return configured
        raise ChartError(texts.CHART_FONT_MISSING.format(path=configured))
    spec = importlib.util.find_spec(FONT_PACKAGE)  # located, never imported
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            path = Path(folder) / FONT_FILE
            if path.is_file():
                return path
    raise ChartError(texts.CHART_NO_FONT)


def chart_counts(card: Scorecard, how: str = "") -> tuple[dict[Status, int], str]:
    """Projects per status to draw, and where they come from: the report's own count when it counts more projects
    than it lists one by one ("30项…已完成19项": 19 done, 11 not said), else the records counted; `how` asks for
    one of the two (a previous report drawn beside a later one is counted as that one is)."""
    stated = card.stated
    own = stated is not None and stated.total and (stated.counts or stated.all_done) and card.counts_more()
    if stated is not None and own and how != texts.CHART_COUNTED:
        counts = {status: 0 for status in STATUS_ORDER}
        for status, n in stated.counts:
            counts[status] = n
        if stated.all_done and stated.total:
            counts[Status.COMPLETED] = stated.total
        counts[Status.UNKNOWN] += max((stated.total or 0) - sum(counts.values()), 0)
        return counts, texts.CHART_FROM_REPORT
    return card.counted(), texts.CHART_COUNTED


def item_label(item: ScoredItem) -> str:
    """"第1项 名称", or the name alone for a project with no item number."""
    return f"{texts.ITEM.format(item=item.item)} {item.name}" if item.item else item.name


def done_share(counts: dict[Status, int]) -> tuple[int, int, int]:
    """Projects in all, those done, and the share done in whole percent."""
    total, done = sum(counts.values()), counts[Status.COMPLETED]
    return total, done, round(100 * done / total) if total else 0


def chart_data(card: Scorecard) -> ChartData:
    """What the card's chart shows: its bar and the previous report's counted the same way (both counted one by
    one when only one of them states its own count), title, behind projects, footer and shares."""
    if not card.items:
        raise ChartError(texts.CHART_NOTHING_TO_COUNT.format(source=card.report.source))
    now, how = chart_counts(card)
    bars = [Bar(card.report.label, now)]
    previous = card.previous
    if previous is not None and previous.items:
        before, before_how = chart_counts(previous, how)
        if before_how != how:  # like with like: the report's own count beside a count of records says nothing
            now, how = chart_counts(card, texts.CHART_COUNTED)
            before, _ = chart_counts(previous, texts.CHART_COUNTED)
            bars = [Bar(card.report.label, now)]
        bars.append(Bar(previous.report.label, before))
    total, done, share = done_share(bars[0].counts)
    report = card.report
    title = texts.CHART_TITLE.format(place=report.region, issuer=report.issuer, period=report.label) + "\n" + \
        texts.CHART_TOTAL.format(total=total, done=done, share=share)
    behind = [item_label(i) for i in card.of(Status.BEHIND) + card.of(Status.NOT_STARTED)]
    footer = texts.CHART_FOOTER.format(title=report.title, source=report.source, period=report.label or report.year)
    shares = sorted(((i.name, round(i.share * 100, 1), i.status) for i in card.items if i.share is not None),
                    key=lambda share: share[1])
    return ChartData(title, how, bars, behind, footer, shares)


def figure(data: ChartData, font: Path) -> Figure:
    """The chart drawn (not yet written): the bars, the projects behind under them, the shares panel, the footer."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    prop = font_manager.FontProperties(fname=str(font))
    behind_lines = _behind_lines(data.behind)
    shares = data.shares[-SHARES_DRAWN:]
    # Heights in inches of each part: the bars with their axis and legend, the names behind, the shares panel.
    parts = [0.55 * len(data.bars) + 1.3]
    if behind_lines:
        parts.append(0.24 * len(behind_lines) + 0.1)
    if shares:
        parts.append(0.3 * len(shares) + 1.0)
    fig = Figure(figsize=(7.2, sum(parts) + 1.1), dpi=110)
    grid = fig.add_gridspec(len(parts), 1, height_ratios=parts)
    _status_bars(fig.add_subplot(grid[0]), data, prop)
    fig.suptitle(data.title, fontproperties=prop, fontsize=12)
    if behind_lines:
        names = fig.add_subplot(grid[1])
        names.axis("off")
        names.text(0, 1, "\n".join(behind_lines), va="top", ha="left", fontproperties=prop, fontsize=9,
                   color=_COLOURS[Status.BEHIND], transform=names.transAxes)
    if shares:
        _share_bars(fig.add_subplot(grid[-1]), shares, prop)
    fig.text(0.01, 0.005, data.footer, fontproperties=prop, fontsize=7.5, color="#555555", va="bottom")
    fig.tight_layout(rect=(0, 0.025, 1, 0.97))
    return fig


def _behind_lines(names: list[str]) -> list[str]:
    if not names:
        return []
    shown = texts.CLAUSE_JOIN.join(names[:_BEHIND_NAMED])
    more = texts.MORE_ITEMS.format(count=len(names)) if len(names) > _BEHIND_NAMED else ""
    return textwrap.wrap(texts.CHART_BEHIND.format(items=shown, more=more), _LINE_CHARS)[:6]


def _status_bars(axes: Axes, data: ChartData, prop: FontProperties) -> None:
    """One stacked bar per report, latest on top, a number in every segment, the legend below clear of them."""
    rows = list(range(len(data.bars)))[::-1]
    for status in SEGMENT_ORDER:
        lefts = [sum(bar.counts[s] for s in SEGMENT_ORDER[:SEGMENT_ORDER.index(status)]) for bar in data.bars]
        widths = [bar.counts[status] for bar in data.bars]
        if not any(widths):
            continue
        axes.barh(rows, widths, left=lefts, height=0.6, color=_COLOURS[status],
                  label=texts.STATUS_NAMES[status], edgecolor="white")
        for row, left, width in zip(rows, lefts, widths):
            if width:
                axes.text(left + width / 2, row, str(width), ha="center", va="center",
                          fontproperties=prop, fontsize=10, color="white" if status != Status.UNKNOWN else "black")
    axes.set_yticks(rows, [bar.period or "—" for bar in data.bars], fontproperties=prop)
    axes.set_xlim(0, max(bar.total for bar in data.bars) or 1)
    axes.set_ylim(-0.6, len(data.bars) - 0.4)
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(texts.CHART_AXIS.format(how=data.how), fontproperties=prop)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    # Above the bars, outside them: the legend never covers a segment or its number.
    axes.legend(prop=prop, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=5, frameon=False)


def _share_bars(axes: Axes, shares: list[tuple[str, float, Status]], prop: FontProperties) -> None:
    """The projects by share done, in their status's colour, a line at 100%, each share written after its bar."""
    rows = list(range(len(shares)))
    drawn = [min(share, _SHARE_AXIS_MAX) for _, share, _ in shares]
    colours = [_COLOURS[status] for _, _, status in shares]
    axes.barh(rows, drawn, color=colours, height=0.6)
    axes.axvline(100, color="#333333", linewidth=0.8, linestyle="--")
    for row, (_, share, _), width in zip(rows, shares, drawn):
        axes.text(width, row, f" {share:g}%", va="center", fontproperties=prop, fontsize=8)
    names = [name if len(name) <= 18 else name[:17] + texts.CUT for name, _, _ in shares]
    axes.set_yticks(rows, names, fontproperties=prop, fontsize=8)
    axes.set_xlim(0, _SHARE_AXIS_MAX * 1.15)
    axes.set_title(texts.CHART_SHARES, fontproperties=prop, fontsize=10)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def draw(card: Scorecard, font: Path, out: Path) -> Path:
    """Write the card's chart to out (PNG) and return it."""
    fig = figure(chart_data(card), font)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, format="png")
    except OSError as exc:
        raise ChartError(texts.CHART_NOT_WRITABLE.format(path=out, reason=exc.strerror or exc)) from None
    return out
