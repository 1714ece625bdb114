"""A place's report as a whole: its projects by status (each record's own wording, corrected by the report's lists
of lagging or finished projects), the report's own count and summary sentences, and the change since the previous
report of its series. Pure: projects and report text in, a Scorecard out."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from minsheng.index.ingest.fields import cn_number
from minsheng.index.ingest.prose_projects import (
    designated_projects,
    line_projects,
    mentioned_projects,
    prose_projects,
    reports_work,
)
from minsheng.index.ingest.status import as_written, explain_status, find_ratio
from minsheng.index.ingest.status_lists import (
    CountStatement,
    StatusList,
    count_statements,
    named_shares,
    sentences,
    status_lists,
    status_titles,
)
from minsheng.index.kinds import Status
from minsheng.index.script import to_simplified
from minsheng.index.search.series import Project, ReportRef, figure_change, link, similarity
from minsheng.index.vocabulary import LIST_NAMED, SUMMARY_CUE, TITLE_COUNT

# Order of the statuses in every list and chart: what needs attention first.
STATUS_ORDER = (Status.BEHIND, Status.NOT_STARTED, Status.ON_TRACK, Status.COMPLETED, Status.UNKNOWN)
# A listed name is a record's project when it reads this alike (or one holds the other).
_LISTED_MATCH = 0.45
# The report's own summary is among its opening sentences.
_OPENING_SENTENCES = 12


@dataclass(frozen=True)
class ScoredItem:
    """One project with its status and where the status comes from."""

    item: str
    name: str
    status: Status
    source: str  # "record" (its own wording) or "list" (named in the report's list, quoted in `because`)
    because: str = ""
    # Its share of the target done (1.879 for 187.9%) when the report gives one.
    share: float | None = None


@dataclass(frozen=True)
class ItemChange:
    """A project whose figure or status moved since the previous report of the series."""

    item: str
    name: str
    before: str | Status  # the figure as written ("已开工19部"), or the earlier status when the status moved
    after: str | Status


@dataclass
class Scorecard:
    """One report of a place seen as a whole."""

    report: ReportRef
    items: list[ScoredItem]
    stated: CountStatement | None = None
    summary: str = ""  # the report's own summary sentence, as written ("" when it has none)
    lists: list[StatusList] = field(default_factory=list)
    previous: Scorecard | None = None
    changes: list[ItemChange] = field(default_factory=list)
    # The records the first items were made from, in the same order.
    projects: list[Project] = field(default_factory=list)

    def counted(self) -> dict[Status, int]:
        """Items per status, counted from the records, in STATUS_ORDER."""
        counts = {status: 0 for status in STATUS_ORDER}
        for item in self.items:
            counts[item.status] += 1
        return counts

    def counts_more(self) -> bool:
        """Whether the report's own count covers other projects than those it lists one by one (30 stated, 2
        listed): then its count answers, and a count of the records would mislead."""
        return self.stated is not None and self.stated.total is not None and self.stated.total != len(self.items)

    def of(self, status: Status) -> list[ScoredItem]:
        """The items with a status, in report order."""
        return [item for item in self.items if item.status == status]


def scorecard(report: ReportRef, found: list[Project], text: str, previous: Scorecard | None = None) -> Scorecard:
    """The scorecard of one report from its records and its whole text (Simplified)."""
    lists = status_lists(text)
    lists += _named_in_paragraphs(text, found, lists)
    lists += mentioned_projects(text, lists)
    # A record holding a whole list ("实施进度较慢的项目,一是…五是…") is the report's paragraph, not a project: the
    # projects it names stand in its place.
    carriers = {at for at, p in enumerate(found)
                if any(listed.names and _squeeze(listed.sentence) in _squeeze(p.text) for listed in lists)}
    if any(_paragraph(found[at]) for at in carriers):
        # The report names its projects in a paragraph's prose: its other paragraphs that report no work of their own
        # (an editor's note, a question put to an official, the article's opening) are the article, not projects.
        carriers |= {at for at, p in enumerate(found) if _paragraph(p) and not reports_work(p.progress)}
    designated = _designated_in_sections(found)
    carriers |= {at for at, named in designated.items() if len(named) >= 2}
    items = [_record_item(p) if len(designated.get(at, ())) != 1 else _renamed(_record_item(p), designated[at][0])
             for at, p in enumerate(found)]
    items = [item for at, item in enumerate(items) if at not in carriers]
    found = [p for at, p in enumerate(found) if at not in carriers]
    for at in sorted(designated):
        if len(designated[at]) >= 2:
            items += [ScoredItem("", named.names[0], named.status, "list", named.sentence) for named in designated[at]]
    for listed in lists:
        for name in listed.names:
            at = _match(name, found)
            share = _clause_share(listed.sentence) if len(listed.names) == 1 else None
            scored = ScoredItem(found[at].item if at is not None else "", name if at is None else items[at].name,
                                listed.status, "list", listed.sentence,
                                share if at is None or share is not None else items[at].share)
            if at is None:
                items.append(scored)
            else:
                items[at] = scored
    for status, title in status_titles(text):
        # The rows of a table titled "…滞后项目情况表" are behind: each record whose task stands after the title.
        start = text.find(title)
        for at, project in enumerate(found):
            key = (project.task or project.name)[:12]
            if key and text.find(key, start + len(title)) > start and items[at].source == "record":
                items[at] = ScoredItem(project.item, items[at].name, status, "list", title, items[at].share)
    statements = count_statements(text)
    expected = _title_count(report.title) or (len(found) or None)
    opening = set(sentences(text)[:_OPENING_SENTENCES])
    rank = {s.sentence: _statement_rank(s, expected) + (s.sentence in opening) for s in statements}
    stated = max(statements, key=lambda s: rank[s.sentence], default=None)
    if stated is not None and rank[stated.sentence] < 2:
        stated = None
    if stated is not None and stated.all_done:
        # The report says every project is done ("已全部办结10件民生实事"): so is each, unless it is said to lag.
        items = [item if item.status == Status.BEHIND or item.status == Status.COMPLETED else
                 ScoredItem(item.item, item.name, Status.COMPLETED, "list", stated.sentence, item.share) for item in items]
    return Scorecard(report, items, stated, _summary_sentence(text, stated), lists, previous, projects=found)


def _clause_share(clause: str) -> float | None:
    """The share a project's own clause states ("…已完成8个(53%)" → 0.53), None when it states none."""
    shares = re.findall(r"(\d+(?:\.\d+)?)\s*%", clause)
    return round(float(shares[-1]) / 100, 4) if len(shares) == 1 else None


