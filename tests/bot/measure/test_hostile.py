"""`minsheng bench --hostile`: the hostile corpus it makes, and one run of it over one real report."""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from minsheng.bot.measure.hostile import hostile_corpus, run_hostile
from tests.conftest import corpus_file


def test_the_hostile_files_are_what_they_claim(tmp_path: Path) -> None:
    names = hostile_corpus(corpus_file("大兴区").parent, tmp_path / "c")
    bomb = (tmp_path / "c" / "炸弹1GB.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    assert len(bomb) < 3_000_000 and unpacked > 900_000_000
    assert 18_000_000 < (tmp_path / "c" / "大文本19MB.txt").stat().st_size < 20_000_000
    assert any("\n" in name for name in names) and any("\x1b" in name for name in names)


def test_one_run_refuses_each_hostile_file_by_its_limit_and_indexes_the_report(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    shutil.copy(corpus_file("大兴区"), real)
    out = io.StringIO()
    seconds, peak_mb, failed = run_hostile(real, tmp_path / "work", out)
    text = "\n".join(failed)
    for setting in ("max_unpacked_mb", "max_part_mb", "max_text_chars", "max_chunks_per_file"):
        assert setting in text
    assert "fake.txt\\nremoved" in text and peak_mb < 1024
    assert "2 added" in out.getvalue()  # the report and billion.html (its entities left as text)
