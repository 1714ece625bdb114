"""The lexical side of a search: BM25 candidates, how telling a word is, whether a name occurs in any report."""
from __future__ import annotations

import random
from functools import cached_property
from typing import Callable, Sequence

import numpy as np

from minsheng.index.indexing.lexical import LexicalIndex
from minsheng.index.script import to_simplified

# Texts in the sample that estimates how common a string that is no token is (see WordWeights).
SAMPLE_TEXTS = 5_000
# A word in more than this share of records starts counting less in topic coverage, down to _FLOOR.
_COMMON = 0.1
_FLOOR = 0.2
# How many records a question's filters must leave for a word's share among them to count (fewer say little: in
# a report of one record every word is in all of them), and at most (more take too long to count per question).
_LOCAL_ROWS = (20, 4_000)


def _weight(share: float) -> float:
    """How telling a word held by this share of records is."""
    return 1.0 if share <= _COMMON else max(_FLOOR, 1.0 - (share - _COMMON) * 2)


class WordWeights:
    """How telling each word is across the whole index (remembered; shared by every searcher of one index): the
    keyword index's own count of the rows holding it, or for a string that is no token anywhere, its count in a
    fixed sample of the texts."""

    def __init__(self, share: Callable[[str], float | None], sample: Callable[[], list[str]]) -> None:
        self._share = share
        self._sample = sample
        self._sample_text: str | None = None
        self._sample_size = 0
        self._telling: dict[str, float] = {}

    def telling(self, word: str) -> float:
        """How much a word says about a record: 1 when at most a tenth of the records hold it, falling to
        0.2 as it nears all of them (服务, 建设, 工作 say little)."""
        if word not in self._telling:
            share = self._share(word)
            if share is None:
                if self._sample_text is None:
                    texts = self._sample()
                    self._sample_text, self._sample_size = "\x00".join(texts), len(texts)
                share = min(1.0, self._sample_text.count(word) / max(self._sample_size, 1))
            if len(self._telling) > 100_000:
                self._telling.clear()
            self._telling[word] = _weight(share)
        return self._telling[word]


def sample_positions(count: int) -> list[int]:
    """Which of count texts (in catalog order) the sample holds: a count over every text costs ~40 ms on a
    1,000-district index, over 5,000 ~2 ms (a share within ±1.5 points at 95% confidence). Random, not every n-th:
    reports repeat in cycles a stride could fall in step with."""
    return sorted(random.Random(0).sample(range(count), SAMPLE_TEXTS)) if count > SAMPLE_TEXTS else list(range(count))


class Keywords:
    """The words of the chunks a searcher holds: BM25 over their search texts, word weights, names in any text."""

    def __init__(self, lexical: LexicalIndex, texts: list[str], is_record: np.ndarray,
                 weights: WordWeights | None = None, complete: bool = True, total: int | None = None) -> None:
        self.lexical = lexical
        self.texts = texts
        self._is_record = is_record
        self.weights = weights or WordWeights(lexical.share, lambda: [texts[i] for i in sample_positions(len(texts))])
        # Whether the rows a question's filters allow here are all it allows in the index (False: these texts are
        # a question's candidates, and a word's share among them says nothing).
        self._complete = complete
        self._total = len(texts) if total is None else total  # the index's rows, loaded here or not
        self._mentioned: dict[str, bool] = {}

    @cached_property
    def _all_text(self) -> str:
        """One string holding every text, for "does any report mention X" in one search."""
        return "\x00".join(self.texts)

    def candidates(self, text: str, rows: np.ndarray, limit: int,
                   regions: Sequence[str] = ()) -> list[tuple[str, float]]:
        """The best BM25 matches of a question's search text among rows (which lie in `regions`, when given), with
        their scores."""
        return self.lexical.search(self.lexical.tokenizer.tokens(text), limit, rows, regions)

    def words(self, text: str) -> list[str]:
        """A text's words as the index cuts them, each once."""
        return list(dict.fromkeys(self.lexical.tokenizer.words(text)))

    def in_reports(self, name: str) -> bool:
        """Whether a name occurs in any report text (a place inside a district, not a district we lack);
        remembered, as each new name is a pass over every text."""
        if name not in self._mentioned:
            if len(self._mentioned) > 10_000:
                self._mentioned.clear()
            self._mentioned[name] = to_simplified(name) in self._all_text
        return self._mentioned[name]

    def telling(self, word: str) -> float:
        """How much a word says about a record, across the whole index (see WordWeights)."""
        return self.weights.telling(word)

    def telling_among(self, rows: np.ndarray) -> Callable[[str], float]:
        """How telling a word is among the records a question's filters allow (服务 is in most of 密云区's records,
        however rare across many tables of figures elsewhere); the whole index's measure when the filters leave
        too few records to count on, or too many to count quickly."""
        # Counted over records: passages repeat their records' words, so they would not change a word's share,
        # but where no record holds a text its passages alone would.
        if len(rows) == self._total or not self._complete:
            return self.telling
        records = rows[self._is_record[rows]]
        if not _LOCAL_ROWS[0] <= len(records) <= _LOCAL_ROWS[1]:
            return self.telling
        texts = [self.texts[row] for row in records]
        known: dict[str, float] = {}

        def weight(word: str) -> float:
            if word not in known:
                known[word] = _weight(sum(word in text for text in texts) / len(texts))
            return min(known[word], self.telling(word))
        return weight
