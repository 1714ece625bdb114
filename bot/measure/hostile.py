"""`minsheng bench --hostile`: index the real corpus together with hostile files (zip bombs under the size cap, a
huge text, one endless line, billion laughs, names that drive a terminal) in a fresh process and print its time,
its peak memory (the largest of the process and its reader workers) and what it refused."""
from __future__ import annotations

import io
import shutil
import sys
import zipfile
from pathlib import Path
from typing import TextIO

from minsheng.bot.measure.bench import fresh_process

_DOCX_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_DOCX_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'officeDocument" Target="word/document.xml"/></Relationships>')
_PARAGRAPH = "<w:p><w:r><w:t>大兴区新建养老驿站</w:t></w:r></w:p>".encode()
_LINE = "密云区新建养老驿站4家，已有2家投入运营，另外2家正在装修。"
_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "' + "&lol;" * 10 + '">'
           '<!ENTITY lol3 "' + "&lol2;" * 10 + '"><!ENTITY lol4 "' + "&lol3;" * 10 + '">]><html><body>&lol4;'
           '</body></html>')


def hostile_corpus(real: Path, target: Path) -> list[str]:
    """The real reports and the hostile files in target (made anew); the hostile files' names."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for path in real.iterdir():
        if path.is_file():
            shutil.copy(path, target)
    made = {
        "炸弹1GB.docx": many_paragraphs_docx(16_000_000),  # 2.8 MB unpacking to 960 MB
        "炸弹100MB.docx": many_paragraphs_docx(1_500_000),
        "四百万字.docx": many_paragraphs_docx(400_000),  # under the part limit; 4 M characters of text
        "大文本19MB.txt": (_LINE + "\n").encode() * 220_000,
        "单行1MB.txt": _LINE.encode() * 12_000,
        "billion.html": _LAUGHS.encode(),
        "fake.txt\nremoved  大兴区.txt": b"\x00\x01" * 100,
        "bad\x1b[2J\x07\r.txt": b"\x00\x01" * 100,
    }
    for name, data in made.items():
        (target / name).write_bytes(data)
    return list(made)


def many_paragraphs_docx(paragraphs: int) -> bytes:
    """A .docx of `paragraphs` identical paragraphs (in blocks of 10,000): tiny packed, huge unpacked."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                       b'wordprocessingml/2006/main"><w:body>')
            block = _PARAGRAPH * 10_000
            for _ in range(paragraphs // 10_000):
                part.write(block)
            part.write(b"</w:body></w:document>")
    return out.getvalue()


def run_hostile(real: Path, workdir: Path, out: TextIO) -> tuple[float, float, list[str]]:
    """Index real + hostile files from scratch in a fresh `minsheng index`; print and return its wall time (s), peak
    memory (MB, the largest of it and its workers) and its FAILED lines."""
    corpus, index = workdir / "hostile-corpus", workdir / "hostile-index"
    names = hostile_corpus(real, corpus)
    shutil.rmtree(index, ignore_errors=True)
    env = {"MINSHENG_CORPUS": str(corpus), "MINSHENG_INDEX": str(index)}
    seconds, peak_mb, printed = fresh_process([sys.executable, "-m", "minsheng.bot.cli", "index"], env)
    failed = [line for line in printed.splitlines() if line.startswith("FAILED")]
    out.write(f"hostile files: {len(names)} among {len(list(real.iterdir()))} reports\n")
    out.write(f"time {seconds:.1f} s, peak memory {peak_mb:.0f} MB\n")
    out.writelines(line + "\n" for line in failed)
    out.write(printed.strip().splitlines()[-1] + "\n")
    return seconds, peak_mb, failed
