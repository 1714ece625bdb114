"""Finding what a question means in a report when its words are not the report's: the sentence of the best
candidates whose embedding is nearest the question's ("给初中女孩免费打宫颈癌疫苗" → "为七至九年级适龄女生提供…HPV疫苗免费
接种"). Asked only when the words alone are too weak to answer, so a question in everyday wording is answered
from the report instead of refused, and one that nothing in the asked place's reports comes near still is."""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from minsheng.index.script import to_simplified
from minsheng.index.search.results import Hit
from minsheng.index.sentences import split_sentences
from minsheng.index.vocabulary import LEADING_NUMBER, STATEMENT

# How many of the best candidates are read sentence by sentence (each costs one embedding per new sentence).
CANDIDATES = 5
# Shorter pieces are headings or cells; longer ones are cut, as the answer quotes at most this much of a sentence.
_SHORTEST = 6
_LONGEST = 160
# An item's number ("二、") or a short label before a colon ("进展: ", a record's field name; "第12件:") is no part of
# what a sentence means; without it a record's sentence and the passage holding the same words meet the question alike.
_LABEL = re.compile(r"^[^\s:：,，。;；]{1,6}[:：]\s*")

Embed = Callable[[Sequence[str]], list[list[float]]]


@dataclass(frozen=True)
class Closest:
    """The sentence nearest a question in meaning, the hit holding it, their cosine similarity and how far it stands
    above the median sentence of the candidates (a short question like "养老服务" is near every sentence saying
    "服务"; what it means stands out from them)."""

    hit: Hit
    sentence: str
    similarity: float
    margin: float


class SentenceVectors:
    """Vectors of report sentences, embedded on first use and kept for the next questions (people ask about the
    same projects again); the oldest are dropped past `limit`."""

    def __init__(self, embed: Embed, limit: int = 20_000) -> None:
        self._embed = embed
        self._limit = limit
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def of(self, sentences: list[str]) -> np.ndarray:
        """One normalized vector per sentence, in order."""
        new = [s for s in dict.fromkeys(sentences) if s not in self._vectors]
        if new:
            for sentence, vector in zip(new, self._embed(new)):
                self._vectors[sentence] = np.asarray(vector, dtype=np.float32)
            while len(self._vectors) > self._limit:
                self._vectors.popitem(last=False)
        for sentence in sentences:
            self._vectors.move_to_end(sentence)
        return np.stack([self._vectors[s] for s in sentences])


def sentences_of(hit: Hit) -> list[str]:
    """The sentences of a hit's text (its header line left out), headings and cells aside, long ones cut."""
    body = hit.chunk.text.split("\n", 1)[-1]
    pieces = (_LABEL.sub("", LEADING_NUMBER.sub("", s)) for s in split_sentences(body))
    # A title or header line states nothing ("关于…进展情况的通报"), yet it is near every question about the place.
    return [to_simplified(s)[:_LONGEST] for s in pieces if len(s) >= _SHORTEST and STATEMENT.search(s)]


def closest(hits: list[Hit], question: Sequence[float], vectors: SentenceVectors,
            candidates: int = CANDIDATES) -> Closest | None:
    """The sentence of the first `candidates` hits nearest the question vector (None when they hold none); of a
    sentence both a record and a passage hold, the record's (its fields say which figure is progress, which target)."""
    chosen = sorted(hits[:candidates], key=lambda hit: hit.chunk.is_passage)
    pieces = [(hit, sentence) for hit in chosen for sentence in sentences_of(hit)]
    if not pieces:
        return None
    similarities = vectors.of([s for _, s in pieces]) @ np.asarray(question, dtype=np.float32)
    best = int(np.argmax(similarities))
    hit, sentence = pieces[best]
    top = float(similarities[best])
    return Closest(hit, sentence, round(top, 4), round(top - float(np.median(similarities)), 4))
