"""One Answer rendered three ways: terminal text, Telegram HTML (escaped), and the `ask --json` object."""
from __future__ import annotations

import html
from dataclasses import asdict
from typing import Any

from bot.answer import Answer
from bot.engine import source_of
from index.search import SearchResult


def to_terminal(answer: Answer) -> str:
    """The answer, then its numbered sources."""
    lines = [answer.text]
    if answer.citations:
        lines.append("")
        lines.append("来源：")
        lines.extend(f"[{n}] {c.label()}" for n, c in enumerate(answer.citations, 1))
    return "\n".join(lines).rstrip() + "\n"


def to_html(answer: Answer) -> str:
    """Telegram HTML: every piece of report text escaped, sources in italics."""
    lines = [html.escape(answer.text, quote=False)]
    if answer.citations:
        lines.append("")
        lines.append("<b>来源</b>")
        lines.extend(f"<i>[{n}] {html.escape(c.label(), quote=False)}</i>" for n, c in enumerate(answer.citations, 1))
    return "\n".join(lines).rstrip()


def to_json(question: str, answer: Answer, result: SearchResult, k: int) -> dict[str, Any]:
    """The `minsheng ask --json` object: the eval contract's keys (k sources, best first) plus the
    citations and the composer."""
    return {
        "question": question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "sources": [asdict(source_of(h)) for h in result.hits[:k]],
        "citations": [{**asdict(c), "label": c.label()} for c in answer.citations],
        "composer": answer.composer,
    }
