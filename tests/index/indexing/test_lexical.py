"""index.indexing.lexical: the jieba tokenizer with user words, and the BM25 index over chunk ids."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from minsheng.index.indexing.chunk import chunk_report, search_texts
from minsheng.index.indexing.layout import USER_DICT
from minsheng.index.indexing.lexical import LexicalError, LexicalIndex, TokenCache, Tokenizer
from minsheng.index.ingest.records import ParsedReport

MADE_UP = "小蜜蜂公园"


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer([MADE_UP, "x", MADE_UP])


# ---------------------------------------------------------------- Tokenizer


def test_user_word_is_kept_whole(tokenizer: Tokenizer) -> None:
    assert tokenizer.words("我们去小蜜蜂公园玩") == ["去", MADE_UP, "玩"]
    assert MADE_UP in tokenizer.tokens("我们去小蜜蜂公园玩")
    plain = Tokenizer()
    assert MADE_UP not in plain.words("我们去小蜜蜂公园玩")
    assert MADE_UP not in plain.tokens("我们去小蜜蜂公园玩")


def test_user_words_are_deduplicated_sorted_and_at_least_two_chars() -> None:
    assert Tokenizer(["老旧小区", "x", "", "接庄街道", "老旧小区"]).user_words == ["接庄街道", "老旧小区"]


def test_stopwords_and_punctuation_are_dropped(tokenizer: Tokenizer) -> None:
    question = "请问，密云区的老旧小区改造进展如何？"
    for tokens in (tokenizer.tokens(question), tokenizer.words(question)):
        assert "老旧" in tokens and "改造" in tokens
        for dropped in ("请问", "的", "进展", "如何", "，", "？", " "):
            assert dropped not in tokens
    assert tokenizer.words("。，！？、；：…… ——") == []


def test_trailing_le_is_stripped(tokenizer: Tokenizer) -> None:
    assert tokenizer.words("老旧小区改造完成了") == ["老旧", "小区", "改造", "完成"]


def test_traditional_is_converted_to_simplified(tokenizer: Tokenizer) -> None:
    assert tokenizer.tokens("老舊小區改造進度") == tokenizer.tokens("老旧小区改造进度")
    assert tokenizer.words("區教委組織培訓") == tokenizer.words("区教委组织培训")
    assert "小区" in tokenizer.words("老舊小區")


def test_text_is_lower_cased_and_figures_kept(tokenizer: Tokenizer) -> None:
    tokens = tokenizer.words("AED设备100台，完成率95.5%")
    assert "aed" in tokens and "AED" not in tokens
    assert "100" in tokens and "95.5%" in tokens


def test_tokens_add_the_parts_of_long_words(tokenizer: Tokenizer) -> None:
    text = "中华人民共和国公共服务设施"
    words, tokens = tokenizer.words(text), tokenizer.tokens(text)
    assert "中华人民共和国" in words
    assert "人民" not in words and "共和国" not in words
    assert {"中华人民共和国", "人民", "共和国"} <= set(tokens)
    assert set(words) <= set(tokens)
    assert len(tokens) > len(words)


@pytest.mark.parametrize("word, text, whole", [
    ("小蜜蜂公園", "小蜜蜂公園在哪", "小蜜蜂公园"),
    ("5G基站", "新建5G基站", "5g基站"),
], ids=["traditional", "upper-case"])
def test_traditional_and_upper_case_user_words_are_kept_whole(word: str, text: str, whole: str) -> None:
    assert whole in Tokenizer([word]).words(text)


# ---------------------------------------------------------------- LexicalIndex

IDS = ["a", "b", "c", "d"]
TEXTS = [
    "密云区老旧小区改造完成12个小区",
    "大兴区新建幼儿园增加学位1440个",
    "青岛市优化调整5条公交线路，公交站台改造",
    "小蜜蜂公园绿化提升工程",
]
QUERIES = ["老旧小区改造", "幼儿园学位", "公交线路", MADE_UP, "改造", "1440", "不存在的词语"]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build(IDS, TEXTS, [MADE_UP])


def search(index: LexicalIndex, query: str, k: int = 10, rows: np.ndarray | None = None) -> list[str]:
    return [chunk_id for chunk_id, _ in index.search(index.tokenizer.tokens(query), k, rows)]


@pytest.mark.parametrize("query, best", [
    ("老旧小区改造", "a"), ("幼儿园学位", "b"), ("学位1440", "b"), ("公交线路", "c"), (MADE_UP, "d"),
    ("老舊小區", "a"),
])
def test_matching_text_ranks_first(index: LexicalIndex, query: str, best: str) -> None:
    assert search(index, query)[0] == best


def test_search_returns_positive_scores_best_first(index: LexicalIndex) -> None:
    hits = index.search(index.tokenizer.tokens("改造"), 10)
    assert [i for i, _ in hits] in (["a", "c"], ["c", "a"])
    scores = [s for _, s in hits]
    assert all(s > 0 for s in scores) and scores == sorted(scores, reverse=True)
    assert len(index.search(index.tokenizer.tokens("改造"), 1)) == 1


def test_rows_restrict_the_results(index: LexicalIndex) -> None:
    assert search(index, "改造", rows=np.array([2])) == ["c"]
    assert search(index, "改造", rows=np.array([0, 3])) == ["a"]
    assert search(index, "改造", rows=np.array([1, 3])) == []
    assert search(index, "改造", rows=np.array([], dtype=int)) == []


def test_no_positive_score_gives_nothing(index: LexicalIndex) -> None:
    assert index.search(index.tokenizer.tokens("不存在的词语"), 5) == []
    assert index.search([], 5) == []


def test_unknown_tokens_score_zero(index: LexicalIndex) -> None:
    for tokens in (["火星基地"], [], ["火星基地", "月球"]):
        scores = index.scores(tokens)
        assert scores.shape == (len(IDS),) and not scores.any()
    # Unknown tokens next to known ones change nothing.
    assert np.array_equal(index.scores(["火星基地", "改造"]), index.scores(["改造"]))


def test_row_maps_ids(index: LexicalIndex) -> None:
    assert [index.row(i) for i in IDS] == [0, 1, 2, 3]
    assert index.row("zzz") is None


def test_save_load_round_trip(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert loaded.ids == IDS
    assert loaded.tokenizer.user_words == [MADE_UP]
    assert (tmp_path / "bm25" / USER_DICT).read_text("utf-8").split() == [MADE_UP]
    assert loaded.tokenizer.words("去小蜜蜂公园") == ["去", MADE_UP]
    for query in QUERIES:
        assert np.array_equal(loaded.scores(loaded.tokenizer.tokens(query)), index.scores(index.tokenizer.tokens(query)))
        assert loaded.search(loaded.tokenizer.tokens(query), 3) == index.search(index.tokenizer.tokens(query), 3)


def test_empty_index_round_trip(tmp_path: Path) -> None:
    empty = LexicalIndex.build([], [], [])
    assert empty.search(["改造"], 5) == [] and empty.scores(["改造"]).shape == (0,)
    empty.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert loaded.ids == [] and loaded.search(["改造"], 5) == []


def test_text_without_tokens_still_gets_a_row(tmp_path: Path) -> None:
    index = LexicalIndex.build(["p", "q"], ["。。。", "公交线路"], [])
    assert index.scores(["公交"]).shape == (2,)
    assert [i for i, _ in index.search(["公交"], 5)] == ["q"]


def test_load_of_missing_dir_names_it_and_says_what_to_do(tmp_path: Path) -> None:
    missing = tmp_path / "没有索引"
    with pytest.raises(LexicalError) as info:
        LexicalIndex.load(missing)
    assert str(missing) in str(info.value)
    assert "minsheng index" in str(info.value)


def test_load_of_damaged_ids_raises_lexical_error(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "bm25")
    (tmp_path / "bm25" / "ids.json").write_text("[not json", "utf-8")
    with pytest.raises(LexicalError, match="bm25"):
        LexicalIndex.load(tmp_path / "bm25")


def test_real_report_record_is_found_by_its_own_words(reports: dict[str, ParsedReport]) -> None:
    """On the real 大兴区 report, a record's distinctive words put it first."""
    chunks = chunk_report(reports["大兴区"], 512)
    index = LexicalIndex.build([c.id for c in chunks], [c.search_text for c in chunks], ["大兴区"])
    target = next(c for c in chunks if "1440" in c.text and not c.is_passage)
    best = next(c for c in chunks if c.id == search(index, "增加学位1440个")[0])
    assert (best.source, best.record) == (target.source, target.record)  # the record, or its passage


