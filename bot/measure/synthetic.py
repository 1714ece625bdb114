"""Synthetic districts for a scale benchmark: the real reports under other real counties' names, every figure changed.

One county per synthetic district, shared by all its files: synthesize(reports, n) gives n districts, each holding
every real report disguised under its name (the report's place, city and province moved onto the county's branch),
so every synthetic district parses to its own place (distinct from the others and from the real ones) and carries one
file of each real report shape. The counties come from the gazetteer (index/places.py): only a real place is read as
one.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Iterable

from minsheng.index.ingest import TONE_MARKS, clean, find_region, parse_text
from minsheng.index.places import COUNTY, Place, gazetteer
from minsheng.index.script import to_simplified, to_traditional
from minsheng.index.vocabulary import COUNTERS, DASHES

_SUFFIX_PINYIN = {"区": "qū", "县": "xiàn", "市": "shì"}
_PINYIN_AFTER = rf"(?:\([a-zü{TONE_MARKS}]{{1,7}}\))?"

_DIGITS = "0-9０-９"
_NUMBER = re.compile(rf"(?<![{_DIGITS}])[{_DIGITS}]+(?:[.．][{_DIGITS}]+)?")
_DASH = rf"[{DASHES}]"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_TO_ASCII = str.maketrans("０１２３４５６７８９．", "0123456789.")
YEAR_RANGE = (2015, 2030)


@dataclass
class FigureState:
    """The state of one file's figure changes: its RNG, its year map and the replacements made so far."""

    rng: random.Random
    years: dict[int, int] = field(default_factory=dict)
    memo: dict[tuple[str, str], str] = field(default_factory=dict)
    ranges: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)


def _place_of(path: tuple[str, ...]) -> Place:
    """The gazetteer's place at the end of a path of names, or ValueError."""
    place = gazetteer().by_path(path)
    if place is None:
        raise ValueError(f"{'/'.join(path) or '(no place)'} is not a place of the gazetteer")
    return place


def _forms(place: Place) -> tuple[list[str], list[str]]:
    """A place's full names (with aliases and the zones sharing its government) and its short forms."""
    gaz = gazetteer()
    twins = [p for p in gaz.places.values() if p.same_as == place.code]
    full = [n for p in (place, *twins) for n in gaz.names(p) if n != gaz.short_form(p)]
    short = [s for p in (place, *twins) for s in [gaz.short_form(p)] if s]
    return full, short


def _candidates(avoid: Iterable[str], forbidden_text: str) -> list[Place]:
    """Counties that can stand in for a report's place: a three-character name (two and 区/县/市) that is China's only
    place of that name, whose two-character short form names only it and is no common word; neither in the
    avoided names nor in the real reports' text; read back as itself from a title and from a question."""
    gaz = gazetteer()
    forbidden = forbidden_text + "\n" + to_simplified(forbidden_text)
    avoided = set(avoid)
    found: list[Place] = []
    for place in gaz.places.values():
        name = place.name
        stem = name[:2]
        if place.level != COUNTY or len(name) != 3 or name[-1] not in _SUFFIX_PINYIN or name in avoided:
            continue
        if gaz.named(name) != [place] or gaz.short_form(place) != stem or gaz.named(stem) != [place]:
            continue
        if gaz.common(stem) or stem in forbidden or to_traditional(stem) in forbidden:
            continue
        if to_simplified(to_traditional(name)) != name:
            continue
        found.append(place)
    # No name may hold another's short form, so a question about one never names another.
    stems = {p.name[:2] for p in found}
    found = [p for p in found if not any(s in p.name for s in stems - {p.name[:2]})]
    return [p for p in found if find_region(p.name) == p.name and find_region(to_traditional(p.name)) == p.name]


def name_capacity(avoid: Iterable[str] = (), forbidden_text: str = "") -> int:
    """How many distinct names district_names can give with these exclusions."""
    return len(_candidates(avoid, forbidden_text))


def district_names(n: int, seed: int = 0, avoid: Iterable[str] = (), forbidden_text: str = "") -> list[str]:
    """n distinct real counties (two characters + 区/县/市, see _candidates), deterministic given the seed."""
    if n < 0:
        raise ValueError("n must not be negative")
    places = _candidates(avoid, forbidden_text)
    random.Random(f"district-names:{seed}").shuffle(places)
    if len(places) < n:
        raise ValueError(f"only {len(places)} district names can be made with these exclusions, {n} asked")
    return [p.name for p in places[:n]]


def written_names(names: Iterable[str]) -> list[str]:
    """Every name replace_names may write for these districts: each place of its branch by its full name and short
    form, Simplified and Traditional."""
    gaz = gazetteer()
    found: set[str] = set()
    for name in names:
        for place in gaz.path(_place_of_name(name)):
            for form in (place.name, gaz.short_form(place)):
                if form:
                    found.update((form, to_traditional(form)))
    return sorted(found)


