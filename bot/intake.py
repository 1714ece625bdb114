"""A report arriving from outside (a Telegram upload, a link, a file named on the command line) checked and saved
into the corpus: its size and kind (the content must be what its name says), read within the corpus's file limits,
not a copy of an indexed report, saved under a safe new name that never overwrites, its origin noted beside it."""
from __future__ import annotations

import json
import os
import re
import time
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from minsheng.bot import texts
from minsheng.index.errors import MinshengError
from minsheng.index.ingest import SUFFIXES as BINARY_SUFFIXES
from minsheng.index.ingest import ParsedReport, check_report

if TYPE_CHECKING:
    from minsheng.index.indexing import FileReader, Manifest
    from minsheng.index.search import Scorecard

# What a report may arrive as: the formats the corpus reads, and plain text.
REPORT_SUFFIXES = tuple(sorted(BINARY_SUFFIXES | {".txt", ".md"}))
# Where each added report's origin is noted, inside the corpus (a hidden file is never read as a report), so the
# origin travels with the reports and not with an index that can be rebuilt.
ORIGINS = ".origins.jsonl"
# A saved name's stem, in characters: long enough for a report's full title.
_STEM_CHARS = 80
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
# The start of a zip's part names that says which Office file it is.
_ZIP_KIND = {".docx": "word/", ".xlsx": "xl/"}


class ReportRefused(MinshengError):
    """A file that is not added; the message says why, for people, naming the file."""


class AlreadyHave(ReportRefused):
    """The same report (by its text) is in the corpus already, under `name`."""

    def __init__(self, given: str, name: str) -> None:
        super().__init__(f"{given}: the same report is already in the corpus as {name}")
        self.name = name


@dataclass(frozen=True)
class Vetted:
    """A file that passed every check: its bytes, its report suffix, how it reads and its text key."""

    data: bytes
    suffix: str
    parsed: ParsedReport
    text: str
    key: str


@dataclass(frozen=True)
class Origin:
    """Where an added report came from: an upload (by whom, under what name), a link (and when it was fetched), or
    a file on this machine."""

    kind: str  # "upload", "link" or "file"
    given_name: str = ""
    url: str = ""
    final_url: str = ""
    fetched_at: str = ""
    by: str = ""  # the Telegram user id of an upload or /add
    extra: dict[str, Any] = field(default_factory=dict)


def vet_report(data: bytes, given_name: str, manifest: Manifest | None, reader: FileReader, max_bytes: int,
               max_tokens: int) -> Vetted:
    """The file checked as the corpus would read it; ReportRefused (AlreadyHave for a copy) saying why not."""
    from minsheng.index.indexing import text_key

    shown = display_name(given_name) or texts.READ_UNKNOWN
    if len(data) > max_bytes:
        raise ReportRefused(f"{shown}: {len(data) / 1e6:.1f} MB is more than the {max_bytes / 1e6:g} MB a report may "
                            "be ([index] max_file_mb)")
    if not data.strip():
        raise ReportRefused(f"{shown}: the file is empty")
    suffix = PurePosixPath(shown).suffix.lower()
    if suffix == ".htm":
        suffix = ".html"
    if suffix not in REPORT_SUFFIXES:
        raise ReportRefused(f"{shown}: {suffix or 'a file without a suffix'} is not a report format (send one of "
                            f"{' '.join(REPORT_SUFFIXES)})")
    problem = content_problem(data, suffix)
    if problem:
        raise ReportRefused(f"{shown}: {problem}")
    # Read under the name it will be saved under: a file name is evidence of the report's place and period.
    named = f"{safe_stem(shown, 'report')}{suffix}"
    try:
        read = reader.read(data, named, max_tokens, "")
    except MinshengError as exc:
        reason = str(exc).removeprefix(f"{named}: ")
        raise ReportRefused(f"{shown}: cannot be read ({reason})") from exc
    key = text_key(read.text)
    if manifest is not None:
        for name, entry in sorted(manifest.files.items()):
            if entry.text_hash == key:
                raise AlreadyHave(shown, name)
    return Vetted(data, suffix, read.parsed, read.text, key)


def content_problem(data: bytes, suffix: str) -> str:
    """What is wrong with a file's content for its suffix ("" when nothing is): a PDF must be one, a .docx/.xlsx an
    Office file of that kind, and a text file no program, archive or picture under another name."""
    import filetype

    guessed = filetype.guess(data[:8192])
    actual = f"{guessed.extension} ({guessed.mime})" if guessed is not None else ""
    if suffix == ".pdf":
        return "" if b"%PDF-" in data[:1024] else f"its content is not a PDF{_is(actual)}"
    if suffix in _ZIP_KIND:
        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return f"its content is not a {suffix} file{_is(actual)}"
        return "" if any(n.startswith(_ZIP_KIND[suffix]) for n in names) else f"its content is not a {suffix} file"
    # Text: any kind filetype recognizes is binary (it names no text format).
    return f"its content is not text{_is(actual)}" if actual else ""


def _is(actual: str) -> str:
    return f": it is {actual}" if actual else ""


def display_name(given: str) -> str:
    """The last part of a name a user gave (any folder path dropped, both / and \\), without control characters."""
    last = PureWindowsPath(PurePosixPath(given.replace("\x00", "")).name).name
    return "".join(c for c in last if unicodedata.category(c)[0] != "C").strip()


