"""index.ingest.formats: .html/.docx/.xlsx/.pdf reports → text the parser reads, every fixture built at run time."""
from __future__ import annotations

import datetime as dt
import io
import random
import re
from typing import Any

import pytest

from minsheng.index.errors import ReadError
from minsheng.index.ingest.formats import SUFFIXES, extract_text
from minsheng.index.ingest.formats.common import table_lines
from minsheng.index.ingest.formats.html import decode_html
from minsheng.index.ingest.formats.pdf import unwrap_lines
from minsheng.index.ingest.formats.xlsx import xlsx_value
from minsheng.index.ingest.normalize import clean
from minsheng.index.ingest.parse import parse_text
from minsheng.index.ingest.records import ParsedReport

HEADER = ["序号", "项目名称", "牵头单位", "进展情况"]
ROWS = [
    ["1", "新增养老床位200张", "区民政局", "已建成156张 其余正在装修"],
    ["2", "改造老旧小区10个", "区住建委", "已全部完工"],
]
TITLE = "某区2024年民生实事进展情况"
# The same table as a .txt report: what every other format must parse to.
TXT = "\n".join([TITLE, "| " + " | ".join(HEADER) + " |", *("| " + " | ".join(r) + " |" for r in ROWS)])


def parse(data: bytes, name: str) -> ParsedReport:
    """What index/load.py will do with a file of these formats."""
    return parse_text(clean(extract_text(data, name)), name)


def fields(parsed: ParsedReport) -> list[tuple[str, str, str, str]]:
    return [(r.item, r.task, r.lead_unit, r.progress) for r in parsed.records]


EXPECTED = [
    ("1", "新增养老床位200张", "区民政局", "已建成156张 其余正在装修"),
    ("2", "改造老旧小区10个", "区住建委", "已全部完工"),
]


def test_txt_baseline_matches_expected() -> None:
    """The reference: the pipe table in a .txt file gives EXPECTED (so the other tests compare like with like)."""
    parsed = parse_text(TXT, "r.txt")
    assert fields(parsed) == EXPECTED
    assert parsed.shape == "table:pipe"


def test_suffixes() -> None:
    assert SUFFIXES == frozenset({".html", ".htm", ".docx", ".xlsx", ".pdf"})
    with pytest.raises(ReadError, match=r"^r\.doc: unsupported file type '\.doc'"):
        extract_text(b"data", "r.doc")


def same_table(suffix: str) -> bytes:
    """TXT's title and table, nothing else, as a file of this format."""
    if suffix == ".html":
        rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in [HEADER, *ROWS])
        return f"<html><body><h2>{TITLE}</h2><table>{rows}</table></body></html>".encode("utf-8")
    buffer = io.BytesIO()
    if suffix == ".docx":
        import docx

        document = docx.Document()
        document.add_paragraph(TITLE)
        table = document.add_table(rows=3, cols=4)
        for i, row in enumerate([HEADER, *ROWS]):
            for j, value in enumerate(row):
                table.cell(i, j).text = value
        document.save(buffer)
    else:
        import openpyxl

        workbook = openpyxl.Workbook()
        for row in [[TITLE], HEADER, *[[int(r[0]), *r[1:]] for r in ROWS]]:
            workbook.active.append(row)
        workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("suffix", [".html", ".docx", ".xlsx"])
def test_same_records_as_the_txt_table(suffix: str) -> None:
    name = "某区2024年民生实事进展情况" + suffix
    parsed = parse(same_table(suffix), name)
    reference = parse_text(TXT, name)
    assert [r.to_json() for r in parsed.records] == [r.to_json() for r in reference.records]
    assert parsed.report == reference.report
    assert parsed.shape == reference.shape == "table:pipe"
    assert parsed.leftover == []


# ---------------------------------------------------------------- HTML

