"""Tests for index/ingest/normalize.py: decoding, cleaning and match keys."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from minsheng.index.errors import ReadError
from minsheng.index.ingest.normalize import clean, decode, match_key, normalize_bytes
from tests.conftest import CORPUS

REPORTS = sorted(CORPUS.glob("*.txt"))
TRADITIONAL = next(p for p in REPORTS if p.name.startswith("北京城市副中心"))
SIMPLIFIED = next(p for p in REPORTS if p.name.startswith("大兴区"))
TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_ARTIFACT = re.compile(rf"[\u3400-\u9fff]\([a-zü{TONES}]*[{TONES}][a-zü{TONES}]*\)")


def _text(path: Path) -> str:
    """A corpus report as the str it holds (all corpus files are UTF-8)."""
    return path.read_bytes().decode("utf-8")


# --- decode -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name[:8])
@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_decode_round_trips_real_report(path: Path, codec: str) -> None:
    """A real report encoded as UTF-8 (±BOM), GB18030, GBK or BOM'd UTF-16 decodes to the same text (GBK: the
    report's characters GBK can hold, since a GBK file cannot hold a bullet •)."""
    text = _text(path)
    if codec == "gbk":
        text = "".join(ch for ch in text if _in_gbk(ch))
    assert decode(text.encode(codec), path.name) == text


def _in_gbk(ch: str) -> bool:
    try:
        ch.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize("codec,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_decode_utf16_with_explicit_bom(codec: str, bom: bytes) -> None:
    """UTF-16 LE and BE with their byte-order marks decode to the original report."""
    text = _text(SIMPLIFIED)
    assert decode(bom + text.encode(codec), SIMPLIFIED.name) == text


def test_decode_utf16le_without_bom_ascii_heavy() -> None:
    """BOM-less UTF-16-LE text with a lot of ASCII (NUL in every other byte) is recognised."""
    lines = _text(SIMPLIFIED).split("\n")
    text = "\n".join(f"Item {i}: progress of project line {line}" for i, line in enumerate(lines))
    assert decode(text.encode("utf-16-le"), "ascii-heavy.txt") == text


def test_decode_utf16le_without_bom_pure_chinese() -> None:
    """BOM-less UTF-16-LE of pure Chinese text (Han characters and ，。 from a real report) decodes."""
    text = "".join(re.findall(r"[\u4e00-\u9fff，。]", _text(SIMPLIFIED)))
    assert decode(text.encode("utf-16-le"), "pure-chinese.txt") == text


def test_decode_utf16le_without_bom_real_report() -> None:
    """A real report saved as BOM-less UTF-16-LE decodes to the same text."""
    text = _text(SIMPLIFIED)
    assert decode(text.encode("utf-16-le"), SIMPLIFIED.name) == text


def test_decode_utf8_bom_is_dropped() -> None:
    """The UTF-8 BOM is not part of the decoded text."""
    assert decode("\ufeff第1件".encode("utf-8"), "bom.txt") == "第1件"


def _nul_heavy() -> list[bytes]:
    rng = random.Random(7)
    return [
        b"\x00" * 4096,
        b"\x00\x00\x00\x01" * 1000,
        b"\x01\x00" * 2000,  # looks like UTF-16-LE but holds only control characters
        b"".join(bytes([rng.randrange(256), 0]) for _ in range(2000)),
        b"report\x00\x00\x00\x00" * 300,
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\t\r\n  ",
        random.Random(1234).randbytes(4096),
        random.Random(99).randbytes(64),
        *_nul_heavy(),
    ],
    ids=["empty", "whitespace", "random-4k", "random-64", "nul", "nul-pattern", "utf16-control", "nul-latin1", "nul-ascii"],
)
def test_decode_rejects_non_text(data: bytes) -> None:
    """Empty, blank, random or NUL-heavy bytes raise ReadError naming the source."""
    source = "公告/坏文件.txt"
    with pytest.raises(ReadError) as info:
        decode(data, source)
    assert source in str(info.value)
    assert info.value.source == source


def test_decode_rejects_random_bytes_without_nul() -> None:
    """Random high bytes with no NUL (no UTF-16 hint) are still refused as garbled, naming the source."""
    data = bytes(b for b in random.Random(5).randbytes(6000) if b >= 0x80)
    with pytest.raises(ReadError, match="noise.bin"):
        decode(data, "noise.bin")


# --- clean --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,expected",
    [
        ('<ol style="list-style-type: none">第1件</ol>', "第1件"),
        ("<li>建设完成</li>", "建设完成"),
        ("推进&nbsp;已开工", "推进 已开工"),
        ("水&amp;电", "水&电"),
        ("![]()新建学校", "新建学校"),
        ("新建![alt](http://x/y.png)学校", "新建学校"),
        ('<ol style="list-style-type: none"><li>区教委&nbsp;&amp;区卫健委</li></ol>', "区教委 &区卫健委"),
    ],
)
def test_clean_removes_html_remnants(raw: str, expected: str) -> None:
    """Tags, entities and markdown images left over from web pages are removed."""
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("（一）", "(一)"),
        ("１２３", "123"),
        ("ＡＢＣａｂｃ", "ABCabc"),
        ("进展情况：完成，", "进展情况:完成,"),
        ("第１２件", "第12件"),
    ],
)
def test_clean_applies_nfkc(raw: str, expected: str) -> None:
    """Full-width digits, letters and punctuation become their ASCII forms."""
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("區(qū)", "區"),
        ("發(fā)布", "發布"),
        ("聯(lián)繫", "聯繫"),
        ("運河商務區(qū)發(fā)布會", "運河商務區發布會"),
        ("區（qū）", "區"),  # full-width parentheses become ASCII first
    ],
)
def test_clean_removes_pinyin_ruby(raw: str, expected: str) -> None:
    """Ruby pinyin after a Han character ("區(qū)") is removed."""
    assert clean(raw) == expected


