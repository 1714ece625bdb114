"""Numbered prose and notices: labels split into fields, units taken from parentheses."""
from __future__ import annotations

from minsheng.index.ingest.parse import parse_text
from minsheng.index.ingest.prose import split_labeled, units_in_parens


def test_split_labeled_inline() -> None:
    """"任务… 进展情况：… 存在问题：…" on one line splits into fields."""
    fields = split_labeled("新建公园3个。进展情况:已建成2个。存在问题:资金不足。下一步计划:年底完工", "task")
    assert fields == {"task": "新建公园3个。", "progress": "已建成2个。", "problems": "资金不足。", "plan": "年底完工"}


def test_units_in_parentheses() -> None:
    """(牵头单位：A；配合单位：B) leaves the task and fills both unit fields."""
    task, units = units_in_parens("建设养老驿站10个。(牵头单位:区民政局;配合单位:各街道)")
    assert task == "建设养老驿站10个。"
    assert units == {"lead": "区民政局", "units": "各街道"}


def test_numbered_list_with_inline_progress() -> None:
    """"1.任务… 进展情况：…" lists, problems and plan on following lines."""
    text = "\n".join([
        "某市2023年为民办实事1-6月进展",
        "1.新建学校5所(责任单位:市教育局)。进展情况:已开工4所。",
        "存在问题:1所用地未落实。",
        "2.新增公交线路10条(责任单位:市交通局)。进展情况:已开通6条。",
        "下一步计划:9月前开通其余4条。",
    ])
    parsed = parse_text(text, "list.txt")
    assert parsed.shape == "prose"
    first, second = parsed.records
    assert (first.item, first.lead_unit, first.progress, first.problems) == ("1", "市教育局", "已开工4所。", "1所用地未落实。")
    assert second.plan == "9月前开通其余4条。"
    assert first.task == "新建学校5所。"
    assert parsed.report.period == "1-6月"


def test_a_leader_named_inline_is_the_record_s_leader_not_its_unit() -> None:
    """"牵头领导:…" beside "责任单位:…" in one paragraph: the official and the unit each get their field."""
    text = "\n".join([
        "某县2023年民生实事项目进展情况",
        "1.新建城区幼儿园2所。牵头领导:王某某 责任单位:县教体局 配合单位:县住建局 进展情况:1所已完工,1所主体封顶。",
        "2.改造农村公路50公里。分管县领导:李某 责任单位:县交通运输局 进展情况:已完成32公里。",
    ])
    first, second = parse_text(text, "leader.txt").records
    assert (first.leader, first.lead_unit, first.units) == ("王某某", "县教体局", "县住建局")
    assert first.progress == "1所已完工,1所主体封顶。"
    assert (second.leader, second.lead_unit, second.progress) == ("李某", "县交通运输局", "已完成32公里。")


def test_notice_without_progress_table_keeps_targets() -> None:
    """A notice alone gives one record per task with its 主办 and 协办 units."""
    text = "\n".join([
        "某区人民政府关于2024年民生实事的通知",
        "(一)饮水工程:新建水厂1座。",
        "主办单位:区水务局",
        "协办单位:财政局、各街道",
        "(二)停车工程:新增车位500个。",
        "主办单位:区住建局",
    ])
    parsed = parse_text(text, "notice.txt")
    assert [(r.item, r.section, r.task, r.lead_unit, r.units) for r in parsed.records] == [
        ("1", "饮水工程", "新建水厂1座。", "区水务局", "财政局、各街道"),
        ("2", "停车工程", "新增车位500个。", "区住建局", ""),
    ]


def test_chinese_numeral_items_with_labelled_lines() -> None:
    """"一、任务" headings followed by 牵头单位/进展情况/存在问题/下步计划 lines are items, not sections."""
    text = "\n".join([
        "某区2023年为民办实事项目三季度推进情况",
        "",
        "一、新增托育托位120个",
        "牵头单位:区卫健委",
        "进展情况:已新增托位85个。",
        "存在问题:部分场地消防验收慢。",
        "下步计划:督促年底前完成。",
        "",
        "二、改造公共厕所20座",
        "牵头单位:区绿化市容局",
        "进展情况:已完工20座。",
        "存在问题:无",
        "下步计划:做好日常管护。",
    ])
    parsed = parse_text(text, "blocks.txt")
    assert parsed.shape == "prose" and not parsed.leftover
    first, second = parsed.records
    assert (first.item, first.task, first.lead_unit) == ("1", "新增托育托位120个", "区卫健委")
    assert (first.progress, first.problems, first.plan) == ("已新增托位85个。", "部分场地消防验收慢。", "督促年底前完成。")
    assert (second.item, second.lead_unit, second.problems) == ("2", "区绿化市容局", "无")


