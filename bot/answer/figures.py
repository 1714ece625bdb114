"""What a quoted figure is measured against: the part of the task it answers ("目标：…"), the same project's figure in
the previous report of its series, and a row of bare figures read against its table's header."""
from __future__ import annotations

import re

from minsheng.bot import texts
from minsheng.bot.answer.sentences import LIST_PIECE, cover, window
from minsheng.bot.answer.table_row import labelled_row
from minsheng.index.indexing import Chunk, field_text
from minsheng.index.kinds import Field, Wants
from minsheng.index.script import to_simplified
from minsheng.index.search import Query, SearchResult, figure_change
from minsheng.index.vocabulary import PIECE_BREAK, STATES_TARGET

_DIGIT = re.compile(r"\d")
_TARGET_COVERAGE = 0.3


def target(chunk: Chunk, query: Query, lead: str) -> str:
    """The part of the task a figure in the lead is measured against ("目标 30部以上"), when there is one."""
    # The lead already measuring itself against a plan ("任务60批次,已完成25批次") needs no target line.
    if query.wants not in (Wants.PROGRESS, Wants.AMOUNT, Wants.STATUS) or not _DIGIT.search(lead) or STATES_TARGET.search(lead):
        return ""
    task = field_text(chunk.text, Field.TASK)
    if not task or task in lead:
        return ""
    pieces = [p.strip() for p in PIECE_BREAK.split(task) if _DIGIT.search(p)]
    scored = [(cover(p, query), p) for p in pieces]
    scored = [(s, p) for s, p in scored if s >= _TARGET_COVERAGE]
    if not scored:
        return ""
    piece = max(scored, key=lambda sp: sp[0])[1]
    return window(piece, query, LIST_PIECE)


def earlier_figure(result: SearchResult, quoted: str) -> str:
    """"（2024年一季度：已开工19部）" when the previous report of the series wrote the quoted figure otherwise."""
    if not result.earlier:
        return ""
    point = result.earlier[0]
    change = figure_change(quoted, point.project.progress or point.project.text)
    return texts.EARLIER_FIGURE.format(period=point.report.label, figure=change[0]) if change else ""


def row_header(chunk: Chunk, quoted: str) -> str:
    """The header cells of the table a quoted row of cells comes from ("地区 … 目标 任务 进度 完成比例(%)"), so bare
    figures say what they measure; "" when the quote is no such row."""
    cells = quoted.split(texts.QUOTE_SEP, 1)[-1].split(" ")
    header = chunk.section.split(" ")
    if not chunk.is_passage or len(cells) < 3 or len(header) < 3 or not any(_DIGIT.search(c) for c in cells):
        return ""
    return chunk.section


def header_lines(header: str, quoted: str, query: Query) -> list[str]:
    """The quoted row read against its header, the measure most like the question first ("按表头：城镇新增就业(人)：目标任务1900，
    进度3029，完成比例159.4%；…"); the header itself as well unless every figure got its labels."""
    groups = labelled_row(header, quoted.split(texts.QUOTE_SEP, 1)[-1])
    covers = [cover(to_simplified(g.measure), query) if g.measure else 0.0 for g in groups]
    best = max(range(len(groups)), key=lambda i: covers[i], default=0)
    ordered = groups if not groups or not covers[best] else [groups[best], *groups[:best], *groups[best + 1:]]
    lines = [texts.BY_HEADER.format(groups=texts.CLAUSE_JOIN.join(g.text() for g in ordered))] if groups else []
    if not groups or not all(g.measure for g in groups):
        lines.append(texts.HEADER_LINE.format(header=header))
    return lines
