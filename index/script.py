"""Chinese script conversion: Traditional ↔ Simplified through OpenCC, past it for text already Simplified."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=2)
def _converter(config: str = "t2s"):  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC(config)


# Texts longer than this are converted line by line, only the lines that need it: a long Simplified report with a
# few Traditional characters costs the time of those lines, not of the whole text (OpenCC is pure Python).
_LINEWISE = 20_000


def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC t2s); Simplified text comes back unchanged."""
    changes = _t2s_changes()
    if not text or text.isascii() or changes.isdisjoint(text):
        return text
    if len(text) > _LINEWISE and "\n" in text:
        # OpenCC's phrases never span a line, so line by line gives the same text.
        return "\n".join(line if changes.isdisjoint(line) else _converter().convert(line) for line in text.split("\n"))
    return _converter().convert(text)


@lru_cache(maxsize=1)
def _t2s_changes() -> frozenset[str]:
    """Every character OpenCC's t2s could change: those its character table maps elsewhere (or to several forms),
    and those of the few phrases it changes that hold none of them. A text with none of these comes back from t2s
    unchanged, so it is not converted at all: OpenCC is pure Python, a third of the time of indexing Simplified
    reports otherwise."""
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"
    changed: set[str] = set()
    for line in (folder / "TSCharacters.txt").read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if targets.split(" ") != [source]:
            changed.add(source)
    phrases: set[str] = set()
    for line in (folder / "TSPhrases.txt").read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if targets.split(" ")[0] != source and changed.isdisjoint(source):
            phrases.update(source)
    return frozenset(changed | phrases)


def to_traditional(text: str) -> str:
    """Simplified → Traditional (OpenCC s2t), for answering a question asked in Traditional."""
    if not text or text.isascii():
        return text
    return _converter("s2t").convert(text)
