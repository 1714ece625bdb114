"""index/search/keywords.py: BM25 candidates, how telling a word is (over the index, among a question's rows), and
names found in any report."""
from __future__ import annotations

import numpy as np
import pytest

from minsheng.index.indexing.lexical import LexicalIndex
from minsheng.index.search.keywords import Keywords


def _keywords(texts: list[str], words: list[str], records: np.ndarray | None = None) -> Keywords:
    lexical = LexicalIndex.build([f"c{i}" for i in range(len(texts))], texts, words)
    return Keywords(lexical, texts, np.ones(len(texts), dtype=bool) if records is None else records)


def test_how_telling_a_word_is_on_a_large_index() -> None:
    """Over 12,000 chunks a token's share is read off BM25 and a non-token string's is estimated from a sample
    of 5,000 texts; both land where counting every text would (a share of 0.3 weighs 1 - (0.3 - 0.1) × 2)."""
    texts = [("推进口袋公园建设" if i % 10 < 3 else "完成道路维修") + f"第{i}段" for i in range(12_000)]
    keywords = _keywords(texts, ["口袋公园"])
    assert keywords.lexical.share("口袋公园") == pytest.approx(0.3)
    assert keywords.telling("口袋公园") == pytest.approx(0.6)
    assert keywords.lexical.share("袋公") is None  # a character pair across words: estimated from the sample
    assert keywords.telling("袋公") == pytest.approx(0.6, abs=0.03)
    assert keywords.telling("维修") == pytest.approx(max(0.2, 1 - (0.7 - 0.1) * 2))
    assert keywords.in_reports("道路") and not keywords.in_reports("乙区")


def test_a_word_common_among_a_questions_records_tells_less_there() -> None:
    """服务 in every record of the rows asked about weighs the floor there, though rare in the whole index; rows
    too few to count on (or every row) keep the whole index's measure; passages are not counted."""
    texts = [f"养老服务驿站第{i}处" for i in range(30)] + [f"道路维修第{i}段" for i in range(270)]
    records = np.ones(len(texts), dtype=bool)
    records[:5] = False  # passages
    keywords = _keywords(texts, ["服务"], records)
    assert keywords.telling("服务") == 1.0  # a tenth of the index
    assert keywords.telling_among(np.arange(30))("服务") == pytest.approx(0.2)
    assert keywords.telling_among(np.arange(25, 40))("服务") == 1.0  # fewer than 20 records
    assert keywords.telling_among(np.arange(300)) == keywords.telling
    mixed = keywords.telling_among(np.arange(5, 65))  # 25 of 60 records hold it
    assert mixed("服务") == pytest.approx(max(0.2, 1.0 - (25 / 60 - 0.1) * 2))


def test_bm25_candidates_are_limited_to_the_rows_given() -> None:
    texts = ["养老服务驿站建设", "养老院改造", "道路维修", "学校建设"]
    keywords = _keywords(texts, ["养老"])
    assert {i for i, _ in keywords.candidates("养老", np.arange(4), 10)} == {"c0", "c1"}
    assert [i for i, _ in keywords.candidates("养老", np.array([1, 2, 3]), 10)] == ["c1"]
    assert len(keywords.candidates("养老", np.arange(4), 1)) == 1


def test_a_texts_words_come_once_each() -> None:
    keywords = _keywords(["养老服务"], ["养老"])
    words = keywords.words("养老养老服务")
    assert words == list(dict.fromkeys(words)) and "养老" in words


def test_a_traditional_name_is_found_in_the_simplified_texts() -> None:
    keywords = _keywords(["大兴区养老服务"], [])
    assert keywords.in_reports("養老") and not keywords.in_reports("密云")

