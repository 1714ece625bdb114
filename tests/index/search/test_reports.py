"""index/search/reports.py: each place's latest report as rows, reposted copies left out, which report leads."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from minsheng.index.indexing.chunk import Chunk, chunk_report
from minsheng.index.ingest.corpus import corpus_files
from minsheng.index.ingest.load import load_report, parse_bytes
from minsheng.index.search.query import Query
from minsheng.index.search.reports import ReportRows
from minsheng.index.search.timeline import Timeline
from tests.conftest import corpus_file
from tests.support.series import later_copy, series_corpus

YEAR_END = "大兴区2024年重要民生实事项目完成情况.txt"
OLDER = "大兴区2023年重要民生实事项目一季度进展情况.txt"
REPOST = "萧县民生工程9月进展(转载).txt"


def _daxing_over_two_years() -> list[Chunk]:
    """大兴区's 2024 一季度 report, its 2024 year-end report and a 2023 一季度 one."""
    q1 = load_report(corpus_file("大兴区"))
    year_end = later_copy(q1.text).replace("2024年重要民生实事项目二季度进展情况", "2024年重要民生实事项目完成情况")
    year_end = year_end.replace("3月20日", "12月20日")
    end = parse_bytes(year_end.encode("utf-8"), YEAR_END)
    older = parse_bytes(q1.text.replace("2024年", "2023年").encode("utf-8"), OLDER)
    return [c for parsed in (q1, end, older) for c in chunk_report(parsed, 768)]


def test_the_latest_report_of_a_place_and_of_a_year() -> None:
    """A year-end report leads its year; without a year asked the latest report of all leads."""
    chunks = _daxing_over_two_years()
    latest, several = Timeline.of(chunks).latest_rows(chunks, by_year=False)
    of_year, several_in_year = Timeline.of(chunks).latest_rows(chunks, by_year=True)
    assert {c.source for c, on in zip(chunks, latest) if on} == {YEAR_END}
    assert {c.source for c, on in zip(chunks, of_year) if on} == {YEAR_END, OLDER}
    assert several == {"大兴区"} and several_in_year == {("大兴区", 2024)}


def test_the_latest_report_is_known_from_the_index_s_reports_not_the_chunks_loaded() -> None:
    """A searcher holding only an older report's chunks (a question's scope) still knows it is not the latest."""
    chunks = _daxing_over_two_years()
    timeline = Timeline.of(chunks)
    older = [c for c in chunks if c.source == OLDER]
    latest, several = timeline.latest_rows(older, by_year=False)
    assert not latest.any() and several == {"大兴区"}
    assert timeline.latest_rows(older, by_year=True)[0].all()


def test_the_report_that_leads_depends_on_the_year_asked() -> None:
    """No year or period asked: the latest report leads; a year asked: each year's last report, where the year has
    several (2023's only report leads over nothing; the filters keep a year's rows); a period asked: none."""
    chunks = _daxing_over_two_years()
    reports = ReportRows(chunks, Timeline.of(chunks))
    query = Query("大兴区养老", "大兴区养老", False, regions=("大兴区",))

    def leading(asked: Query) -> set[str]:
        return {c.source for row, c in enumerate(chunks) if reports.leads(asked, row, c)}

    assert leading(query) == {YEAR_END}
    assert leading(Query(**{**query.__dict__, "year": 2024})) == {YEAR_END}
    assert leading(Query(**{**query.__dict__, "year": 2023})) == {YEAR_END}
    assert leading(Query(**{**query.__dict__, "year": 2024, "period": "一季度"})) == set()


def test_a_reposted_report_never_answers(tmp_path: Path) -> None:
    """The rows that may answer are all but the reposted copy's, as a fresh mask each time (the filters narrow it
    in place)."""
    chunks = [c for path in corpus_files(series_corpus(tmp_path / "corpus")) for c in chunk_report(load_report(path), 768)]
    reports = ReportRows(chunks, Timeline.of(chunks))
    answering = reports.answering()
    assert {c.source for c, on in zip(chunks, answering) if not on} == {REPOST}
    answering[:] = False
    assert reports.answering().sum() == sum(c.source != REPOST for c in chunks)


def test_without_reposts_every_row_answers() -> None:
    """An index with no report published twice leaves every row to answer."""
    chunks = _daxing_over_two_years()
    assert ReportRows(chunks, Timeline.of(chunks)).answering().all()


def test_a_bureau_s_reports_are_a_series_of_their_own() -> None:
    """A district's bureau reporting later than its government does not make the government's report an old one:
    each issuer's latest report leads."""
    q1 = load_report(corpus_file("大兴区"))
    bureau_name = "大兴区园林绿化局2025年重要民生实事项目进展情况一季度.txt"
    bureau = parse_bytes(q1.text.replace("2024年", "2025年").encode("utf-8"), bureau_name)
    chunks = [c for parsed in (q1, bureau) for c in chunk_report(parsed, 768)]
    refs = Timeline.of(chunks).refs
    latest, _ = Timeline(refs, lambda source: []).latest_rows(chunks, by_year=False)
    assert {c.source for c, on in zip(chunks, latest) if on} == {q1.report.source, bureau_name}
    # Without the issuers, one place's reports are one series and the later bureau report alone leads.
    same = {s: replace(r, issuer="") for s, r in refs.items()}
    latest, _ = Timeline(same, lambda source: []).latest_rows(chunks, by_year=False)
    assert {c.source for c, on in zip(chunks, latest) if on} == {bureau_name}
