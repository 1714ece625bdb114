"""Intake: a report from outside checked as the corpus reads it, saved under a safe new name, its origin noted."""
from __future__ import annotations

from pathlib import Path

import pytest

from minsheng.bot.intake import (
    ORIGINS,
    AlreadyHave,
    Origin,
    ReportRefused,
    content_problem,
    origins,
    remove_report,
    safe_stem,
    save_report,
    vet_report,
)
from minsheng.bot.measure.hostile import many_paragraphs_docx
from minsheng.index.indexing import FileLimits, FileReader, read_manifest
from tests.conftest import corpus_file

DAXING = corpus_file("大兴区")


@pytest.fixture(scope="module")
def reader():  # type: ignore[no-untyped-def]
    with FileReader(FileLimits(unpacked_mb=20, part_mb=5)) as worker:
        yield worker


def vet(data: bytes, name: str, reader: FileReader, manifest=None, max_bytes: int = 20_000_000):  # type: ignore[no-untyped-def]
    return vet_report(data, name, manifest, reader, max_bytes, 768)


def test_a_real_report_is_read_under_the_name_it_came_with(reader: FileReader) -> None:
    vetted = vet(DAXING.read_bytes(), "C:\\Users\\me\\下载\\" + DAXING.name, reader)
    report = vetted.parsed.report
    assert (report.region, report.year, report.period) == ("大兴区", 2024, "一季度")
    assert report.place == ("北京市", "大兴区") and vetted.suffix == ".txt" and len(vetted.parsed.records) >= 10


def test_files_that_are_not_what_they_say_are_refused(reader: FileReader) -> None:
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(600)
    with pytest.raises(ReportRefused, match=r"报告\.pdf: its content is not a PDF: it is exe"):
        vet(program, "报告.pdf", reader)
    with pytest.raises(ReportRefused, match="not a .docx file"):
        vet(b"%PDF-1.4 not really", "报告.docx", reader)
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    with pytest.raises(ReportRefused, match="its content is not text: it is png"):
        vet(png, "报告.txt", reader)
    with pytest.raises(ReportRefused, match=r"setup\.exe: \.exe is not a report format"):
        vet(program, "setup.exe", reader)
    with pytest.raises(ReportRefused, match="the file is empty"):
        vet(b"  \n", "报告.txt", reader)
    assert content_problem(DAXING.read_bytes(), ".txt") == ""


def test_a_zip_bomb_and_a_file_past_the_size_limit_are_refused_with_the_limit_named(reader: FileReader) -> None:
    with pytest.raises(ReportRefused, match=r"炸弹\.docx: cannot be read .*max_part_mb"):
        vet(many_paragraphs_docx(200_000), "炸弹.docx", reader)
    with pytest.raises(ReportRefused, match=r"40\.0 MB is more than the 20 MB .*max_file_mb"):
        vet(b"a" * 40_000_000, "大.txt", reader)


def test_a_copy_of_an_indexed_report_is_named_by_the_file_it_is(reader: FileReader, indexed) -> None:  # type: ignore[no-untyped-def]
    # The same text in another encoding and under another name is the same report.
    gbk = DAXING.read_text("utf-8").encode("gb18030")
    with pytest.raises(AlreadyHave) as caught:
        vet(gbk, "新报告.txt", reader, read_manifest(indexed.index_dir))
    assert caught.value.name == DAXING.name


@pytest.mark.parametrize(("given", "stem"), [
    ("../../etc/passwd.txt", "passwd"),
    ("..\\..\\Windows\\win.ini.txt", "win.ini"),
    (".hidden.txt", "hidden"),
    ("报\n告\u202e.txt", "报告"),
    ("a/b/大兴区:一季度?.pdf", "大兴区_一季度"),
    ("", "标题"),
    ("...", "标题"),
])
def test_no_path_or_control_character_of_a_given_name_survives(given: str, stem: str) -> None:
    assert safe_stem(given, "标题") == stem


def test_saving_never_overwrites_and_notes_where_each_report_came_from(tmp_path: Path, reader: FileReader) -> None:
    vetted = vet(DAXING.read_bytes(), "report.txt", reader)
    (tmp_path / "report.txt").write_text("someone else's", "utf-8")
    first = save_report(vetted, "../report.txt", tmp_path, Origin("upload", given_name="../report.txt", by="1001"))
    second = save_report(vetted, "report.txt", tmp_path, Origin("link", url="http://x/r.txt"))
    assert (first, second) == ("report (2).txt", "report (3).txt")
    assert (tmp_path / "report.txt").read_text("utf-8") == "someone else's"
    assert (tmp_path / first).read_bytes() == DAXING.read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]  # no half-written file left
    noted = origins(tmp_path)
    assert noted[first]["origin"] == "upload" and noted[first]["by"] == "1001"
    assert noted[second]["url"] == "http://x/r.txt"
    assert remove_report(tmp_path, first, "1001") and not (tmp_path / first).exists()
    assert not remove_report(tmp_path, first)  # gone already
    assert first not in origins(tmp_path) and (tmp_path / ORIGINS).exists()
    with pytest.raises(ReportRefused, match="not a report file name"):
        remove_report(tmp_path, "../outside.txt")


def test_what_was_read_names_every_doubt(reader: FileReader) -> None:
    from minsheng.bot.intake import read_lines

    vetted = vet("某区民生实事进展\n一、养老服务\n新建驿站3个，已完成。\n".encode(), "note.txt", reader)
    lines = read_lines("note.txt", vetted, None, ["chunks: one record split"])
    assert lines[:4] == ["标题：某区民生实事进展", "地区：未识别", "时期：未识别", "项目：1项"]
    assert any("place: no place found" in line for line in lines)
    assert any("year: none found" in line for line in lines) and any("period: none named" in line for line in lines)
    assert "⚠ chunks: one record split" in lines  # the index run's warnings too


def test_a_one_month_period_is_said_once(reader: FileReader) -> None:
    from minsheng.bot.intake import read_lines

    path = corpus_file("萧县2025年6月")
    lines = read_lines(path.name, vet(path.read_bytes(), path.name, reader), None, [])
    assert "时期：2025年6月" in lines and "地区：安徽省 / 宿州市 / 萧县" in lines
