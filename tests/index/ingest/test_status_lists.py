"""Lists of projects by status and count sentences, on fixtures and on the real reports."""
from __future__ import annotations

from minsheng.index.ingest.load import load_report
from minsheng.index.ingest.status_lists import count_statements, status_lists, status_titles
from minsheng.index.kinds import Status
from minsheng.index.script import to_simplified
from tests.conftest import corpus_file


def _text(prefix: str) -> str:
    return to_simplified(load_report(corpus_file(prefix)).text)


def test_a_list_of_slow_projects_names_each_one() -> None:
    found = status_lists(_text("寿县"))
    assert len(found) == 1 and found[0].status == Status.BEHIND
    assert found[0].names == ("乡镇污水处理设施建设(八公山乡污水处理站)", "基层防汛预报预警体系建设", "城镇老旧小区改造",
                              "免费婚检", "出生缺陷防治")


def test_other_enumerations_and_a_sentence_without_one() -> None:
    circled = status_lists("目前进度滞后的项目有:①城区停车场建设;②农贸市场改造。")
    assert [(x.status, x.names) for x in circled] == [(Status.BEHIND, ("城区停车场建设", "农贸市场改造"))]
    numbered = status_lists("尚未开工的项目:(1)体育公园;(2)污水管网改造。")
    assert numbered[0].status == Status.NOT_STARTED and numbered[0].names == ("体育公园", "污水管网改造")
    done = status_lists("已完成的项目有:一是老年食堂,二是口袋公园。")
    assert done[0].status == Status.COMPLETED and done[0].names == ("老年食堂", "口袋公园")
    # A sentence naming lagging projects without numbering them is kept whole; a finished one is not a list.
    said = status_lists(_text("西湖区2022年全区民生实事项目进展情况通报三"))
    assert any("5个老旧小区综合改造提升竣工项目滞后于节点目标" in x.sentence and not x.names for x in said)
    assert status_lists("新建学校已完成主体结构施工。") == []


def test_a_table_titled_as_lagging_projects() -> None:
    titles = status_titles(_text("西湖区2022年全区民生实事项目进展情况通报三"))
    assert (Status.BEHIND, "2022年区政府民生实事项目滞后项目情况表") in titles
    assert status_titles("2022年民生实事项目进展情况表\n滞后原因:资金未到位,进度滞后。") == []


def test_count_sentences_of_the_whole_list() -> None:
    xihu = count_statements(_text("西湖区2022年全区民生实事项目进展情况通报三"))
    first = next(s for s in xihu if s.total == 10)
    assert first.count(Status.ON_TRACK) == 9 and first.of_list
    xiao = next(s for s in count_statements(_text("萧县2025年9月")) if s.of_list)
    assert (xiao.total, xiao.count(Status.COMPLETED)) == (30, 19)
    lanzhou = next(s for s in count_statements(_text("兰州市城关区")) if s.all_done)
    assert lanzhou.total == 10 and lanzhou.of_list
    # Things a project builds are not projects.
    assert count_statements("老旧小区微改造项目已完工32个,新开工60个。") == []


def test_names_joined_in_prose_after_words_opening_a_list() -> None:
    """"…项目为:A、B。", "…已提前完成全年任务,分别是A、B、C和D": names joined by 、 and 和, after words opening a list."""
    behind = status_lists("3.进度滞后项目为:县医院急诊急救中心大楼、城镇老旧小区改造。")
    assert [(f.status, f.names) for f in behind] == [(Status.BEHIND, ("县医院急诊急救中心大楼", "城镇老旧小区改造"))]
    ahead = status_lists("其中4项已提前完成全年任务,分别是两癌免费筛查、农村危房改造、幸福院建设和农村公路防护工程。")
    assert ahead[0].names == ("两癌免费筛查", "农村危房改造", "幸福院建设", "农村公路防护工程")
    # After a bare comma the next clause is about other projects.
    assert all(not f.names for f in status_lists("栽植工程已完工,公园内部道路、停车场正在施工。"))


def test_names_before_their_count_and_status() -> None:
    """"A、B 2项工作已实现既定目标": the names before a count equal to their number; not a step of the task."""
    found = status_lists("其中,创设公益性岗位、医保降费率提待遇2项工作已实现既定目标,其余项目进展迅速。")
    assert [(f.status, f.names) for f in found] == [(Status.COMPLETED, ("创设公益性岗位", "医保降费率提待遇"))]
    assert all(not f.names for f in status_lists("甲路58号、乙路20号、丙路156号3个项目已完成镇街初审,即将开展设计。"))
    assert all(not f.names for f in status_lists("甲路、乙路、丙路2个项目已实现既定目标。"))  # the count is not theirs


def test_projects_named_with_their_shares_in_a_paragraph() -> None:
    """"…已完成8个(53%)、…正在施工中(75%)", "…完成2个,完成率200%", "已帮扶…431人,完成率147.6%": each project named,
    completed at 100% or more, else on track; the clause is the evidence."""
    from minsheng.index.ingest.status_lists import named_shares

    text = ("剩余6项中,20个农村幸福院建设已完成9个(45%),乡镇供水提升工程正在施工中(75%),这2项预计年底前完成。"
            "其中超额完成任务的有3项:零工驿站建设完成3个,完成率150%;已帮扶困难老人1200人,完成率120%;"
            "老旧小区加装电梯30部,进度滞后,完成率60%。")
    found = {f.names[0]: (f.status, f.sentence) for f in named_shares(text)}
    assert found["20个农村幸福院建设"] == (Status.ON_TRACK, "20个农村幸福院建设已完成9个(45%)")
    assert found["乡镇供水提升工程"][0] == Status.ON_TRACK
    assert found["零工驿站建设"][0] == Status.COMPLETED and found["帮扶困难老人"][0] == Status.COMPLETED
    # A lag said between the project and its share: the project is the clause before it.
    assert found["老旧小区加装电梯"] == (Status.BEHIND, "老旧小区加装电梯30部,进度滞后,完成率60%")
