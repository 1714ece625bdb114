"""The scorecard's bar chart: the CJK font from its package, a PNG, and clear errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from minsheng.bot.chart import ChartError, chart_counts, cjk_font, draw
from minsheng.index.indexing.chunk import chunk_report
from minsheng.index.ingest.load import load_report
from minsheng.index.kinds import Status
from minsheng.index.search.scorecard import Scorecard
from minsheng.index.search.timeline import Timeline
from tests.conftest import corpus_file


def _card(prefix: str) -> Scorecard:
    timeline = Timeline(chunk_report(load_report(corpus_file(prefix)), 768))
    return timeline.card(next(iter(timeline.refs)))


def test_the_font_package_has_every_character_the_chart_draws() -> None:
    from matplotlib.ft2font import FT2Font

    font = FT2Font(str(cjk_font()))
    for char in "滞后未启动正在推进已完成未说明进度项目数按报告逐项统计大兴区一季度民生实事进展":
        assert font.get_char_index(ord(char)), char  # 0 would be a tofu box


def test_the_chart_is_a_png(tmp_path: Path) -> None:
    out = draw(_card("寿县"), cjk_font(), tmp_path / "shou.png")
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and out.stat().st_size > 5_000


def test_a_missing_font_or_nothing_to_count_is_said(tmp_path: Path) -> None:
    with pytest.raises(ChartError, match="does not exist"):
        cjk_font(tmp_path / "nothing.otf")
    with pytest.raises(ChartError, match="lists no projects"):
        draw(_card("眉山市2019"), cjk_font(), tmp_path / "empty.png")
    assert not (tmp_path / "empty.png").exists()
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    with pytest.raises(ChartError, match="cannot be written there"):
        draw(_card("寿县"), cjk_font(), blocked / "shou.png")


def test_a_report_counting_more_than_it_lists_is_drawn_from_its_own_count() -> None:
    """萧县's 9月 report lists two paragraphs but counts its 30 projects: 19 done, the rest not said."""
    counts, how = chart_counts(_card("萧县2025年9月"))
    assert how == "报告原文的统计" and counts[Status.COMPLETED] == 19 and counts[Status.UNKNOWN] == 11
    counted, how = chart_counts(_card("寿县"))
    assert how == "按报告逐项统计" and counted[Status.BEHIND] == 5
