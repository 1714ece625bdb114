"""Status and completion ratio from wording."""
from __future__ import annotations

import pytest

from index.status import derive_status, find_ratio


@pytest.mark.parametrize(
    ("text", "cell", "expected"),
    [
        ("目前已全部完工。下一步将做好结算评审工作。", "", "completed"),
        ("提前超额完成全年任务。", "", "completed"),
        ("已完成。根据通知缴纳保险费用。", "", "completed"),
        ("3个点位均已完工,提前完成全年工作任务。", "", "completed"),
        ("其中154万平方米已完工。", "", "on_track"),
        ("正在进行设计招标。", "", "on_track"),
        ("累计已完成15505个,完成全年总体目标的87.9%。", "", "on_track"),
        ("受疫情影响,工程进度滞后。", "", "behind"),
        ("正在选址", "否", "behind"),
        ("尚未启动。", "", "not_started"),
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
    assert find_ratio("目前已完成总工程量的30%") == 0.3
    assert find_ratio("完成率达到95%") == 0.95
    assert find_ratio("公租房备案家庭保障率达到55.76%") is None
    assert find_ratio("呼叫满足率已超95%") is None
