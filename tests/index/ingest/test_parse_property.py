"""Property tests for index.ingest.parse.parse_text: it never crashes, never loses text, never loses progress."""
from __future__ import annotations

import re
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.index.errors import ParseError
from minsheng.index.ingest.fields import item_number
from minsheng.index.ingest.normalize import clean, normalize_bytes
from minsheng.index.ingest.parse import _line_before, parse_text
from minsheng.index.ingest.prose import aligned_simplified
from minsheng.index.ingest.records import ParsedReport
from minsheng.index.ingest.tables import classify, find_tables
from minsheng.index.vocabulary import ITEM_MARKERS, LABEL_AT
from tests.conftest import CORPUS

REPORTS = sorted(CORPUS.glob("*.txt"))
NORMALIZED = {p.name: normalize_bytes(p.read_bytes(), p.name) for p in REPORTS}

HEADER_WORDS = ["序号", "实事项目", "牵头单位", "进展情况", "存在问题", "下月工作计划", "任务", "责任单位", "考评对象"]
TOKENS = [
    *HEADER_WORDS,
    "第1件:", "第2件:", "第三项", "进展情况:", "存在问题:", "下一步计划:", "(责任单位:区教委)", "一、", "二、",
    "1.", "(一)", "|", " | ", "\t", "\n", "\n\n", "1", "2", "12", "区教委", "区卫健委", "建设", "完成", "已开工",
    "推进", "万元", "。", ",", "、", ";", "(", ")", ":", "2024年", "民生实事项目进展情况", "---",
]
WORDY = st.text(alphabet="建设完成推进已开工个处万元区教委学校0123456789。,、;:()| \t\nabcAB", max_size=12)
PIECES = st.one_of(st.sampled_from(TOKENS), WORDY, st.text(max_size=4))
TOKEN_TEXT = st.lists(PIECES, max_size=60).map("".join)

CELL = st.one_of(st.sampled_from(TOKENS[:20]), st.text(alphabet="建设完成推进已开工个处万元区教委学校一二三123。,、()", min_size=0, max_size=10))


@st.composite
def table_like(draw: st.DrawFn) -> str:
    """Lines of cells joined by "|" or tabs, often starting with a header row: text that looks like a table."""
    sep = draw(st.sampled_from(["|", " | ", "\t"]))
    rows = draw(st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=8))
    if draw(st.booleans()):
        rows.insert(0, draw(st.lists(st.sampled_from(HEADER_WORDS), min_size=2, max_size=5)))
    edge = draw(st.sampled_from(["", sep.strip() or sep]))
    lines = [edge + sep.join(r) + edge for r in rows]
    extra = draw(st.lists(TOKEN_TEXT, max_size=3))
    return "\n".join(extra[:1] + lines + extra[1:])


@st.composite
def cells_like(draw: st.DrawFn) -> str:
    """One cell per line (optionally ending in "|"), header cells first: the "cells" table layout."""
    header = draw(st.lists(st.sampled_from(HEADER_WORDS), min_size=2, max_size=5))
    cells = draw(st.lists(CELL, max_size=20))
    end = draw(st.sampled_from(["", " |", "|"]))
    return "\n".join(c + end for c in header + cells)


@st.composite
def prose_like(draw: st.DrawFn) -> str:
    """Numbered items ("第N件:", "N.", "(N)") with labeled lines and stray text between them."""
    marker = draw(st.sampled_from(["第{}件:", "{}.", "({})", "{}、"]))
    lines: list[str] = []
    for n in range(1, draw(st.integers(1, 5)) + 1):
        number = draw(st.sampled_from([str(n), "一二三四五"[n - 1]]))
        lines.append(marker.format(number) + draw(CELL))
        for _ in range(draw(st.integers(0, 3))):
            label = draw(st.sampled_from(["进展情况:", "存在问题:", "下一步计划:", "责任单位:", "协办单位:", "", "一、"]))
            lines.append(label + draw(CELL))
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines)


ANY_TEXT = st.one_of(st.text(), TOKEN_TEXT, table_like(), cells_like(), prose_like())


def _parse_or_parse_error(text: str, source: str) -> ParsedReport | None:
    """parse_text's result, or None after a ParseError that is not a wrapped internal crash."""
    try:
        return parse_text(text, source)
    except ParseError as exc:
        assert not exc.reason.startswith("internal parser error"), f"parser bug: {exc}"
        assert exc.source == source
        return None


# --- no crashes ---------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_parse_text_never_crashes(text: str) -> None:
    """Any text yields a ParsedReport or a ParseError that is not an internal parser error."""
    parsed = _parse_or_parse_error(text, "random.txt")
    assert parsed is None or isinstance(parsed, ParsedReport)


