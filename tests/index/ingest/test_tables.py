"""Table shapes the five reports lack, as small fixtures: cells per line, period columns, markdown."""
from __future__ import annotations

from minsheng.index.ingest.load import load_report
from minsheng.index.ingest.normalize import clean
from minsheng.index.ingest.parse import parse_text
from minsheng.index.ingest.tables import classify, header_columns
from tests.conftest import corpus_file


def test_header_vocabulary() -> None:
    """Header cells map to record fields; ordinary words do not."""
    kinds = {cell: (classify(cell).kind if classify(cell) else None) for cell in [
        "序号", "实事项目", "牵头单位", "考评对象", "协办单位", "落实进展情况", "存在问题", "下月工作计划",
        "是否达序", "完成率", "说明", "1-10月推进情况", "三季度", "项目名称", "修建道路",
    ]}
    assert kinds == {
        "序号": "item", "实事项目": "task", "牵头单位": "lead", "考评对象": "lead", "协办单位": "units",
        "落实进展情况": "progress", "存在问题": "problems", "下月工作计划": "plan", "是否达序": "status",
        "完成率": "ratio", "说明": "note", "1-10月推进情况": "progress", "三季度": "progress",
        "项目名称": "name", "修建道路": None,
    }
    assert classify("1-10月推进情况").period == "1-10月"
    assert header_columns(["甲", "乙", "丙"]) is None


def test_a_table_typed_with_spaces_gives_records_with_a_blank_cell_in_place() -> None:
    """A .txt table whose columns are lined up with spaces is read like a tab table; the row missing its unit has
    no unit, and its progress stays progress."""
    text = clean("某某区2024年民生实事项目进展情况\n\n"
                 "序号    项目名称          牵头单位      进展情况\n"
                 "1       新增养老床位      区民政局      已建成156张，完成全年任务的78%。\n"
                 "2       改造老旧小区                    已开工12个小区。\n"
                 "3       新建口袋公园      区园林局      已建成8个。\n"
                 "稿源:今晚报   编辑:严玉霞   2024-04-12 16:14\n")
    parsed = parse_text(text, "某某区2024年民生实事项目进展情况.txt")
    assert parsed.shape == "table:tab"
    assert [(r.item, r.task, r.lead_unit, r.progress) for r in parsed.records] == [
        ("1", "新增养老床位", "区民政局", "已建成156张,完成全年任务的78%。"),
        ("2", "改造老旧小区", "", "已开工12个小区。"),
        ("3", "新建口袋公园", "区园林局", "已建成8个。"),
    ]
    assert parsed.records[0].ratio == 0.78


def test_a_leader_column_is_the_leader_and_the_unit_column_the_unit() -> None:
    """肇庆市's "分管 市领导" column: the official's name is neither task nor unit."""
    assert classify("分管 市领导").kind == "leader" and classify("牵头领导").kind == "leader"
    assert classify("牵头单位").kind == "lead"
    text = "\n".join([
        "| 序号 | 工作任务 | 分管 市领导 | 牵头单位 | 落实进展情况 |",
        "| 1 | 新增公办学位3000个 | 张某某 | 市教育局 | 已新增2100个。 |",
    ])
    record = parse_text(text, "leader.txt").records[0]
    assert (record.task, record.leader, record.lead_unit) == ("新增公办学位3000个", "张某某", "市教育局")


def test_a_real_leader_column() -> None:
    records = load_report(corpus_file("肇庆市")).records
    assert records[0].leader == "陈宣群" and "陈宣群" not in records[0].task
    assert records[0].lead_unit == "市民政局、伍泽国"


def test_one_cell_per_line_without_pipes() -> None:
    """Every cell on its own line, header cells first, rows found by their 序号."""
    text = "\n".join([
        "德清县2023年民生实事进展情况",
        "序号", "实事项目", "牵头单位", "进展情况",
        "一、教育",
        "1", "新建幼儿园2所", "县教育局", "1所已建成,1所正在装修。",
        "2", "改造操场3块", "县教育局", "已全部完工。",
        "二、交通",
        "3", "新开公交线路2条", "县交通局", "尚未启动",
    ])
    parsed = parse_text(text, "fixture.txt")
    assert parsed.shape == "table:cells"
    assert [(r.item, r.section, r.lead_unit, r.status) for r in parsed.records] == [
        ("1", "一、教育", "县教育局", "on_track"),
        ("2", "一、教育", "县教育局", "completed"),
        ("3", "二、交通", "县交通局", "not_started"),
    ]
    assert parsed.report.region == "德清县" and parsed.report.year == 2023


