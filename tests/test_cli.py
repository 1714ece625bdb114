"""The `minsheng records` command: JSON contract, text output, one-line errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import CORPUS, ROOT, corpus_file

RECORD_FIELDS = ["item", "section", "task", "lead_unit", "units", "progress", "problems", "plan", "status", "ratio",
                 "history"]


def test_records_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one object with exactly the documented field names."""
    assert main(["records", str(corpus_file("大兴区")), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["report", "records"]
    assert list(data["report"]) == ["title", "region", "year", "period", "source"]
    assert data["report"]["region"] == "大兴区"
    assert len(data["records"]) == 22
    assert all(list(r) == RECORD_FIELDS for r in data["records"])
    assert data["records"][8]["ratio"] == 0.4
    assert data["records"][0]["history"] == []


def test_records_text(capsys: pytest.CaptureFixture[str]) -> None:
    """The text form names the district, period and each record's fields."""
    assert main(["records", str(corpus_file("济宁高新区"))]) == 0
    out = capsys.readouterr().out
    assert "地区 济宁高新区 · 2021年 · 1-9月" in out
    assert "问题: 高新区居民群众对文体生活的满意度较低" in out
    assert "计划: 按需配送文化大餐" in out


def test_corpus_summary(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Without FILE: one line per corpus file; a broken file is named and the rest still parse."""
    corpus = tmp_path / "reports"
    corpus.mkdir()
    for path in CORPUS.iterdir():
        (corpus / path.name).write_bytes(path.read_bytes())
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02" * 50)
    (tmp_path / "config.toml").write_text('[paths]\ncorpus = "reports"\n', "utf-8")
    assert main(["--config", str(tmp_path / "config.toml"), "records"]) == 1
    out = capsys.readouterr().out
    assert "FAILED  broken.txt: binary data, not a text report" in out
    assert "5 of 6 files parsed" in out
    assert "31 records" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "the file is empty"), (os.urandom(0) + bytes(range(256)) * 20, "binary")],
)
def test_unreadable_file_is_one_line_error(tmp_path: Path, content: bytes, message: str) -> None:
    """A file that cannot be read gives one line naming it, exit 1, no traceback."""
    bad = tmp_path / "坏文件.txt"
    bad.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "records", str(bad)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("minsheng: error: 坏文件.txt:") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist is named in the error."""
    assert main(["records", "no-such-report.txt"]) == 1
    assert capsys.readouterr().err.strip() == "minsheng: error: no-such-report.txt: no such file"
