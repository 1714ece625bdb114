"""Tests for index/script.py: Traditional ↔ Simplified, and the shortcut past OpenCC for Simplified text."""
from __future__ import annotations

import pytest

from minsheng.index.script import _converter, _t2s_changes, to_simplified, to_traditional
from tests.conftest import CORPUS


def test_to_simplified_converts_traditional() -> None:
    """Traditional characters become Simplified."""
    assert to_simplified("運河商務區") == "运河商务区"
    assert to_simplified("聯系社區衛生服務中心1271次") == "联系社区卫生服务中心1271次"


@pytest.mark.parametrize("text", ["运河商务区", "大兴区2024年重要民生实事项目", "", "ABC 123"])
def test_to_simplified_leaves_simplified_alone(text: str) -> None:
    """Simplified (and ASCII or empty) text comes back unchanged."""
    assert to_simplified(text) == text


def test_to_traditional_converts_simplified_and_leaves_ascii_alone() -> None:
    """Simplified becomes Traditional (for answering in the question's script); ASCII and empty text pass through."""
    assert to_traditional("运河商务区") == "運河商務區"
    assert to_traditional("ABC 123") == "ABC 123"
    assert to_traditional("") == ""


def test_converters_are_made_once_per_direction() -> None:
    """OpenCC's converters are built once per direction and kept (each costs a dictionary load)."""
    assert _converter() is _converter()
    assert _converter("s2t") is _converter("s2t")
    assert _converter("s2t") is not _converter()
    assert _t2s_changes() is _t2s_changes()


def test_text_without_a_character_t2s_changes_is_not_converted_and_comes_out_the_same() -> None:
    """The shortcut past OpenCC is exact: every line of every report in corpus/, and every CJK character alone,
    comes out as OpenCC's own t2s gives it; Traditional lines still convert."""
    convert = _converter().convert
    lines = [line for path in sorted(CORPUS.iterdir()) if path.suffix == ".txt"
             for line in path.read_text(encoding="utf-8").split("\n")]
    assert [to_simplified(line) for line in lines] == [convert(line) for line in lines]
    characters = [chr(code) for code in range(0x4E00, 0xA000)]
    assert all(convert(c) == c for c in characters if c not in _t2s_changes())
    assert to_simplified("惠東縣民生實事辦理情況") == "惠东县民生实事办理情况"


def test_a_long_text_is_converted_line_by_line_with_the_same_result() -> None:
    """Only the lines holding Traditional characters are converted: the same text as converting it whole, and a
    long Simplified report with one Traditional character costs that line."""
    from minsheng.index.script import _converter

    mixed = "\n".join(["大兴区新建养老驿站4家，已有2家投入运营。"] * 3_000 + ["通州區稅務局推行線上“銀稅互動”。"] * 3)
    assert len(mixed) > 20_000
    assert to_simplified(mixed) == _converter().convert(mixed)
    assert to_simplified(mixed).endswith("通州区税务局推行线上“银税互动”。")
