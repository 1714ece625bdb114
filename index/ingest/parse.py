"""Report text → Report + Records: detects the shape from header vocabulary and layout."""
from __future__ import annotations

import re
from pathlib import PurePath

from minsheng.index.errors import ParseError
from minsheng.index.ingest.fields import finish
from minsheng.index.ingest.meta import find_months, find_period, issuer_lines, places_named, report_place, report_year
from minsheng.index.ingest.news import is_boilerplate, news_records, paragraph_records
from minsheng.index.ingest.pivot import pivot_tables
from minsheng.index.ingest.prose import NoticeTask, inline_records, notice_tasks, prose_records
from minsheng.index.ingest.records import ParsedReport, Record, Report
from minsheng.index.ingest.tables import find_tables
from minsheng.index.script import to_simplified
from minsheng.index.vocabulary import BODY_PERIOD, ISSUER_LINE, ITEM_START, NOTICE_TITLE_START, TITLE_WORDS


def parse_text(text: str, source: str) -> ParsedReport:
    """Parse normalized report text; raises ParseError (naming the source) and nothing else."""
    try:
        return _parse(text, source)
    except (ParseError, MemoryError):
        raise  # out of memory is the reader's limit, not a parser bug
    except Exception as exc:  # a parser bug must not take the whole index down with it
        raise ParseError(source, f"internal parser error ({type(exc).__name__}: {exc})") from exc


def _parse(text: str, source: str) -> ParsedReport:
    lines = text.split("\n")
    if not any(re.search(r"\w", line) for line in lines):
        raise ParseError(source, "no text to parse")
    claimed: set[int] = set()
    records: list[Record] = []
    shapes: list[str] = []

    tables = find_tables(lines)
    for table in tables:
        claimed |= table.lines
        records.extend(table.records)
        shapes.append(f"table:{table.layout}")
    for pivot in pivot_tables(lines, claimed):
        claimed |= pivot.lines
        records.extend(pivot.records)
        shapes.append("table:pivot")
    tasks = notice_tasks(lines, claimed)
    if tasks:
        records = link_notice(tasks, records)
        held = "".join(re.sub(r"\s+", "", r.task) for r in records)
        for task in tasks:
            # A linked task whose wording no record kept stays visible as leftover text.
            kept = re.sub(r"\s+", "", task.task) in held
            claimed |= set(task.lines if kept else task.lines[1:])
        shapes.append("notice")
    prose, used = prose_records(lines, claimed)
    if prose:
        claimed |= used
        records.extend(prose)
        shapes.append("prose")
    inline, used = inline_records(lines, claimed)
    if inline:
        claimed |= used
        records.extend(inline)
        shapes.append("inline")

    table_titles = [_line_before(lines, t.header_line) for t in tables]
    title_index, title = find_title(lines, claimed, table_titles)
    skip = set(title_index) | {i for i in table_titles if i is not None}
    if not records:
        records, used = news_records(lines, claimed, skip)
        if records:
            shapes.append("news")
        claimed |= used
    if not records:
        records, used = paragraph_records(lines, claimed, skip)
        shapes.append("paragraphs")
        claimed |= used
    leftover = [
        lines[i].strip() for i in range(len(lines))
        if i not in claimed and i not in skip and re.search(r"\w", lines[i])
    ] + [text for table in tables for text in table.overflow]
    stem = PurePath(source).stem
    captions = [lines[i].strip() for i in table_titles if i is not None]
    report, notes = _report(title, captions, stem, lines, source)
    for record in records:
        record.places = places_named(record.text(), report.place or (report.region,))
    return ParsedReport(report, records, "+".join(shapes), leftover, notes, text)