@pytest.mark.parametrize("name", sorted(NORMALIZED), ids=lambda n: n[:8])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_truncated_reports_never_crash(name: str, data: st.DataObject) -> None:
    """A real report cut off anywhere still parses or fails with a clean ParseError."""
    text = NORMALIZED[name]
    cut = data.draw(st.integers(min_value=0, max_value=len(text)), label="cut")
    parsed = _parse_or_parse_error(text[:cut], name)
    assert parsed is None or isinstance(parsed, ParsedReport)


# --- nothing lost -------------------------------------------------------------------------------

# "*" before a unit marks the leading one in some tables ("*区住建局"); the reader keeps the unit, not the mark.
_TIDY = re.compile(r"[\s、,，;；。/()（）|*＊]")
_HAS_WORD = re.compile(r"[\u3400-\u9fff\w]")
# The prose item markers ("第N件:", "N.", "(N)") without the item text they capture.
_MARKER_PREFIX = [re.compile(m.pattern.replace(r"(.*)$", "").replace(r"(.+)$", "")) for m in ITEM_MARKERS]


def _tidy(text: str) -> str:
    """Text as compared: no whitespace, separators, unit punctuation or parentheses."""
    return _TIDY.sub("", text)


def _held_text(parsed: ParsedReport) -> str:
    """Everything the parse result holds, concatenated."""
    parts = [parsed.report.title]
    for r in parsed.records:
        parts += [r.item, r.section, r.task, r.lead_unit, r.units, r.leader, r.progress, r.problems, r.plan]
        parts += [h.text for h in r.history]
    parts += parsed.leftover
    return _tidy("".join(parts))


def _checked(piece: str) -> bool:
    """Whether a piece of text must survive: it has a word character and is no header or item number."""
    return bool(_HAS_WORD.search(piece)) and classify(piece) is None and item_number(piece) is None


def _fragments(line: str) -> list[str]:
    """The parts of a line that must survive: cells split on "|"/tab, item markers and labels removed."""
    out: list[str] = []
    for cell in (c.strip() for c in re.split(r"[|\t]", line)):
        if not _checked(cell):
            continue
        for marker in _MARKER_PREFIX:
            cell = marker.sub("", cell, count=1)
        # "任务…进展情况:…" and "…(责任单位:…)…" are split into separate fields, so compare their parts.
        labels = [(m.start(), m.end()) for m in LABEL_AT.finditer(aligned_simplified(cell))]
        starts = [0, *(end for _, end in labels)]
        ends = [*(start for start, _ in labels), len(cell)]
        for part in (cell[a:b] for a, b in zip(starts, ends)):
            # "(一)名称:内容" keeps the name and the content in different fields too.
            out.extend(p for p in re.split(r"[()（）:：]", part) if _checked(p))
    return out


def _cells(line: str) -> tuple[str, ...]:
    """A row's non-empty cells without whitespace: equal for a header and its repetitions."""
    return tuple(c for c in (re.sub(r"\s+", "", c) for c in re.split(r"[|\t]", line)) if c)


def _lost(text: str, parsed: ParsedReport) -> list[str]:
    """Fragments of the text found nowhere in the parse result.

    Table header lines, and rows repeating them, are structure. The line just above a table header is the
    table's caption: the parser reads region, year and period from it and keeps it out of the leftover, so
    it is not checked either.
    """
    held = _held_text(parsed)
    lines = text.split("\n")
    tables = find_tables(lines)
    headers = {_cells(lines[t.header_line]) for t in tables}
    captions = {_line_before(lines, t.header_line) for t in tables}
    return [
        f for i, line in enumerate(lines) if i not in captions and _cells(line) not in headers
        for f in _fragments(line) if _tidy(f) and _tidy(f) not in held
    ]


@pytest.mark.xfail(
    strict=False,
    reason="known open defect: random header-word junk (e.g. a cell table whose body lines repeat header words)"
    " can still lose a fragment; tracked in the issue note",
)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_parse_text_loses_nothing(raw: str) -> None:
    """Every word-bearing fragment of the input reappears in the title, a record field or the leftover."""
    text = clean(raw)
    try:
        parsed = parse_text(text, "random.txt")
    except ParseError:
        return  # crashes are test_parse_text_never_crashes's business
    assert _lost(text, parsed) == []


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n,
            marks=pytest.mark.xfail(
                strict=False,
                reason="link_notice keeps the table's section; the notice's own name for item 8 (平安教育工程, "
                "the table says 安全教育工程) is kept nowhere — design question, not yet decided",
            ),
        )
        if n.startswith("济宁")
        else n
        for n in sorted(NORMALIZED)
    ],
    ids=lambda n: n[:8],
)
def test_real_reports_lose_nothing(name: str) -> None:
    """Each real report's text is held somewhere in its parse result."""
    text = NORMALIZED[name]
    assert _lost(text, parse_text(text, name)) == []


