"""Question → Query: script, districts, period, lead unit, the field wanted, the kind of question, topic words."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from minsheng.index.indexing.catalog import Coverage, bare_unit
from minsheng.index.ingest.meta import find_period, find_year, strip_periods
from minsheng.index.ingest.normalize import clean
from minsheng.index.kinds import COLLECTION_KINDS, QueryKind, Status, Wants
from minsheng.index.places import CITY, PROVINCE, Mention, Place, gazetteer
from minsheng.index.script import to_simplified
from minsheng.index.segmenter import ordinary_words, plain_tokenizer
from minsheng.index.synonyms import expansions, matched_phrases, unit_aliases
from minsheng.index.vocabulary import (
    ASKED_UNIT,
    ASKED_VERB,
    CHANGE_ASKED,
    COLLECTION_NAMED,
    COLLECTION_WORDS,
    COMPARE_JOIN,
    COMPARED_WORD,
    COUNT_ASKED,
    FILLERS,
    GREETING,
    HAN,
    JOINERS,
    LAG_ASKED,
    LIST_ASKED,
    PER_REGION_CUE,
    PLACES_COMPARED,
    QUESTION_OPENING,
    QUIT_WORDS,
    RANK_ASKED,
    REFERS_BACK,
    REPORT_ASKED,
    REPORT_NAMED,
    RESET_WORDS,
    STATUS_ASKED,
    TOPIC_PARTICLES,
    UNIT_LIST_CUE,
    WANTS_CUES,
    WHEN_ASKED,
    WHICH,
    WHO_ASKED,
    WHOLE_UNITS,
    WHY_ASKED,
    WRITTEN_UNITS,
)


@dataclass(frozen=True)
class Query:
    """What a question asks, in the terms of the index."""

    text: str
    simplified: str
    traditional: bool
    regions: tuple[str, ...] = ()
    # Real places named that the index has no report of ("昌平区（北京市）"), and the covered places near them.
    uncovered: tuple[str, ...] = ()
    nearby: tuple[str, ...] = ()
    # Places named that covered reports speak of inside them (丹棱县 in 眉山市's report, a township).
    inside: tuple[str, ...] = ()
    year: int | None = None
    period: str = ""
    lead_units: tuple[str, ...] = ()
    wants: Wants = Wants.PROGRESS
    kind: QueryKind = QueryKind.SINGLE
    topic: str = ""
    expansions: tuple[str, ...] = ()
    # The statuses a question about the list as a whole asks for (哪些项目滞后 → behind, not started); () for all.
    statuses: tuple[Status, ...] = ()
    # What else the question asks, read once here so that nothing downstream reads its text again: the members of
    # a list (哪些/哪几), who is in charge, when, why, a rank (排名, 前三名); the unit a 多少/几 question counts in ("几处" → 处) and the
    # verb it asks with ("完成了几项" → 完成); the everyday phrases it uses with their report terms; whether it
    # points back at the previous question ("那密云区呢").
    asks_list: bool = False
    asks_who: bool = False
    asks_when: bool = False
    asks_why: bool = False
    asks_lag: bool = False  # whether it lags, yes or no ("落后了吗")
    asks_rank: bool = False
    asked_unit: str = ""
    asked_verb: str = ""
    phrases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    refers_back: bool = False
    # Report sentences the search found by meaning when the question's words were not the report's; the answer
    # quotes them first.
    meant: tuple[str, ...] = ()

    @property
    def search_text(self) -> str:
        """Topic plus report wording, the text searched for."""
        return " ".join(p for p in (self.topic, *self.expansions) if p)


def region_names(coverage: Coverage) -> dict[str, str]:
    """Every name of every covered place (full name, aliases, short form from the gazetteer, and a zone that shares
    its government) → the place's name in the index. A short form that is a common word first (和平) is left out.
    Made once per coverage: a searcher asks with the same coverage every time."""
    return _made_once(_NAMES, coverage, lambda: _region_names(coverage))


_T = TypeVar("_T")


def _made_once(cache: dict[int, tuple[Any, Any]], key: Any, make: Callable[[], _T]) -> _T:
    """What make() gives for an object, made once while the object lives: a searcher asks with the same coverage
    (its names, its units) every time. The object is kept beside it so that its id is not reused meanwhile; a few
    objects at most."""
    held = cache.get(id(key))
    if held is None or held[0] is not key:
        if len(cache) >= 8:
            cache.clear()
        held = cache[id(key)] = (key, make())
    return held[1]


# id(object) → (that object, what was made of it): a coverage's names, those names' order, a coverage's units.
_NAMES: dict[int, tuple[Any, Any]] = {}
_NAME_RANKS: dict[int, tuple[Any, Any]] = {}
_UNITS: dict[int, tuple[Any, Any]] = {}


def names_in(text: str, coverage: Coverage) -> list[str]:
    """The names of covered places (region_names) a text holds, longest first: found by looking its stretches up,
    not by searching it for each of the thousands of names of a large index."""
    names = region_names(coverage)
    order, longest = _made_once(_NAME_RANKS, names, lambda: _ranked(names))
    found = {text[start:end] for start in range(len(text))
             for end in range(start + 1, min(len(text), start + longest) + 1) if text[start:end] in order}
    return sorted(found, key=order.__getitem__)


def _ranked(names: dict[str, str]) -> tuple[dict[str, int], int]:
    """Each name's place in longest-first order, and the longest name's length."""
    ordered = sorted(names, key=len, reverse=True)
    return {name: i for i, name in enumerate(ordered)}, len(ordered[0]) if ordered else 0


def _region_names(coverage: Coverage) -> dict[str, str]:
    gaz = gazetteer()
    names: dict[str, str] = {}
    for region in coverage.regions:
        if not region:
            continue
        names.setdefault(region, region)
        place = _covered_place(region, coverage)
        for alias in gaz.names(place) if place else ():
            if alias == region or not gaz.common(alias):
                names.setdefault(alias, region)
    for place in gaz.places.values():
        if place.same_as and gaz.get(place.same_as).name in coverage.regions:
            for alias in gaz.names(place):
                names.setdefault(alias, gaz.get(place.same_as).name)
    return names


def _covered_place(region: str, coverage: Coverage) -> Place | None:
    """The gazetteer's place a covered place is (None when its name is shared and no path settled it)."""
    gaz = gazetteer()
    place = gaz.by_path(coverage.paths.get(region, ()))
    if place is None:
        named = gaz.named(region)
        place = named[0] if len(named) == 1 else None
    return place