def _place_of_name(name: str) -> Place:
    (place,) = gazetteer().named(name)
    return place


def _is_traditional(text: str) -> bool:
    """Whether a text is written in Traditional characters (a few percent of its Han characters change in t2s)."""
    han = re.findall(r"[\u4e00-\u9fff]", text)
    if not han:
        return False
    simplified = to_simplified(text)
    if len(simplified) == len(text):
        changed = sum(1 for a, b in zip(text, simplified) if a != b)
    else:
        changed = len(set(text) - set(simplified))
    return changed >= max(2, 0.02 * len(han))


def replace_names(text: str, real: list[tuple[str, ...]], new_name: str) -> str:
    """The text with each real place (a path from the province down) under new_name: its full names and aliases →
    new_name, its short forms → new_name's short form, and the city and province above it → new_name's, so that
    the text names one consistent branch."""
    if not real:
        return text
    gaz = gazetteer()
    (new,) = gaz.named(new_name)
    new_path = gaz.path(new)
    traditional = _is_traditional(text)

    def written(name: str) -> str:
        return to_traditional(name) if traditional else name

    target: dict[str, str] = {}
    for path in real:
        old_path = gaz.path(_place_of(path))
        # The place itself, then its parents from the nearest up, each onto the new branch at the same height.
        pairs = [(old_path[-1], new)] + [(old, new_path[max(0, len(new_path) - 1 - up)])
                                        for up, old in enumerate(reversed(old_path[:-1]), start=1)]
        for old, replacement in pairs:
            full, short = _forms(old)
            for form in full:
                for spelling in (form, to_traditional(form), to_simplified(form)):
                    target.setdefault(spelling, written(replacement.name))
            for form in short:
                for spelling in (form, to_traditional(form), to_simplified(form)):
                    target.setdefault(spelling, written(gaz.short_form(replacement) or replacement.name))
    if not target:
        return text
    pattern = re.compile(
        "(" + "|".join(re.escape(f) for f in sorted(target, key=len, reverse=True)) + ")" + f"({_PINYIN_AFTER})"
    )
    new_full = written(new_name)

    def swap(match: re.Match[str]) -> str:
        form, pinyin = match.group(1), match.group(2)
        replacement = target[form]
        if pinyin and replacement == new_full:
            # "通州區(qū)": ruby pinyin of the suffix follows the new suffix.
            pinyin = f"({_SUFFIX_PINYIN.get(new_name[-1], pinyin.strip('()'))})"
        return replacement + pinyin

    return pattern.sub(swap, text)


