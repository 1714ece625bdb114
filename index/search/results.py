"""What a search returns: hits best first, notes on filters it could not apply, and whether it abstained."""
from __future__ import annotations

from dataclasses import dataclass, field

from minsheng.index.indexing.catalog import Coverage
from minsheng.index.indexing.chunk import Chunk
from minsheng.index.search.query import Query
from minsheng.index.search.scorecard import Scorecard
from minsheng.index.search.timeline import EarlierPoint


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk with its fused score and the signals behind it."""

    chunk: Chunk
    score: float
    dense: float = 0.0
    lexical: float = 0.0
    coverage: float = 0.0
    strong: bool = False


@dataclass(frozen=True)
class Note:
    """What the search did with a filter: a period the index lacks ("period", "2019"), a named district with
    nothing on the topic ("region", "密云区"), or a place answered from the records that name it inside a covered
    report ("inside", "丹棱县"), with the reports that name it ("inside_report", "眉山市"), or the answer from
    those reports because the records naming it say nothing on the topic ("inside_missing", "丹棱县")."""

    kind: str
    value: str


@dataclass(frozen=True)
class SearchResult:
    """What a question found: the parsed query, hits best first, and whether to abstain and why."""

    query: Query
    hits: list[Hit]
    abstained: bool = False
    reason: str = ""
    coverage: Coverage | None = None
    seconds: float = 0.0
    notes: list[Note] = field(default_factory=list)
    # Questions the index answers well, offered when it abstains.
    examples: tuple[str, ...] = ()
    # For a question about a place's projects as a whole: the scorecard of each report answering it.
    cards: list[Scorecard] = field(default_factory=list)
    # The best record's project in the earlier reports of its series, latest first.
    earlier: list[EarlierPoint] = field(default_factory=list)
