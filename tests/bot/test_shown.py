"""bot.shown: names and report text shown with their control characters escaped."""
from __future__ import annotations

import io

from minsheng.bot.shown import ShownStream, shown


def test_control_and_format_characters_become_visible_escapes() -> None:
    assert shown("fake.txt\nremoved  大兴区.txt") == "fake.txt\\nremoved  大兴区.txt"
    assert shown("a\x1b[31mb\x07c\rd\x7f") == "a\\x1b[31mb\\x07c\\rd\\x7f"
    assert shown("报告\u202etxt.exe\u200b") == "报告\\u202etxt.exe\\u200b"  # right-to-left override, zero width
    assert shown("大兴区 2024年　一季度.txt") == "大兴区 2024年　一季度.txt"  # spaces, even full-width, stay
    assert shown("第一行\n第二行\x1b", lines=True) == "第一行\n第二行\\x1b"


def test_a_shown_stream_keeps_lines_and_escapes_the_rest() -> None:
    out = io.StringIO()
    stream = ShownStream(out)
    stream.write("答案\n[1] 报告\x1b]0;owned\x07.txt\n")
    stream.flush()
    assert out.getvalue() == "答案\n[1] 报告\\x1b]0;owned\\x07.txt\n"
