"""index.indexing.lexical: the jieba tokenizer with user words, and BM25 over chunk ids (FTS5 in the catalog)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from minsheng.index.indexing.chunk import chunk_report
from minsheng.index.indexing.lexical import LexicalIndex, Tokenizer
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


def test_an_updated_tokenizer_cuts_as_a_fresh_one(reports: dict[str, ParsedReport]) -> None:
    """Words added and removed (one that is in jieba's own dictionary too, one made up, a Traditional spelling of a
    word kept) leave a tokenizer cutting every real text exactly as one made with the words it now holds."""
    texts = [c.search_text for report in reports.values() for c in chunk_report(report, 768)]
    first = ["密云区", "老旧小区", "大兴区", "区教委", MADE_UP, "老舊小區"]
    then = ["密云区", "老舊小區", "区城市管理委", "加装电梯", "北京城市副中心"]
    updated = Tokenizer(first)
    updated.update(set(then) - set(first), set(first) - set(then))
    fresh = Tokenizer(then)
    assert updated.user_words == fresh.user_words
    assert all(updated.tokens(t) == fresh.tokens(t) and updated.words(t) == fresh.words(t) for t in texts)
    assert MADE_UP not in updated.words("我们去小蜜蜂公园玩")
    assert "老旧小区" in updated.words("老旧小区改造")


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


def test_unknown_tokens_change_nothing(index: LexicalIndex) -> None:
    for tokens in (["火星基地"], ["火星基地", "月球"]):
        assert index.search(tokens, 5) == []
    assert index.search(["火星基地", "改造"], 5) == index.search(["改造"], 5)


def test_row_maps_ids(index: LexicalIndex) -> None:
    assert [index.row(i) for i in IDS] == [0, 1, 2, 3]
    assert index.row("zzz") is None


def test_share_counts_the_rows_holding_a_token(index: LexicalIndex) -> None:
    assert index.share("改造") == 0.5 and index.share(MADE_UP) == 0.25 and index.share("火星基地") is None


def test_an_empty_index_finds_nothing() -> None:
    empty = LexicalIndex.build([], [], [])
    assert empty.search(["改造"], 5) == [] and empty.share("改造") is None


def test_text_without_tokens_still_gets_a_row() -> None:
    index = LexicalIndex.build(["p", "q"], ["。。。", "公交线路"], [])
    assert [i for i, _ in index.search(["公交"], 5)] == ["q"]


def test_tokens_with_quotes_and_operators_are_searched_as_words() -> None:
    """FTS5's own syntax in a token (quotes, AND, NEAR, a column name) is matched as text, never parsed."""
    index = LexicalIndex.build(["p", "q"], ['他说"AND"不 NEAR 公交', "tokens 公交线路"], [])
    for tokens in (['"AND"'], ["AND"], ["NEAR"], ["tokens"], ["area"], ['"', "公交"]):
        index.search(tokens, 5)  # no syntax error
    assert [i for i, _ in index.search(["tokens"], 5)] == ["q"]


def test_real_report_record_is_found_by_its_own_words(reports: dict[str, ParsedReport]) -> None:
    """On the real 大兴区 report, a record's distinctive words put it first."""
    chunks = chunk_report(reports["大兴区"], 512)
    index = LexicalIndex.build([c.id for c in chunks], [c.search_text for c in chunks], ["大兴区"])
    target = next(c for c in chunks if "1440" in c.text and not c.is_passage)
    best = next(c for c in chunks if c.id == search(index, "增加学位1440个")[0])
    assert (best.source, best.record) == (target.source, target.record)  # the record, or its passage


# ---------------------------------------------------------------- tokens kept by the next build


def _tokens(index_dir: Path) -> dict[str, str]:
    from minsheng.index.indexing.catalog import open_catalog
    from minsheng.index.indexing.database import unpack

    return {i: unpack(t) for i, t in open_catalog(index_dir).query("SELECT id, tokens FROM chunks")}


def test_an_incremental_build_cuts_tokens_as_a_build_from_scratch(tmp_path: Path) -> None:
    """Adding a report (its district and units become words kept whole) and dropping one: the rows kept and those the
    changed words touch end up with exactly the tokens a build from nothing gives them."""
    import shutil

    from minsheng.index.indexing.builder import build_index, file_words
    from minsheng.index.indexing.store import open_store
    from minsheng.index.ingest.load import load_report
    from tests.conftest import corpus_file
    from tests.index.indexing.test_builder import Factory

    def build(names: tuple[str, ...], where: Path) -> Path:
        corpus = where / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        for old in corpus.iterdir():
            old.unlink()
        for name in names:
            shutil.copy(corpus_file(name), corpus)
        store = open_store("embedded", where / "index" / "chroma", "127.0.0.1", 0, "test")
        build_index(corpus, where / "index", store, Factory("fake"), "fake", 512)
        return where / "index"

    build(("大兴区", "密云区"), tmp_path / "a")
    again = build(("大兴区", "青岛市"), tmp_path / "a")
    scratch = build(("大兴区", "青岛市"), tmp_path / "b")
    first = [c for n in ("大兴区", "密云区") for c in chunk_report(load_report(corpus_file(n)), 512)]
    second = [c for n in ("大兴区", "青岛市") for c in chunk_report(load_report(corpus_file(n)), 512)]
    assert set(file_words(second)) ^ set(file_words(first))  # the words kept whole did change
    assert _tokens(again) == _tokens(scratch)


@pytest.mark.parametrize("question", ["密云区老旧小区节能改造进展", "青岛口袋公园建了多少个", "大兴区化妆品抽检任务多少批次",
                                      "济宁高新区优质教育提升工程存在什么问题", "天津市2024年一季度养老服务", "通州区困境儿童活动开展了多少场"])
def test_a_place_s_rows_are_scored_as_the_keyword_index_scores_them(retriever, question: str) -> None:  # type: ignore[no-untyped-def]
    """Rows of the places asked, scored from their own tokens with remembered word weights, get the keyword index's
    own bm25() figures, in the same order (it is not asked to score, which reads each word's whole posting list)."""
    searcher = retriever.searcher
    lexical = searcher.whole().keywords.lexical
    query = searcher.parse(question)
    tokens = lexical.tokenizer.tokens(query.search_text)
    rows = np.arange(len(lexical.ids))
    assert query.regions
    own = lexical.search(tokens, 40, rows, query.regions)
    asked: list[str] = []
    lexical._catalog.keyword_scores, kept = (lambda match: asked.append(match) or kept(match)), lexical._catalog.keyword_scores  # type: ignore[method-assign]
    try:
        lexical._terms.clear()
        scored = lexical._scored  # type: ignore[attr-defined]
        lexical._scored = lambda match, phrases: None  # type: ignore[method-assign]
        by_index = lexical.search(tokens, 40, rows, query.regions)
        lexical._scored = scored  # type: ignore[method-assign]
        assert not asked[:-1] and len(asked) == 1
        again = lexical.search(tokens, 40, rows, query.regions)
    finally:
        lexical._catalog.keyword_scores = kept  # type: ignore[method-assign]
    assert own and [i for i, _ in own] == [i for i, _ in by_index]
    assert all(abs(a - b) < 1e-9 for (_, a), (_, b) in zip(own, by_index))
    assert again == own and len(asked) == 1  # scored without the keyword index's bm25() again