def _record_item(project: Project) -> ScoredItem:
    """A record's project with its own status and the phrase of its progress that decides it ("" when the status
    came from elsewhere: a status column, a share column)."""
    status = Status(project.status) if project.status in Status.__members__.values() else Status.UNKNOWN
    said, phrase = explain_status(project.progress, "", find_ratio(project.progress))
    return ScoredItem(project.item, project.name, status, "record", phrase if said == status else "", project.share)


def _paragraph(project: Project) -> bool:
    """A record that is a paragraph of the report's text: no task, no heading of its own (a news section under its
    headline is a project)."""
    return not project.task and not project.section


def _designated_in_sections(found: list[Project]) -> dict[int, list[StatusList]]:
    """The projects each news section designates as ones of the list (designated_projects), by record, named as the
    report writes them: a section under a journalist's headline ("廠通路預計2024年竣工通車") whose text says which
    project it reports ("把“加快推進廠通路建設”作為重點任務") is that project; one naming several stands for them."""
    held: dict[int, list[StatusList]] = {}
    for at, project in enumerate(found):
        if not project.section or project.task:
            continue
        text = project.progress.strip()
        simple = to_simplified(text)
        named = [StatusList(listed.status, (as_written(text, simple, listed.names[0]),),
                            as_written(text, simple, listed.sentence))
                 for listed in designated_projects(simple)]
        if named:
            held[at] = named
    return held


def _renamed(item: ScoredItem, named: StatusList) -> ScoredItem:
    """A section's record under the name of the one project it designates, with that project's own status and
    evidence when its sentences give one (a section may report other work beside it)."""
    if named.status == Status.UNKNOWN:
        return replace(item, name=named.names[0])
    return replace(item, name=named.names[0], status=named.status, because=named.sentence)


