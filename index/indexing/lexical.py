"""BM25 over chunk texts (bm25s), tokenized by jieba with a user dictionary built from the corpus."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from minsheng.index.errors import MinshengError
from minsheng.index.indexing.layout import BM25_IDS, TOKENS, USER_DICT
from minsheng.index.script import to_simplified
from minsheng.index.segmenter import fresh_tokenizer
from minsheng.index.topk import best_first
from minsheng.index.vocabulary import STOPWORDS, TRAILING_PARTICLE

# Raised whenever the tokens of a text change for another reason than the user words (stopwords, _kept, jieba's
# mode), so a rebuild never reuses tokens cut by the old rules.
TOKENS_VERSION = 1
_EMPTY = np.zeros(1, dtype=np.int64)
_TOKEN = re.compile(r"[\u4e00-\u9fff0-9A-Za-z.%]")
_MIN_WORD_FREQ = 20000


class LexicalError(MinshengError):
    """The BM25 files of an index are missing or unreadable."""


class Tokenizer:
    """jieba in search mode (long words plus their parts) with the corpus's own words added."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._jieba = fresh_tokenizer()
        # Texts are cut after Simplified/lower-casing, so the words must be in that form to stay whole.
        self.user_words = sorted({to_simplified(w).lower() for w in user_words if len(w) >= 2})
        total = self._jieba.total
        for word in self.user_words:
            self._jieba.add_word(word, freq=_MIN_WORD_FREQ)
        # jieba weighs every word against the dictionary's total, so each added word would shift the odds of
        # every segmentation a little. Pinned, a text's tokens depend only on the words that occur in it, which
        # is what lets a rebuild keep the tokens of the chunks no added or removed word occurs in.
        self._jieba.total = total

    def tokens(self, text: str, simplified: bool = False) -> list[str]:
        """Search tokens (long words plus their parts), Simplified, lower-case, stopwords dropped;
        simplified: the text is already Simplified (OpenCC is a third of the time of a BM25 rebuild)."""
        return _kept(self._jieba.lcut_for_search((text if simplified else to_simplified(text)).lower()))

    def words(self, text: str) -> list[str]:
        """Whole words only (jieba's precise mode), for measuring how much of a question a text holds."""
        return _kept(self._jieba.lcut(to_simplified(text).lower()))


