"""Every sentence a user reads, in one place: answers, abstentions, the CLI, Telegram, the scorecard and its chart.

Each text is a named template filled with str.format; the code builds the data and picks the template. Cue words
that recognise report and question wording live in index/vocabulary.py instead; this module only says things.
A test (tests/bot/test_texts.py) fails when a Chinese text is written in any other module.
"""
from __future__ import annotations

from minsheng.index.kinds import Field, Status

# --- pieces shared by many texts ------------------------------------------------------------------------------------

# What separates the members of a list in a sentence.
LIST_JOIN = "、"
CLAUSE_JOIN = "；"
COMMA_JOIN = "，"
QUOTED = "“{text}”"
TITLE = "《{title}》"
ITEM = "第{item}项"
PLACE_PERIOD = "{place}（{period}）"
SENTENCE = "{text}。"
PARENTHESES = "（{text}）"

# --- fields and statuses ----------------------------------------------------------------------------------------------

# A field's name in an answer ("牵头单位：…", "报告没有写存在的问题").
FIELD_NAMES: dict[Field, str] = {
    Field.TASK: "任务目标",
    Field.LEAD: "牵头单位",
    Field.UNITS: "配合单位",
    Field.LEADER: "分管领导",
    Field.PROGRESS: "进展",
    Field.PROBLEMS: "存在的问题",
    Field.PLAN: "下一步计划",
}
# A field's short label in `minsheng records`.
FIELD_SHORT: dict[Field, str] = {
    Field.TASK: "任务",
    Field.LEAD: "牵头",
    Field.UNITS: "配合",
    Field.LEADER: "领导",
    Field.PROGRESS: "进展",
    Field.PROBLEMS: "问题",
    Field.PLAN: "计划",
}
# The verdict that answers 完成了吗.
STATUS_VERDICTS: dict[Status, str] = {
    Status.COMPLETED: "已完成",
    Status.ON_TRACK: "正在推进，报告未说已全部完成",
    Status.BEHIND: "进度滞后",
    Status.NOT_STARTED: "尚未启动",
    Status.UNKNOWN: "报告未说明是否完成",
}
# A status as a list heading on a scorecard, its chart and its answers.
STATUS_NAMES: dict[Status, str] = {
    Status.COMPLETED: "已完成",
    Status.ON_TRACK: "正在推进",
    Status.BEHIND: "滞后",
    Status.NOT_STARTED: "未启动",
    Status.UNKNOWN: "未说明进度",
}
# A status's short label in `minsheng records` (a record whose text says nothing of it: 未提及).
STATUS_SHORT: dict[Status, str] = {**STATUS_NAMES, Status.UNKNOWN: "未提及"}

# --- an answer quoting records ----------------------------------------------------------------------------------------

QUOTE_LINE = "{where}：{text}"
FIELD_LINE = "{field}：{value}"
TARGET_LINE = "目标：{target}"
SEE_ALSO_ITEM = "另见{where}第{item}项：{text}"
SEE_ALSO = "另见{where}：{text}"
# The same project's figure in the previous report of its series, after the quoted one.
EARLIER_FIGURE = "（{period}：{figure}）"
FIELD_WRITTEN = "报告写明{field}：{text}"
FIELD_NOT_WRITTEN = "报告没有写{field}"
PLAN_IN_PROGRESS = "报告没有单列下一步计划，进展中写到：{text}"
LATEST_PROGRESS = "{missing}。最新进展：{progress}"
BY_HEADER = "按表头：{groups}"
HEADER_LINE = "（表头：{header}）"
LIST_LINE = "· {head}：{text}"
LIST_LINE_BARE = "· {text}"
MORE_RECORDS = "其他相关记录："
NO_MORE_RECORDS = "没有更多相关记录了。"
UNIT_PROJECTS = "{units}牵头的项目（{count}项）："
OVERVIEW_HEAD = "{places}各项目的{field}（{count}项）："
PLACES_WITH_TOPIC = "有相关内容的地区（{count}个）：{places}"
COMPARE_NOTHING = "{place}：收录的报告里没有找到这方面的内容。"
REPORT_PERIOD_LINE = "{place}：《{title}》{covers}。"
REPORT_PERIOD_HELD = "，统计时段：{period}"
REPORT_PERIOD_NONE = "，报告未写明统计时段"
A_REPORT = "报告"
# A project across the reports of its series.
NO_EARLIER = "（收录的报告里找不到这个项目更早一期的进展，以下是现有的内容。）\n{text}"
CHANGE_FIRST = "{before_period} {before} → {after_period} {after}"
CHANGE_STEP = "{before_period} {before}"
CHANGES_LINE = "变化：{changes}"

