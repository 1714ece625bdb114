"""What the user is told: an Answer and the Citations of the records it quotes."""
from __future__ import annotations

from dataclasses import dataclass, field

from minsheng.bot import texts
from minsheng.index.kinds import Field
from minsheng.index.search import Hit


@dataclass(frozen=True)
class Citation:
    """Where one quoted record comes from."""

    chunk_id: str
    region: str
    report: str
    period: str
    item: str
    lead_unit: str

    def label(self) -> str:
        """"密云区 · 《报告》2022年三季度 · 第17项 · 牵头 区城市管理委"."""
        report = texts.TITLE.format(title=self.report) if self.report else ""
        parts = [self.region, f"{report}{self.period}", texts.ITEM.format(item=self.item) if self.item else "",
                 f"{texts.FIELD_SHORT[Field.LEAD]} {self.lead_unit}" if self.lead_unit else ""]
        return " · ".join(p for p in parts if p)


@dataclass(frozen=True)
class Answer:
    """What the user is told: the text, the records it quotes, and whether the bot declined to answer."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    composer: str = "extractive"
    notes: tuple[str, ...] = ()
    traditional: bool = False


def citation_of(hit: Hit) -> Citation:
    """The citation of a retrieved record."""
    c = hit.chunk
    return Citation(c.id, c.region, c.report, c.period_label, c.item, c.lead_unit)