@dataclass(frozen=True)
class QuestionPlaces:
    """The places a question names, sorted out against what the index covers."""

    regions: tuple[str, ...]  # covered places named, in question order
    wider: tuple[str, ...]  # covered places inside a province or city named (北京 → 大兴区, 密云区 …)
    uncovered: tuple[str, ...]  # real places the index has no report of, shown with their parent
    inside: tuple[str, ...]  # places the covered reports name inside them (丹棱县 in 眉山市's table, a township)
    nearby: tuple[str, ...]  # covered places in the same city, else the same province, as an uncovered one
    rest: str  # the question without the place names


def _occurrences(name: str, text: str) -> list[tuple[int, int]]:
    """Where a name occurs in a text, left to right, not overlapping (a literal re.finditer without compiling a
    pattern: with a thousand places covered, a pattern per place per question outgrew re's cache)."""
    found: list[tuple[int, int]] = []
    start = text.find(name) if name else -1
    while start != -1:
        found.append((start, start + len(name)))
        start = text.find(name, start + len(name))
    return found


def question_places(text: str, coverage: Coverage, in_reports: Callable[[str], bool],
                    masked: str | None = None) -> QuestionPlaces:
    """The places a question names (see QuestionPlaces). masked is the text with lead units' names blanked, so
    that "区城市管理委" is never read as a place; names are taken from it and removed from text."""
    gaz = gazetteer()
    masked = text if masked is None else masked
    # A question names a county by its short form alone ("昌平养老…"); a report is read more strictly. A name read
    # only so that the covered reports write themselves is left to them, as before (a short form inside a report);
    # a full name is a place however jieba tags it (天元区 is a noun to jieba, and a district 株洲市's report names).
    strict = gaz.mentions(masked)
    mentions = [m for m in gaz.mentions(masked, lone_at=_naming_places(masked, strict, coverage))
                if any((m.start, m.end) == (s.start, s.end) for s in strict) or not m.short or not in_reports(m.name)]
    resolved = dict(zip(mentions, gaz.resolve_each(mentions)))
    names = region_names(coverage)
    regions: list[str] = []
    taken: list[tuple[int, int]] = []
    covered_places: list[Place] = []
    # Covered places by any of their names, longest first (大兴 is a place here because 大兴区 is covered).
    for name in names_in(masked, coverage):
        for span in _occurrences(name, masked):
            if any(s < span[1] and span[0] < e for s, e in taken):
                continue
            held = _covered_place(names[name], coverage)
            # The same name as a covered place on another branch (拉萨城关区 is not 兰州's 城关区).
            same = [resolved[m] for m in mentions if m.start <= span[0] and span[1] <= m.end and resolved[m]]
            if held is not None and any(not (gaz.inside(p, held) or gaz.inside(held, p)) for p in same):
                continue
            taken.append(span)
            regions.append(names[name])
            if held is not None:
                covered_places.append(held)
    regions = [region for _, region in sorted(zip((s for s, _ in taken), regions))]
    wider: list[str] = []
    uncovered: list[Place] = []
    inside: list[str] = []
    for mention in mentions:
        place = resolved[mention] or mention.places[0]
        if any(s < mention.end and mention.start < e for s, e in taken):
            continue
        # A parent named with a county counts once, as that county (甘肃省天水市秦州区 is about 秦州区).
        if any(other is not None and other != place and gaz.inside(other, place)
               for other in [*resolved.values(), *covered_places]):
            continue
        unsettled = [p.name for p in mention.places if p.name in coverage.regions and not coverage.paths.get(p.name)]
        if resolved[mention] is None and unsettled:
            # "西湖体育馆": 西湖 could be either 西湖区, and a covered report's 西湖区 is not settled either: that one.
            regions.append(unsettled[0])
            taken.append((mention.start, mention.end))
            continue
        if place.level in (PROVINCE, CITY):
            held = [r for r, path in coverage.paths.items() if place.name in path]
            if held:
                wider.extend(held)
                continue
        if in_reports(place.name) and place.name not in coverage.regions:
            inside.append(place.name)
        else:
            uncovered.append(place)
    for name in gaz.townships(masked):
        if in_reports(name):
            inside.append(name)
    spans = [masked[s:e] for s, e in taken] + [m.name for m in mentions] + inside
    for name in sorted(set(spans), key=len, reverse=True):
        text = text.replace(name, " ")
    return QuestionPlaces(
        regions=tuple(dict.fromkeys(regions)),
        wider=tuple(dict.fromkeys(wider)),
        uncovered=tuple(dict.fromkeys(gaz.label(p) for p in uncovered)),
        inside=tuple(dict.fromkeys(inside)),
        nearby=tuple(dict.fromkeys(r for p in uncovered for r in _nearby(p, coverage))),
        rest=text,
    )


