"""Series of reports, their issuers, reports published twice, projects linked across periods, figures compared."""
from __future__ import annotations

from pathlib import Path

from minsheng.index.indexing.chunk import Chunk, chunk_report
from minsheng.index.ingest.corpus import corpus_files
from minsheng.index.ingest.load import load_report
from minsheng.index.search.series import duplicates, figure_change, issuer_of, link, projects, report_refs, series
from tests.support.series import DAXING_Q1, DAXING_Q2, series_corpus


def _chunks(folder: Path) -> list[Chunk]:
    return [c for path in corpus_files(folder) for c in chunk_report(load_report(path), 768)]


def test_issuer_is_a_bureau_named_after_the_place() -> None:
    assert issuer_of(["怀柔区城市管理委2022年重要民生实事项目进展情况"], "怀柔区") == "城市管理委"
    assert issuer_of(["2022年,区城市管理委共承办为群众拟办重要民生实事项目5项"], "怀柔区") == "城市管理委"
    assert issuer_of(["大兴区民政局2024年养老服务进展"], "大兴区") == "民政局"
    # The government, its office, its 管委会 or 民生办 speak for the whole place.
    for title in ("大兴区2024年重要民生实事项目一季度进展情况", "大兴区人民政府办公室关于…",
                  "济宁高新区管委会关于做好2021年为民办实事的通知", "鹿寨县2009为民办实事完成情况"):
        assert issuer_of([title], title[:3] if title.startswith("大兴") else title[:5].rstrip("管委鹿寨")) == ""


def test_series_of_the_real_reports_and_a_later_period(tmp_path: Path) -> None:
    chunks = _chunks(series_corpus(tmp_path / "corpus"))
    refs = report_refs(chunks)
    found = projects(chunks)
    repeated = duplicates(refs, lambda source: found.get(source, []))
    # The same 萧县 report under another file name is one point of its series, not two.
    assert list(repeated.values()) == ["萧县2025年9月份民生工程进展情况.txt"]
    grouped = series(refs, repeated)
    labels = {key: [r.label for r in reports] for key, reports in grouped.items() if len(reports) > 1}
    assert labels[("大兴区", "")] == ["2024年一季度", "2024年二季度"]
    assert labels[("萧县", "")] == ["2025年6月", "2025年9月"]
    assert labels[("天津市", "")] == ["2024年一季度", "2024年三季度"]
    assert labels[("西湖区", "")] == ["2022年截止到2月28日", "2022年截止到4月30日"]
    assert labels[("眉山市", "")] == ["2017年1-11月", "2019年"]
    assert ("怀柔区", "城市管理委") in grouped
    # Each project of the later quarter is itself in the earlier one.
    later, earlier = found[DAXING_Q2], found[DAXING_Q1]
    linked = [link(p, earlier) for p in later]
    assert all(other is not None and other.item == p.item for p, other in zip(later, linked))


def test_a_figure_moved_between_periods() -> None:
    assert figure_change("已开工26部", "已开工19部") == ("已开工19部", "已开工26部")
    assert figure_change("截至9月底已完成19项", "其余27项中,已完成8项") == ("已完成8项", "已完成19项")
    # The n-th figure of one against the n-th of the other; unchanged text, dates and bare numbers are no change.
    assert figure_change("医疗机构5家,医疗机构3家", "医疗机构5家,医疗机构3家") is None
    assert figure_change("医疗机构5家,医疗机构4家", "医疗机构5家,医疗机构3家") == ("医疗机构3家", "医疗机构4家")
    assert figure_change("截至9月底", "截至6月底") is None
    assert figure_change("共26部", "共19个") is None


def test_a_news_report_after_a_table_is_linked_to_its_projects(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The later report of a place written as news (paragraphs, no tasks) names its projects inside its text: each
    paragraph is linked to the earlier table's project whose task clause it holds, and the figure that moved is
    found."""
    from minsheng.index.indexing.chunk import chunk_report
    from minsheng.index.ingest.corpus import corpus_files
    from minsheng.index.ingest.load import load_report
    from minsheng.index.search.series import figure_change
    from minsheng.index.search.timeline import Timeline
    from tests.support.series import DAXING_NEWS, news_corpus

    folder = news_corpus(tmp_path / "corpus")
    chunks = [c for path in corpus_files(folder) for c in chunk_report(load_report(path), 768)]
    timeline = Timeline.of(chunks)
    news = [c for c in chunks if c.source == DAXING_NEWS and "老楼加梯" in c.text]
    assert news and timeline.previous(DAXING_NEWS) is not None
    points = timeline.earlier(news[0])
    assert [p.project.item for p in points] == ["6"]
    assert figure_change(news[0].text, points[0].project.progress) == ("已开工19部", "已开工26部")
    bus = next(c for c in chunks if c.source == DAXING_NEWS and c.text.split("\n")[1].startswith("进展: 通学公交"))
    assert [p.project.item for p in timeline.earlier(bus)] == ["12"]  # "拟开通不少于50条通学公交线路"
    closing = next(c for c in chunks if c.source == DAXING_NEWS and "下一步" in c.text and "老楼" not in c.text)
    assert timeline.earlier(closing) == []  # a paragraph naming no earlier project is linked to none
