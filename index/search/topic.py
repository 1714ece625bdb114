"""How much of a question's topic a text holds: the measure the ranking and the answer's sentence choice share."""
from __future__ import annotations

from typing import Callable


def topic_coverage(words: list[str], phrases: list[tuple[str, tuple[str, ...]]], text: str,
                   weight: Callable[[str], float] = lambda piece: 1.0) -> float:
    """Share of the question's topic a chunk holds, weighted by length and by how telling each word is
    (weight: 1 for a rare word, less for one most records share, such as 服务 or 建设). An everyday phrase
    counts as found when the chunk has it or one of its report terms; a word of three or more characters
    not written as such counts by its two-character pieces."""
    units: list[tuple[str, tuple[str, ...]]] = []
    for word in words:
        if any(word in phrase for phrase, _ in phrases):
            continue
        # A word holding a phrase ("学校建设" holds 学校): the phrase stands for its part, the rest counts alone.
        for phrase, _ in phrases:
            word = word.replace(phrase, " ")
        units += [(rest, (rest,)) for rest in word.split() if len(rest) >= 2]
    units += [(phrase, (phrase, *terms)) for phrase, terms in phrases]
    total = sum(len(u) * weight(u) for u, _ in units)
    if not total:
        return 0.0
    found = 0.0
    for unit, forms in units:
        if any(form in text for form in forms):
            found += len(unit) * weight(unit)
        elif len(unit) >= 3:
            pairs = [unit[i:i + 2] for i in range(len(unit) - 1)]
            share = sum(weight(p) for p in pairs if p in text) / sum(weight(p) for p in pairs)
            found += len(unit) * weight(unit) * share
    return found / total