def _naming_places(text: str, mentions: list[Mention], coverage: Coverage) -> frozenset[int]:
    """Where a question names places: its opening after any courtesy ("请问，昌平…"), and right after a place it
    names and a joining word ("青岛和昌平…")."""
    opening = QUESTION_OPENING.match(text)
    ends = {m.end for m in mentions} | {match.end() for name in names_in(text, coverage)
                                        for match in re.finditer(re.escape(name), text)}
    after = {join.end() for end in ends if (join := COMPARE_JOIN.match(text, end))}
    return frozenset({opening.end() if opening else 0, *after})


def _nearby(place: Place, coverage: Coverage) -> list[str]:
    """Covered places in the same city as an uncovered one, else in the same province."""
    path = [p.name for p in gazetteer().path(place)]
    for depth in (2, 1):
        if len(path) > depth:
            near = [r for r, held in coverage.paths.items() if tuple(held[:depth]) == tuple(path[:depth])]
            if near:
                return near
    return []


def find_units(text: str, units: tuple[str, ...]) -> tuple[str, ...]:
    """Index lead units a question names, by full name, name without 区/市/县, or a common short name."""
    index = _unit_index(units)
    found: set[str] = set()
    # Every stretch of the question that is some unit's bare name (a question is short; the units are many).
    for start in range(len(text)):
        for end in range(start + 2, min(len(text), start + index.longest) + 1):
            found.update(index.by_bare.get(text[start:end], ()))
    for short, full_names in unit_aliases().items():
        if short in text:
            for core in (*full_names, short):
                found.update(index.holding(core))
    return tuple(sorted(found))


class _UnitIndex:
    """A coverage's lead units by their bare names, and by the cores their bare names hold (found once a core is
    asked for)."""

    def __init__(self, units: tuple[str, ...]) -> None:
        self.units = units
        self.by_bare: dict[str, list[str]] = {}
        for unit in units:
            bare = bare_unit(unit)
            if len(bare) >= 2:
                self.by_bare.setdefault(bare, []).append(unit)
        self.longest = max(map(len, self.by_bare), default=0)
        self._holding: dict[str, tuple[str, ...]] = {}

    def holding(self, core: str) -> tuple[str, ...]:
        """The units whose bare name holds a core."""
        if core not in self._holding:
            self._holding[core] = tuple(u for u in self.units if core in bare_unit(u))
        return self._holding[core]


