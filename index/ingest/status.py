"""Status and completion ratio derived from a record's own wording."""
from __future__ import annotations

import re

from index.ingest.normalize import to_simplified
from index.kinds import Status

_RATIO = re.compile(
    r"(?:完成|达到|达)[^,，。;；:：%]{0,14}?(?:任务|目标|工程量|计划|进度|总量)[^,，。;；:：%\d]{0,4}?"
    r"(\d+(?:\.\d+)?)\s*%"
    r"|(?:完成率|完成进度|完成比例|总体进度|工程进度)[^,，。;；%\d]{0,4}?(\d+(?:\.\d+)?)\s*%"
)
_NOT_STARTED = re.compile(r"尚未启动|未启动|尚未开工|未开工|暂未启动|暂未开展|尚未开展")
_BEHIND = re.compile(r"滞后|进度缓慢|未达序时|未达到序时|未按期|延期|推迟|未能按|达序[:：=]?\s*否|按序时[:：=]?\s*否")
_DONE = re.compile(
    r"全部完工|全部完成|全部建成|超额完成|提前完成|已完成全年|完成全年|完成年度|已竣工|已实现既定目标|"
    r"(?:均|都|项目|工程|任务|此项工作)已?(?:完工|完成|建成)(?!\d)|已建成并投入使用|已投入使用|^已完成[。;；,，]?$"
)
_ONGOING = re.compile(r"正在|推进中|有序推进|正常推进|进行中|加快推进|预计|尚未|待|将于|近期将")
# Sentences about what comes next do not make finished work unfinished.
_NEXT_STEP = re.compile(r"^(下一步|下步|下阶段|后续|今后)")
_STARTED = re.compile(r"已开工|已启动|启动|开工|累计|已完成|完成|开展|推进|印发|成立|制定|协调|做好|组织|召开|编制|实施|运行|开通|投入|下发|已[\u4e00-\u9fff]")
_SAID_DONE = {"是", "已完成", "完成", "已达序", "达序"}
_SAID_BEHIND = {"否", "未达序", "滞后", "未完成"}


def find_ratio(text: str) -> float | None:
    """A completion ratio the text states ("完成全年任务的87.9%" → 0.879), else None."""
    match = _RATIO.search(to_simplified(text))
    if not match:
        return None
    value = float(match.group(1) or match.group(2))
    return round(value / 100, 4)


def derive_status(progress: str, status_cell: str = "", ratio: float | None = None) -> Status:
    """completed / on_track / behind / not_started / unknown from the report's wording."""
    cell = to_simplified(status_cell).strip().rstrip("。")
    if cell in _SAID_BEHIND:
        return Status.BEHIND
    text = to_simplified(progress).strip()
    if not text:
        return Status.COMPLETED if cell in _SAID_DONE else Status.UNKNOWN
    if _BEHIND.search(text):
        return Status.BEHIND
    sentences = [s for s in re.split(r"[。;；\n]", text) if s.strip()]
    # A stated ratio below 100% outweighs wording such as "完成全年目标的87.9%".
    partial = ratio is not None and ratio < 1.0
    done = not partial and (any(_DONE.search(s.strip()) for s in sentences) or (ratio or 0) >= 1.0)
    ongoing = any(_ONGOING.search(s) for s in sentences if not _NEXT_STEP.match(s.strip()))
    if done and not ongoing:
        return Status.COMPLETED
    if cell in _SAID_DONE and not ongoing:
        return Status.COMPLETED
    if _NOT_STARTED.search(text) and not _STARTED.search(_NOT_STARTED.sub("", text)):
        return Status.NOT_STARTED
    if done or ongoing or _STARTED.search(text) or ratio is not None:
        return Status.ON_TRACK
    return Status.UNKNOWN
