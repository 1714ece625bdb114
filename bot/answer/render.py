"""One Answer rendered three ways: terminal text, Telegram HTML (escaped), and the `ask --json` object."""
from __future__ import annotations

import html
from dataclasses import asdict, dataclass
from typing import Any

from minsheng.bot import texts
from minsheng.bot.answer.types import Answer, Citation
from minsheng.bot.shown import shown
from minsheng.index.script import to_traditional
from minsheng.index.search import Hit, SearchResult


@dataclass(frozen=True)
class Source:
    """One cited chunk as the `ask --json` contract describes it."""

    id: str
    report: str
    region: str
    period: str
    item: str
    lead_unit: str
    text: str
    score: float


def source_of(hit: Hit) -> Source:
    """The JSON source object of a hit."""
    c = hit.chunk
    # A record's fields are read and relabelled; the report's own wording follows them for checking.
    text = texts.SOURCE_WITH_ORIGINAL.format(text=c.text, original=c.original) if c.original else c.text
    return Source(c.id, c.report, c.region, c.period_label, c.item, c.lead_unit, text, hit.score)


def to_terminal(answer: Answer) -> str:
    """The answer, then its numbered sources."""
    lines = [answer.text]
    if answer.citations:
        lines.append("")
        lines.append(texts.SOURCES_HEAD_TRADITIONAL if answer.traditional else texts.SOURCES_HEAD)
        lines.extend(f"[{n}] {shown(_label(answer, c))}" for n, c in enumerate(answer.citations, 1))
    return "\n".join(lines).rstrip() + "\n"


def to_html(answer: Answer) -> str:
    """Telegram HTML: every piece of report text escaped, sources in italics."""
    lines = [html.escape(shown(answer.text, lines=True), quote=False)]
    if answer.citations:
        lines.append("")
        lines.append(texts.SOURCES_HEAD_HTML_TRADITIONAL if answer.traditional else texts.SOURCES_HEAD_HTML)
        lines.extend(f"<i>[{n}] {html.escape(shown(_label(answer, c)), quote=False)}</i>"
                     for n, c in enumerate(answer.citations, 1))
    return "\n".join(lines).rstrip()


def _label(answer: Answer, citation: Citation) -> str:
    return to_traditional(citation.label()) if answer.traditional else citation.label()


def to_json(question: str, answer: Answer, result: SearchResult, k: int) -> dict[str, Any]:
    """The `minsheng ask --json` object: the eval contract's keys (k sources, best first) plus the
    citations and the composer."""
    return {
        "question": question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "sources": [asdict(source_of(h)) for h in result.hits[:k]],
        "citations": [{**asdict(c), "label": _label(answer, c)} for c in answer.citations],
        "composer": answer.composer,
    }
