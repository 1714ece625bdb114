"""Reports over time, end to end over a real index: the latest leads with the earlier figure, a named period, a
comparison, status lists, counts quoted and counted, a report published twice, the scorecard."""
from __future__ import annotations

from minsheng.bot.answer.extractive import compose
from minsheng.bot.answer.types import Answer
from minsheng.index.kinds import QueryKind, Status
from minsheng.index.search.retriever import MinshengRetriever


def ask(retriever: MinshengRetriever, question: str) -> Answer:
    return compose(retriever.searcher.search(question))


def test_the_latest_report_leads_and_the_earlier_figure_follows(series_retriever: MinshengRetriever) -> None:
    answer = ask(series_retriever, "大兴区老楼加梯开工了几部")
    assert answer.text.splitlines()[0] == "大兴区（2024年二季度）：已开工26部（2024年一季度：已开工19部）"
    assert "另见" not in answer.text  # the earlier quarter is on the line, not another answer
    assert answer.citations[0].period == "2024年二季度"


def test_a_named_period_answers_from_it(series_retriever: MinshengRetriever) -> None:
    answer = ask(series_retriever, "大兴区2024年一季度老楼加梯开工了几部")
    assert answer.text.splitlines()[0] == "大兴区（2024年一季度）：已开工19部"
    missing = ask(series_retriever, "大兴区2024年三季度老楼加梯开工了几部")
    # A quarter not held: said, and the nearest report answers.
    assert missing.text.splitlines()[:2] == ["（没有三季度的报告，以下是2024年二季度的内容。）",
                                             "大兴区（2024年二季度）：已开工26部（2024年一季度：已开工19部）"]


def test_a_comparison_tells_each_period_and_the_change(series_retriever: MinshengRetriever) -> None:
    result = series_retriever.searcher.search("大兴区老楼加梯进展和上季度比怎么样")
    assert result.query.kind == QueryKind.CHANGE and result.query.topic == "老楼加梯"
    lines = compose(result).text.splitlines()
    assert lines == ["大兴区（2024年二季度）：已开工26部", "大兴区（2024年一季度）：已开工19部",
                     "变化：2024年一季度 已开工19部 → 2024年二季度 已开工26部"]
    # Nothing earlier to compare with: said, then the answer.
    alone = ask(series_retriever, "密云区操场改造和上季度比怎么样")
    assert alone.text.startswith("（收录的报告里找不到这个项目更早一期的进展")


def test_status_lists_by_place_and_across_places(series_retriever: MinshengRetriever) -> None:
    slow = ask(series_retriever, "寿县哪些民生工程进度较慢")
    assert "报告原文：“目前,我县实施进度较慢的项目,一是乡镇污水处理设施建设" in slow.text
    assert "滞后（5项）：乡镇污水处理设施建设(八公山乡污水处理站)；基层防汛预报预警体系建设" in slow.text
    done = ask(series_retriever, "大兴区有哪些项目已经完成了")
    # 第5项 (医保移动支付) finished only its preparations: not done. Each project with the phrase its status comes from.
    assert done.text.splitlines()[1] == "已完成（1项）：第12项 为学生提供安全、高效、便捷的通学服务（报告：已全部完成）"
    anywhere = series_retriever.searcher.search("哪些项目进度滞后")
    assert anywhere.query.kind == QueryKind.STATUS_LIST and anywhere.query.statuses[0] == Status.BEHIND
    text = compose(anywhere).text
    # Most behind first: 寿县 and 苍南县 five each, none done, then 西湖区.
    assert text.index("寿县") < text.index("苍南县") < text.index("西湖区")
    assert "的最新报告没有写明滞后、未启动的项目" in text.splitlines()[-1]


def test_counts_quoted_when_the_report_states_them_else_counted(series_retriever: MinshengRetriever) -> None:
    xiao = ask(series_retriever, "萧县完成了多少件")
    assert xiao.text.startswith("萧县（2025年9月）报告原文：“2025年全县30项民生实事") and "已完成19项" in xiao.text
    june = ask(series_retriever, "截至6月底萧县民生实事完成了几项?")
    assert "其余27项中,已完成8项" in june.text
    daxing = ask(series_retriever, "大兴区一共有多少个民生实事项目")
    assert daxing.text.startswith("大兴区（2024年二季度）：报告没有写总数。按报告逐项统计") and "共22项" in daxing.text


def test_a_report_published_twice_is_one_point(series_retriever: MinshengRetriever) -> None:
    searcher = series_retriever.searcher
    assert [s for s in sorted(searcher.timeline.refs) if searcher.timeline.copy_of(s)] == ["萧县民生工程9月进展(转载).txt"]
    result = searcher.search("萧县民生工程总体进展怎么样")
    assert [card.report.source for card in result.cards] == ["萧县2025年9月份民生工程进展情况.txt"]
    hits = searcher.search("萧县农村幸福院建设进展").hits
    assert hits and all(h.chunk.source != "萧县民生工程9月进展(转载).txt" for h in hits)


def test_the_scorecard_of_a_place(series_retriever: MinshengRetriever) -> None:
    answer = ask(series_retriever, "大兴区的民生实事总体进展怎么样")
    lines = answer.text.splitlines()
    assert lines[0] == "大兴区（2024年二季度）《大兴区2024年重要民生实事项目二季度进展情况》"
    # Seven of the 二季度 copy's projects report only steps before their work (前期, 招标, 立项, 下发): not started.
    assert "按报告逐项统计（据各项的进展文字）：共22项，未启动7项，正在推进14项，已完成1项。" in lines
    assert any(line.startswith("与上一期（2024年一季度）相比（逐项统计）：正在推进 15项 → 14项；已完成 0项 → 1项") for line in lines)
    assert any("第6项" in line and "已开工19部 → 已开工26部" in line for line in lines)
    qingdao = ask(series_retriever, "青岛的民生实事总体进展怎么样")
    assert "报告原文：“[摘要] 2022年16件市办实事上半年总体进展良好。”" in qingdao.text


def test_is_it_behind_gets_a_verdict_then_the_report_s_words(series_retriever: MinshengRetriever) -> None:
    """落后了吗: yes when the report says it lags, not said when it is under way; the quoted line follows."""
    behind = ask(series_retriever, "苍南县职业中专扩容落后了吗").text.splitlines()
    assert behind[:2] == ["是，进度滞后。", "苍南县（2022年截至10月31日）：22%(严重滞后)"]
    moving = ask(series_retriever, "大兴区老楼加梯落后了吗").text.splitlines()
    assert moving[0] == "报告未说滞后：正在推进。" and "已开工" in moving[1]


def test_places_compared_as_a_whole_side_by_side(series_retriever: MinshengRetriever) -> None:
    """哪个完成得多: each place's share done with its period and how it was counted, then both cards; different
    periods are said to be only side by side."""
    text = ask(series_retriever, "萧县和寿县哪个完成得多").text
    first, second = text.splitlines()[:2]
    assert first == ("并列对照：萧县（2025年9月）已完成19/30项（63%，报告原文的统计）；"
                     "寿县（2020年9月）已完成0/5项（0%，按报告逐项统计）。")
    assert second == "各报告的时期不同，完成多少只能对照，不能直接相比。"
    assert "萧县（2025年9月）《萧县9月份民生工程进展情况》" in text and "寿县（2020年9月）《" in text