def test_cells_a_blank_line_apart_with_two_units_and_two_progress_cells() -> None:
    """Exports that put a blank line between cells, header cells too; a row's cells are placed by content: the
    unit names fill the unit column, several progress paragraphs stay progress, the "*" lead mark goes."""
    text = "\n\n".join([
        "附件", "序号", "目标任务", "牵头单位", "进展情况", "备注",
        "1", "开工老旧小区改造15个、竣工24个。", "*区住建局", "*区综合行政执法局",
        "开工15个:保俶路片等8个项目已开工;其余正在招标。", "竣工24个项目:弥陀寺路9号等5个项目已基本完工。",
        "2", "新建幼儿园2所。", "区教育局", "1所已建成,1所正在装修。",
    ])
    parsed = parse_text(text, "fixture.txt")
    assert parsed.shape == "table:cells"
    first, second = parsed.records
    assert first.lead_unit == "区住建局、区综合行政执法局"
    assert "8个项目已开工" in first.progress and "5个项目已基本完工" in first.progress
    assert (second.item, second.lead_unit, second.progress) == ("2", "区教育局", "1所已建成,1所正在装修。")


def test_header_words_no_vocabulary_knows_are_columns_of_their_own() -> None:
    """"开工" "时间" wrapped onto two lines and "总投资" "(万元)": columns between the units and the progress, so
    their cells do not land in the unit column and the progress is the row's last cell."""
    text = "\n\n".join([
        "序号", "项目名称", "项目内容", "责任单位", "开工", "时间", "竣工", "时间", "总投资", "(万元)", "项目进展情况",
        "1", "打通断头路项目", "①甲路:全长190米;②乙路:全长300米", "市城管局", "市城发集团", "2024年7月", "2025年12月",
        "7300", "①甲路:已全面完工,5月31日正式通车。②乙路:正在施工。",
    ])
    record, = parse_text(text, "fixture.txt").records
    assert record.lead_unit == "市城管局、市城发集团"
    assert record.progress.startswith("①甲路:已全面完工,5月31日正式通车。")
    assert "开工时间:2024年7月" in record.progress and "总投资(万元):7300" in record.progress


def test_rows_without_the_merged_cell_before_their_number_start_at_the_number() -> None:
    """A 大类 cell merged over several rows is exported on the first row only: the rows after it begin at 序号."""
    text = ("大类 | 序号 | 工作任务 | 牵头单位 | 落实进展情况 |\n一、民生保障 | 1 | 提高低保标准 | 市民政局 | 已完成。 |\n"
            "2 | 提高特困供养标准 | 市民政局 | 已完成。端州区提高到20100元/人年。 |\n")
    first, second = parse_text(text, "fixture.txt").records
    assert (second.item, second.task, second.lead_unit) == ("2", "提高特困供养标准", "市民政局")
    assert second.progress == "已完成。端州区提高到20100元/人年。"


def test_a_two_level_header_a_cell_per_line_is_read_as_a_pivot_not_a_table_of_rows() -> None:
    """Header words repeated under a two-level header cannot be placed as rows: the cells reader leaves them, and the
    pivot reader takes the projects across with the first row's figures."""
    text = "\n".join(["地区", "新增就业(人)", "再就业(人)", "目标", "进度", "完成比例(%)", "目标", "进度", "完成比例(%)",
                     "全市", "500", "620", "124", "40", "41", "102.5"])
    parsed = parse_text(text, "fixture.txt")
    assert parsed.shape == "table:pivot"
    assert [(r.task, r.progress) for r in parsed.records] == [
        ("新增就业(人)", "全市 目标:500 进度:620 完成比例(%):124"), ("再就业(人)", "全市 目标:40 进度:41 完成比例(%):102.5")]


