"""The scorecard's chart: what it shows equals the card, for every place of corpus/; the CJK font from its package,
a PNG, and clear errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from minsheng.bot import texts
from minsheng.bot.chart import SHARES_DRAWN, ChartError, chart_counts, chart_data, cjk_font, draw, figure
from minsheng.index.indexing.chunk import Chunk, chunk_report
from minsheng.index.ingest.corpus import corpus_files
from minsheng.index.ingest.load import load_report
from minsheng.index.kinds import Status
from minsheng.index.search.scorecard import Scorecard
from minsheng.index.search.timeline import Timeline
from tests.conftest import corpus_file


def _card(prefix: str) -> Scorecard:
    timeline = Timeline.of(chunk_report(load_report(corpus_file(prefix)), 768))
    return timeline.card(next(iter(timeline.refs)))


@pytest.fixture(scope="module")
def corpus_timeline() -> Timeline:
    root = corpus_file("寿县").parent
    chunks: list[Chunk] = [c for path in corpus_files(root) for c in chunk_report(load_report(path), 768)]
    return Timeline.of(chunks)


def _numbers(axes) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.get_text().strip() for t in axes.texts]


def test_every_place_s_chart_draws_the_numbers_of_its_card(corpus_timeline: Timeline) -> None:
    """Each report of corpus/: one segment per status with its number, the bars' totals and share done in the title,
    the previous report counted as this one is, every share the card holds written after its bar."""
    font = cjk_font()
    drawn = 0
    for source in corpus_timeline.refs:
        card = corpus_timeline.card(source)
        if not card.items:
            continue
        data = chart_data(card)
        fig = figure(data, font)
        bars_axes = fig.axes[0]
        want = sorted(str(n) for bar in data.bars for n in bar.counts.values() if n)
        assert sorted(_numbers(bars_axes)) == want, source
        counts, how = chart_counts(card, data.how)
        assert data.bars[0].counts == counts and how == data.how, source
        if card.previous is not None and card.previous.items:
            assert data.bars[1].counts == chart_counts(card.previous, data.how)[0], source
        done = counts[Status.COMPLETED]
        assert texts.CHART_TOTAL.format(total=sum(counts.values()), done=done,
                                        share=round(100 * done / sum(counts.values()))) in data.title, source
        legend = [t.get_text() for t in bars_axes.get_legend().get_texts()]
        assert legend == [texts.STATUS_NAMES[s] for s in (Status.COMPLETED, Status.ON_TRACK, Status.BEHIND,
                                                          Status.NOT_STARTED, Status.UNKNOWN)
                          if any(bar.counts[s] for bar in data.bars)], source
        shares = [i for i in card.items if i.share is not None]
        assert sorted(share for _, share, _ in data.shares) == sorted(round(i.share * 100, 1) for i in shares)
        if shares:  # the highest SHARES_DRAWN of them drawn, each with its figure
            drawn_shares = [f"{share:g}%" for _, share, _ in data.shares[-SHARES_DRAWN:]]
            assert sorted(_numbers(fig.axes[-1])) == sorted(drawn_shares), source
        assert card.report.source in data.footer and (card.report.label or str(card.report.year)) in data.footer
        drawn += 1
    assert drawn >= 20


def test_the_projects_behind_are_named_under_the_bars() -> None:
    data = chart_data(_card("苍南县"))
    assert [name.split(" ")[0] for name in data.behind] == ["第1项", "第5项", "第6项", "第7项", "第8项"]
    fig = figure(data, cjk_font())
    under = "".join(fig.axes[1].texts[0].get_text().split("\n"))
    assert under.startswith("滞后或未启动：第1项 新(改、扩)建公办园5所") and "第8项 推进县职业中专扩容提升" in under


def test_a_report_counting_more_than_it_lists_is_drawn_from_its_own_count() -> None:
    """萧县's 9月 report names 27 projects but counts its 30: 19 done, the rest not said."""
    counts, how = chart_counts(_card("萧县2025年9月"))
    assert how == "报告原文的统计" and counts[Status.COMPLETED] == 19 and counts[Status.UNKNOWN] == 11
    counted, how = chart_counts(_card("寿县"))
    assert how == "按报告逐项统计" and counted[Status.BEHIND] == 5


def test_counts_compare_like_with_like(corpus_timeline: Timeline) -> None:
    """A report's own count is drawn beside the previous report's own count; when the previous one states none,
    both bars are counted one project at a time (never 48 stated beside 4 counted)."""
    for source in corpus_timeline.refs:
        card = corpus_timeline.card(source)
        if card.previous is None or not card.items or not card.previous.items:
            continue
        data = chart_data(card)
        own_now = chart_counts(card)[1] == texts.CHART_FROM_REPORT
        own_before = chart_counts(card.previous)[1] == texts.CHART_FROM_REPORT
        assert data.how == (texts.CHART_FROM_REPORT if own_now and own_before else texts.CHART_COUNTED), source


def test_the_font_package_has_every_character_the_chart_draws() -> None:
    from matplotlib.ft2font import FT2Font

    font = FT2Font(str(cjk_font()))
    for char in "滞后未启动正在推进已完成未说明进度项目数按报告逐项统计大兴区一季度民生实事进展共来源各比例列":
        assert font.get_char_index(ord(char)), char  # 0 would be a tofu box


def test_the_chart_is_a_png(tmp_path: Path) -> None:
    out = draw(_card("寿县"), cjk_font(), tmp_path / "shou.png")
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and out.stat().st_size > 5_000


def test_a_missing_font_or_nothing_to_count_is_said(tmp_path: Path) -> None:
    with pytest.raises(ChartError, match="does not exist"):
        cjk_font(tmp_path / "nothing.otf")
    empty = tmp_path / "empty.txt"
    empty.write_text("某县2023年民生实事\n\n今年工作将继续推进。\n", encoding="utf-8")
    timeline = Timeline.of(chunk_report(load_report(empty), 768))
    card = timeline.card(next(iter(timeline.refs)))
    card.items.clear()
    with pytest.raises(ChartError, match="lists no projects"):
        draw(card, cjk_font(), tmp_path / "empty.png")
    assert not (tmp_path / "empty.png").exists()
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    with pytest.raises(ChartError, match="cannot be written there"):
        draw(_card("寿县"), cjk_font(), blocked / "shou.png")
