"""The five real reports: record counts, report facts and spot-checked fields."""
from __future__ import annotations

from minsheng.index.ingest.normalize import match_key
from minsheng.index.ingest.records import ParsedReport, Record


def find(parsed: ParsedReport, text: str) -> Record:
    """The one record whose task or section holds text."""
    hits = [r for r in parsed.records if text in r.task or text in r.section]
    assert len(hits) == 1, f"{len(hits)} records match {text!r}"
    return hits[0]


def test_record_counts(reports: dict[str, ParsedReport]) -> None:
    """Each report yields exactly its projects (sub-items and headlines included)."""
    counts = {key: len(p.records) for key, p in reports.items()}
    assert counts == {"密云区": 31, "青岛市": 16, "大兴区": 22, "济宁高新区": 15, "北京城市副中心": 9}


def test_report_level_facts(reports: dict[str, ParsedReport]) -> None:
    """District, year and period come from the title line or the file name."""
    facts = {key: (p.report.region, p.report.year, p.report.period) for key, p in reports.items()}
    assert facts == {
        "密云区": ("密云区", 2022, "三季度"),
        "青岛市": ("青岛市", 2022, "上半年"),
        "大兴区": ("大兴区", 2024, "一季度"),
        "济宁高新区": ("济宁高新区", 2021, "1-9月"),
        "北京城市副中心": ("通州区", 2021, "12月"),
    }
    assert reports["大兴区"].report.title == "大兴区2024年重要民生实事项目一季度进展情况"
    assert reports["济宁高新区"].report.title == "济宁高新区管委会关于做好2021年为民办实事的通知"


def test_shapes_detected(reports: dict[str, ParsedReport]) -> None:
    """Each file's layout is recognised as what it is."""
    shapes = {key: p.shape for key, p in reports.items()}
    assert shapes == {
        "密云区": "table:cells",
        "青岛市": "prose",
        "大兴区": "table:tab",
        "济宁高新区": "table:pipe+notice",
        "北京城市副中心": "news",
    }


def test_miyun_one_cell_per_line(reports: dict[str, ParsedReport]) -> None:
    """Sections, multi-unit cells, ratios and status of the one-cell-per-line table."""
    parsed = reports["密云区"]
    assert [r.item for r in parsed.records] == [str(i) for i in range(1, 32)]
    charging = find(parsed, "电动自行车集中充电设施")
    assert charging.section == "七、保障公共安全(3件)"
    assert charging.lead_unit == "区城市管理委"
    assert "本月新建7398个" in charging.progress
    assert charging.ratio == 0.879
    assert charging.status == "on_track"
    park = find(parsed, "小蜜蜂主题公园")
    assert park.lead_unit == "区发展改革委、区园林绿化中心"
    assert find(parsed, "防火瞭望台").status == "completed"
    assert "累计培训1013人次" in find(parsed, "新增急救站点").progress
    assert all(r.progress for r in parsed.records)


def test_qingdao_numbered_prose(reports: dict[str, ParsedReport]) -> None:
    """第N件 items carry their 责任单位 from parentheses and the 进展情况 paragraph."""
    parsed = reports["青岛市"]
    market = find(parsed, "农贸市场10处以上")
    assert market.item == "14"
    assert market.lead_unit == "市市场监管局"
    assert "责任单位" not in market.task
    assert market.progress.startswith("开工") and market.progress.endswith("完成98处农贸市场6月份实地测评。")
    jobs = find(parsed, "城镇新增就业35万人")
    assert jobs.lead_unit == "市人力资源社会保障局、市农业农村局"
    assert "1.92万人" in jobs.progress
    assert find(parsed, "胶州湾海底天然气管线").status == "on_track"
    # The closing links of the page belong to no project.
    assert "我要评论↓" in parsed.leftover
    assert all("我要评论" not in r.progress for r in parsed.records)


def test_daxing_tab_table_with_repeated_header(reports: dict[str, ParsedReport]) -> None:
    """The header repeated every few rows is not a record; HTML list remnants are gone."""
    parsed = reports["大兴区"]
    assert [r.item for r in parsed.records] == [str(i) for i in range(1, 23)]
    assert all(r.task != "任务标题" for r in parsed.records)
    drugs = find(parsed, "食品药品安全水平")
    assert drugs.lead_unit == "区市场监管局"
    assert "化妆品抽检任务60批次" in drugs.progress
    assert "<ol" not in drugs.progress
    parking = find(parsed, "人防工程向社会提供500个停车位")
    assert parking.ratio == 0.4
    green = [r for r in parsed.records if "小微绿地" in r.task]
    assert [r.lead_unit for r in green] == ["区园林绿化局", "黄村镇"]
    assert "目前7个项目已完成整改" in find(parsed, "规范物业服务").progress