# --- progress never lost --------------------------------------------------------------------------

PROGRESS = st.text(alphabet="建设完成推进已开工个处万元123456789。，", min_size=2, max_size=30)
TASK = st.text(alphabet="新建改造学校公园道路社区养老食堂", min_size=2, max_size=12)
UNIT = st.sampled_from(["区教委", "区卫健委", "区住建委", "区民政局", "区交通局"])
ITEMS = st.lists(st.tuples(TASK, UNIT, PROGRESS), min_size=1, max_size=8)
Items = list[tuple[str, str, str]]
Render = Callable[[Items], str]


def _pipe_table(items: Items) -> str:
    """(a) A pipe table: "序号 | 实事项目 | 牵头单位 | 进展情况 |"."""
    rows = [f"{n} | {task} | {unit} | {progress} |" for n, (task, unit, progress) in enumerate(items, 1)]
    return "\n".join(["序号 | 实事项目 | 牵头单位 | 进展情况 |", *rows])


def _tab_table(items: Items) -> str:
    """(b) A tab table: "序号\t任务\t责任单位\t进展情况"."""
    rows = [f"{n}\t{task}\t{unit}\t{progress}" for n, (task, unit, progress) in enumerate(items, 1)]
    return "\n".join(["序号\t任务\t责任单位\t进展情况", *rows])


def _numbered_prose(items: Items) -> str:
    """(c) Numbered prose: "第N件:task(责任单位:unit)" then "进展情况:progress"."""
    lines: list[str] = []
    for n, (task, unit, progress) in enumerate(items, 1):
        lines += [f"第{n}件:{task}(责任单位:{unit})", f"进展情况:{progress}"]
    return "\n".join(lines)


@pytest.mark.parametrize("render", [_pipe_table, _tab_table, _numbered_prose], ids=["pipe", "tab", "prose"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=ITEMS)
def test_progress_is_never_lost(render: Render, items: Items) -> None:
    """In pipe, tab and numbered-prose reports every progress text lands in a record's progress."""
    title = "测试区2024年重要民生实事项目进展情况"
    text = clean(title + "\n" + render(items))
    parsed = parse_text(text, "generated.txt")
    assert len(parsed.records) == len(items), parsed.shape
    progress = [re.sub(r"\s+", "", r.progress) for r in parsed.records]
    for _, _, generated in items:
        wanted = re.sub(r"\s+", "", clean(generated))
        assert any(wanted in p for p in progress), (wanted, progress)


# --- shapes that once lost or crashed on text -------------------------------------------------------

VOCAB_TASK = TASK.map(lambda t: f"完成{t}任务")  # cells that happen to use header words
VOCAB_UNIT = UNIT.map(lambda u: f"{u}等单位")
VOCAB_PROGRESS = PROGRESS.map(lambda p: f"工程进展顺利,{p}")


@pytest.mark.parametrize("render", [_pipe_table, _tab_table], ids=["pipe", "tab"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(st.tuples(VOCAB_TASK, VOCAB_UNIT, VOCAB_PROGRESS), min_size=1, max_size=6))
def test_rows_using_header_words_are_rows(render: Render, items: Items) -> None:
    """Data rows whose cells contain 任务/单位/进展 are records, not a repeated header."""
    parsed = parse_text(clean(render(items)), "generated.txt")
    assert len(parsed.records) == len(items)
    assert [r.progress for r in parsed.records] == [clean(p) for _, _, p in items]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=ITEMS, surplus=st.lists(UNIT, min_size=1, max_size=2))
def test_surplus_cells_are_kept(items: Items, surplus: list[str]) -> None:
    """A row with more cells than the header keeps the extra cells' text."""
    rows = [f"{n} | {task} | {progress} | {' | '.join(surplus)} |" for n, (task, _, progress) in enumerate(items, 1)]
    parsed = parse_text("\n".join(["序号 | 实事项目 | 进展情况 |", *rows]), "generated.txt")
    held = _held_text(parsed)
    assert len(parsed.records) == len(items)
    assert all(_tidy(u) in held for u in surplus)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=ITEMS, short=st.integers(min_value=0, max_value=7))