def _context(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The characters just before and after a number, and its line up to the number."""
    line_start = text.rfind("\n", 0, start) + 1
    return text[max(0, start - 12) : start], text[end : end + 12], text[line_start:start]


def number_kind(text: str, start: int, end: int) -> str:
    """What a digit run is: item, year, month, day, hour, minute, quarter, percent or plain."""
    token = text[start:end].translate(_TO_ASCII)
    before, after, line = _context(text, start, end)
    integer = "." not in token
    value = float(token)
    if integer and len(token) <= 3:
        if re.search(r"第\s*$", before) and re.match(rf"\s*[{COUNTERS}條項個]", after):
            return "item"
        if re.fullmatch(r"[\s|]*", line) and re.match(rf"[ \t]*(?:$|\n|\||\t|[.、．](?![{_DIGITS}]))", after):
            return "item"  # a row number alone in its line or cell, or a list marker opening a line
        if re.search(r"[\s|。；;：:！？!?，,]$", line) and re.match(rf"[.、．](?![{_DIGITS}])", after):
            return "item"  # a list marker inside a cell ("…。 2.联合…"): numbering, not a figure
    if integer and len(token) == 4 and 1900 <= value <= 2099 and (
        re.match(rf"\s*(?:年|{_DASH}\s*[{_DIGITS}]{{4}}\s*年)", after)
        or re.search(rf"[{_DIGITS}]{{4}}\s*{_DASH}\s*$", before)
        or (re.search(r"[〔\[【(（]$", before) and re.match(r"[〕\]】)）]", after))
    ):
        return "year"
    if integer and len(token) <= 2:
        if 1 <= value <= 12 and re.match(rf"\s*(?:{_DASH}\s*[{_DIGITS}]{{1,2}}\s*)?月", after):
            return "month"
        if 1 <= value <= 31 and re.match(r"\s*[日号號]", after) and re.search(r"月\s*$", before):
            return "day"
        if value <= 24 and re.match(r"\s*[时時点點](?![位数數])", after):
            return "hour"
        if value < 60 and re.match(r"\s*分(?![之])", after) and re.search(r"[时時点點]\s*$", before):
            return "minute"
        if 1 <= value <= 4 and len(token) == 1 and re.match(r"\s*季度?", after):
            return "quarter"
    if re.match(r"\s*[%％]", after):
        return "percent"
    return "plain"


def _digits(rng: random.Random, length: int, lead_zero: bool) -> str:
    """length random digits, the first non-zero unless lead_zero."""
    first = rng.choice("0123456789" if lead_zero else "123456789")
    return first + "".join(rng.choice("0123456789") for _ in range(length - 1))


def _in_range(rng: random.Random, original: str, low: int, high: int) -> str:
    """A different value in [low, high] written with as many digits as the original (zero-padded if it was)."""
    padded = original.startswith("0") and len(original) > 1
    options = [
        text for v in range(low, high + 1)
        for text in [str(v).zfill(len(original)) if padded else str(v)]
        if len(text) == len(original) and text != original
    ]
    if not options:  # no other value of that width in range: any other value
        options = [str(v) for v in range(low, high + 1) if str(v) != original.lstrip("0")]
    return rng.choice(options)


def _other_integer(rng: random.Random, original: str) -> str:
    """A different integer with the same number of digits; a leading zero only where the original had one."""
    lead_zero = original.startswith("0")
    if len(original) == 1:
        return rng.choice([d for d in "123456789" if d != original])
    while True:
        new = _digits(rng, len(original), lead_zero)
        if new != original:
            return new


def _new_number(kind: str, token: str, figures: FigureState) -> str:
    """The replacement of one digit run of a given kind."""
    rng = figures.rng
    integer, _, fraction = token.partition(".")
    if kind == "year":
        return str(figures.years.get(int(token), int(token)))
    if kind == "month":
        return _in_range(rng, token, 1, 12)
    if kind == "day":
        return _in_range(rng, token, 1, 28)
    if kind == "hour":
        return _in_range(rng, token, 0, 23)
    if kind == "minute":
        return _in_range(rng, token, 0, 59)
    if kind == "quarter":
        return _in_range(rng, token, 1, 4)
    if kind == "percent" and len(integer) >= 3 and int(integer) <= 100:
        # A share of at most 100% stays one: no other three-digit value is, so 100 becomes two digits.
        new_integer = str(rng.randint(10, 99))
    elif kind == "percent" and len(integer) == 3:
        # Over-fulfilment (131%) stays over 100%, so the record's status reads the same.
        new_integer = _in_range(rng, integer, 101, 199)
    else:
        new_integer = _other_integer(rng, integer)
    if fraction:
        return new_integer + "." + "".join(rng.choice("0123456789") for _ in fraction)
    return new_integer


def _year_map(years: Counter[int], rng: random.Random) -> dict[int, int]:
    """One shift for every year of a file, so that the report's own year moves and all stay in YEAR_RANGE."""
    if not years:
        return {}
    low, high = YEAR_RANGE
    shifts = [d for d in range(low - min(years), high - max(years) + 1) if d]
    if shifts:
        shift = rng.choice(shifts)
        return {y: y + shift for y in years}
    # Years too far apart for one shift: the report's (most frequent) year moves, the rest each on their own.
    main = years.most_common(1)[0][0]
    new_main = rng.choice([y for y in range(low, high + 1) if y != main])
    mapped = {main: new_main}
    for year in years:
        if year != main:
            shifted = year + (new_main - main)
            mapped[year] = shifted if low <= shifted <= high and shifted != year else rng.choice(
                [y for y in range(low, high + 1) if y != year])
    return mapped


def _month_range(text: str, match: re.Match[str]) -> re.Match[str] | None:
    """The "1-9月" range a month number opens, or None."""
    found = re.compile(rf"([{_DIGITS}]{{1,2}})(\s*{_DASH}\s*)([{_DIGITS}]{{1,2}})(?=\s*月)").match(text, match.start())
    if not found or found.end(1) != match.end():
        return None
    a, b = (int(found.group(i).translate(_TO_ASCII)) for i in (1, 3))
    return found if 1 <= a < b <= 12 else None


def _range_pair(first: str, second: str, figures: FigureState) -> tuple[str, str]:
    """A different month range a' < b' with the digit counts of a-b."""
    key = (first, second)
    if key not in figures.ranges:
        options = [
            (str(x), str(y)) for x in range(1, 13) for y in range(1, 13)
            if x < y and len(str(x)) == len(first) and len(str(y)) == len(second)
            and str(x) != first and str(y) != second
        ]
        figures.ranges[key] = figures.rng.choice(options) if options else (
            _in_range(figures.rng, first, 1, 12), _in_range(figures.rng, second, 1, 12))
    return figures.ranges[key]


def _file_years(texts: Iterable[str]) -> Counter[int]:
    """How often each year occurs as a year (2021年, 〔2021〕, 2022-2025年) in a file's texts."""
    years: Counter[int] = Counter()
    for text in texts:
        for match in _NUMBER.finditer(text):
            if number_kind(text, match.start(), match.end()) == "year":
                years[int(match.group(0).translate(_TO_ASCII))] += 1
    return years


def change_figures(text: str, figures: FigureState) -> str:
    """Every digit run of the text replaced (item numbers kept) under one file's figure state."""
    parts: list[str] = []
    pos = 0
    pending: dict[int, str] = {}  # start of a month range's second number → its replacement
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        raw = match.group(0)
        token = raw.translate(_TO_ASCII)
        if start in pending:
            new = pending.pop(start)
        else:
            kind = number_kind(text, start, end)
            if kind == "item":
                continue
            found = _month_range(text, match) if kind == "month" else None
            if found:
                first, second = (found.group(i).translate(_TO_ASCII) for i in (1, 3))
                new, pending[found.start(3)] = _range_pair(first, second, figures)
            else:
                new = figures.memo.setdefault((kind, token), _new_number(kind, token, figures))
        if raw != token:  # full-width digits stay full-width
            new = new.translate(_FULLWIDTH).replace(".", "．")
        parts.append(text[pos:start] + new)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _figures_for(texts: list[str], seed: int) -> FigureState:
    """A fresh figure state for one file: its RNG and the year map of all its texts."""
    rng = random.Random(f"disguise:{seed}")
    figures = FigureState(rng)
    figures.years = _year_map(_file_years(texts), rng)
    return figures


def disguise(text: str, real: list[tuple[str, ...]], new_name: str, seed: int) -> str:
    """The report text under new_name: its real place's names replaced, every figure but item numbers changed."""
    figures = _figures_for([text], seed)
    return change_figures(replace_names(text, real, new_name), figures)


def disguise_report(file_name: str, text: str, real: list[tuple[str, ...]], new_name: str,
                    seed: int) -> tuple[str, str]:
    """A report file disguised as new_name: its new file name and text, with one year map and figure memo for both."""
    path = PurePath(file_name)
    figures = _figures_for([path.stem, text], seed)
    stem = change_figures(replace_names(path.stem, real, new_name), figures)
    new_text = change_figures(replace_names(text, real, new_name), figures)
    if new_name not in to_simplified(stem):
        stem = f"{new_name}-{stem}"
    return stem + path.suffix, new_text


def report_place(file_name: str, text: str) -> tuple[str, ...]:
    """The place the parser reads from a report (its path from the province down), or ValueError when it finds
    none it can settle."""
    place = parse_text(clean(text), file_name).report.place
    if not place:
        raise ValueError(f"{file_name}: the parser finds no place to disguise")
    return place


def placed(reports: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The reports whose place the parser settles (only those can be disguised)."""
    kept = []
    for name, text in reports:
        try:
            report_place(name, text)
        except ValueError:
            continue
        kept.append((name, text))
    return kept


def _file_seed(seed: int, district: int, report: int) -> int:
    """The seed of one synthetic file, from the corpus seed and its district and report numbers."""
    return (seed * 1_000_003 + district) * 1_009 + report


def names_for(reports: list[tuple[str, str]], n: int, seed: int = 0) -> list[str]:
    """The n district names synthesize gives these reports (none of their places, nothing their text holds)."""
    regions = [report_place(name, text) for name, text in reports]
    forbidden = "\n".join(part for pair in reports for part in pair)
    return district_names(n, seed, avoid=[path[-1] for path in regions], forbidden_text=forbidden)


def synthesize(reports: list[tuple[str, str]], n: int, seed: int = 0) -> list[tuple[str, str]]:
    """n synthetic districts, each with every real report disguised under its name: n × len(reports) files."""
    regions = [report_place(name, text) for name, text in reports]
    names = names_for(reports, n, seed)
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for district, new_name in enumerate(names):
        for number, ((file_name, text), region) in enumerate(zip(reports, regions)):
            new_file, new_text = disguise_report(file_name, text, [region], new_name,
                                                 _file_seed(seed, district, number))
            # Two reports of one place (a series, 6月 and 9月) may be disguised into the same name: numbered apart.
            path, copy = PurePath(new_file), 2
            while new_file in seen:
                new_file, copy = f"{path.stem}（{copy}）{path.suffix}", copy + 1
            seen.add(new_file)
            pairs.append((new_file, new_text))
    return pairs


def write_corpus(pairs: Iterable[tuple[str, str]], directory: Path) -> None:
    """Write (file name, text) pairs into directory as UTF-8 files."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in pairs:
        if PurePath(name).name != name or name in ("", ".", ".."):
            raise ValueError(f"{name!r} is not a plain file name")
        (directory / name).write_text(text, encoding="utf-8")