def safe_stem(given: str, fallback: str) -> str:
    """A file name stem made from a user's name (no folder, no characters a file system or shell treats specially,
    no leading dot), else from the fallback (the report's title), else "report"."""
    for candidate in (PurePosixPath(display_name(given)).stem, fallback):
        stem = _UNSAFE.sub("_", unicodedata.normalize("NFC", candidate))
        stem = "".join(c for c in stem if unicodedata.category(c)[0] != "C")
        stem = re.sub(r"\s+", " ", stem).strip(" ._~-")[:_STEM_CHARS].strip(" ._~-")
        if stem:
            return stem
    return "report"


def save_report(vetted: Vetted, given_name: str, corpus_dir: Path, origin: Origin) -> str:
    """Write the file into the corpus under a new name (name.pdf, name (2).pdf, …; never over another file), whole
    or not at all, and note its origin; the name it was saved under."""
    stem = safe_stem(given_name, vetted.parsed.report.title)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    # Written under a hidden name first: a watcher or an index run never sees half a file.
    temporary = corpus_dir / f".{uuid.uuid4().hex}.part"
    try:
        with open(temporary, "xb") as out:
            out.write(vetted.data)
            out.flush()
            os.fsync(out.fileno())
        for n in range(1, 1000):
            name = f"{stem}{vetted.suffix}" if n == 1 else f"{stem} ({n}){vetted.suffix}"
            try:
                os.link(temporary, corpus_dir / name)  # fails when the name is taken: nothing is overwritten
            except FileExistsError:
                continue
            break
        else:
            raise ReportRefused(f"{stem}{vetted.suffix}: too many files of this name in the corpus")
    except OSError as exc:
        raise ReportRefused(f"{stem}{vetted.suffix}: cannot be saved in {corpus_dir} ({exc.strerror or exc})") from exc
    finally:
        temporary.unlink(missing_ok=True)
    note_origin(corpus_dir, name, origin)
    return name


def note_origin(corpus_dir: Path, name: str, origin: Origin) -> None:
    """Append the origin of a saved report to the corpus's origins file (one JSON object a line)."""
    entry = {"file": name, "added": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "origin": origin.kind,
             **{k: v for k, v in (("given_name", origin.given_name), ("url", origin.url),
                                  ("final_url", origin.final_url), ("fetched_at", origin.fetched_at),
                                  ("by", origin.by)) if v}, **origin.extra}
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    # One write of one line in append mode: concurrent adders never interleave within a line.
    fd = os.open(corpus_dir / ORIGINS, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def origins(corpus_dir: Path) -> dict[str, dict[str, Any]]:
    """The noted origin of each added report still noted (the last line of a name wins; a removal forgets it)."""
    found: dict[str, dict[str, Any]] = {}
    try:
        lines = (corpus_dir / ORIGINS).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return found
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut by a crash: the others still count
        if isinstance(entry, dict) and isinstance(entry.get("file"), str):
            if entry.get("origin") == "removed":
                found.pop(entry["file"], None)
            else:
                found[entry["file"]] = entry
    return found


def remove_report(corpus_dir: Path, name: str, by: str = "") -> bool:
    """Delete an added report from the corpus (by its exact saved name; nothing outside the corpus); False when it
    is gone already."""
    if display_name(name) != name or name.startswith("."):
        raise ReportRefused(f"{name}: not a report file name")
    try:
        (corpus_dir / name).unlink()
    except FileNotFoundError:
        return False
    note_origin(corpus_dir, name, Origin("removed", by=by))
    return True


def read_lines(name: str, vetted: Vetted, card: Scorecard | None, warnings: list[str]) -> list[str]:
    """What was read from an added report: its title, place path, period, projects with their statuses counted,
    and every warning (the parser's and the index run's)."""
    report = vetted.parsed.report
    check = check_report(name, vetted.text, vetted.parsed)
    place = " / ".join(report.place) or report.region or texts.READ_UNKNOWN
    # The months covered, when the period names more than one ("三季度（7-9月）"; "6月" says its one month).
    months = texts.RECORDS_MONTHS.format(first=report.months[0], last=report.months[1]) \
        if report.months and report.months[0] != report.months[1] else ""
    from minsheng.index.indexing import period_label

    period = period_label(report.year, report.period) + months or texts.READ_UNKNOWN
    counted = ""
    if card is not None:
        from minsheng.index.kinds import Status

        parts = [texts.COUNTED_PART.format(status=texts.STATUS_NAMES[s], count=n) for s, n in card.counted().items()
                 if n and s != Status.UNKNOWN]
        counted = texts.READ_COUNTED.format(parts=texts.COMMA_JOIN.join(parts)) if parts else ""
    items = len(card.items) if card is not None and card.items else len(vetted.parsed.records)
    lines = [texts.READ_TITLE.format(title=report.title or texts.READ_UNKNOWN), texts.READ_PLACE.format(place=place),
             texts.READ_PERIOD.format(period=period), texts.READ_PROJECTS.format(count=items, counted=counted)]
    doubts = [*check.warnings, *warnings]
    if not report.period and not report.months:
        doubts.append(texts.READ_NO_PERIOD)
    lines.extend(texts.READ_WARNING.format(warning=w) for w in dict.fromkeys(doubts))
    return lines
