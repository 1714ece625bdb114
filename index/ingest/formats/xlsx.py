"""Spreadsheets (.xlsx): every visible sheet's rows as pipe lines, cells as Excel shows them."""
from __future__ import annotations

import datetime as dt
import io
from typing import Any

from minsheng.index.errors import ReadError
from minsheng.index.ingest.formats.common import check_zip, describe, table_lines
from minsheng.index.vocabulary import CELL_NO, CELL_YES


def read(data: bytes, name: str) -> str:
    """The text of an .xlsx workbook."""
    import openpyxl

    check_zip(data, name, "Excel")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ReadError(name, f"not a valid .xlsx file ({describe(exc)})") from exc
    try:
        sheets = list(workbook.worksheets)
        # Hidden sheets usually hold drop-down lists and lookups; read them only when nothing is visible.
        visible = [s for s in sheets if getattr(s, "sheet_state", "visible") == "visible"] or sheets
        parts: list[list[str]] = []
        for sheet in visible:
            # Dimensions written by other programs are often wrong ("A1:XFD1048576"); without them
            # read-only mode yields only the cells the sheet really holds.
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            rows = [[xlsx_value(cell) for cell in row] for row in sheet.iter_rows()]
            lines = table_lines(rows)
            if lines:
                parts.append(([sheet.title, ""] if len(visible) > 1 else []) + lines)
    finally:
        workbook.close()
    return "\n\n".join("\n".join(lines) for lines in parts)


def xlsx_value(cell: Any) -> str:
    """A spreadsheet cell as text: integral numbers without ".0", dates as YYYY-MM-DD, percentages as "85%"."""
    value = getattr(cell, "value", None)
    if value is None or getattr(cell, "data_type", "") == "e":
        return ""  # empty, or an error value such as #REF! or #DIV/0!
    number_format = str(getattr(cell, "number_format", "") or "")
    if isinstance(value, bool):
        return CELL_YES if value else CELL_NO
    if isinstance(value, (int, float)):
        if "%" in number_format:
            return _number(value * 100) + "%"
        return _number(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return format(value, ".15g")  # 0.1+0.2 shows as 0.3, as in Excel
