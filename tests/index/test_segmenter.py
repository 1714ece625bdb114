"""jieba's dictionary kept as plain columns: read back, it segments as jieba's own load does."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from minsheng.index import segmenter


@pytest.fixture()
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The cache in a directory of its own, and the process's loaded copies forgotten."""
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    for cached in (segmenter._dictionary, segmenter.plain_tokenizer, segmenter.ordinary_words):
        cached.cache_clear()
    yield tmp_path
    for cached in (segmenter._dictionary, segmenter.plain_tokenizer, segmenter.ordinary_words):
        cached.cache_clear()


def test_the_cached_dictionary_segments_as_jiebas_own(empty_cache: Path) -> None:
    """Built on first use, written as text and numbers, read back on the next: the same words, the same counts,
    the same cuts as a tokenizer that loaded jieba's dictionary itself."""
    import jieba

    text = "大兴区完成区级养老服务示范中心及2处社区养老配建运营,新建口袋公园12处"
    built = segmenter.fresh_tokenizer()
    ours = [p.name.rsplit("-", 1)[1] for p in empty_cache.iterdir() if p.name.startswith("minsheng-")]
    assert sorted(ours) == ["freq.npy", "freq.txt"]
    segmenter._dictionary.cache_clear()
    read = segmenter.fresh_tokenizer()
    own = jieba.Tokenizer()
    own.check_initialized()
    assert read.FREQ == own.FREQ and read.total == own.total
    assert read.lcut(text) == own.lcut(text) == built.lcut(text)
    assert read.lcut_for_search(text) == own.lcut_for_search(text)


def test_a_fresh_tokenizer_takes_words_without_changing_the_shared_one(empty_cache: Path) -> None:
    """Words added to one copy (the corpus's, for BM25) are not in the plain tokenizer places are read with."""
    fresh = segmenter.fresh_tokenizer()
    fresh.add_word("示范中心配建", freq=5)
    assert "示范中心配建" in fresh.FREQ and "示范中心配建" not in segmenter.plain_tokenizer().FREQ


def test_ordinary_words_carry_jiebas_tags(empty_cache: Path) -> None:
    """Tags from jieba's dictionary file: a place name (ns) and an ordinary word, the same once read back."""
    words = segmenter.ordinary_words()
    segmenter.ordinary_words.cache_clear()
    again = segmenter.ordinary_words()
    assert words == again and words["北京"][0] == "ns" and words["学校"][0] == "n"
    assert all(2 <= len(word) <= 5 for word in words)


def test_a_damaged_cache_is_rebuilt(empty_cache: Path) -> None:
    """A cache file cut short (a full disk, a killed process) is ignored and written again."""
    segmenter.ordinary_words()
    text_file = next(p for p in empty_cache.iterdir() if p.name.endswith("tags.txt"))
    text_file.write_text("北京\x00ns", encoding="utf-8")
    segmenter.ordinary_words.cache_clear()
    assert segmenter.ordinary_words()["学校"][0] == "n"