def test_parenthesised_items_with_units_and_labelled_lines() -> None:
    """"(一)任务(牵头单位:…)" headings with labelled lines below them."""
    text = "\n".join([
        "某区2024年民生实事项目上半年进展情况",
        "(一)新建公共充电桩300个(牵头单位:区发改委)",
        "进展情况:已建成210个。",
        "存在问题:电力增容难。",
        "(二)改造旧住房1万平方米(牵头单位:区房管局)",
        "进展情况:已开工0.6万平方米。",
    ])
    parsed = parse_text(text, "parens.txt")
    assert [(r.item, r.task, r.lead_unit, r.progress) for r in parsed.records] == [
        ("1", "新建公共充电桩300个", "区发改委", "已建成210个。"),
        ("2", "改造旧住房1万平方米", "区房管局", "已开工0.6万平方米。"),
    ]
    assert parsed.records[0].problems == "电力增容难。"


def test_items_run_together_in_one_paragraph_by_their_labels() -> None:
    """A whole report on one line: "任务目标:… 进展情况:…" again and again, no numbering. An item per task label."""
    text = ("省会全部完成十件实事\n任务目标:对100个老旧小区的管网进行改造。 进展情况:全部改造工作已于11月14日前完工。 "
            "任务目标:打通民生路等4条断头路。 进展情况:民生路工程、通园街工程已全部完工。 任务目标:新扩建50所幼儿园。 进展情况:已完成。")
    parsed = parse_text(text, "fixture.txt")
    assert parsed.shape == "inline"
    assert [(r.item, r.task, r.progress) for r in parsed.records] == [
        ("1", "对100个老旧小区的管网进行改造。", "全部改造工作已于11月14日前完工。"),
        ("2", "打通民生路等4条断头路。", "民生路工程、通园街工程已全部完工。"),
        ("3", "新扩建50所幼儿园。", "已完成。"),
    ]


def test_a_unit_s_name_ends_at_its_sentence_and_what_follows_is_said_of_the_project() -> None:
    """"牵头单位:X。其中,…较慢的为Y。": the unit is X; the sentence after it is the record's progress."""
    fields = split_labeled("技能培训提升,牵头单位:县人社局。其中,培训进度较慢的为东河镇。", "task")
    assert fields["lead"] == "县人社局"
    assert fields["progress"] == "其中,培训进度较慢的为东河镇。"
    # Several units parted by semicolons stay one field.
    assert split_labeled("新建公园3个,责任单位:区园林局;区财政局", "task")["lead"] == "区园林局;区财政局"


def test_a_notice_s_items_with_their_lead_unit_in_prose() -> None:
    """"(三)发展老年助餐服务。新建…。由县民政局牵头。": one task per item, its name, its lead; a notice plans, so
    its text is the task."""
    text = "\n\n".join([
        "某县2025年十件民生实事工作方案",
        "二、项目任务",
        "(一)新建改扩建学校。新建城东幼儿园,改扩建城南中学,新增学位1260个,9月1日前投入使用。由县教育局牵头。",
        "(二)发展老年助餐服务。新建社区老年食堂16个,为高龄老人提供助餐服务。由县民政局牵头,各镇配合。",
        "(三)建设便民市场。新建农贸市场1个,提升改造乡镇农贸市场5个。责任单位为县商务局,县市场监管局配合。",
    ])
    records = parse_text(text, "某县2025年十件民生实事工作方案.txt").records
    assert [r.lead_unit for r in records] == ["县教育局", "县民政局", "县商务局"]
    assert [r.section for r in records][:2] == ["新建改扩建学校", "发展老年助餐服务"]
    assert records[1].task.startswith("新建社区老年食堂16个") and not records[1].progress


def test_a_progress_report_s_items_in_prose_are_progress() -> None:
    """The same shape in a progress report ("…已建成14个"): what the item says is its progress."""
    text = "\n\n".join([
        "某市2024年重点民生实事项目上半年进展情况通报",
        "(一)社区嵌入式养老服务。新建社区嵌入式养老服务机构30个,已建成14个。牵头单位为市民政局。",
        "(二)城镇新增就业。全市城镇新增就业2.46万人,已完成年度目标的54.7%。由市人社局牵头。",
    ])
    records = parse_text(text, "某市2024年重点民生实事项目上半年进展情况通报.txt").records
    assert [r.lead_unit for r in records] == ["市民政局", "市人社局"]
    assert "已建成14个" in records[0].progress and str(records[0].status) == "on_track"