GBK_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="gbk"><title>{TITLE}_某区人民政府</title>
<script>var secret = "脚本里的文字";</script><style>.x {{ color: red }}</style></head>
<body>
<nav><a href="/">网站首页</a> | <a href="/map">导航菜单</a></nav>
<div style="display: none">隐藏的文字</div>
<h1>{TITLE}</h1>
<p>今年以来，各牵头单位
积极推进民生实事项目。</p>
<table border="1">
<tr><th>序号</th><th>项目名称</th><th>牵头单位</th><th>进展情况</th></tr>
<tr><td>1</td><td>新增养老床位200张</td><td>区民政局</td><td>已建成156张<br>其余正在装修</td></tr>
<tr><td>2</td><td>改造老旧小区10个</td><td>区住建委</td><td>已全部完工</td></tr>
</table>
<!-- 注释里的文字 -->
<footer>版权所有 某区人民政府</footer>
</body></html>"""


def test_html_gbk_page_gives_the_records() -> None:
    data = GBK_PAGE.encode("gbk")
    text = extract_text(data, "report.html")
    for absent in ("脚本里的文字", "color", "导航菜单", "网站首页", "版权所有", "注释里的文字", "隐藏的文字"):
        assert absent not in text
    assert "| 1 | 新增养老床位200张 | 区民政局 | 已建成156张 其余正在装修 |" in text
    # The paragraph's source line break between Chinese characters is no space.
    assert "各牵头单位积极推进民生实事项目。" in text
    parsed = parse(data, "report.html")
    assert fields(parsed) == EXPECTED
    assert parsed.report.title == TITLE and parsed.report.year == 2024
    # The <title> repeats the <h1>, so it is not written twice.
    assert text.count(TITLE) == 1


def test_html_title_kept_when_no_heading_says_it() -> None:
    page = f"<html><head><title>{TITLE} - 某区人民政府</title></head><body><p>正文第一段。</p></body></html>"
    text = extract_text(page.encode("utf-8"), "r.htm")
    assert text.splitlines()[0] == TITLE
    assert text.splitlines()[1] == "正文第一段。"


def test_html_charsets() -> None:
    """Declared gb2312 holding GBK-only characters; UTF-8 bytes under a stale gb2312 meta; no declaration."""
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>{}</body></html>'
    gbk_only = page.format("<p>朱镕基堃</p>")  # 镕 and 堃 are in GBK, not in GB2312
    assert "朱镕基堃" in decode_html(gbk_only.encode("gbk"))
    assert "朱镕基堃" in decode_html(gbk_only.encode("utf-8"))
    assert "民生实事" in decode_html("<p>民生实事</p>".encode("gb18030"))
    assert "民生实事" in decode_html("\ufeff<p>民生实事</p>".encode("utf-8"))
    assert "民生实事" in decode_html("<p>民生实事</p>".encode("utf-16"))


def test_html_spans_keep_columns() -> None:
    """colspan: text once then empty cells; rowspan: text repeated on each row it covers."""
    page = """<table>
<tr><td colspan="4">某区民生实事项目表</td></tr>
<tr><th>序号</th><th>项目名称</th><th>牵头单位</th><th>进展情况</th></tr>
<tr><td colspan="4">一、养老服务</td></tr>
<tr><td>1</td><td>新增养老床位200张</td><td rowspan="2">区民政局</td><td>已建成156张</td></tr>
<tr><td>2</td><td>建设养老驿站5个</td><td>已建成3个</td></tr>
<tr><td colspan="4">注：数据截至6月底。</td></tr>
</table>"""
    text = extract_text(page.encode("utf-8"), "t.html")
    assert text.splitlines() == [
        "某区民生实事项目表",
        "| 序号 | 项目名称 | 牵头单位 | 进展情况 |",
        "| 一、养老服务 |  |  |  |",
        "| 1 | 新增养老床位200张 | 区民政局 | 已建成156张 |",
        "| 2 | 建设养老驿站5个 | 区民政局 | 已建成3个 |",
        "注：数据截至6月底。",
    ]
    records = parse(page.encode("utf-8"), "t.html").records
    assert [(r.item, r.section, r.lead_unit, r.progress) for r in records] == [
        ("1", "一、养老服务", "区民政局", "已建成156张"),
        ("2", "一、养老服务", "区民政局", "已建成3个"),
    ]


def test_html_layout_tables_are_read_as_paragraphs() -> None:
    """A page laid out with tables (table in table, one-column tables) keeps its paragraphs as lines."""
    page = """<html><body><table><tr><td>
<table><tr><td><p>第一段文字。</p><p>第二段文字。</p></td></tr></table>
</td><td><p>侧栏</p></td></tr></table>
<table><tr><td>只有一列的表格</td></tr><tr><td>第二行</td></tr></table></body></html>"""
    lines = extract_text(page.encode("utf-8"), "l.html").splitlines()
    assert "第一段文字。" in lines and "第二段文字。" in lines and "只有一列的表格" in lines
    assert not any("|" in line for line in lines)


def test_html_pipe_in_cell_cannot_split_it() -> None:
    page = "<table><tr><td>序号</td><td>项目名称</td><td>进展情况</td></tr><tr><td>1</td><td>甲|乙</td><td>完成</td></tr></table>"
    assert "| 1 | 甲/乙 | 完成 |" in extract_text(page.encode(), "p.html")


def test_html_nested_thousands_deep() -> None:
    """Old pages with never-closed <font> tags nest deeper than Python's recursion limit."""
    page = "<html><body>" + "<font size=3>" * 5000 + "<p>深处的文字。</p></body></html>"
    assert extract_text(page.encode("utf-8"), "deep.html").splitlines() == ["深处的文字。"]