def test_jining_notice_linked_to_progress_table(reports: dict[str, ParsedReport]) -> None:
    """15 progress rows under 10 projects, each carrying the notice's 协办单位, problems and plan."""
    parsed = reports["济宁高新区"]
    assert sorted({r.item for r in parsed.records}, key=int) == [str(i) for i in range(1, 11)]
    per_item = {i: sum(r.item == str(i) for r in parsed.records) for i in range(1, 11)}
    assert per_item == {1: 2, 2: 3, 3: 1, 4: 2, 5: 1, 6: 1, 7: 2, 8: 1, 9: 1, 10: 1}
    culture = [r for r in parsed.records if r.section == "文体惠民工程"]
    assert len(culture) == 2
    assert "节目内容有限" in culture[0].problems
    assert culture[0].plan.startswith("按需配送文化大餐")
    assert culture[0].units == "财政金融局、各街道"
    health = parsed.records[0]
    assert health.section == "医疗健康惠民工程"
    assert "智慧随访设备" in health.plan
    assert health.units == "财政金融局、经济发展局、市场监管局"
    school = find(parsed, "小屯小学")
    assert school.problems == "项目土地手续尚未办结,影响后期建设手续办理"
    assert school.plan == "完成施工招标,施工进场。"
    # The notice calls item 8 平安教育工程, the table 安全教育 工程: linked by number and likeness.
    safety = [r for r in parsed.records if r.item == "8"][0]
    assert safety.units == "党政办公室、经济发展局、财政金融局、各街道"
    eyes = find(parsed, "护眼灯")
    assert eyes.status == "completed"
    assert "已完成40家学校明厨亮灶改造" in find(parsed, "明厨亮灶+互联网").progress


def test_news_page_sections(reports: dict[str, ParsedReport]) -> None:
    """One record per headline; the original Traditional wording is kept, pinyin removed."""
    parsed = reports["北京城市副中心"]
    heads = [r.section for r in parsed.records]
    assert heads[0] == "廠通路預計2024年竣工通車"
    assert heads[-1] == "擦亮西集民宿金字招牌"
    call = [r for r in parsed.records if "1271" in r.progress]
    assert len(call) == 1 and "聯系社區衛生服務中心1271次" in call[0].progress
    assert all("(q" not in r.progress and "(f" not in r.progress for r in parsed.records)
    assert "[責任編輯:潘旺旺]" in parsed.leftover


def test_gold_wording_lands_in_records(reports: dict[str, ParsedReport]) -> None:
    """Report wording people ask about is inside some record, compared as the eval compares."""
    keys = {key: " ".join(match_key(r.progress + r.problems + r.plan + r.task) for r in p.records)
            for key, p in reports.items()}
    for key, phrase in [
        ("密云区", "目前已完成270套公租房分配"),
        ("青岛市", "生育医疗费支出2.03亿元"),
        ("大兴区", "旧官YZ00-0801-0024地块幼儿园建设工程完成并已移交教委"),
        ("济宁高新区", "在黄屯街道金色嘉苑社区打造一处社区食堂"),
        ("北京城市副中心", "企業營業收入762.31億元"),
    ]:
        assert match_key(phrase) in keys[key]


def test_a_period_the_title_lacks_is_read_from_the_opening_lines() -> None:
    """A report titled without a period is dated by its own opening lines; a title that only sounds like a year's end
    ("完成情况") gives way to them; a project's own dates and plans date nothing."""
    from minsheng.index.ingest.parse import parse_text

    def period(text: str) -> tuple[str, tuple[int, int] | None]:
        report = parse_text(text, "report.txt").report
        return report.period, report.months

    item = "\n1.新建幼儿园2所,3月开工,已完工。\n2.改造老旧小区5个,计划下半年完工。"
    assert period("甲县2023年民生实事完成情况\n1-4月,全县民生实事项目有序推进。" + item) == ("1-4月", (1, 4))
    assert period("甲县2023年十件民生实事进展情况\n前三季度,十件实事整体推进。" + item) == ("前三季度", (1, 9))
    assert period("甲县2023年十件民生实事进展\n今年以来,截至4月底,十件实事进展顺利。" + item) == ("截至4月底", (1, 4))
    assert period("甲县2023年一季度十件民生实事进展\n1-4月,全县推进。" + item) == ("一季度", (1, 3))  # the title's own
    assert period("甲县2023年民生实事完成情况" + item) == ("", (1, 12))
    assert period("甲县2023年十件民生实事进展情况" + item) == ("", None)
