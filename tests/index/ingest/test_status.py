"""Status and completion ratio from wording."""
from __future__ import annotations

import pytest

from minsheng.index.ingest.status import derive_status, find_ratio


@pytest.mark.parametrize(
    ("text", "cell", "expected"),
    [
        ("目前已全部完工。下一步将做好结算评审工作。", "", "completed"),
        ("提前超额完成全年任务。", "", "completed"),
        ("已完成。根据通知缴纳保险费用。", "", "completed"),
        ("已完成验收,项目完工。", "", "completed"),
        ("目前已有15个村基本完工。", "", "on_track"),
        # Only steps before the work itself (a plan written, approval under way): not started; 完成 of a step is not
        # completion, and a clause of the work itself ("督促…推进清管行动", "重启轮训") keeps it under way.
        ("已完成方案编制,正在发改立项评审。", "", "not_started"),
        ("完成第一批家改申请与街镇残联审核工作", "", "not_started"),
        ("制定并印发工作方案,督促各管线管理单位推进清管行动。", "", "on_track"),
        ("正在对接培训基地,完善培训方案,重启中小学生安全轮训。", "", "on_track"),
        ("已完成设计招标,正在施工。", "", "on_track"),
        ("目前已完成523个点位无障碍整改工作。目前已完成年度整体工作任务的70%。", "", "on_track"),
        ("受疫情影响,工程进度滞后。", "", "behind"),
        ("正在选址", "否", "behind"),
        ("尚未启动。", "", "not_started"),
        # A share as the whole cell is the project's share; a part not begun or slow beside it lags.
        ("92%", "", "on_track"),
        ("64%(东片偏慢)", "", "behind"),
        ("40%(北区未开工", "", "behind"),
        # The last step a clause names decides: a pre-qualification for the builders is before the work.
        ("完成施工、监理单位资格预审,正在编制工程量清单。", "", "not_started"),
        ("已完成招投标工作。", "", "not_started"),
        ("完成设计并开工建设。", "", "on_track"),
        # A preparation finished is not the project finished; what is still to come says nothing.
        ("两家医院均已完成系统开发前期准备,进入审批阶段。", "", "not_started"),
        ("两家医院均已完成系统开发前期准备,进入审批阶段;一家已申请技术验收。", "", "on_track"),
        ("年度任务已下发至各街镇,下月将召开推进会。", "", "not_started"),
        # Done in other words.
        ("路灯已于5月全部安装完毕,正式亮灯。", "", "completed"),
        ("新建的3处驿站均已建设完成并通过验收。", "", "completed"),
        ("较全年计划超额建设12台。", "", "completed"),
        ("经加班赶工,目前已达到正常进度,此前因拆迁进度滞后。", "", "behind"),
        ("因拆迁原因进度滞后,经加班赶工,目前已达到正常进度。", "", "on_track"),
        ("", "", "unknown"),
    ],
)
def test_status(text: str, cell: str, expected: str) -> None:
    """Each wording gives the status a reader would give it."""
    assert derive_status(text, cell, find_ratio(text)) == expected


def test_ratio_only_when_stated_as_completion() -> None:
    """A rate that is not a completion share (保障率, 满足率) is no ratio."""
    assert find_ratio("完成全年总体目标的87.9%") == 0.879
    assert find_ratio("完成任务的40%") == 0.4
    assert find_ratio("累计促进3285名重点群体就业,完成指标任务的27.37%") == 0.2737
    assert find_ratio("完成率达到95%") == 0.95
    assert find_ratio("運河商務區預計完成稅收近50億元,年復合增長率達到29%") is None
    assert find_ratio("呼叫满足率已超95%") is None
    assert find_ratio("88%(园区六路推进缓慢)") == 0.88 and find_ratio("88%的学校已完成") is None