# --- a place's projects as a whole, and over time --------------------------------------------------------------------

OTHER_PLACES_SILENT = "其余{count}个地方（{places}{etc}）的最新报告没有写明{asked}的项目。"
ETC = "等"
PROJECTS = "项目"
MORE_PLACES = "（另有{count}个地方的报告，可指定地区再问。）"
BEHIND_FIRST = "各地最新报告，滞后项目多的在前："
CARD_HEADING = "{place}{issuer}（{period}）"
CARD_HEADING_BARE = "{place}{issuer}"
COUNTED_PART = "{status}{count}项"
COUNTED_LINE = "按报告逐项统计（据各项的进展文字）：共{total}项，{parts}。"
STATUS_LIST_HEAD = "{heading}{asked}的项目："
REPORT_SAYS = "报告原文：“{sentence}”"
STATUS_ITEMS = "{status}（{count}项）：{items}{more}"
MORE_ITEMS = " 等{count}项"
NONE_OF_STATUS = "{heading}的报告里没有写明{asked}的项目。"
STATUS_JUDGED = "（状态按报告列出的名单和各项的进展文字判断。）"
HEADING_REPORT_SAYS = "{heading}报告原文：“{sentence}”"
NO_TOTAL_COUNTED_STATUSES = "{heading}：报告没有写总数。按报告逐项统计，{statuses}{count}项（共{total}项，据各项的进展文字判断）。"
NO_TOTAL = "{heading}：报告没有写总数。{counted}"
NO_COUNT_NO_LIST = "{heading}的报告没有写项目总数，也没有逐项列出项目。"
CARD_TITLE = "{heading}《{title}》"
BEHIND_OR_NOT_STARTED = "滞后或未启动：{items}{more}"
NO_SUMMARY = "报告没有总体的说法，也没有逐项列出项目。"
COUNT_MOVED = "{status} {before}项 → {after}项"
COUNTS_SINCE = "与上一期（{period}）相比（逐项统计）：{moved}。"
ITEM_MOVED = "{item}{name}：{before} → {after}"
ITEM_PREFIX = "第{item}项 "
ITEMS_SINCE = "与上一期（{period}）相比有变化的项目：{items}{more}"
PREVIOUS_SAYS = "上一期（{period}）报告原文：“{sentence}”"
PREVIOUS_HELD = "上一期（{period}）的报告也已收录。"

# --- caveats and abstentions ---------------------------------------------------------------------------------------

UNCOVERED_CAVEAT = "（没有收录{uncovered}的报告，以下是{places}的内容。）"
INSIDE_MISSING_CAVEAT = "（{reports}的报告里没有单独写{missing}的这项内容，以下是{reports}的内容。）"
INSIDE_CAVEAT = "{reports}的报告中关于{inside}："
PERIOD_CAVEAT = "（没有{periods}的报告，以下是{held}的内容。）"
EXISTING_REPORTS = "现有报告"
EMPTY_INDEX = "索引里还没有任何报告。把报告文件放进语料目录后运行 `minsheng index`。"
NOT_COVERED = "收录的报告里没有{places}的内容。"
NEARBY = "附近收录的有：{places}。"
INSIDE_NOT_FOUND = "{reports}的报告提到了{inside}，但没有找到{inside}“{topic}”的内容。"
TOPIC_NOT_FOUND = "{places}的报告里没有找到“{topic}”的内容。"
NOT_ANSWERABLE = ("这个问题在收录的民生实事报告里找不到答案。我能回答各地民生实事项目（学校、养老、旧房改造、公交、"
                  "充电设施等）的任务目标、进展、存在问题和下一步计划。")
COVERED_NOW = "目前收录：{covered}。"
ASK_LIKE = "可以这样问：{questions}"

# --- greetings and other languages ---------------------------------------------------------------------------------

HELLO = "你好！"
INTRODUCTION = ("你好！我根据各地政府公开的民生实事报告，回答项目的任务目标、进展、存在问题和下一步计划，"
                "引用报告原文并注明出处；报告里没有的，我会直说。")
ENGLISH_EMPTY = "I answer questions in Chinese about local governments' 民生实事 reports, but none are indexed yet."
ENGLISH_INTRO = "I answer questions in Chinese about the 民生实事 (livelihood projects) reports of {places}{example}"
ENGLISH_MORE_PLACES = " and {count} more places"
ENGLISH_EXAMPLE = "; for example: {question}"
