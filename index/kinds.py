"""The names every stage shares: what a column or label holds, a project's status, what a question wants and what
kind of question it is. StrEnums, so they compare equal to (and serialize as) the strings they replace."""
from __future__ import annotations

from enum import StrEnum


class Field(StrEnum):
    """What a table column or a labelled piece of prose holds."""

    ITEM = "item"  # the item number (序号)
    NAME = "name"  # a project's short name (项目名称)
    TASK = "task"  # the target or content (任务, 目标, 建设内容)
    LEAD = "lead"  # the lead unit (牵头单位), Record.lead_unit
    UNITS = "units"  # cooperating units (配合单位)
    LEADER = "leader"  # the official in charge (分管市领导, 牵头领导), Record.leader
    PROGRESS = "progress"
    PROBLEMS = "problems"
    PLAN = "plan"  # what comes next (下步计划, 下月工作计划)
    STATUS = "status"  # a stated verdict (是否达序)
    RATIO = "ratio"  # a completion share (完成率)
    NOTE = "note"  # 说明/备注: a delay explained (problems) or a remark (progress)


class Status(StrEnum):
    """Where a project stands, as its report words it."""

    COMPLETED = "completed"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_STARTED = "not_started"
    UNKNOWN = "unknown"


class Wants(StrEnum):
    """What a question asks about a project."""

    PROGRESS = "progress"
    PROBLEMS = "problems"
    PLAN = "plan"
    TASK = "task"
    STATUS = "status"  # 完成了吗
    AMOUNT = "amount"  # 多少, 几处


class QueryKind(StrEnum):
    """The shape of the answer a question needs."""

    SINGLE = "single"  # one project
    UNIT_LIST = "unit_list"  # every project a lead unit leads
    PER_REGION = "per_region"  # 哪些地区…: each place with something on the topic
    COMPARE = "compare"  # A和B分别…: one paragraph per place named
    GREETING = "greeting"  # 你好, 你能做什么: an introduction, no search
    FOREIGN = "foreign"  # a question in another language than Chinese: a line in English, no search
    REPORT = "report"  # 统计到几月份: the time a report covers, from its title and period, not from a project
    # Questions about a place's projects as a whole, answered from its latest report's scorecard:
    STATUS_LIST = "status_list"  # 哪些项目滞后 / 已完成: the items of a status, by place
    COUNT = "count"  # 完成了多少件, 一共有多少项, 完成率: the report's own count, else counted
    SUMMARY = "summary"  # 总体进展怎么样: the scorecard
    CHANGE = "change"  # 和上季度比怎么样: one project across the periods of its series


# Kinds answered from scorecards rather than from ranked records.
COLLECTION_KINDS = frozenset({QueryKind.STATUS_LIST, QueryKind.COUNT, QueryKind.SUMMARY})


def answer_field(wants: str) -> Field:
    """The record field that answers a question wanting `wants`: problems, plan and task as such, else progress."""
    return Field(wants) if wants in (Wants.PROBLEMS, Wants.PLAN, Wants.TASK) else Field.PROGRESS
