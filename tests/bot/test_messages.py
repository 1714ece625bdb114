"""Bot texts and splitting HTML under Telegram's limit."""
from __future__ import annotations

import re

from minsheng.bot.messages import ShortKeys, Stats, regions_text, reports_text, split_html, start_text, stats_text
from minsheng.index.indexing.catalog import Coverage, FileEntry

COVERAGE = Coverage({"大兴区": ("2024年一季度",), "密云区": ("2022年三季度",)}, {"大兴区": 1, "密云区": 2},
                    ("区民政局", "发展软环境保障局"))


def test_split_keeps_lines_whole_and_under_the_limit() -> None:
    lines = [f"<i>[{n}] 第{n}项 · 牵头 区住建委 &amp; 区民政局</i>" for n in range(400)]
    pieces = split_html("\n".join(lines), limit=1000)
    assert all(len(p) <= 1000 for p in pieces) and len(pieces) > 1
    assert "\n".join(pieces).split("\n") == lines
    assert all(p.count("<i>") == p.count("</i>") for p in pieces)


def test_split_cuts_an_over_long_line_outside_entities() -> None:
    line = ("进展&amp;情况" * 300)
    pieces = split_html(line, limit=100)
    assert all(len(p) <= 100 for p in pieces) and "".join(pieces) == line
    assert all(not re.search(r"&[a-z#]*$", p) for p in pieces)


def test_short_keys_forget_the_oldest() -> None:
    keys: ShortKeys[int] = ShortKeys(size=3)
    made = [keys.put(n) for n in range(5)]
    assert len(set(made)) == 5 and all(len(k.encode()) <= 8 for k in made)
    assert keys.get(made[0]) is None and keys.get(made[4]) == 4 and keys.get("nope") is None


def test_start_and_regions_describe_the_coverage() -> None:
    text = start_text(COVERAGE, ["大兴区养老服务进展"])
    assert "3 份报告" in text and "· 大兴区养老服务进展" in text
    assert "例如" not in start_text(COVERAGE)  # no example the index was not seen to answer
    assert "/ask" in start_text(COVERAGE, group=True)
    assert regions_text(COVERAGE).splitlines()[1:] == ["· 大兴区：2024年一季度（1份报告）", "· 密云区：2022年三季度（2份报告）"]


def test_reports_text_escapes_titles() -> None:
    files = {"a.txt": FileEntry("h", "A<B>&C 进展", "甲区", 2024, "一季度", 3, 3)}
    assert "A&lt;B&gt;&amp;C 进展（甲区 · 2024年一季度 · 3条）" in reports_text(files)


def test_stats_counts_questions_and_median() -> None:
    stats = Stats()
    for seconds, abstained in ((0.1, False), (0.3, True), (0.2, False)):
        stats.record(seconds, abstained)
    text = stats_text(stats, COVERAGE, records=40, uptime=7200)
    assert "回答 3 个问题（其中 1 个报告里没有答案）" in text and "中位数 0.20 秒" in text and "40 条记录" in text


def test_reports_naming_no_place_are_listed_by_title_and_copies_by_name() -> None:
    coverage = Coverage({"": ("2025年6月",), "大兴区": ("2024年一季度",)}, {"": 1, "大兴区": 1}, (),
                        unplaced={"民生工程进展情况": ("2025年6月",)})
    lines = regions_text(coverage).splitlines()
    assert lines == ["<b>收录的地区</b>（1个）", "· 大兴区：2024年一季度（1份报告）", "<b>没有写明地区的报告</b>（1份）",
                     "· 《民生工程进展情况》：2025年6月"]
    files = {"a.txt": FileEntry("h", "民生工程进展情况", "", 2025, "6月", 3)}
    text = reports_text(files, {"a-gbk.txt": "a.txt"})
    assert "· 民生工程进展情况（2025年6月 · 3条；同一份报告的其他文件：a-gbk.txt）" in text and "未注明" not in text


def test_many_places_are_grouped_by_province_with_their_parents() -> None:
    paths = {"大兴区": ("北京市", "大兴区"), "密云区": ("北京市", "密云区"), "城关区": ("甘肃省", "兰州市", "城关区"),
             "青岛市": ("山东省", "青岛市"), "天津市": ("天津市",)}
    coverage = Coverage({r: ("2024年",) for r in paths}, {r: 1 for r in paths}, (), paths=paths)
    lines = regions_text(coverage, group_over=3).splitlines()
    assert lines == ["<b>收录的地区</b>（5个）", "<b>北京市</b>", "· 大兴区（北京市）：2024年（1份报告）",
                     "· 密云区（北京市）：2024年（1份报告）", "<b>天津市</b>", "· 天津市：2024年（1份报告）",
                     "<b>山东省</b>", "· 青岛市：2024年（1份报告）", "<b>甘肃省</b>", "· 城关区（兰州市）：2024年（1份报告）"]
