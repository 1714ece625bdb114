"""A place's scorecard as a bar chart (PNG): its projects per status in the latest report, beside the previous
report of its series. Drawn with matplotlib's Agg backend in a CJK font found on disk."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from minsheng.bot import texts
from minsheng.index.errors import MinshengError
from minsheng.index.kinds import Status
from minsheng.index.search import STATUS_ORDER, Scorecard

# The package the set-up installs for the chart's Chinese labels (Noto Sans SC, SIL OFL), and its font file.
FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"
_COLOURS = {Status.BEHIND: "#d9534f", Status.NOT_STARTED: "#f0ad4e", Status.ON_TRACK: "#5bc0de",
            Status.COMPLETED: "#5cb85c", Status.UNKNOWN: "#aaaaaa"}


class ChartError(MinshengError):
    """The chart cannot be drawn (no CJK font, nothing to count)."""


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


def chart_counts(card: Scorecard) -> tuple[dict[Status, int], str]:
    """Projects per status to draw, and where they come from: the report's own count when it counts more projects
    than it lists one by one ("30项…已完成19项": 19 done, 11 not said), else the records counted."""
    stated = card.stated
    if stated is not None and stated.total and (stated.counts or stated.all_done) and card.counts_more():
        counts = {status: 0 for status in STATUS_ORDER}
        for status, n in stated.counts:
            counts[status] = n
        if stated.all_done:
            counts[Status.COMPLETED] = stated.total
        counts[Status.UNKNOWN] += max(stated.total - sum(counts.values()), 0)
        return counts, texts.CHART_FROM_REPORT
    return card.counted(), texts.CHART_COUNTED


def draw(card: Scorecard, font: Path, out: Path) -> Path:
    """Write the card's bar chart to out (PNG) and return it."""
    if not card.items:
        raise ChartError(texts.CHART_NOTHING_TO_COUNT.format(source=card.report.source))
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    prop = font_manager.FontProperties(fname=str(font))
    now, how = chart_counts(card)
    before = chart_counts(card.previous)[0] if card.previous and card.previous.items else None
    statuses = [s for s in STATUS_ORDER if now[s] or (before and before[s])]
    figure = Figure(figsize=(6.4, 0.6 * len(statuses) + 1.6), dpi=110)
    axes = figure.subplots()
    rows = list(range(len(statuses)))[::-1]
    height = 0.38 if before else 0.6
    axes.barh([r + (height / 2 if before else 0) for r in rows], [now[s] for s in statuses], height=height,
              color=[_COLOURS[s] for s in statuses], label=card.report.label)
    if before and card.previous is not None:
        axes.barh([r - height / 2 for r in rows], [before[s] for s in statuses], height=height, color="#dddddd",
                  edgecolor=[_COLOURS[s] for s in statuses], label=card.previous.report.label)
        axes.legend(prop=prop, loc="center right")
    # Room on the right for the figures written after the bars and for the legend.
    axes.set_xlim(0, max([1, *now.values(), *(before or {}).values()]) * 1.45)
    for row, status in zip(rows, statuses):
        axes.text(now[status], row + (height / 2 if before else 0), f" {now[status]}", va="center",
                  fontproperties=prop)
    axes.set_yticks(rows, [texts.STATUS_NAMES[s] for s in statuses], fontproperties=prop)
    axes.set_xlabel(texts.CHART_AXIS.format(how=how), fontproperties=prop)
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    title = texts.CHART_TITLE.format(place=card.report.region, issuer=card.report.issuer, period=card.report.label)
    axes.set_title(title, fontproperties=prop)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(out, format="png")
    except OSError as exc:
        raise ChartError(texts.CHART_NOT_WRITABLE.format(path=out, reason=exc.strerror or exc)) from None
    return out
