"""Rows of bare figures read against their header, only where the arithmetic confirms the roles."""
from __future__ import annotations

from minsheng.bot.answer.table_row import labelled_row
from minsheng.index.indexing.chunk import chunk_report
from minsheng.index.ingest.load import load_report
from tests.conftest import corpus_file

_HEADER = "地区 养老服务 新增床位(张) 助餐点(个) 目标 任务 完成 完成率(%)"


def test_groups_that_check_out_get_their_role_labels_and_measures() -> None:
    groups = labelled_row(_HEADER, "甲县 200 150 75 12 15 125")
    assert [g.text() for g in groups] == ["新增床位(张)：目标任务200，完成150，完成率75%",
                                          "助餐点(个)：目标任务12，完成15，完成率125%"]


def test_figures_that_do_not_check_out_stay_bare_and_a_dropped_cell_unnames_the_measures() -> None:
    # 150 ÷ 200 is not 80%: those three stay bare. "80 12 15" checks out by chance (12 ÷ 80 = 15%), but the
    # reading with a group per measure wins.
    groups = labelled_row(_HEADER, "乙县 200 150 80 12 15 125")
    assert [g.text() for g in groups] == ["新增床位(张)：200、150、80", "助餐点(个)：目标任务12，完成15，完成率125%"]
    # One group for two measures (a blank cell dropped): which measure it is, the row does not say.
    assert [g.text() for g in labelled_row(_HEADER, "丙县 12 15 125")] == ["目标任务12，完成15，完成率125%"]


def test_no_labels_without_a_ratio_column_a_checked_group_or_an_all_figures_row() -> None:
    assert labelled_row("地区 新增床位(张) 目标 完成", "甲县 200 150") == []
    assert labelled_row(_HEADER, "甲县 200 150 80") == []
    assert labelled_row(_HEADER, "甲县 200 150 75 已完成") == []
    assert labelled_row(_HEADER, "200 150 75") == []


def test_rounding_is_the_table_s_own() -> None:
    assert labelled_row(_HEADER, "甲县 1100 1140 103.64")[0].values[2] == ("完成率", "103.64%")
    assert labelled_row(_HEADER, "甲县 1100 1140 103.6")
    assert labelled_row(_HEADER, "甲县 1100 1140 104")
    assert not labelled_row(_HEADER, "甲县 1100 1140 103.7")


def test_the_real_figures_table_of_a_city() -> None:
    """眉山市2019: one cell per line, "目标" and "任务" one header cell split in two, a 失业率 pair with no ratio."""
    chunks = chunk_report(load_report(corpus_file("眉山市2019")), 400)
    # Each row is a passage: the context line with the header, then the row's cells one per line.
    rows = {" ".join(c.text.split("\n")[1:]).split(" ")[0]: (c.section, " ".join(c.text.split("\n")[1:]))
            for c in chunks if c.is_passage}
    groups = labelled_row(*rows["丹棱县"])
    assert [g.text() for g in groups] == [
        "城镇新增就业(人)：目标任务1900，进度3029，完成比例159.4%",
        "城镇失业人员再就业(人)：目标任务360，进度516，完成比例143.3%",
        "就业困难人员就业(人)：目标任务200，进度293，完成比例146.5%",
        "城镇登记失业率低于(%)：4.3、3.7",
        "下岗失业人员再就业(人)：目标任务30，进度31，完成比例103.3%",
    ]
