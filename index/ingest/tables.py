"""Tables in any layout (pipe, tab, one cell per line) → Records, by header vocabulary."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from minsheng.index.ingest.fields import explains_delay, finish, is_section, item_number
from minsheng.index.ingest.records import PeriodText, Record
from minsheng.index.kinds import Field
from minsheng.index.script import to_simplified
from minsheng.index.vocabulary import (
    BYLINE_LABEL,
    COLUMN_HEADERS,
    NOTE_LABEL,
    PERIOD_IN_HEADER,
    UNIT_CELL,
    UNIT_LABEL_END,
)


@dataclass(frozen=True)
class Column:
    """One header cell: what it holds and, for progress columns, the period it covers."""

    kind: Field
    label: str
    period: str = ""
    # False for a header word no vocabulary knows ("开工时间"), kept as a labelled note column.
    named: bool = True


@dataclass
class Table:
    """A table found in a report: its header, records, and the lines it took."""

    columns: list[Column]
    records: list[Record]
    lines: set[int]
    header_line: int
    layout: str
    overflow: list[str] = field(default_factory=list)


def classify(cell: str) -> Column | None:
    """The column a header cell names, or None for a cell that is no header word."""
    label = re.sub(r"\s+", "", cell.strip().strip("|"))
    key = to_simplified(label)
    if not key or len(key) > 24:
        return None
    period_match = PERIOD_IN_HEADER.search(key)
    period = period_match.group(1) if period_match else ""
    if period and period == key:
        return Column(Field.PROGRESS, label, period)
    for kind, pattern in COLUMN_HEADERS:
        if pattern.search(key):
            return Column(kind, label, period if kind == Field.PROGRESS else "")
    return None


def header_columns(cells: list[str]) -> list[Column] | None:
    """Columns when the cells form a table header, else None."""
    cells = [c.strip() for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    while cells and not cells[0]:
        cells.pop(0)
    if len(cells) < 2:
        return None
    columns = [classify(c) for c in cells]
    known = [c for c in columns if c]
    kinds = {c.kind for c in known}
    if len(known) < 2 or len(known) < 0.6 * len(cells):
        return None
    if not kinds & {Field.TASK, Field.NAME, Field.PROGRESS} or not kinds & {Field.PROGRESS, Field.LEAD, Field.ITEM,
                                                                        Field.PLAN, Field.PROBLEMS}:
        return None
    return [c or Column(Field.TASK, cells[i]) for i, c in enumerate(columns)]


def find_tables(lines: list[str]) -> list[Table]:
    """Every table in the lines, in order; lines already used by one table are not reused."""
    tables: list[Table] = []
    index = 0
    while index < len(lines):
        table = _table_at(lines, index)
        if table is None:
            index += 1
            continue
        tables.append(table)
        index = max(table.lines) + 1
    return tables


def _table_at(lines: list[str], index: int) -> Table | None:
    line = lines[index]
    for sep in ("\t", "|"):
        if line.count(sep) >= (1 if sep == "\t" else 2):
            columns = header_columns(_split(line, sep, leading=line.startswith(sep)))
            if columns:
                return _delimited(lines, index, columns, sep)
    return _one_cell_per_line(lines, index)


def _split(text: str, sep: str, leading: bool) -> list[str]:
    text = text.strip()
    if leading and text.startswith(sep):
        text = text[1:]
    if text.endswith(sep):
        text = text[:-1]
    return [c.strip() for c in text.split(sep)]


def _is_rule(line: str) -> bool:
    """A markdown or ASCII separator row such as |---|:---:|."""
    return not re.sub(r"[|\s:：\-—=+]", "", line) and len(re.findall(r"[-—=]", line)) >= 3


def _delimited(lines: list[str], header: int, columns: list[Column], sep: str) -> Table:
    """Pipe or tab table; rows may span lines, repeat the header, or end in a separator."""
    reader = _DelimitedRows(lines, header, sep)
    reader.read()
    records = rows_to_records(columns, reader.rows)
    layout = "tab" if sep == "\t" else "pipe"
    return Table(columns, records, reader.used, header, layout, _unused_sections(reader.sections, records))


class _DelimitedRows:
    """The rows below a pipe or tab header, with the section each sits under and the lines the table took."""

    def __init__(self, lines: list[str], header: int, sep: str) -> None:
        self.lines = lines
        self.header = header
        self.sep = sep
        header_text = lines[header].strip()
        self.leading = header_text.startswith(sep)
        # A row of a table whose header ends in "|" ends in "|" too, however many lines it spans.
        self.terminated = sep == "|" and header_text.endswith("|")
        self.header_labels = [re.sub(r"\s+", "", c) for c in _split(header_text, sep, self.leading) if c]
        self.used = {header}
        self.rows: list[tuple[list[str], str]] = []
        self.section = ""
        self.sections: list[str] = []
        self._pending: list[str] = []  # the lines of the row being read
        self._pending_lines: list[int] = []

    def read(self) -> None:
        """Read rows until a line that cannot belong to the table."""
        for index in range(self.header + 1, len(self.lines)):
            if not self._take(index, self.lines[index].strip()):
                break
        self._flush()

    def _take(self, index: int, line: str) -> bool:
        """Take one line into the table; False when the table has ended before it."""
        if not line:
            return bool(self._pending) or _table_continues(self.lines, index, self.sep)
        if _is_rule(line):
            self.used.add(index)
            return True
        if len(BYLINE_LABEL.findall(to_simplified(line))) >= 2:
            return False  # "稿源:… 编辑:… 日期" under the table: the page's byline, not a row
        if self.terminated:
            if not self._pending and self.sep not in line and not _table_continues(self.lines, index, self.sep):
                return False
            self._pend(index, line)
            if line.endswith(self.sep):
                self._flush()
            return True
        if self.sep in line:
            self._flush()
            self._pend(index, line)
        elif self._pending:
            self._pend(index, line)
        elif is_section(line):
            self._set_section(line)
            self.used.add(index)
        else:
            return False
        return True

    def _pend(self, index: int, line: str) -> None:
        self._pending.append(line)
        self._pending_lines.append(index)

    def _set_section(self, section: str) -> None:
        self.section = section
        self.sections.append(section)

    def _flush(self) -> None:
        """The pending lines become one row, a section heading, or nothing (the header repeated)."""
        if not self._pending:
            return
        text = ""
        for part in self._pending:
            if not text:
                text = part
            elif part.startswith(self.sep) or text.endswith(self.sep):
                text += part
            else:
                text += "\n" + part
        cells = _split(text, self.sep, self.leading)
        non_empty = [c for c in cells if c]
        if len(non_empty) == 1 and is_section(non_empty[0]):
            self._set_section(non_empty[0])
        elif non_empty and [re.sub(r"\s+", "", c) for c in non_empty] != self.header_labels:
            self.rows.append((cells, self.section))  # a row identical to the header is the header repeated
        self.used.update(self._pending_lines)
        self._pending.clear()
        self._pending_lines.clear()


def _table_continues(lines: list[str], index: int, sep: str) -> bool:
    """Whether the next non-empty line after index belongs to a table separated by sep."""
    for nxt in lines[index + 1 : index + 4]:
        nxt = nxt.strip()
        if nxt:
            return sep in nxt
    return False


def _one_cell_per_line(lines: list[str], index: int) -> Table | None:
    """Exports where every cell is its own line (optionally ending in "|"), header cells first."""
    before = next((ln.strip() for ln in reversed(lines[max(index - 3, 0):index]) if ln.strip()), "")
    if before and len(before) <= 12 and classify(before):
        return None  # the middle of a header (its later groups under a two-level header), not its start
    columns: list[Column] = []
    cursor = index
    while cursor < len(lines):
        cell = lines[cursor].strip().rstrip("|").strip()
        if not cell and columns:
            cursor += 1  # some exports put a blank line between header cells
            continue
        column = _header_cell(cell)
        if column is None and columns and unit_only(cell):
            # "(万元)", "(%)": the unit of the header cell above, wrapped onto a line of its own
            last = columns.pop()
            column = classify(last.label + cell) or replace(last, label=last.label + cell)
        elif column is None and columns and _header_follows(lines, cursor):
            # A header word no vocabulary knows ("开工", "时间") between known ones: a column kept as a note, its
            # wrapped halves joined ("开工" + "时间").
            if not columns[-1].named and len(columns[-1].label) <= 2:
                last = columns.pop()
                cell = last.label + cell
            column = Column(Field.NOTE, cell, named=False)
        if column is None:
            break
        if columns and _wrapped_label(columns[-1], column):
            last = columns.pop()
            column = replace(last, label=last.label + column.label)
        columns.append(column)
        cursor += 1
    known = [c.label for c in columns if c.named]
    if len(columns) < 3 or header_columns(known) is None:
        return None
    cells, cell_lines, used = _cells_after(lines, cursor)
    used.update(range(index, cursor))
    rows, overflow, sections = _group_cells(columns, cells)
    records = rows_to_records(columns, rows)
    if not records:
        return None  # header-like lines with no rows under them: leave them to the other readers
    if len({c.label for c in columns}) < len(columns):
        return None  # header words repeated under a two-level header: this reader cannot place their cells
    leads = [r.lead_unit for r in records if r.lead_unit]
    if sum(bool(re.search(r"(?:^|、)[\d.%]+(?:、|$)", lead)) for lead in leads) > len(leads) / 2:
        return None  # figures read as unit names: the columns were misplaced, passages hold the rows instead
    if any(c.kind == Field.ITEM for c in columns) and sum(item_number(r.item) is not None for r in records) < 0.5 * len(records):
        return None  # rows that do not start at their item numbers were misread: passages hold the text instead
    return Table(columns, records, used, index, "cells", overflow + _unused_sections(sections, records))


def _header_cell(cell: str) -> Column | None:
    """The column a one-cell-per-line header cell names, or None. Header cells of such exports are short words;
    a title line ("…2023年…进展情况") is not one, nor is a labelled value ("存在问题:无")."""
    short = (0 < len(cell) <= 12 and not re.search(r"\d{4}", cell) and "\t" not in cell and "|" not in cell
             and not re.search(r"[:：]\s*\S", cell))
    return classify(cell) if short else None


def _wrapped_label(first: Column, second: Column) -> bool:
    """Two header cells that are one label wrapped onto two lines: a unit label whose first half names no unit
    ("市级牵头" + "责任单位")."""
    units = (Field.LEAD, Field.UNITS)
    return first.kind == second.kind and first.kind in units and first.named and not UNIT_LABEL_END.search(first.label)


def unit_only(cell: str) -> bool:
    """A header cell that is only a unit in brackets: "(万元)", "（%）"."""
    return bool(re.fullmatch(r"[(（][^()（）]{1,4}[)）]", cell))


def _header_follows(lines: list[str], cursor: int) -> bool:
    """Whether a known header word comes within the next six cells, each short (so an unknown short cell is in the
    header: "开工" "时间" "竣工" "时间" "总投资" "(万元)" "项目进展情况")."""
    if not 0 < len(lines[cursor].strip()) <= 6:
        return False
    ahead = [ln.strip() for ln in lines[cursor + 1 : cursor + 24] if ln.strip()][:6]
    ahead = ahead[: next((i + 1 for i, c in enumerate(ahead) if len(c) > 12), len(ahead))]
    return any(_header_cell(c) or unit_only(c) for c in ahead)


def _unused_sections(sections: list[str], records: list[Record]) -> list[str]:
    """Section headings no record sits under (e.g. a trailing one): kept as leftover text."""
    used = {part for r in records for part in r.section.split(" · ")}
    return [s for s in dict.fromkeys(sections) if s not in used]


def _cells_after(lines: list[str], start: int) -> tuple[list[str], list[int], set[int]]:
    body = [ln.strip() for ln in lines[start:]]
    non_empty = [ln for ln in body if ln]
    terminated = bool(non_empty) and sum(ln.endswith("|") for ln in non_empty) >= 0.6 * len(non_empty)
    cells: list[str] = []
    cell_lines: list[int] = []
    used: set[int] = set()
    pending: list[str] = []
    for offset, line in enumerate(body):
        index = start + offset
        if not line:
            continue
        used.add(index)
        if terminated:
            pending.append(line.rstrip("|").strip())
            if line.endswith("|"):
                cells.append("\n".join(p for p in pending if p))
                cell_lines.append(index)
                pending = []
        else:
            cells.append(line)
            cell_lines.append(index)
    if pending:
        cells.append("\n".join(p for p in pending if p))
        cell_lines.append(start + len(body) - 1)
    return cells, cell_lines, used


def _group_cells(
    columns: list[Column], cells: list[str]
) -> tuple[list[tuple[list[str], str]], list[str], list[str]]:
    """Cells → rows: a row starts at its item number (the next in sequence) or every len(columns). When the 序号
    column is not the first, the cells before it (a 工程名称 merged over several rows) head the rows below as their
    section: before the first number, and where a later cell like that first one stands before a number."""
    width = len(columns)
    item_at = next((i for i, c in enumerate(columns) if c.kind == Field.ITEM), None)
    has_item = item_at is not None and (item_at == 0 or _numbered_after_heading(cells, item_at))
    skipped = item_at if has_item and item_at else 0
    rows: list[tuple[list[str], str]] = []
    overflow: list[str] = []
    section = ""
    sections: list[str] = []
    current: list[str] = []
    expected = 1
    heading_end = ""  # how the merged heading before the first number ends ("…工程")

    def close() -> None:
        if current and has_item and (skipped or len(current) != width):
            # A row bounded by item numbers keeps every cell; their content says which column each fills (always so
            # under merged cells before the 序号, where a row's cells are as many as its columns only by chance).
            rows.append(([""] * skipped + align_cells(columns[skipped:], current), section))
        elif current:
            rows.append((current[:width], section))
            overflow.extend(current[width:])

    for position, cell in enumerate(cells):
        if not cell:
            continue
        number = item_number(cell) if has_item else None
        full = len(current) >= width - 1 - skipped
        following = cells[position + 1] if position + 1 < len(cells) else ""
        starts = number is not None and (
            not current or (full and (int(number) == expected or item_number(following) is None))
        )
        if skipped and not rows and not current and number is None:
            section, heading_end = cell, cell[-2:]
            sections.append(cell)
            continue
        if has_item and starts:
            if skipped and len(current) > 1 and heading_end and current[-1].endswith(heading_end) \
                    and not re.search(r"\d", current[-1]):
                heading = current.pop()
                close()
                section = heading
                sections.append(heading)
            else:
                close()
            current = [cell]
            expected = int(number) + 1
        elif is_section(cell) and (not current or full):
            close()
            current = []
            section = cell
            sections.append(cell)
        elif not has_item and len(current) >= width:
            close()
            current = [cell]
        elif current or not has_item:
            current.append(cell)
        else:
            overflow.append(cell)
    close()
    return rows, overflow, sections


def _numbered_after_heading(cells: list[str], item_at: int) -> bool:
    """Whether the rows start at item number 1 within the first few cells, after at most the merged cells that come
    before a 序号 column that is not the first."""
    first = next((i for i, c in enumerate(cells[: item_at + 3]) if item_number(c) == "1"), None)
    return first is not None and first <= item_at


def align_cells(columns: list[Column], cells: list[str]) -> list[str]:
    """A row with more or fewer cells than columns → one cell per column, placed by content: from the left the
    item, name and task a cell each and the unit column a run of unit names; from the right the progress column
    its last cell (all the rest when no column lies between), a short note its own; the columns between in order.
    Cells left over join the progress column."""
    kinds = [c.kind for c in columns]
    aligned = [""] * len(columns)
    rest = list(cells)
    left = 0
    while left < len(kinds) and rest:
        kind = kinds[left]
        if kind in (Field.LEAD, Field.UNITS):
            taken = []
            while rest and UNIT_CELL.match(rest[0]):
                taken.append(rest.pop(0))
            aligned[left] = "、".join(taken)
        elif kind in (Field.ITEM, Field.NAME, Field.TASK):
            # No cell for this column when the next cell is already a unit name and a unit column follows.
            if not (UNIT_CELL.match(rest[0]) and any(k in (Field.LEAD, Field.UNITS) for k in kinds[left + 1:])):
                aligned[left] = rest.pop(0)
        else:
            break
        left += 1
    right = len(kinds)
    while right > left and rest:
        column = columns[right - 1]
        if column.kind == Field.PROGRESS:
            between = right - 1 > left
            aligned[right - 1] = rest.pop() if between else "\n".join(rest)
            rest = rest if between else []
        elif column.kind == Field.NOTE and column.named:
            if len(rest) > 1 and len(rest[-1]) <= 20:
                aligned[right - 1] = rest.pop()
        elif column.kind == Field.RATIO:
            if re.fullmatch(r"\d+(?:\.\d+)?\s*%?", rest[-1]):
                aligned[right - 1] = rest.pop()  # a share column holds a figure; a sentence belongs to another
        else:
            aligned[right - 1] = rest.pop()
        right -= 1
    for position in range(left, right):
        if rest:
            aligned[position] = rest.pop(0)
    if rest:
        target = kinds.index(Field.PROGRESS) if Field.PROGRESS in kinds else len(kinds) - 1
        aligned[target] = "\n".join(p for p in (aligned[target], *rest) if p)
    return aligned


def rows_to_records(columns: list[Column], rows: list[tuple[list[str], str]]) -> list[Record]:
    """Aligned rows → Records; rows missing their leading cells are sub-items of the row above."""
    records: list[Record] = []
    kinds = [c.kind for c in columns]
    first_detail = next((i for i, k in enumerate(kinds) if k not in (Field.ITEM, Field.NAME)), 0)
    item, name = "", ""
    for cells, section in rows:
        cells = list(cells)
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) > len(columns):
            # More cells than header columns: keep the surplus in the last column rather than drop it.
            cells = cells[: len(columns) - 1] + [" | ".join(c for c in cells[len(columns) - 1 :] if c)]
        item_at = kinds.index(Field.ITEM) if Field.ITEM in kinds else -1
        if 0 < item_at and len(cells) < len(columns) and item_number(cells[0]) is not None and (
                item_at >= len(cells) or item_number(cells[item_at]) is None):
            # The cells before the 序号 column (a 大类 merged over several rows) are missing: the row starts at its
            # number.
            cells = [""] * item_at + cells
        lead_is_item = 0 <= item_at < len(cells) and item_number(cells[item_at]) is not None
        if Field.ITEM in kinds and not lead_is_item and cells[0] and len(cells) < len(columns) and records:
            cells = [""] * first_detail + cells  # a sub-item sharing the 序号 above
        values: dict[Field, list[str]] = {}
        progress_cols: list[tuple[Column, str]] = []
        for column, cell in zip(columns, cells):
            if column.kind == Field.PROGRESS:
                progress_cols.append((column, cell))
            elif cell and not column.named:
                values.setdefault(Field.NOTE, []).append(f"{column.label}:{cell}")  # "开工时间:2024年7月"
            elif cell:
                values.setdefault(column.kind, []).append(cell)
        if values.get(Field.ITEM):
            item = item_number(values[Field.ITEM][0]) or values[Field.ITEM][0]
            name = ""
        if values.get(Field.NAME):
            name = " ".join(values[Field.NAME])
        record = Record(item=item)
        # A second 序号-like column is rare; its text is kept with the task rather than dropped.
        task = "；".join(values.get(Field.ITEM, [])[1:] + values.get(Field.TASK, []))
        if task:
            record.task = task
            record.section = " · ".join(p for p in (section, re.sub(r"\s+", "", name)) if p)
        else:
            record.task = name
            record.section = section
        record.lead_unit = "、".join(values.get(Field.LEAD, []))
        record.units = "、".join(values.get(Field.UNITS, []))
        record.leader = "、".join(values.get(Field.LEADER, []))
        record.problems = "\n".join(values.get(Field.PROBLEMS, []))
        record.plan = "\n".join(values.get(Field.PLAN, []))
        _fill_progress(record, progress_cols)
        for note in values.get(Field.NOTE, []):
            if explains_delay(note):
                record.problems = "\n".join(p for p in (record.problems, note) if p)
            else:
                record.progress = "\n".join(p for p in (record.progress, NOTE_LABEL + note) if p)
        if values.get(Field.RATIO):
            record.ratio = _ratio_cell(values[Field.RATIO][0])
            label = next(c.label for c in columns if c.kind == Field.RATIO)
            # The share as written stays in the text ("完成目标(%):123.4") unless the progress says it already; words
            # under a share header are said of the project and kept as they are.
            kept = [cell if record.ratio is None else f"{label}:{cell}" for cell in values[Field.RATIO]
                    if cell not in record.progress]
            record.progress = "\n".join(p for p in (record.progress, *kept) if p)
        records.append(finish(record, " ".join(values.get(Field.STATUS, []))))
    return records


def _fill_progress(record: Record, progress_cols: list[tuple[Column, str]]) -> None:
    """Several period columns: the latest non-empty one is the progress, earlier ones history."""
    filled = [(c, v) for c, v in progress_cols if v.strip()]
    if not filled:
        return
    if all(c.period for c, _ in progress_cols) and len(progress_cols) > 1:
        *earlier, (last_col, last_text) = filled
        record.progress = last_text
        record.history = [PeriodText(c.label, v) for c, v in earlier]
    else:
        record.progress = "\n".join(v for _, v in filled)


def _ratio_cell(cell: str) -> float | None:
    match = re.search(r"(\d+(?:\.\d+)?)\s*%", cell)
    if match:
        return round(float(match.group(1)) / 100, 4)
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if value <= 1.5 else round(value / 100, 4)
