"""bot.answer.figures: the target beside a figure, and a row of bare figures read against its header."""
from __future__ import annotations

from tests.support.answers import ask, first_line


def test_amount_answer_quotes_the_figure_and_the_target(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "青岛口袋公园建了多少个")
    assert answer.text.splitlines()[:2] == ["青岛市（2022年上半年）：46个口袋公园已开工,其中25个已完工;", "目标：建设口袋公园50个"]
    assert answer.citations[0].item == "10" and answer.citations[0].region == "青岛市"
    assert not answer.abstained and answer.composer == "extractive"


def test_no_target_line_when_the_lead_states_the_plan_itself(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "大兴区化妆品抽检任务多少批次")
    assert first_line(answer).startswith("大兴区（2024年一季度）：化妆品抽检任务60批次")
    assert "目标" not in answer.text


def test_the_measure_asked_about_leads_the_row_read_against_its_header(retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(retriever, "眉山市2019年下岗失业人员再就业完成比例是多少")
    read = next(line for line in answer.text.splitlines() if line.startswith("按表头："))
    assert read.startswith("按表头：下岗失业人员再就业(人)：目标任务400，进度1089，完成比例272.3%；")
    # The 失业率 pair has no ratio to check its roles by: its figures stay bare, under their measure.
    assert "城镇登记失业率低于(%)：4.3、3.57" in read and "（表头：" not in answer.text