# ---------------------------------------------------------------- tokens reused by the next build


def _tokens(directory: Path) -> dict[str, list[str]]:
    cache = TokenCache.read(directory)
    assert cache is not None
    return {i: [cache.vocab[c] for c in cache.codes(i)] for i in cache.ids}  # type: ignore[union-attr]


def test_a_rebuild_with_the_last_tokens_equals_a_build_from_scratch(reports: dict[str, ParsedReport],
                                                                    tmp_path: Path) -> None:
    """Adding a report (its district and units become new user words) and dropping one: the chunks kept from
    the last build and those the changed words touch end up exactly as a build from nothing cuts them."""
    from minsheng.index.indexing.builder import vocabulary

    first = [c for name in ("大兴区", "密云区") for c in chunk_report(reports[name], 512)]
    second = [c for name in ("大兴区", "青岛市") for c in chunk_report(reports[name], 512)]
    LexicalIndex.build([c.id for c in first], search_texts(first), vocabulary(first)).save(tmp_path / "one")
    again = LexicalIndex.build([c.id for c in second], search_texts(second), vocabulary(second), tmp_path / "one")
    again.save(tmp_path / "two")
    scratch = LexicalIndex.build([c.id for c in second], search_texts(second), vocabulary(second))
    scratch.save(tmp_path / "three")
    assert set(vocabulary(second)) ^ set(vocabulary(first))  # the user words did change
    assert _tokens(tmp_path / "two") == _tokens(tmp_path / "three")
    for query in ("养老服务", "口袋公园", "青岛市老旧小区改造", "区城市管理委"):
        tokens = again.tokenizer.tokens(query)
        assert np.allclose(again.scores(tokens), scratch.scores(tokens))


