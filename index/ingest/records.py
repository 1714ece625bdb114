"""Dataclasses for what a report file becomes: one Report and its Records."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from minsheng.index.kinds import Status


@dataclass(frozen=True)
class Report:
    """Report-level facts: its title, district, year, period and file name."""

    title: str
    region: str
    year: int | None
    period: str
    source: str
    # The path from the province down to the report's unit (a zone after its city); () when not found.
    place: tuple[str, ...] = ()
    # The months the period covers, first and last (一季度 → (1, 3)); None when no period is named.
    months: tuple[int, int] | None = None


@dataclass(frozen=True)
class PeriodText:
    """Progress text of one earlier period column (e.g. "1-10月推进情况")."""

    period: str
    text: str


@dataclass
class Record:
    """One project (or sub-item) of a report with everything the report says of it."""

    item: str = ""
    section: str = ""
    task: str = ""
    lead_unit: str = ""
    units: str = ""
    leader: str = ""  # the official in charge, when the report names one
    progress: str = ""
    problems: str = ""
    plan: str = ""
    status: Status = Status.UNKNOWN
    ratio: float | None = None
    history: list[PeriodText] = field(default_factory=list)
    # Counties, districts and townships the record names (丹棱县 in 眉山市's table), found by the parser.
    places: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Everything the record says, one field a line (its section, task, units, leader, progress, problems, plan
        and earlier periods; not its item number)."""
        return "\n".join([self.section, self.task, self.lead_unit, self.units, self.leader, self.progress,
                          self.problems, self.plan, *(h.text for h in self.history)])

    def to_json(self) -> dict[str, Any]:
        """The record as the JSON object of `minsheng records --json`."""
        data = asdict(self)
        data["history"] = [asdict(h) for h in self.history]
        return data


@dataclass
class ParsedReport:
    """A parsed file: the report, its records, the shape found, and text no record holds."""

    report: Report
    records: list[Record]
    shape: str
    leftover: list[str] = field(default_factory=list)
    # Warnings for people: the place or year read from the file name only, or not found.
    notes: list[str] = field(default_factory=list)
    # The normalized text the records were read from (passages are cut from it).
    text: str = ""

    def to_json(self) -> dict[str, Any]:
        """The object printed by `minsheng records --json`."""
        report = asdict(self.report)
        report["place"] = list(self.report.place)
        report["months"] = list(self.report.months) if self.report.months else None
        return {"report": report, "records": [r.to_json() for r in self.records]}
