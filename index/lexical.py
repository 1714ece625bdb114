"""BM25 over chunk texts (bm25s), tokenized by jieba with a user dictionary built from the corpus."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from index.errors import MinshengError
from index.normalize import to_simplified

USER_DICT = "userdict.txt"
_IDS = "ids.json"
_TOKEN = re.compile(r"[\u4e00-\u9fff0-9A-Za-z.%]")
# Words that carry no topic in a report or a question; kept short on purpose (BM25's idf does the rest).
STOPWORDS = frozenset(
    "的 了 和 与 及 是 在 有 对 为 把 被 将 等 个 中 也 都 就 并 或 而 之 其 这 那 吗 呢 吧 啊 呀 么 哪 哪些 什么 怎么 怎样 "
    "如何 多少 几 情况 进展 目前 现在 已经 请问 一下 一共 总共 还 又 再 让 给 从 到 于 以 上 下 我 你 他 它 我们 "
    "关于 有关 有人 没有 可以 能 会 要 想 吧 吗 呢 啊".split()
)
_MIN_WORD_FREQ = 20000


class LexicalError(MinshengError):
    """The BM25 files of an index are missing or unreadable."""


class Tokenizer:
    """jieba in search mode (long words plus their parts) with the corpus's own words added."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        import jieba

        jieba.setLogLevel(60)
        self._jieba = jieba.Tokenizer()
        # Texts are cut after Simplified/lower-casing, so the words must be in that form to stay whole.
        self.user_words = sorted({to_simplified(w).lower() for w in user_words if len(w) >= 2})
        for word in self.user_words:
            self._jieba.add_word(word, freq=_MIN_WORD_FREQ)

    def tokens(self, text: str, simplified: bool = False) -> list[str]:
        """Search tokens (long words plus their parts), Simplified, lower-case, stopwords dropped;
        simplified: the text is already Simplified (OpenCC is a third of the time of a BM25 rebuild)."""
        return _kept(self._jieba.lcut_for_search((text if simplified else to_simplified(text)).lower()))

    def words(self, text: str) -> list[str]:
        """Whole words only (jieba's precise mode), for measuring how much of a question a text holds."""
        return _kept(self._jieba.lcut(to_simplified(text).lower()))


def _kept(tokens: list[str]) -> list[str]:
    # "建了"/"改造了": the particle says nothing about the topic and hides the verb from matching.
    stripped = (t[:-1] if len(t) > 1 and t.endswith("了") else t for t in tokens)
    return [t for t in stripped if _TOKEN.search(t) and t not in STOPWORDS]


class LexicalIndex:
    """A BM25 index whose rows are chunk ids; built once at index time, loaded for queries."""

    def __init__(self, ids: list[str], bm25, tokenizer: Tokenizer) -> None:  # type: ignore[no-untyped-def]
        self.ids = ids
        self.tokenizer = tokenizer
        self._bm25 = bm25
        self._row = {chunk_id: row for row, chunk_id in enumerate(ids)}

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str], user_words: Iterable[str]) -> "LexicalIndex":
        """Tokenize and index texts: the Simplified search texts (chunk.search_texts), in the order of ids."""
        import bm25s

        tokenizer = Tokenizer(user_words)
        bm25 = bm25s.BM25()
        corpus = [tokenizer.tokens(text, simplified=True) or [""] for text in texts]
        if corpus:
            bm25.index(corpus, show_progress=False)
        return cls(list(ids), bm25 if corpus else None, tokenizer)

    def save(self, directory: Path) -> None:
        """Write the BM25 matrix, the row → id list and the user dictionary into directory."""
        directory.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(directory), show_progress=False)
        (directory / _IDS).write_text(json.dumps(self.ids, ensure_ascii=False), "utf-8")
        (directory / USER_DICT).write_text("\n".join(self.tokenizer.user_words) + "\n", "utf-8")

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex":
        """Read what save() wrote; never re-tokenizes the corpus."""
        import bm25s

        try:
            ids = json.loads((directory / _IDS).read_text("utf-8"))
            words = (directory / USER_DICT).read_text("utf-8").split()
            bm25 = bm25s.BM25.load(str(directory), show_progress=False) if ids else None
        except (OSError, ValueError) as exc:
            raise LexicalError(f"{directory}: BM25 index unreadable ({exc}); run `minsheng index --full`") from None
        return cls(ids, bm25, Tokenizer(words))

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every row for the query tokens (zeros when nothing matches)."""
        if self._bm25 is None or not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        known = [t for t in tokens if t in self._bm25.vocab_dict]
        if not known:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def search(self, tokens: Sequence[str], k: int, rows: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The k best (id, score) pairs with a positive score, optionally only among the given rows."""
        scores = self.scores(tokens)
        if rows is not None:
            mask = np.zeros(len(scores), dtype=bool)
            mask[rows] = True
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:k]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def row(self, chunk_id: str) -> int | None:
        """The row of a chunk id, or None."""
        return self._row.get(chunk_id)
