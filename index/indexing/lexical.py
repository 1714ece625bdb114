"""BM25 over chunk texts (SQLite FTS5 in the catalog), tokenized by jieba with a user dictionary built from the
corpus."""
from __future__ import annotations

import math
import re
from typing import Callable, Iterable, Sequence

import numpy as np

from minsheng.index.indexing.database import Catalog, area_key, fts_any, unpack
from minsheng.index.script import to_simplified
from minsheng.index.segmenter import fresh_tokenizer
from minsheng.index.vocabulary import STOPWORDS, TRAILING_PARTICLE

# Raised whenever the tokens of a text change for another reason than the user words (stopwords, _kept, jieba's
# mode), so a rebuild never reuses tokens cut by the old rules.
TOKENS_VERSION = 1
_TOKEN = re.compile(r"[\u4e00-\u9fff0-9A-Za-z.%]")
_MIN_WORD_FREQ = 20000


class Tokenizer:
    """jieba in search mode (long words plus their parts) with the corpus's own words added."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._jieba = fresh_tokenizer()
        # jieba weighs every word against the dictionary's total, so each added word would shift the odds of
        # every segmentation a little. Pinned, a text's tokens depend only on the words that occur in it, which
        # is what lets a rebuild keep the tokens of the chunks no added or removed word occurs in.
        self._total = self._jieba.total
        # Each word kept whole → its frequency in jieba's own dictionary before (None: not there) and how many of
        # the corpus's words it stands for (a Traditional and a Simplified spelling are one).
        self._held: dict[str, tuple[int | None, int]] = {}
        self.update(user_words)

    @property
    def user_words(self) -> list[str]:
        """The words kept whole, as matched (Simplified, lower-case)."""
        return sorted(self._held)

    def update(self, added: Iterable[str] = (), removed: Iterable[str] = ()) -> None:
        """Keep more words whole, and some no longer: afterwards the tokenizer cuts as one made with the words it
        now holds would (a running indexer updates its tokenizer instead of loading jieba's dictionary again)."""
        freq = self._jieba.FREQ
        for word in _forms(removed):
            before, count = self._held.get(word, (None, 0))
            if count > 1:
                self._held[word] = (before, count - 1)
            elif count == 1:
                del self._held[word]
                # 0 where the word was no word: a prefix entry, as jieba keeps one for every word's beginnings.
                freq[word] = before or 0
        for word in _forms(added):
            before, count = self._held.get(word, (freq.get(word), 0))
            self._held[word] = (before, count + 1)
            if count == 0:
                self._jieba.add_word(word, freq=_MIN_WORD_FREQ)
        self._jieba.total = self._total

    def tokens(self, text: str, simplified: bool = False) -> list[str]:
        """Search tokens (long words plus their parts), Simplified, lower-case, stopwords dropped;
        simplified: the text is already Simplified (OpenCC is a third of the time of a BM25 rebuild)."""
        return _kept(self._jieba.lcut_for_search((text if simplified else to_simplified(text)).lower()))

    def words(self, text: str) -> list[str]:
        """Whole words only (jieba's precise mode), for measuring how much of a question a text holds."""
        return _kept(self._jieba.lcut(to_simplified(text).lower()))


def _forms(words: Iterable[str]) -> list[str]:
    """Each word (once) long enough to be one, as texts are cut (Simplified, lower-case): two spellings of one word
    give it twice."""
    return [to_simplified(w).lower() for w in dict.fromkeys(words) if len(w) >= 2]


def _kept(tokens: list[str]) -> list[str]:
    # "建了"/"改造了": the particle says nothing about the topic and hides the verb from matching.
    stripped = (t[:-1] if len(t) > 1 and t.endswith(TRAILING_PARTICLE) else t for t in tokens)
    return [t for t in stripped if _TOKEN.search(t) and t not in STOPWORDS]


# FTS5's bm25() constants.
_K1 = 1.2
_B = 0.75
# A token the keyword index's tokenizer (unicode61, tokenchars ".%") keeps as written: figures, Latin lower case,
# Chinese characters, "." and "%"; a row of such tokens separated by spaces.
_PLAIN_TOKEN = re.compile(r"[0-9a-z.%\u3400-\u4dbf\u4e00-\u9fff]+")
_PLAIN_ROW = re.compile(r"[0-9a-z.%\u3400-\u4dbf\u4e00-\u9fff ]*")


class LexicalIndex:
    """BM25 over the catalog's keyword table (SQLite FTS5 over the jieba tokens), in the row order of the chunks a
    reader loaded: only the rows a question's words occur in are read, nothing is loaded or rebuilt whole."""

    def __init__(self, catalog: Catalog, ids: list[str], db_rows: np.ndarray, tokenizer: Tokenizer,
                 total: int | None = None, rows_holding: Callable[[str], int | None] | None = None,
                 packed: dict[int, bytes] | None = None) -> None:
        self.ids = ids
        # How many rows of the catalog hold a token (None: none); a reader shares one remembering cache.
        self._rows_holding = rows_holding or catalog.token_rows
        # Each loaded row's tokens, each between two spaces of its own (" 老旧  小区 ": a token's count is the count
        # of " token "), and its length as the keyword index counts it; read when first scored.
        self._terms: dict[int, tuple[str, int]] = {}
        self._packed = packed or {}  # database row → its packed tokens, when read with the chunks
        self._totals: tuple[int, int] | None = None
        self.total = len(ids) if total is None else total  # the catalog's rows (a reader may load only some)
        self.tokenizer = tokenizer
        self._catalog = catalog
        self._row = {chunk_id: row for row, chunk_id in enumerate(ids)}
        # The loaded database rows sorted, with their positions among ids: a row found is looked up by bisection
        # (a reader holding a few hundred rows of a catalog of millions needs no array as long as the catalog).
        self._order = np.argsort(db_rows, kind="stable")
        self._sorted_rows = np.asarray(db_rows, dtype=np.int64)[self._order]

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str], user_words: Iterable[str]) -> "LexicalIndex":
        """An index of texts (Simplified search texts, in the order of ids) in a catalog held in memory."""
        tokenizer = Tokenizer(user_words)
        catalog = Catalog.memory()
        with catalog.write():
            for row, text in enumerate(texts):
                catalog.put_terms(row + 1, " ".join(tokenizer.tokens(text, simplified=True)), "")
        return cls(catalog, list(ids), np.arange(1, len(ids) + 1, dtype=np.int64), tokenizer)

    def search(self, tokens: Sequence[str], k: int, rows: np.ndarray | None = None,
               regions: Sequence[str] = ()) -> list[tuple[str, float]]:
        """The k best (id, score) pairs with a positive score, optionally only among the given rows; regions (the
        places the rows lie in, when a question names them) narrow the keyword index's own search."""
        match = fts_any(tokens)
        if not match:
            return []
        found = None
        if regions:
            match = "{area} : (" + " OR ".join(f'"{area_key(r)}"' for r in regions) + ") AND " + match
            found = self._scored(match, list(dict.fromkeys(t for t in tokens if t)))
        if found is None:
            found = self._catalog.keyword_scores(match)
        if not found:
            return []
        db_rows = np.fromiter((r for r, _ in found), dtype=np.int64, count=len(found))
        scores = np.fromiter((s for _, s in found), dtype=np.float64, count=len(found))
        at = np.minimum(np.searchsorted(self._sorted_rows, db_rows), max(len(self._sorted_rows) - 1, 0))
        keep = self._sorted_rows[at] == db_rows if len(self._sorted_rows) else np.zeros(len(db_rows), dtype=bool)
        positions = np.where(keep, self._order[at] if len(self._order) else 0, -1)
        if rows is not None:
            allowed = np.zeros(len(self.ids), dtype=bool)
            allowed[np.asarray(rows, dtype=np.int64)] = True
            keep &= allowed[np.maximum(positions, 0)]
        positions, scores = positions[keep], scores[keep]
        order = np.lexsort((positions, -scores))[:k]  # ties in catalog order
        return [(self.ids[positions[i]], float(scores[i])) for i in order if scores[i] > 0]

    def _scored(self, match: str, phrases: list[str]) -> list[tuple[int, float]] | None:
        """(row, score) of the loaded rows a query matches, scored as FTS5's bm25() scores them (same formula, same
        figures, in the same order of operations), without its pass over each word's whole posting list for its
        weight: the weights are counted once per word and remembered. None when a word or a row is not plain
        enough to be sure the keyword index cuts it as written (it then scores)."""
        if not all(_PLAIN_TOKEN.fullmatch(p) for p in phrases):
            return None
        matched = np.array(self._catalog.keyword_rows(match), dtype=np.int64)
        if not len(matched) or not len(self._sorted_rows):
            return []
        at = np.minimum(np.searchsorted(self._sorted_rows, matched), len(self._sorted_rows) - 1)
        matched = matched[self._sorted_rows[at] == matched]
        unread = [int(r) for r in matched if int(r) not in self._terms]
        held = {row: unpack(self._packed[row]) for row in unread if row in self._packed}
        missing = [row for row in unread if row not in held]
        for row, joined in [*held.items(), *self._catalog.tokens_of(missing).items()]:
            if not _PLAIN_ROW.fullmatch(joined):
                return None
            size = joined.count(" ") + 1 if joined else 0
            self._terms[row] = (" " + joined.replace(" ", "  ") + " ", size + 1)  # + the place column's one token
        if self._totals is None:
            self._totals = self._catalog.keyword_totals()
        count, tokens = self._totals
        if not count:
            return None
        average = tokens / count
        weights = []
        for phrase in phrases:
            held = self._rows_holding(phrase) or 0
            weight = math.log((count - held + 0.5) / (held + 0.5))
            weights.append(weight if weight > 0.0 else 1e-6)
        needles = [" " + phrase + " " for phrase in phrases]
        found = []
        for row in matched.tolist():
            spaced, size = self._terms[row]
            score = 0.0
            for needle, weight in zip(needles, weights):
                freq = float(spaced.count(needle))
                score += weight * ((freq * (_K1 + 1.0)) / (freq + _K1 * (1 - _B + _B * size / average)))
            found.append((row, score))
        return found

    def share(self, token: str) -> float | None:
        """The share of rows holding a token (the keyword index's own count), or None when no row's tokens hold it."""
        found = self._rows_holding(token)
        return None if found is None else found / max(self.total, 1)

    def row(self, chunk_id: str) -> int | None:
        """The row of a chunk id, or None."""
        return self._row.get(chunk_id)