@pytest.mark.parametrize("text", ["(乔木240株、灌木1391株)", "(2021年)", "(ABC)", "试点(pilot)", "副中心(2021年12月)", "区(a)"])
def test_clean_keeps_ordinary_parentheses(text: str) -> None:
    """Parentheses holding Chinese, digits, capitals or plain toneless letters stay."""
    assert clean(text) == text
    assert clean(f"城市{text}建设") == f"城市{text}建设"


def test_clean_preserves_tabs() -> None:
    """Tabs separate table cells, so they survive cleaning."""
    row = "序号\t任务标题\t考评对象\t进展情况"
    assert clean(row) == row
    assert clean("第1项\t新建学校\t区教委\t已建成").count("\t") == 3


def test_a_table_typed_with_runs_of_spaces_becomes_tab_rows() -> None:
    """Cells set apart by two or more spaces (plain or ideographic) become tab-separated; a row with a blank cell
    keeps the cells after it under their columns, by where they start."""
    text = ("序号    项目名称          牵头单位      进展情况\n"
            "1       新增养老床位      区民政局      已建成156张。\n"
            "2       改造老旧小区                    已开工12个小区。\n"
            "\n"
            "3\u3000\u3000\u3000新建口袋公园\u3000\u3000\u3000区园林局\u3000\u3000\u3000已建成8个。\n"
            "稿源:今晚报   编辑:严玉霞   2024-04-12 16:14")
    assert clean(text).split("\n") == [
        "序号\t项目名称\t牵头单位\t进展情况",
        "1\t新增养老床位\t区民政局\t已建成156张。",
        "2\t改造老旧小区\t\t已开工12个小区。",
        "",
        "3\t新建口袋公园\t区园林局\t已建成8个。",
        "稿源:今晚报 编辑:严玉霞 2024-04-12 16:14",  # the byline under it is no row
    ]


def test_wide_gaps_outside_a_table_are_single_spaces() -> None:
    """One line with wide gaps, or lines with one double space each, are no table."""
    assert clean("稿源:今晚报   编辑:严玉霞   2024-04-12 16:14") == "稿源:今晚报 编辑:严玉霞 2024-04-12 16:14"
    assert clean("全区共有  12个项目\n已完成  8个") == "全区共有 12个项目\n已完成 8个"
    assert clean("目标  1900  完成  3029") == "目标 1900 完成 3029"


def test_clean_keeps_lines() -> None:
    """Cleaning never adds or removes lines, even where tags and entities are removed."""
    raw = '<ol style="list-style-type: none">\n<li>第1件</li>\n\n&nbsp;\n![]()\n區(qū)\n（一）'
    cleaned = clean(raw)
    assert len(cleaned.split("\n")) == len(raw.split("\n"))
    assert cleaned.split("\n") == ["", "第1件", "", "", "", "區", "(一)"]


def test_clean_normalises_line_endings() -> None:
    """CRLF and lone CR become one newline each."""
    assert clean("a\r\nb\rc") == "a\nb\nc"


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name[:8])
def test_clean_keeps_line_count_of_real_reports(path: Path) -> None:
    """Each real report keeps its number of lines through clean()."""
    text = _text(path).replace("\r\n", "\n").replace("\r", "\n")
    assert len(clean(text).split("\n")) == len(text.split("\n"))


def test_clean_collapses_spaces() -> None:
    """Runs of ASCII, no-break and ideographic spaces become one space; lines are trimmed."""
    assert clean("  建设\u3000\u3000完成 \u00a0 推进  ") == "建设 完成 推进"


# --- match_key -----------------------------------------------------------------------------


def test_match_key() -> None:
    """match_key: no whitespace, no pinyin, straight quotes, NFKC and Simplified."""
    assert match_key(" 運河商務區(qū)\t“我為群眾辦實事” \n") == '运河商务区"我为群众办实事"'
    assert match_key("‘１２３’ 發(fā)布") == "'123'发布"
    assert match_key("「公告」") == '"公告"'
    assert match_key("运河商务区") == "运河商务区"


def test_match_key_is_idempotent() -> None:
    """Applying match_key twice gives the same key."""
    key = match_key(_text(TRADITIONAL)[:2000])
    assert match_key(key) == key


# --- the real Traditional report ---------------------------------------------------------------


def test_traditional_report_normalizes() -> None:
    """The Traditional report loses every pinyin artifact and keeps its facts."""
    data = TRADITIONAL.read_bytes()
    assert PINYIN_ARTIFACT.search(data.decode("utf-8")), "the raw file should hold pinyin artifacts"
    text = normalize_bytes(data, TRADITIONAL.name)
    assert PINYIN_ARTIFACT.search(text) is None
    assert "聯系社區衛生服務中心1271次" in text
    assert "區" in text and "(qū)" not in text


def test_normalize_bytes_error_names_source() -> None:
    """normalize_bytes passes decode's ReadError through, naming the file."""
    with pytest.raises(ReadError, match="empty.txt"):
        normalize_bytes(b"", "empty.txt")