def _named_in_paragraphs(text: str, found: list[Project], lists: list[StatusList]) -> list[StatusList]:
    """The projects a record's paragraph names one by one: with their shares ("…已完成8个(53%)、…已送230场(87%)"),
    or in prose (prose_projects: bullets, an enumeration after a count, names in brackets, an announced list,
    sentences opening with a project's name). Only from a record naming two or more (a table row giving its own
    share is its record already), and for prose only from a paragraph (a record with no task or heading); a name
    the report's status lists give already is not repeated."""
    listed = {name for status_list in lists for name in status_list.names}
    held: dict[int, list[StatusList]] = {}
    for share in named_shares(text):
        key = _squeeze(share.sentence)
        at = next((i for i, p in enumerate(found) if key in _squeeze(p.text)), None)
        if at is not None:
            held.setdefault(at, []).append(share)
    for at, project in enumerate(found):
        if not _paragraph(project):
            continue
        shares = held.setdefault(at, [])
        given = [name for named in shares for name in named.names]
        prose = prose_projects(project.progress) or line_projects(project.progress)
        shares.extend(named for named in prose if named.names[0] not in listed
                      and not any(name in named.names[0] or named.names[0] in name for name in given))
    return [named for nameds in held.values() if len(nameds) >= 2 for named in nameds]


def changes(card: Scorecard) -> list[ItemChange]:
    """Each project of the card whose figure (same verb and unit) or status differs from the same project in the
    previous report; projects are matched by item number and task (series.link)."""
    if card.previous is None:
        return []
    earlier = card.previous.projects
    moved = []
    if card.stated is not None and card.previous.stated is not None:
        # The report's own count beside the previous report's own count ("已完成8项" → "已完成19项").
        figure = figure_change(card.stated.sentence, card.previous.stated.sentence)
        if figure:
            moved.append(ItemChange("", "", *figure))
    for project, item in zip(card.projects, card.items):
        other = link(project, earlier)
        if other is None:
            continue
        figure = figure_change(project.progress or project.text, other.progress or other.text)
        if figure:
            moved.append(ItemChange(project.item, item.name, *figure))
            continue
        then = card.previous.items[earlier.index(other)]
        if then.status != item.status and Status.UNKNOWN not in (then.status, item.status):
            moved.append(ItemChange(project.item, item.name, then.status, item.status))
    # Projects a paragraph names with their shares, matched by name: their clauses' figures.
    before = {item.name: item for item in card.previous.items if item.source == "list" and not item.item}
    for item in card.items[len(card.projects):]:
        then = before.get(item.name)
        figure = figure_change(item.because, then.because) if then is not None else None
        if figure:
            moved.append(ItemChange(item.item, item.name, *figure))
    return moved


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _match(name: str, found: list[Project]) -> int | None:
    best, best_score = None, 0.0
    for at, project in enumerate(found):
        key = project.task or project.name
        if name in key and key.find(name) > len(re.split(r"[,，;；。]", key, maxsplit=1)[0]):
            # Named in a later clause of a record's task ("实现城镇新增就业35万人以上,创设公益性岗位3.7万个以上"): one
            # of its goals, listed on its own, not the record.
            continue
        score = 1.0 if name in key or (len(key) >= 4 and key in name) else similarity(name, key)
        if score >= _LISTED_MATCH and score > best_score:
            best, best_score = at, score
    return best


def _title_count(title: str) -> int | None:
    match = TITLE_COUNT.search(title)
    return cn_number(match.group(1)) if match else None


def _statement_rank(statement: CountStatement, expected: int | None) -> int:
    """How surely a count sentence is about the report's whole list: its total is the report's count (3) or counts
    the list by name ("30项民生实事", 2), it counts projects by state (1), it says all are done (2); one of the
    report's opening sentences gets 1 more."""
    rank = 0
    if statement.total is not None and statement.total == expected:
        rank += 3
    elif statement.of_list:
        rank += 2
    if statement.counts and statement.total is not None:
        rank += 1
    if statement.all_done:
        rank += 2
    return rank


def _summary_sentence(text: str, stated: CountStatement | None) -> str:
    if stated is not None:
        return stated.sentence
    for sentence in sentences(text)[:_OPENING_SENTENCES]:
        if SUMMARY_CUE.search(sentence) and LIST_NAMED.search(sentence) and len(sentence) >= 12:
            return sentence
    return ""


def behind_first(card: Scorecard) -> tuple[int, float, str]:
    """Sort key of places: most projects behind first, then the largest share not finished, then by name."""
    counts = card.counted()
    behind = counts[Status.BEHIND] + counts[Status.NOT_STARTED]
    open_share = 1 - counts[Status.COMPLETED] / len(card.items) if card.items else 0.0
    return -behind, -open_share, card.report.region