def test_html_without_text_is_refused() -> None:
    with pytest.raises(ReadError, match=r"^empty\.html: the file is empty$"):
        extract_text(b"", "empty.html")
    with pytest.raises(ReadError, match=r"^blank\.htm: the file is empty$"):
        extract_text(b"  \n ", "blank.htm")
    with pytest.raises(ReadError, match=r"^script\.html: the page has no text$"):
        extract_text(b"<html><body><script>var a = 1;</script></body></html>", "script.html")


# ---------------------------------------------------------------- .docx


def make_docx(numbered: bool = False) -> bytes:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "页眉文字"
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph("今年以来，各牵头单位积极推进民生实事项目。")
    content = [
        HEADER,
        ["一、养老服务", "", "", ""],
        ["1", "新增养老床位200张", "区民政局", "已建成156张"],
        ["2", "建设养老驿站5个", "", "已建成3个"],
        ["3", "改造老旧小区10个", "区住建委", "已全部完工"],
    ]
    table = document.add_table(rows=len(content), cols=4)
    for i, row in enumerate(content):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    table.cell(1, 0).merge(table.cell(1, 3))  # a section row across the table
    table.cell(2, 2).merge(table.cell(3, 2))  # one 牵头单位 for items 1 and 2
    table.cell(2, 3).add_paragraph("其余正在装修")  # a second paragraph in a cell
    document.add_paragraph("以上为截至6月底的进展。")
    if numbered:
        document.add_paragraph("新增公交线路2条。进展情况：已开通1条。", style="List Number")
        document.add_paragraph("新建口袋公园3个。进展情况：已完工。", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_tables_in_document_order() -> None:
    data = make_docx()
    text = extract_text(data, "report.docx")
    lines = [line for line in text.splitlines() if line]
    assert lines == [
        TITLE,
        "今年以来，各牵头单位积极推进民生实事项目。",
        "| 序号 | 项目名称 | 牵头单位 | 进展情况 |",
        "| 一、养老服务 |  |  |  |",  # horizontal merge: text once, then empty cells
        "| 1 | 新增养老床位200张 | 区民政局 | 已建成156张 其余正在装修 |",
        "| 2 | 建设养老驿站5个 | 区民政局 | 已建成3个 |",  # vertical merge: the top cell's text repeated
        "| 3 | 改造老旧小区10个 | 区住建委 | 已全部完工 |",
        "以上为截至6月底的进展。",
    ]
    assert "页眉文字" not in text
    parsed = parse(data, "report.docx")
    assert [(r.item, r.section, r.task, r.lead_unit, r.progress) for r in parsed.records] == [
        ("1", "一、养老服务", "新增养老床位200张", "区民政局", "已建成156张 其余正在装修"),
        ("2", "一、养老服务", "建设养老驿站5个", "区民政局", "已建成3个"),
        ("3", "一、养老服务", "改造老旧小区10个", "区住建委", "已全部完工"),
    ]
    assert parsed.report.title == TITLE


def test_docx_automatic_numbering_is_written_out() -> None:
    """Word's list numbers are not in the runs' text; without them numbered prose loses its items."""
    data = make_docx(numbered=True)
    text = extract_text(data, "n.docx")
    assert "1.新增公交线路2条。进展情况：已开通1条。" in text.splitlines()
    assert "2.新建口袋公园3个。进展情况：已完工。" in text.splitlines()
    prose = [r for r in parse(data, "n.docx").records if r.task.startswith(("新增公交", "新建口袋"))]
    assert [(r.item, r.progress) for r in prose] == [("1", "已开通1条。"), ("2", "已完工。")]


# ---------------------------------------------------------------- .xlsx


def make_xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "进展"
    sheet.append([TITLE])
    sheet.merge_cells("A1:E1")
    sheet.append([*HEADER, "备注"])
    sheet.append([1, ROWS[0][1], ROWS[0][2], ROWS[0][3], dt.datetime(2024, 6, 30)])
    sheet.append([2, ROWS[1][1], ROWS[1][2], ROWS[1][3], None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_gives_the_records() -> None:
    data = make_xlsx()
    text = extract_text(data, "report.xlsx")
    assert text.splitlines() == [
        TITLE,
        "| 序号 | 项目名称 | 牵头单位 | 进展情况 | 备注 |",
        "| 1 | 新增养老床位200张 | 区民政局 | 已建成156张 其余正在装修 | 2024-06-30 |",
        "| 2 | 改造老旧小区10个 | 区住建委 | 已全部完工 |  |",
    ]
    parsed = parse(data, "report.xlsx")
    assert [(r.item, r.task, r.lead_unit) for r in parsed.records] == [e[:3] for e in EXPECTED]
    assert parsed.records[0].progress == "已建成156张 其余正在装修\n说明:2024-06-30"
    assert parsed.records[1].progress == "已全部完工"
    assert parsed.report.title == TITLE


def test_xlsx_several_sheets_and_values() -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "一季度"
    first.append(HEADER)
    first.append([1.0, "新增养老床位\n200张", "区民政局", 0.85])
    first["D2"].number_format = "0%"
    first.append([2, "甲|乙", None, 0.1 + 0.2])
    second = workbook.create_sheet("二季度")
    second.append(["序号", "项目名称", "是否完成"])
    second.append([1, "改造老旧小区", True])
    hidden = workbook.create_sheet("下拉选项")
    hidden.append(["区民政局", "区住建委"])
    hidden.sheet_state = "hidden"
    workbook.create_sheet("空表")
    buffer = io.BytesIO()
    workbook.save(buffer)
    lines = extract_text(buffer.getvalue(), "multi.xlsx").splitlines()
    assert lines == [
        "一季度", "",
        "| 序号 | 项目名称 | 牵头单位 | 进展情况 |",
        "| 1 | 新增养老床位 200张 | 区民政局 | 85% |",
        "| 2 | 甲/乙 |  | 0.3 |",
        "",
        "二季度", "",
        "| 序号 | 项目名称 | 是否完成 |",
        "| 1 | 改造老旧小区 | 是 |",
    ]


class FakeCell:
    def __init__(self, value: Any, number_format: str = "General", data_type: str = "n") -> None:
        self.value, self.number_format, self.data_type = value, number_format, data_type


def test_xlsx_value_formatting() -> None:
    assert xlsx_value(FakeCell(None)) == ""
    assert xlsx_value(FakeCell(200.0)) == "200"
    assert xlsx_value(FakeCell(1.5)) == "1.5"
    assert xlsx_value(FakeCell(7)) == "7"
    assert xlsx_value(FakeCell(dt.datetime(2024, 1, 5))) == "2024-01-05"
    assert xlsx_value(FakeCell(dt.datetime(2024, 1, 5, 9, 30))) == "2024-01-05 09:30"
    assert xlsx_value(FakeCell(dt.date(2024, 1, 5))) == "2024-01-05"
    assert xlsx_value(FakeCell(0.5, "0.00%")) == "50%"
    assert xlsx_value(FakeCell("#REF!", data_type="e")) == ""
    assert xlsx_value(FakeCell(False)) == "否"


# ---------------------------------------------------------------- .pdf


def make_pdf(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    """A PDF with Chinese text (reportlab's built-in STSong-Light CID font), paragraphs wrapped at the margin."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=12, leading=18, wordWrap="CJK")
    buffer = io.BytesIO()
    story: list[Any] = [Paragraph(p, style) for p in paragraphs]
    if table:
        story.append(Table(table, style=[("FONT", (0, 0), (-1, -1), "STSong-Light")]))
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


PDF_PROSE = [
    TITLE,
    "第1件：新增养老床位200张，在全区各街道建设社区养老服务驿站，为辖区老年人提供日间照料、助餐助浴等服务。"
    "进展情况：已建成156张，其余床位正在进行内部装修，预计年底前全部投入使用。",
    "第2件：改造老旧小区10个，完成外墙保温、管线更新和加装电梯等工程。进展情况：已全部完工。",
]


def test_pdf_numbered_prose_gives_the_records() -> None:
    data = make_pdf(PDF_PROSE)
    import pypdf

    raw = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "进展情况" in raw.replace("\n", "") and raw.count("\n") > 4  # pypdf reads the Chinese, wrapped
    parsed = parse(data, "report.pdf")
    assert [(r.item, r.task, r.progress) for r in parsed.records] == [
        ("1", "新增养老床位200张,在全区各街道建设社区养老服务驿站,为辖区老年人提供日间照料、助餐助浴等服务。",
         "已建成156张,其余床位正在进行内部装修,预计年底前全部投入使用。"),
        ("2", "改造老旧小区10个,完成外墙保温、管线更新和加装电梯等工程。", "已全部完工。"),
    ]
    assert parsed.report.title == TITLE


def test_pdf_table_comes_out_one_cell_per_line() -> None:
    """pypdf gives a drawn table cell by cell; the parser's one-cell-per-line reader takes it from there."""
    data = make_pdf([TITLE], [HEADER, ["1", "新增养老床位200张", "区民政局", "已建成156张"]])
    parsed = parse(data, "table.pdf")
    assert fields(parsed) == [("1", "新增养老床位200张", "区民政局", "已建成156张")]


def test_pdf_pages_in_order_and_page_numbers_dropped() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for number, line in enumerate(["第一页的文字", "第二页的文字"], start=1):
        pdf.setFont("STSong-Light", 12)
        pdf.drawString(72, 760, line)
        pdf.drawString(290, 40, f"- {number} -")
        pdf.showPage()
    pdf.save()
    text = extract_text(buffer.getvalue(), "pages.pdf")
    assert text.splitlines() == ["第一页的文字", "第二页的文字"]


def test_unwrap_lines() -> None:
    full = "一二三四五六七八九十" * 4
    assert unwrap_lines([full, "续行。", "短行", full + "。", "下一段"]) == [full + "续行。", "短行", full + "。", "下一段"]
    assert unwrap_lines([full, "2.第二项"]) == [full, "2.第二项"]  # a numbered item is never a continuation
    assert unwrap_lines(["短", "行"]) == ["短", "行"]
    # A label at the end of the line is mid-sentence; a quotation closing a sentence ends it.
    assert unwrap_lines([full + "进展情况：", "已完工。"]) == [full + "进展情况：已完工。"]
    assert unwrap_lines([full + "。”", "下一段"]) == [full + "。”", "下一段"]


def test_pdf_encrypted() -> None:
    import pypdf

    def encrypted(user_password: str) -> bytes:
        writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf(PDF_PROSE)))
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    with pytest.raises(ReadError, match=r"^locked\.pdf: encrypted PDF"):
        extract_text(encrypted("secret"), "locked.pdf")
    # Encrypted against editing only (empty user password): read as usual.
    assert "新增养老床位200张" in extract_text(encrypted(""), "open.pdf")


def test_pdf_without_text_layer() -> None:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.rect(100, 100, 300, 400, fill=1)  # what a scanned page is to pypdf: no text at all
    pdf.showPage()
    pdf.save()
    with pytest.raises(ReadError, match=r"^scan\.pdf: the PDF has no text layer \(scanned images\?\)$"):
        extract_text(buffer.getvalue(), "scan.pdf")


# ---------------------------------------------------------------- broken files


@pytest.mark.parametrize("name, reason", [
    ("junk.docx", r"not a valid \.docx file \(BadZipFile"),
    ("junk.xlsx", r"not a valid \.xlsx file \(BadZipFile"),
    ("junk.pdf", r"not a PDF file"),
])
def test_random_bytes_are_refused(name: str, reason: str) -> None:
    data = random.Random(7).randbytes(4096)
    with pytest.raises(ReadError, match="^" + re.escape(name) + ": " + reason) as caught:
        extract_text(data, name)
    assert caught.value.source == name


def test_wrong_office_files_are_refused() -> None:
    with pytest.raises(ReadError, match=r"^swapped\.docx: not a valid \.docx file \(ValueError: it is not a Word file"):
        extract_text(make_xlsx(), "swapped.docx")
    with pytest.raises(ReadError, match=r"^swapped\.xlsx: not a valid \.xlsx file"):
        extract_text(make_docx(), "swapped.xlsx")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048)
    with pytest.raises(ReadError, match=r"^locked\.docx: an encrypted \(password-protected\) Word file"):
        extract_text(ole, "locked.docx")
    with pytest.raises(ReadError, match=r"^empty\.xlsx: the file is empty$"):
        extract_text(b"", "empty.xlsx")


def test_library_bugs_become_read_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception of any type inside a library is reported as a ReadError naming the file."""
    import pypdf

    def broken(*args: Any, **kwargs: Any) -> str:
        raise ZeroDivisionError("bug inside the library")

    monkeypatch.setattr(pypdf.PageObject, "extract_text", broken)
    with pytest.raises(ReadError, match=r"^bug\.pdf: not a valid \.pdf file \(ZeroDivisionError: bug inside"):
        extract_text(make_pdf(PDF_PROSE), "bug.pdf")


def test_table_lines() -> None:
    assert table_lines([["标题", ""], ["a", "b"], ["", ""], ["c"], ["d", "e"], ["注", ""]]) == [
        "标题", "| a | b |", "| c |  |", "| d | e |", "注",
    ]
    assert table_lines([["一"], ["二"]]) == ["一", "二"]
    assert table_lines([["a\nb", "c | d"], ["e", "f"]]) == ["| a b | c / d |", "| e | f |"]