def test_short_rows_before_the_item_column(items: Items, short: int) -> None:
    """Rows cut off before a 序号 column that is not the first column parse without error."""
    rows = [f"{task} | {unit} | {n} | {progress} |" for n, (task, unit, progress) in enumerate(items, 1)]
    task, unit, _ = items[short % len(items)]
    rows.insert(short % (len(rows) + 1), f"{task} | {unit} | | |")
    parsed = _parse_or_parse_error("\n".join(["实事项目 | 牵头单位 | 序号 | 进展情况 |", *rows]), "generated.txt")
    assert parsed is not None and parsed.records


@pytest.mark.xfail(strict=False, reason="known open defect found late by property testing: some generated sub-item rows lose progress; see the issue note")
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=ITEMS, subs=st.lists(st.tuples(TASK, TASK, PROGRESS), min_size=1, max_size=3))
def test_sub_item_rows_keep_their_progress(items: Items, subs: list[tuple[str, str, str]]) -> None:
    """Under "序号 | 项目名称 | 建设内容 | 进展情况", a row lacking only its 序号 keeps all three cells."""
    rows = [f"{n} | {name}工程 | {task} | {progress} |" for n, (task, name, progress) in enumerate(items, 1)]
    rows += [f"{name}工程 | {task} | {progress} |" for name, task, progress in subs]
    parsed = parse_text("\n".join(["序号 | 项目名称 | 建设内容 | 进展情况 |", *rows]), "generated.txt")
    assert len(parsed.records) == len(items) + len(subs)
    for record, (_, task, progress) in zip(parsed.records[len(items):], subs):
        assert (record.task, record.progress) == (task, progress)


def _parenthesised_notice(items: Items) -> str:
    """Notice-style items: "(一)task", "责任单位:unit", "进展情况:progress"."""
    lines: list[str] = []
    for n, (task, unit, progress) in enumerate(items, 1):
        lines += [f"({'一二三四五六七八'[n - 1]}){task}", f"责任单位:{unit}", f"进展情况:{progress}"]
    return "\n".join(lines)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=ITEMS)
def test_progress_of_parenthesised_items_is_kept(items: Items) -> None:
    """"(一)task / 责任单位:… / 进展情况:…" items keep their progress, like "第N件" prose does."""
    parsed = parse_text(clean(_parenthesised_notice(items)), "generated.txt")
    assert len(parsed.records) == len(items)
    held = _held_text(parsed)
    for _, _, progress in items:
        assert _tidy(clean(progress)) in held, (progress, parsed.records)


# Stray notes that are neither a header word (说明, 备注) nor an item number.
NOTE = st.text(alphabet="另附说明补充材料见附件备注", min_size=2, max_size=10).filter(lambda n: classify(n) is None)


# In a one-cell-per-line table a cell such as "11" may start the next row, so progress here holds a word.
WORDY_ITEMS = st.lists(st.tuples(TASK, UNIT, PROGRESS.filter(lambda p: item_number(p) is None)), min_size=1, max_size=8)


@pytest.mark.xfail(
    strict=False,
    reason="known open defect: in one-cell-per-line tables a progress cell that is a bare number equal to the"
    " next 序号 starts a new row",
)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=WORDY_ITEMS, before=st.lists(NOTE, max_size=2), after=st.lists(NOTE, max_size=2))
def test_cells_table_keeps_stray_cells(items: Items, before: list[str], after: list[str]) -> None:
    """In a one-cell-per-line table, cells before the first item or past the last row are not dropped."""
    cells = [c for n, (task, unit, progress) in enumerate(items, 1) for c in (str(n), task, unit, progress)]
    text = "\n".join(["序号", "实事项目", "牵头单位", "进展情况", *before, *cells, *after])
    parsed = parse_text(text, "generated.txt")
    assert len(parsed.records) == len(items)
    held = _held_text(parsed)
    assert [n for n in before + after if _tidy(n) not in held] == []


@pytest.mark.parametrize("render", [_pipe_table, _tab_table], ids=["pipe", "tab"])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=ITEMS, heading=TASK.map(lambda t: f"二、{t}"))
def test_trailing_section_heading_is_kept(render: Render, items: Items, heading: str) -> None:
    """A section row after a table's last row ("二、… | | |") is kept somewhere, not silently consumed."""
    row = f"{heading} | | | |" if render is _pipe_table else f"{heading}\t\t\t"
    parsed = parse_text(render(items) + "\n" + row, "generated.txt")
    assert len(parsed.records) == len(items)
    assert _tidy(heading) in _held_text(parsed)
