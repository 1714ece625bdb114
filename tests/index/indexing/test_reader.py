"""index.indexing.reader: files read in a worker within limits of time, memory, unpacked size, text and chunks; past
one the file is refused with the limit named and the next file is read as if nothing happened."""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from minsheng.index.errors import MinshengError, ReadError
from minsheng.index.indexing import build_index, open_store
from minsheng.index.indexing.reader import FileLimits, FileReader, check_zip_limits
from tests.conftest import corpus_file
from tests.index.indexing.test_builder import Factory

DAXING = corpus_file("大兴区")


def _docx(paragraphs: int, extra_parts: int = 0) -> bytes:
    """A minimal .docx whose document.xml holds `paragraphs` paragraphs (a bomb when many: they deflate to little)."""
    body = "<w:p><w:r><w:t>大兴区新建养老驿站</w:t></w:r></w:p>" * paragraphs
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                         '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                         'officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats'
                         f'.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
        for n in range(extra_parts):
            archive.writestr(f"word/media/p{n}.bin", b"")
    return out.getvalue()


def test_a_zip_bomb_under_the_size_cap_is_refused_before_it_is_unpacked() -> None:
    """A few KB that unpack to megabytes of XML, or to thousands of parts: refused at once, the limit named."""
    bomb = _docx(200_000)  # ~12 MB of XML in ~40 KB
    assert len(bomb) < 100_000
    with pytest.raises(ReadError, match=r"its part word/document.xml unpacks to 1\d MB of text.*max_part_mb"):
        check_zip_limits(bomb, "炸弹.docx", FileLimits(part_mb=5))
    with pytest.raises(ReadError, match=r"unpacks to 1\d MB, more than the 8 MB allowed.*max_unpacked_mb"):
        check_zip_limits(bomb, "炸弹.docx", FileLimits(unpacked_mb=8))
    with pytest.raises(ReadError, match=r"holds 503 parts, more than the 100 allowed.*max_zip_entries"):
        check_zip_limits(_docx(1, extra_parts=500), "碎片.docx", FileLimits(zip_entries=100))
    check_zip_limits(bomb, "炸弹.txt", FileLimits(part_mb=5))  # no zip-based name: the text reader decides


def test_a_file_past_its_time_is_stopped_and_the_next_file_is_read() -> None:
    """Six megabytes of text within the size limits take a minute: stopped at the limit, the worker
    replaced."""
    slow = ("大兴区新建养老驿站4家，已有2家投入运营，另外2家正在装修。\n" * 200_000).encode("utf-8")
    with FileReader(FileLimits(seconds=10, text_chars=10**8, chunks=10**7)) as reader:
        with pytest.raises(ReadError, match=r"长行.txt: took longer than the 10 s allowed.*max_file_seconds"):
            reader.read(slow, "长行.txt", 768, "")
        read = reader.read(DAXING.read_bytes(), DAXING.name, 768, "k")
    assert read.parsed.report.region == "大兴区" and len(read.parsed.records) == 22 and read.chunks


def test_text_and_chunk_limits_name_the_file_and_the_setting() -> None:
    with FileReader(FileLimits(text_chars=1_000)) as reader:
        with pytest.raises(MinshengError, match=rf"{DAXING.name}: its text is [\d,]+ characters, more than the 1,000"):
            reader.read(DAXING.read_bytes(), DAXING.name, 768, "")
    with FileReader(FileLimits(chunks=5)) as reader:
        with pytest.raises(MinshengError, match=r"makes \d+ chunks, more than the 5 allowed.*max_chunks_per_file"):
            reader.read(DAXING.read_bytes(), DAXING.name, 768, "")


def test_a_file_needing_more_memory_than_allowed_stops_the_worker_not_the_build() -> None:
    """Under a memory limit too small for it, the file fails with the limit named; the same reader goes on."""
    with FileReader(FileLimits(memory_mb=380, part_mb=100, unpacked_mb=100, seconds=120, text_chars=10**8,
                               chunks=10**7)) as reader:
        with pytest.raises(MinshengError, match=r"大文档.docx: .*the 380 MB of memory allowed.*max_file_memory_mb"):
            reader.read(_docx(150_000), "大文档.docx", 768, "")
    with FileReader(FileLimits()) as reader:
        assert reader.read(DAXING.read_bytes(), DAXING.name, 768, "").chunks


def test_an_index_over_hostile_files_indexes_the_rest_and_keeps_what_it_had(tmp_path: Path) -> None:
    """A zip bomb, a file that never finishes and a file that becomes one: each a FAILED line naming its limit; the
    real report is indexed, and an indexed report that turns hostile keeps its chunks."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(DAXING, corpus / DAXING.name)
    shutil.copy(corpus_file("密云区"), corpus / "密云区.txt")
    index = tmp_path / "index"
    store = open_store("embedded", index / "chroma", "127.0.0.1", 0, "reports")
    limits = FileLimits(seconds=10, part_mb=5, text_chars=10**8, chunks=10**7)
    first = build_index(corpus, index, store, Factory("fake"), "fake", 768, limits=limits)
    assert first.failed == [] and first.records > 22
    (corpus / "炸弹.docx").write_bytes(_docx(200_000))
    (corpus / "长行.txt").write_bytes(("新建养老驿站4家，已有2家投入运营，另外2家正在装修。\n" * 200_000).encode("utf-8"))
    (corpus / "密云区.txt").write_bytes(("密云区新建养老驿站4家，已有2家投入运营，另外2家正在装修。\n" * 200_000).encode("utf-8"))
    report = build_index(corpus, index, store, Factory("fake"), "fake", 768, limits=limits)
    failed = {f.file: f.error for f in report.failed}
    assert sorted(failed) == sorted(["密云区.txt", "长行.txt", "炸弹.docx"])
    assert "max_part_mb" in failed["炸弹.docx"] and "max_file_seconds" in failed["长行.txt"]
    assert "max_file_seconds" in failed["密云区.txt"]
    assert report.removed == [] and (report.records, report.chunks) == (first.records, first.chunks)
