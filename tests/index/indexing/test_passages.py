"""index.indexing.passages and the passage chunks: every sentence of every report reachable, windows that never
cross an item, a heading or a table row, and passages that rank with the record holding them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from minsheng.index.indexing.chunk import chunk_report
from minsheng.index.indexing.passages import PASSAGE_CHARS, join_windows, split_passages, unreached
from minsheng.index.ingest.corpus import corpus_files
from minsheng.index.ingest.load import load_report
from minsheng.index.ingest.normalize import match_key
from tests.conftest import CORPUS, corpus_file

SHARED = CORPUS.parent.parent / "shared"


def _all_reports() -> list[Path]:
    """corpus/ plus the shared seed and real folders when this machine has them."""
    files = list(corpus_files(CORPUS))
    for folder in (SHARED / "corpus", SHARED / "corpus_real"):
        if folder.is_dir():
            files.extend(corpus_files(folder))
    return files


@pytest.mark.parametrize("path", _all_reports(), ids=lambda p: p.name[:24])
def test_every_sentence_of_every_report_is_in_a_passage(path: Path) -> None:
    """No sentence a report holds is unreachable: each lies whole in a passage chunk of the report."""
    parsed = load_report(path)
    passages = split_passages(parsed.text)
    assert passages and unreached(parsed.text, passages) == []
    assert max(len(p.text) for p in passages) <= PASSAGE_CHARS
    chunks = [c for c in chunk_report(parsed, 400) if c.is_passage]
    held = "\x00".join(match_key(c.text) for c in chunks)
    assert all(match_key(p.text) in held for p in passages)


def test_windows_never_cross_an_item_or_a_heading_and_overlap_by_a_sentence() -> None:
    text = ("一、住房保障\n1.新建保障房100套。已开工80套。主体封顶60套。\n2.改造老旧小区12个。已完工5个。\n"
            "二、教育\n新建学校2所。" + "学校进展顺利，" * 30 + "。\n")
    passages = split_passages(text, limit=60)
    assert not any("保障房" in p.text and "老旧小区" in p.text for p in passages)
    assert not any("住房保障" in p.text and "学校" in p.text for p in passages)
    assert [p.heading for p in passages if "老旧小区" in p.text] == ["2.改造老旧小区12个。已完工5个。"]
    assert [p.heading for p in passages if "新建学校2所" in p.text] == ["二、教育"]
    school = [p.text for p in passages if p.heading == "二、教育"]
    assert len(school) > 1 and all(len(t) <= 60 for t in school)


def test_each_table_row_is_a_passage_of_its_own_under_the_heading_above_the_table() -> None:
    text = "附件:项目进展表\n序号 | 项目 | 进展 |\n1 | 新建公园 | 已完工 |\n| 改造道路 | 完成80% |\n"
    passages = split_passages(text)
    rows = [p for p in passages if "|" in p.text]
    assert [p.text for p in rows] == ["序号 | 项目 | 进展 |", "1 | 新建公园 | 已完工 |", "| 改造道路 | 完成80% |"]
    assert {p.heading for p in rows} == {""}


def test_a_passage_inside_a_record_shares_its_number_and_one_outside_stands_alone() -> None:
    """大兴区's rows are its records, so their passages rank with them; 眉山市2019's figures, which no record
    reads, are passages of their own that a search can still return."""
    daxing = chunk_report(load_report(corpus_file("大兴区")), 400)
    records = {c.record for c in daxing if not c.is_passage}
    owned = [c for c in daxing if c.is_passage and c.record in records]
    assert len(owned) >= len(records) // 2
    rented = next(c for c in owned if "养老服务示范中心" in c.text)
    record = next(c for c in daxing if not c.is_passage and c.record == rented.record)
    assert "养老服务示范中心" in record.text and rented.lead_unit == record.lead_unit
    meishan = [c for c in chunk_report(load_report(corpus_file("眉山市2019")), 400) if c.is_passage]
    figures = next(c for c in meishan if "52242" in c.text)
    assert figures.record >= 100_000 and figures.text.startswith("眉山市 · 2019年")


def test_a_table_of_figures_a_cell_per_line_is_a_passage_per_row_under_its_header_cells() -> None:
    text = "完成情况表\n地区\n新增就业(人)\n再就业(人)\n目标\n完成\n目标\n完成\n全市\n500\n620\n40\n41\n甲县\n200\n260\n空白区\n乙县\n300\n360\n"
    passages = split_passages(text)
    rows = {p.text.split("\n")[0]: p for p in passages if re.search(r"\d", p.text)}
    assert rows["全市"].text == "全市\n500\n620\n40\n41"
    assert rows["甲县"].text == "甲县\n200\n260\n空白区"  # a row with no figures stays with the row above
    assert rows["乙县"].heading == rows["全市"].heading == "完成情况表 地区 新增就业(人) 再就业(人) 目标 完成"
    assert unreached(text, passages) == []


def test_a_serial_numbered_table_a_cell_per_line_is_a_passage_per_row() -> None:
    text = "序号\n项目\n牵头单位\n进展\n1\n新建公园2个\n*区园林局\n已完工\n2\n改造道路\n区交通局\n区城管局\n完成80%\n3\n"
    passages = split_passages(text)
    assert [p.text for p in passages] == [
        "序号\n项目\n牵头单位\n进展", "1\n新建公园2个\n*区园林局\n已完工", "2\n改造道路\n区交通局\n区城管局\n完成80%", "3"]
    assert {p.heading for p in passages[1:]} == {"序号 项目 牵头单位 进展"}


def test_the_rows_of_a_real_cell_per_line_table_are_passages() -> None:
    """眉山市2019's table of figures: the city's row is one passage under the header naming what it measures."""
    passages = split_passages(load_report(corpus_file("眉山市2019")).text)
    city = next(p for p in passages if p.text.startswith("全市\n27800\n52242"))
    assert "城镇新增就业(人)" in city.heading and "完成比例(%)" in city.heading
    assert next(p for p in passages if p.text.startswith("丹棱县")).text.split("\n")[:4] == [
        "丹棱县", "1900", "3029", "159.4"]


def test_consecutive_windows_join_without_their_repeated_sentence() -> None:
    """Windows overlap by one sentence: joined, it appears once and the text reads on as the report wrote it."""
    text = "答:今年办了5件实事:" + "".join(f"{n}是新建第{n}号便民设施{'甲' * 30};" for n in "一二三四五")
    windows = [p.text for p in split_passages(text)]
    assert len(windows) >= 2
    joined = windows[0]
    for window in windows[1:]:
        joined = join_windows(joined, window)
    assert joined == text
    assert join_windows("甲。", "乙。") == "甲。乙。"


def test_a_pipe_cell_opening_with_a_run_in_number_is_no_heading_for_the_rows_after_it() -> None:
    """密云区's rows are pipe cells over several lines; a progress cell opening "1.全区…" is text of its row: the next
    row's passage stays under the section row above the table, not under that cell's first sentence."""
    text = "\n".join(["一、便民服务(2件) |", "14 |", "推进社区政务服务规范化建设 |", "区政务服务局 |",
                      "1.全区共设置411个政务服务站。 2.开展培训。 |", "15 |", "补建便民商业网点10家 |", "区商务局 |",
                      "已完成新建网点11家。 |"])
    passages = split_passages(text)
    later = next(p for p in passages if "补建便民商业网点" in p.text)
    assert later.heading == "一、便民服务(2件) |" and "411" not in later.heading