def test_period_columns_latest_is_progress() -> None:
    """With 1-10月 and 1-11月 columns, the latest non-empty one is progress, earlier ones history."""
    text = "\n".join([
        "序号 | 项目名称 | 责任单位 | 1-10月推进情况 | 1-11月推进情况 |",
        "1 | 改造老旧小区 | 区住建委 | 已开工8个 | 已开工10个,完工3个 |",
        "2 | 建设口袋公园 | 区园林局 | 完成设计 | |",
    ])
    records = parse_text(text, "t.txt").records
    assert records[0].progress == "已开工10个,完工3个"
    assert [(h.period, h.text) for h in records[0].history] == [("1-10月推进情况", "已开工8个")]
    assert records[1].progress == "完成设计"
    assert records[1].history == []


def test_four_quarter_columns_in_a_tab_table() -> None:
    """Quarter columns side by side: the last filled quarter is the progress."""
    text = "\n".join([
        "序号\t实事项目\t牵头单位\t一季度\t二季度\t三季度\t四季度",
        "1\t新增养老床位100张\t区民政局\t完成选址\t新增40张\t新增80张\t",
        "2\t建设充电桩50个\t区城管委\t完成招标\t\t\t",
    ])
    records = parse_text(text, "q.txt").records
    assert records[0].progress == "新增80张"
    assert [h.period for h in records[0].history] == ["一季度", "二季度"]
    assert records[1].progress == "完成招标"


def test_markdown_table_with_note_and_schedule_columns() -> None:
    """Leading pipes and a |---| rule; 是否达序=否 means behind, a 说明 explaining delay is a problem."""
    text = "\n".join([
        "| 序号 | 任务 | 责任单位 | 进展情况 | 是否达序 | 说明 |",
        "|---|---|---|---|---|---|",
        "| 1 | 建设便民市场1处 | 区商务局 | 正在选址 | 否 | 受土地审批影响,进度滞后 |",
        "| 2 | 新建公厕5座 | 区城管委 | 已建成5座 | 是 | 无 |",
    ])
    records = parse_text(text, "md.txt").records
    assert len(records) == 2
    assert records[0].status == "behind"
    assert records[0].problems == "受土地审批影响,进度滞后"
    assert records[1].lead_unit == "区城管委"
    assert "说明:无" in records[1].progress


def test_pipe_row_cells_spanning_lines() -> None:
    """A row whose cells continue on following lines is one record, sub-items share the 序号."""
    text = "\n".join([
        "序号 | 项目名称 | 项目内容 | 主办单位 | 落实进展情况 | 存在问题 | 下月工作计划 |",
        "1",
        "| 道路工程 | 改造道路20公里 | 交通局、",
        "| 已改造12公里 | 无 | 加快建设 |",
        "新建桥梁1座 | 交通局 | 正在施工 | 资金不足 | 争取资金 | ||",
        "2 | 绿化工程 | 植树1万株 | 园林局 | 已完成 | 无 | 养护 |",
    ])
    records = parse_text(text, "p.txt").records
    assert [(r.item, r.section, r.task) for r in records] == [
        ("1", "道路工程", "改造道路20公里"),
        ("1", "道路工程", "新建桥梁1座"),
        ("2", "绿化工程", "植树1万株"),
    ]
    assert records[0].lead_unit == "交通局"
    assert records[0].progress == "已改造12公里"
    assert records[1].problems == "资金不足" and records[1].plan == "争取资金"
    assert records[2].status == "completed"


def test_a_real_cell_per_line_table_with_merged_cells_before_its_numbers() -> None:
    """眉山市2017's table: the 工程名称 merged over its rows stands before the 序号 column and heads them; "市级牵头" +
    "责任单位" are one wrapped header cell; every row is a record, its status from its 备注 and share."""
    from minsheng.index.kinds import Status

    parsed = load_report(corpus_file("眉山市2017"))
    records = {r.item: r for r in parsed.records}
    assert list(records) == [str(n) for n in range(1, 17)]
    assert records["1"].section == "就业促进工程" and records["16"].section == "扶贫解困工程"
    assert records["1"].status == Status.COMPLETED and records["1"].ratio == 1.234  # 超额完成, 123.4
    eight = records["8"]  # no share, its 备注 says it keeps to the timetable; no cell lost
    assert "发放一次性创业补贴262万元" in eight.progress and "团市委" in eight.lead_unit
    assert eight.status == Status.ON_TRACK
    assert records["13"].lead_unit == "市商务局"  # "13*": a footnote mark, not another number