def _unit_index(units: tuple[str, ...]) -> _UnitIndex:
    """The unit index of a coverage's units (made once: a searcher asks with the same units every time)."""
    return _made_once(_UNITS, units, lambda: _UnitIndex(units))


def parse_query(text: str, coverage: Coverage, in_reports: Callable[[str], bool] = lambda name: False) -> Query:
    """Understand a question against what the index covers; in_reports tells whether a name occurs in report text."""
    cleaned = clean(text).strip()
    simplified = to_simplified(cleaned)
    small_talk = _small_talk(simplified)
    if small_talk is not None:
        return Query(text=text, simplified=simplified, traditional=simplified != cleaned, kind=small_talk)
    asked = asked_in(simplified)
    rest = simplified

    places = question_places(rest, coverage, in_reports)
    rest = places.rest
    # A province or city named (北京, 山东省): the covered places inside it, unless a covered place was named too.
    regions = list(places.regions or places.wider)

    year = find_year(rest)
    period = find_period(rest)
    rest = strip_periods(rest)

    units = find_units(rest, coverage.lead_units)
    kind = QueryKind.SINGLE
    if units and UNIT_LIST_CUE.search(rest):
        kind = QueryKind.UNIT_LIST
        for unit in units:
            rest = rest.replace(bare_unit(unit), " ")
        for short in unit_aliases():
            rest = rest.replace(short, " ")
    elif len(regions) >= 2 and COMPARE_JOIN.search(simplified):
        kind = QueryKind.COMPARE
    elif not regions and PER_REGION_CUE.search(simplified):
        kind = QueryKind.PER_REGION
    elif REPORT_ASKED.search(rest) and REPORT_NAMED.search(rest):
        kind = QueryKind.REPORT

    wanted = next((name for name, cue in WANTS_CUES if _cued(name, cue, simplified)), Wants.PROGRESS)
    # "落后了吗" asks for a verdict on the topic; it is no part of it.
    asked_rest = LAG_ASKED.sub(" ", rest) if asked["asks_lag"] else rest
    topic = re.sub(r"\s+", " ", FILLERS.sub(" ", re.sub(r"[^\w%.]+", " ", asked_rest).strip())).strip()
    # What is left between removed names ("青岛和大兴区的学校" → "和 的学校") is joining words, not topic.
    topic = " ".join(w for w in (t.lstrip(TOPIC_PARTICLES) for t in topic.split()) if w and w not in JOINERS)
    statuses: tuple[Status, ...] = ()
    if kind == QueryKind.COMPARE and PLACES_COMPARED.search(simplified) and not COLLECTION_WORDS.sub(
            " ", COMPARED_WORD.sub(" ", topic)).strip():
        # Places compared as a whole ("密云区和大兴区哪个完成得多"): each one's card, side by side.
        kind, topic = QueryKind.SUMMARY, ""
    if kind == QueryKind.SINGLE and wanted not in (Wants.PROBLEMS, Wants.PLAN, Wants.TASK):
        kind, statuses = _whole_list_kind(simplified, topic, asked["asks_list"])
        if kind in COLLECTION_KINDS:
            topic = ""
        elif kind == QueryKind.CHANGE:
            topic = re.sub(r"\s+", " ", CHANGE_ASKED.sub(" ", topic)).strip()
            topic = " ".join(w for w in topic.split() if w not in JOINERS)
        if CHANGE_ASKED.search(simplified) and kind in (QueryKind.CHANGE, QueryKind.SUMMARY):
            period = ""  # "和6月比": the period to compare with, not the report to answer from
    return Query(
        text=text,
        simplified=simplified,
        traditional=simplified != cleaned,
        regions=tuple(regions),
        uncovered=places.uncovered,
        inside=places.inside,
        nearby=places.nearby,
        year=year,
        period=period,
        lead_units=units,
        wants=wanted,
        kind=kind,
        topic=topic,
        expansions=tuple(expansions(simplified)) if kind not in COLLECTION_KINDS else (),
        statuses=statuses,
        **asked,
    )


def _cued(wants: Wants, cue: re.Pattern[str], simplified: str) -> bool:
    """Whether the question holds the cue of what it wants; a problem word naming people or things ("困难群众",
    "问题楼盘", "风险隐患") modifies the noun after it and asks nothing about problems."""
    if wants != Wants.PROBLEMS:
        return cue.search(simplified) is not None
    return any(not _modifies_noun(simplified, m.start(), m.end()) for m in cue.finditer(simplified))