def test_kept_tokens_are_not_cut_again_but_touched_ones_are(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    LexicalIndex.build(IDS, TEXTS, [MADE_UP]).save(tmp_path)
    cut: list[str] = []
    real = Tokenizer.tokens

    def counting(self: Tokenizer, text: str, simplified: bool = False) -> list[str]:
        cut.append(text)
        return real(self, text, simplified)

    monkeypatch.setattr(Tokenizer, "tokens", counting)
    LexicalIndex.build(IDS + ["e"], TEXTS + ["新增的报告"], [MADE_UP], tmp_path)
    assert cut == ["新增的报告"]
    cut.clear()
    LexicalIndex.build(IDS, TEXTS, [MADE_UP, "公交站台"], tmp_path)  # a new user word, in one text only
    assert cut == [TEXTS[2]]


def test_tokens_of_another_version_or_damaged_are_cut_again(tmp_path: Path) -> None:
    LexicalIndex.build(IDS, TEXTS, [MADE_UP]).save(tmp_path)
    assert TokenCache.read(tmp_path) is not None
    (tmp_path / "tokens.npz").write_bytes(b"not numpy")
    assert TokenCache.read(tmp_path) is None
    rebuilt = LexicalIndex.build(IDS, TEXTS, [MADE_UP], tmp_path)
    assert search(rebuilt, "老旧小区改造")[0] == "a"