class TokenCache:
    """The tokens of every chunk of a build, as codes into one vocabulary, and the user words they were cut
    with; read by the next build so it cuts only new chunks and those a changed user word occurs in."""

    def __init__(self, ids: list[str], offsets: np.ndarray, flat: np.ndarray, vocab: list[str],
                 user_words: list[str]) -> None:
        self.ids = ids
        self.vocab = vocab
        self.user_words = user_words
        self._offsets = offsets
        self._flat = flat
        self._row = {chunk_id: row for row, chunk_id in enumerate(ids)}

    @classmethod
    def compact(cls, ids: list[str], codes: list[np.ndarray], vocab: dict[str, int]) -> "TokenCache":
        """The tokens of ids with the vocabulary cut down to the codes in use ("" stays code 0)."""
        lengths = np.fromiter((len(c) for c in codes), dtype=np.int64, count=len(codes))
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        flat = np.concatenate(codes).astype(np.int64) if codes else np.zeros(0, dtype=np.int64)
        by_code = [""] * len(vocab)
        for token, code in vocab.items():
            by_code[code] = token
        used = np.zeros(len(vocab), dtype=bool)
        used[flat] = True
        used[0] = True
        renumbered = np.cumsum(used) - 1  # old code → new code, order kept
        return cls(ids, offsets, renumbered[flat].astype(np.int32), [by_code[c] for c in np.flatnonzero(used)], [])

    def rows(self) -> list[list[int]]:
        """Each chunk's codes, in the order of ids."""
        return [self._flat[a:b].tolist() for a, b in zip(self._offsets[:-1], self._offsets[1:])]

    def codes(self, chunk_id: str) -> np.ndarray | None:
        """One chunk's codes, or None when it was not in this build."""
        row = self._row.get(chunk_id)
        return None if row is None else self._flat[self._offsets[row]:self._offsets[row + 1]]

    def touched_by(self, user_words: Sequence[str]) -> "re.Pattern[str] | None":
        """A pattern finding the user words added or removed since this build (None: none were)."""
        changed = set(user_words) ^ set(self.user_words)
        if not changed:
            return None
        return re.compile("|".join(re.escape(w) for w in sorted(changed, key=len, reverse=True)))

    def write(self, path: Path) -> None:
        """Save codes, offsets and vocabulary (numpy, no pickle) with the tokens' version."""
        vocab = np.frombuffer(json.dumps(self.vocab, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
        with path.open("wb") as handle:
            np.savez(handle, offsets=self._offsets, flat=self._flat, vocab=vocab,
                     version=np.array([TOKENS_VERSION]))

    @classmethod
    def read(cls, directory: Path) -> "TokenCache | None":
        """The tokens a build saved in directory, or None when there are none of this version (all are cut)."""
        try:
            with np.load(directory / TOKENS, allow_pickle=False) as saved:
                if int(saved["version"][0]) != TOKENS_VERSION:
                    return None
                offsets, flat = saved["offsets"], saved["flat"]
                vocab = json.loads(saved["vocab"].tobytes().decode("utf-8"))
            ids = json.loads((directory / BM25_IDS).read_text("utf-8"))
            words = (directory / USER_DICT).read_text("utf-8").split()
        except (OSError, ValueError, KeyError):
            return None
        if len(offsets) != len(ids) + 1:
            return None
        return cls(ids, offsets, flat, vocab, words)


def _kept(tokens: list[str]) -> list[str]:
    # "建了"/"改造了": the particle says nothing about the topic and hides the verb from matching.
    stripped = (t[:-1] if len(t) > 1 and t.endswith(TRAILING_PARTICLE) else t for t in tokens)
    return [t for t in stripped if _TOKEN.search(t) and t not in STOPWORDS]


class LexicalIndex:
    """A BM25 index whose rows are chunk ids; built once at index time, loaded for queries."""

    def __init__(self, ids: list[str], bm25, tokenizer: Tokenizer) -> None:  # type: ignore[no-untyped-def]
        self.ids = ids
        self.tokenizer = tokenizer
        self._bm25 = bm25
        self._row = {chunk_id: row for row, chunk_id in enumerate(ids)}
        self._tokens: TokenCache | None = None  # set by build(), saved for the next build

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str], user_words: Iterable[str],
              previous: Path | None = None) -> "LexicalIndex":
        """Tokenize and index texts: the Simplified search texts (chunk.search_texts), in the order of ids.
        previous: the BM25 directory of the last build, whose tokens are kept for every chunk id it holds that
        no added or removed user word occurs in (only new and touched chunks are cut again)."""
        import bm25s
        from bm25s.tokenization import Tokenized

        tokenizer = Tokenizer(user_words)
        cache = TokenCache.read(previous) if previous is not None else None
        touched = cache.touched_by(tokenizer.user_words) if cache else None
        vocab: dict[str, int] = {"": 0}
        if cache:
            vocab = {token: code for code, token in enumerate(cache.vocab)}
        codes: list[np.ndarray] = []
        for chunk_id, text in zip(ids, texts):
            kept = cache.codes(chunk_id) if cache else None
            if kept is None or (touched is not None and touched.search(text.lower())):
                kept = np.array([vocab.setdefault(t, len(vocab)) for t in tokenizer.tokens(text, simplified=True)],
                                dtype=np.int64)
            codes.append(kept if len(kept) else _EMPTY)  # an empty chunk holds the empty token, as bm25s expects
        lexical = cls(list(ids), None, tokenizer)
        lexical._tokens = TokenCache.compact(list(ids), codes, vocab)
        if codes:
            bm25 = bm25s.BM25()
            tokens = lexical._tokens
            bm25.index(Tokenized(ids=tokens.rows(), vocab={t: c for c, t in enumerate(tokens.vocab)}),
                       show_progress=False)
            lexical._bm25 = bm25
        return lexical

    def save(self, directory: Path) -> None:
        """Write the BM25 matrix, the row → id list, the user dictionary and the chunks' tokens into directory."""
        directory.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(directory), show_progress=False)
        (directory / BM25_IDS).write_text(json.dumps(self.ids, ensure_ascii=False), "utf-8")
        (directory / USER_DICT).write_text("\n".join(self.tokenizer.user_words) + "\n", "utf-8")
        if self._tokens is not None:
            self._tokens.write(directory / TOKENS)

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex":
        """Read what save() wrote; never re-tokenizes the corpus."""
        import bm25s

        try:
            ids = json.loads((directory / BM25_IDS).read_text("utf-8"))
            words = (directory / USER_DICT).read_text("utf-8").split()
            bm25 = bm25s.BM25.load(str(directory), show_progress=False) if ids else None
        except (OSError, ValueError) as exc:
            raise LexicalError(f"{directory}: BM25 index unreadable ({exc}); run `minsheng index` to repair it") from None
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
        candidates = np.arange(len(scores)) if rows is None else np.asarray(rows, dtype=np.int64)
        picked = scores[candidates]
        best = best_first(picked, k)  # candidates ascend, so ties fall in catalog order
        return [(self.ids[candidates[i]], float(picked[i])) for i in best if picked[i] > 0]

    def share(self, token: str) -> float | None:
        """The share of rows holding a token (read off the BM25 matrix, no pass over the texts), or None when
        the token is in no row's tokens."""
        code = None if self._bm25 is None else self._bm25.vocab_dict.get(token)
        if code is None:
            return None
        indptr = self._bm25.scores["indptr"]
        return float(indptr[code + 1] - indptr[code]) / max(len(self.ids), 1)

    def row(self, chunk_id: str) -> int | None:
        """The row of a chunk id, or None."""
        return self._row.get(chunk_id)
