"""How report text is cut into sentences: after 。；！？ and line ends outside brackets, before run-in sub-item
numbers, with a table row exported one cell per line joined back into one line. Shared by the answer (which sentences
to quote) and the search (which sentence of a report means what a question asks)."""
from __future__ import annotations

from minsheng.index.vocabulary import CLOSING_BRACKETS, OPENING_BRACKETS, RUN_IN_ITEM, SENTENCE_ENDS, SHORT_CELL


def split_sentences(text: str) -> list[str]:
    """Sentences of a field: cut after 。；！？ and line ends outside brackets and quotes, and before run-in
    sub-item numbers; a list inside parentheses ("(城后小区路、檀南胡同;农园路)") stays whole."""
    out: list[str] = []
    for block in RUN_IN_ITEM.split(rows_of_cells(text)):
        depth = 0
        current: list[str] = []
        for ch in block:
            current.append(ch)
            if ch in OPENING_BRACKETS:
                depth += 1
            elif ch in CLOSING_BRACKETS:
                depth = max(depth - 1, 0)
            elif ch in SENTENCE_ENDS and (depth == 0 or ch == "\n"):
                depth = 0
                out.append("".join(current))
                current = []
        out.append("".join(current))
    return [s.strip() for s in out if s.strip()]


def rows_of_cells(text: str) -> str:
    """Runs of three or more short cell lines (a table row exported a cell per line: "丹棱县\n1900\n3029") joined
    into one line, so the row is quoted whole rather than one bare figure."""
    lines = text.split("\n")
    out: list[str] = []
    run: list[str] = []
    for line in [*lines, None]:
        if line is not None and SHORT_CELL.match(line.strip()):
            run.append(line.strip())
            continue
        out.extend([" ".join(run)] if len(run) >= 3 else run)
        run = []
        if line is not None:
            out.append(line)
    return "\n".join(out)
