"""A report seen as a whole: items by status, lists and table titles applied, the report's own count and summary."""
from __future__ import annotations

import pytest

from minsheng.index.indexing.chunk import Chunk, chunk_report
from minsheng.index.ingest.corpus import corpus_files
from minsheng.index.ingest.load import load_report
from minsheng.index.kinds import Status
from minsheng.index.search.scorecard import behind_first
from minsheng.index.search.timeline import Timeline
from tests.support.series import DAXING_Q2, series_corpus


@pytest.fixture(scope="module")
def timeline(tmp_path_factory: pytest.TempPathFactory) -> Timeline:
    folder = series_corpus(tmp_path_factory.mktemp("series") / "corpus")
    chunks: list[Chunk] = [c for path in corpus_files(folder) for c in chunk_report(load_report(path), 768)]
    return Timeline.of(chunks)


def _card(timeline: Timeline, prefix: str):  # type: ignore[no-untyped-def]
    return timeline.card(next(source for source in timeline.refs if source.startswith(prefix)))


def test_a_list_of_slow_projects_sets_their_status(timeline: Timeline) -> None:
    card = _card(timeline, "寿县")
    behind = card.of(Status.BEHIND)
    assert [i.name for i in behind][:2] == ["乡镇污水处理设施建设(八公山乡污水处理站)", "基层防汛预报预警体系建设"]
    assert all(i.source == "list" and "实施进度较慢的项目" in i.because for i in behind)


def test_a_lagging_table_s_rows_are_behind_and_its_count_sentence_is_quoted(timeline: Timeline) -> None:
    card = _card(timeline, "西湖区2022年全区民生实事项目进展情况通报三")
    assert [i.status for i in card.items] == [Status.BEHIND]
    assert card.stated is not None and card.stated.count(Status.ON_TRACK) == 9
    assert card.summary.startswith("目前,10件实事项目9件进度正常")


def test_counted_from_records_and_stated_by_the_report(timeline: Timeline) -> None:
    daxing = _card(timeline, DAXING_Q2)
    assert len(daxing.items) == 22 and daxing.stated is None
    # Done: only 第12项 (the 二季度 copy finished it); 第5项 医保移动支付 finished only its preparations (前期准备).
    assert [item.item for item in daxing.of(Status.COMPLETED)] == ["12"]
    assert next(item for item in daxing.items if item.item == "5").status == Status.ON_TRACK
    xiao = _card(timeline, "萧县2025年9月")
    assert xiao.stated is not None and (xiao.stated.total, xiao.stated.count(Status.COMPLETED)) == (30, 19)
    assert xiao.previous is not None and xiao.previous.report.label == "2025年6月"
    # The report's own count beside the previous one's, and a project its paragraph names, matched by name.
    assert [(c.before, c.after) for c in xiao.changes] == [("已完成8项", "已完成19项"), ("军属烈属421人", "军属烈属431人")]
    qingdao = _card(timeline, "青岛市")
    assert qingdao.summary == "[摘要] 2022年16件市办实事上半年总体进展良好。"


def test_changes_since_the_previous_quarter(timeline: Timeline) -> None:
    card = _card(timeline, DAXING_Q2)
    assert card.previous is not None and card.previous.report.label == "2024年一季度"
    moved = {(c.item, c.before, c.after) for c in card.changes}
    assert ("6", "已开工19部", "已开工26部") in moved
    assert ("12", Status.ON_TRACK, Status.COMPLETED) in moved
    assert len(moved) == 2


def test_the_most_behind_first(timeline: Timeline) -> None:
    cards = sorted((timeline.card(ref.source) for ref in timeline.refs.values()), key=behind_first)
    # 大兴区's two copies: seven projects each not started (only steps before the work); then 寿县 and 苍南县, five
    # behind each and none done (寿县's card is its list of slow projects: its other paragraphs are no projects).
    assert [card.report.region for card in cards[:4]] == ["大兴区", "大兴区", "寿县", "苍南县"]
    assert [len(card.of(Status.NOT_STARTED)) + len(card.of(Status.BEHIND)) for card in cards[:5]] == [7, 7, 5, 5, 2]


def test_projects_a_paragraph_names_with_their_shares_are_on_the_card() -> None:
    """A news paragraph naming projects with their shares puts each on the card, with its clause as evidence, in place
    of the paragraph; a table row giving its own share stays its record."""
    from minsheng.index.ingest.load import parse_bytes

    news = ("某县2025年9月份民生工程进展情况\n\n2025年全县20项民生实事中,截至9月底已完成15项。剩余5项中,"
            "20个农村幸福院建设已完成9个(45%),乡镇供水提升工程正在施工中(75%),这2项预计年底前完成;"
            "其中超额完成任务的有3项:零工驿站建设完成3个,完成率150%;已帮扶困难老人1200人,完成率120%。\n")
    chunks = chunk_report(parse_bytes(news.encode("utf-8"), "宁陕县2025年9月份民生工程进展情况.txt"), 768)
    card = Timeline.of(chunks).card(chunks[0].source)
    named = {item.name: (item.status, item.because) for item in card.items}
    assert named["20个农村幸福院建设"] == (Status.ON_TRACK, "20个农村幸福院建设已完成9个(45%)")
    assert named["零工驿站建设"][0] == Status.COMPLETED and named["帮扶困难老人"][0] == Status.COMPLETED
    assert len(card.items) == 4


def test_a_table_row_s_own_share_is_no_second_project(timeline: Timeline) -> None:
    card = _card(timeline, "苍南县")
    assert len(card.items) == len(card.projects)


def test_a_news_section_is_the_project_it_designates() -> None:
    """Under a journalist's headline, the project the section designates is the card's item (its status from the
    sentences naming it); a section designating two stands for both."""
    from minsheng.index.ingest.load import parse_bytes

    page = ("某区“我为群众办实事”成果发布\n\n滨河路预计明年通车\n\n区交通局局长介绍,区委把“加快推进滨河路建设”作为重点任务,"
            "每月督促相关单位落实工作要点。12月滨河路开工建设,将成为进出城区的又一重要通道。\n\n一老一小都有人管\n\n"
            "区民政局建立5项为民办实事项目清单,其中就包括为独居老人安装“一键通”呼叫系统以及打造“阳光少年”关爱品牌。"
            "“阳光少年”项目已开展活动120场。“一键通”系统正在安装。\n")
    chunks = chunk_report(parse_bytes(page.encode("utf-8"), "某区为群众办实事成果发布会(2021年12月).txt"), 768)
    card = Timeline.of(chunks).card(chunks[0].source)
    named = {item.name: item.status for item in card.items}
    assert named == {"加快推进滨河路建设": Status.ON_TRACK, "为独居老人安装“一键通”呼叫系统": Status.ON_TRACK,
                     "打造“阳光少年”关爱品牌": Status.ON_TRACK}
    assert card.items[0].item == "1"  # the section's record, renamed