def _report(title: str, captions: list[str], stem: str, lines: list[str], source: str) -> tuple[Report, list[str]]:
    """The report's facts (place, year, period and months) and notes on the doubtful ones."""
    where = report_place(" ".join([title, *captions]), issuer_lines(lines), stem, "\n".join(lines))
    year, year_from = report_year(stem, title, lines)
    # The period as the title, a table's caption or the file name words it; else as the report's opening lines
    # give it ("请各牵头单位填写截止到2月28日的情况", "1-4月,全区…", "前三季度…"), which also outweighs a title that
    # only sounds like a year's end ("…完成情况"); else that year's end.
    named = [title, *captions, stem]
    said = next((match.group(0) for line in lines[:_OPENING_LINES] for match in [BODY_PERIOD.search(line)] if match),
                "")
    stated = next((text for text in named if find_period(text)), said)
    report = Report(
        title=title or stem, region=where.region, year=year,
        period=find_period(stated) if stated else "", source=source, place=where.path,
        months=find_months(stated) if stated else next((m for m in map(find_months, named) if m), None),
    )
    notes = [f"place: {where.note}"] if where.note else []
    if year is None:
        notes.append("year: none found")
    elif year_from == "file name" and not any(str(year) in line for line in lines):
        notes.append("year: read from the file name only")
    return report, notes


# How far into a report a cut-off date ("截至5月31日") is taken as the report's period.
_OPENING_LINES = 40


def _line_before(lines: list[str], index: int) -> int | None:
    for prev in range(index - 1, max(index - 4, -1), -1):
        if lines[prev].strip().strip("|").strip():
            return prev
    return None


def _title_like(line: str) -> bool:
    text = line.strip().strip("|").strip()
    simple = to_simplified(text)
    return (
        6 <= len(simple) <= 80
        and bool(TITLE_WORDS.search(simple))
        and "。" not in simple
        and not simple.startswith("[")
        and not ITEM_START.match(simple)
        and not is_boilerplate(simple)
    )


def find_title(lines: list[str], claimed: set[int], table_titles: list[int | None]) -> tuple[list[int], str]:
    """The report's title line(s) among the first lines or just above a table; ([], "") if none."""
    head = [i for i, ln in enumerate(lines) if ln.strip().strip("|").strip() and i not in claimed][:20]
    for index in head + [i for i in table_titles if i is not None]:
        if not _title_like(lines[index]):
            continue
        # Markdown headings ("# 海淀区…") and emphasis are markup, not part of the title.
        title = lines[index].strip().strip("|").strip().lstrip("#").strip().strip("*").strip()
        taken = [index]
        before = _line_before(lines, index)
        # A notice's title is often split: "XX管委会" on one line, "关于……的通知" on the next.
        if before is not None and title.startswith(NOTICE_TITLE_START) and ISSUER_LINE.search(lines[before].strip()):
            title = lines[before].strip() + title
            taken.insert(0, before)
        return taken, title
    return [], ""


def link_notice(tasks: list[NoticeTask], records: list[Record]) -> list[Record]:
    """Give progress rows the target and units of the notice task they report on."""
    linked: set[int] = set()
    for task in tasks:
        for record in records:
            name = record.section.split(" · ")[-1]
            if _same_task(task, record.item, name):
                for field_name in ("task", "units", "lead_unit", "progress", "problems", "plan"):
                    if not getattr(record, field_name):
                        setattr(record, field_name, getattr(task, field_name))
                if not record.section and task.name:
                    record.section = task.name
                linked.add(task.number)
    extra = [
        finish(Record(item=str(t.number), section=t.name, task=t.task, lead_unit=t.lead_unit, units=t.units,
                      progress=t.progress, problems=t.problems, plan=t.plan))
        for t in tasks if t.number not in linked
    ]
    return records + extra


def _same_task(task: NoticeTask, item: str, name: str) -> bool:
    a, b = set(to_simplified(task.name)), set(to_simplified(re.sub(r"\s+", "", name)))
    if not a or not b:
        return item == str(task.number) and not a
    overlap = len(a & b) / max(len(a), len(b))
    return overlap >= 0.95 or (item == str(task.number) and overlap >= 0.5)