def _modifies_noun(text: str, start: int, end: int) -> bool:
    """Whether jieba reads text[start:end] as part of a longer word, or as a word followed by a noun."""
    position = 0
    words = list(plain_tokenizer().cut(text))
    for i, word in enumerate(words):
        if position <= start < position + len(word):
            if position != start or position + len(word) != end:
                return position + len(word) > end or position < start
            following = words[i + 1] if i + 1 < len(words) else ""
            return ordinary_words().get(following, ("", 0))[0][:1] in ("n", "l")
        position += len(word)
    return False


def asked_in(simplified: str) -> dict[str, Any]:
    """The question's list/who/when/why cues, asked unit and verb, everyday phrases and back reference (Query's
    fields of those names)."""
    return {
        "asks_list": bool(LIST_ASKED.search(simplified)),
        "asks_who": bool(WHO_ASKED.search(simplified)),
        "asks_when": bool(WHEN_ASKED.search(simplified)),
        "asks_why": bool(WHY_ASKED.search(simplified)),
        "asks_lag": bool(LAG_ASKED.search(simplified)),
        "asks_rank": bool(RANK_ASKED.search(simplified)),
        "asked_unit": asked_unit(simplified),
        "asked_verb": asked_verb(simplified),
        "phrases": tuple(matched_phrases(simplified)),
        "refers_back": bool(REFERS_BACK.search(simplified)),
    }


def asked_unit(question: str) -> str:
    """The unit a 多少/几 question asks for ("几处" → 处, "多少钱" → 元), or ""; of several, the last ("那几个村子…拿了
    多少钱" asks for 元: what comes before describes)."""
    match = next(reversed(list(ASKED_UNIT.finditer(question))), None)
    if not match:
        return ""
    word = match.group(2)
    for asked, written in WRITTEN_UNITS.items():
        if word.startswith(asked):
            return written
    return word[:1] if word not in WHOLE_UNITS else word


def asked_verb(question: str) -> str:
    """The verb of the last 多少/几 ("完成了几项" → 完成, "开工几部" → 开工): the word jieba cuts before it, past 了/过;
    "" when that word is a single character (帮, 打: a report writes such work with another verb)."""
    match = next(reversed(list(ASKED_VERB.finditer(question))), None)
    if not match:
        return ""
    words = [w for w in plain_tokenizer().cut(question[:match.end(1)]) if w.strip()]
    word = words[-1] if words else ""
    return word if len(word) >= 2 else ""


def starts_over(message: str) -> bool:
    """Whether a chat message asks to forget the previous question ("新话题")."""
    return message.strip() in RESET_WORDS


def ends_chat(message: str) -> bool:
    """Whether a chat message ends a `minsheng chat` ("退出")."""
    return message.strip() in QUIT_WORDS


def _whole_list_kind(simplified: str, topic: str, asks_list: bool) -> tuple[QueryKind, tuple[Status, ...]]:
    """A question about a place's projects as a whole (its topic only words like 民生实事, 总体, 完成了; the list
    named or counted): STATUS_LIST, COUNT or SUMMARY with the statuses asked; CHANGE for one project compared
    across periods; else SINGLE."""
    statuses = next((found for found, cue in STATUS_ASKED if cue.search(simplified)), ())
    residue = topic
    for _, cue in STATUS_ASKED:
        residue = cue.sub(" ", residue)
    residue = COLLECTION_WORDS.sub(" ", CHANGE_ASKED.sub(" ", residue)).strip()
    change = bool(CHANGE_ASKED.search(simplified))
    if residue or not (COLLECTION_NAMED.search(simplified) or change):
        return (QueryKind.CHANGE if change else QueryKind.SINGLE), ()
    if asks_list or WHICH in simplified:
        return QueryKind.STATUS_LIST, statuses
    if COUNT_ASKED.search(simplified):
        return QueryKind.COUNT, statuses
    return QueryKind.SUMMARY, statuses


def _small_talk(simplified: str) -> QueryKind | None:
    """A greeting or "what can you do" (GREETING), a question with no Chinese in it (FOREIGN), else None."""
    bare = _NOT_WORD.sub("", simplified).lower()
    if bare and GREETING.fullmatch(bare):
        return QueryKind.GREETING
    if not _HAN_CHAR.search(simplified) and _LATIN_WORD.search(simplified):
        return QueryKind.FOREIGN
    return None


_NOT_WORD = re.compile(r"[\W_]+")
_HAN_CHAR = re.compile(rf"[{HAN}]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
