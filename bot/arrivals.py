"""New reports arriving by upload, link or file name: each checked and saved into the corpus (bot/intake.py), the
index brought up to date once for all of them, and what was read from each, with what changed since the previous
report of its place. Shared by `minsheng add` and the bot's uploads and /add."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from minsheng.bot.changes import ReportNews, report_news
from minsheng.bot.intake import (
    AlreadyHave,
    Origin,
    ReportRefused,
    Vetted,
    read_lines,
    remove_report,
    save_report,
    vet_report,
)
from minsheng.index.errors import MinshengError
from minsheng.index.indexing import BuildReport, FileLimits, FileReader
from minsheng.index.search import Timeline


@dataclass(frozen=True)
class Incoming:
    """One file to add: its bytes, the name it came under and where it came from."""

    data: bytes
    given_name: str
    origin: Origin


@dataclass
class Added:
    """A report saved and indexed: the name it is saved under, where it came from, what was read from it, and its
    news."""

    name: str
    origin: Origin
    lines: list[str]
    news: ReportNews | None


@dataclass
class Arrival:
    """What adding a batch did: the reports added, the refusals (each a message naming its file), the index run."""

    added: list[Added] = field(default_factory=list)
    refused: list[ReportRefused] = field(default_factory=list)
    build: BuildReport | None = None


@dataclass(frozen=True)
class Destination:
    """Where reports go and how they are read: the corpus and index folders and the corpus's limits."""

    corpus_dir: Path
    index_dir: Path
    max_bytes: int
    max_tokens: int
    limits: FileLimits


def add_reports(incoming: list[Incoming], to: Destination, reindex: Callable[[list[str]], BuildReport | None],
                timeline: Callable[[], tuple[Timeline, Mapping[str, tuple[str, ...]]]],
                files: FileReader | None = None) -> Arrival:
    """Check and save each file (read by `files` when given, a running bot's warm worker), index once, and say what
    was read; a file refused, or failing in the index run, leaves the corpus as it was (a saved file that the run
    cannot index is removed again). reindex is given the saved files' names: only they are looked at."""
    from minsheng.index.indexing import FileReader, read_manifest

    arrival = Arrival()
    saved: list[tuple[str, Incoming, Vetted]] = []
    manifest = read_manifest(to.index_dir)
    keys: dict[str, str] = {}
    with nullcontext(files) if files is not None else FileReader(to.limits) as reader:
        for item in incoming:
            try:
                vetted = vet_report(item.data, item.given_name, manifest, reader, to.max_bytes, to.max_tokens)
                if vetted.key in keys:  # the same report twice in one batch
                    raise AlreadyHave(item.given_name, keys[vetted.key])
                name = save_report(vetted, item.given_name, to.corpus_dir, item.origin)
            except ReportRefused as exc:
                arrival.refused.append(exc)
                continue
            keys[vetted.key] = name
            saved.append((name, item, vetted))
    if not saved:
        return arrival
    try:
        build = reindex([name for name, _, _ in saved])
    except MinshengError as exc:
        for name, item, _ in saved:
            remove_report(to.corpus_dir, name)
            arrival.refused.append(ReportRefused(f"{item.given_name}: not indexed ({exc}); not kept"))
        return arrival
    arrival.build = build
    if build is None:  # another run is under way: it, or the next one, indexes the saved files
        arrival.added.extend(Added(name, item.origin, read_lines(name, vetted, None, []), None)
                             for name, item, vetted in saved)
        return arrival
    failed = {f.file: f.error for f in build.failed}
    found, paths = timeline()
    for name, item, vetted in saved:
        if name in failed or name in build.duplicates:
            remove_report(to.corpus_dir, name)
            arrival.refused.append(AlreadyHave(item.given_name, build.duplicates[name]) if name in build.duplicates
                                   else ReportRefused(f"{item.given_name}: not indexed ({failed[name]}); not kept"))
            continue
        news = report_news(found, paths, name)
        lines = read_lines(name, vetted, news.card if news else None, build.warnings.get(name, []))
        arrival.added.append(Added(name, item.origin, lines, news))
    return arrival
