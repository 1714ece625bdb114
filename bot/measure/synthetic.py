"""Synthetic districts for a scale benchmark: the real reports under made-up district names, every figure changed.

One made-up district per synthetic district, shared by all its files: synthesize(reports, n) gives n districts, each
holding every real report disguised under its name, so every synthetic district parses to its own region (distinct
from the others and from the real ones) and carries one file of each real report shape.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Iterable

from index.ingest.meta import find_region, places_within, region_aliases, region_parents, short_forms
from index.ingest.normalize import TONE_MARKS, clean, to_simplified, to_traditional
from index.ingest.parse import parse_text
from index.search.query import question_places
from index.vocabulary import COUNTERS, DASHES, NOT_NAME_WORDS, NOT_PLACE_CHARS, NOT_PLACE_ENDS, NOT_PLACES, SUFFIX_CHARS

# Characters county names are commonly made of (临川, 安平, 永宁 …): a first and a second position.
_FIRST = (
    "安宁永长临清丰广宝龙凤桂兰云泰嘉文武金玉青白东西南北华昌顺德定靖乐隆盛兴鹤鹿松柏桐梅荷浦湘汉沅洛淮汾渭泾沂"
    "汶涞涿彭邵岳衡郴蓝红黄紫翠丹崇富瑞祥吉福寿康泽沧澄鄱赣婺歙黟祁舒桑榆柳杨枫槐杞蒲芜茂荣恩惠怀宜乾坤阜峡"
)
_SECOND = (
    "平川阳山江河源泉溪林田丰安宁化陵原水台岭谷关门口亭桥湖池塘沙石峰岗坪乡邑都昌兴乐远春德信义仁丘泽岩坝滨浦"
    "津渡沟洲湾屯集店营堡庄寨坊阴曲汀涧塬垣冈岐陇岚新"
)
_SUFFIX_WEIGHTS = (("区", 9), ("县", 8), ("市", 3))
_SUFFIX_PINYIN = {"区": "qū", "县": "xiàn", "市": "shì"}
_PINYIN_AFTER = rf"(?:\([a-zü{TONE_MARKS}]{{1,7}}\))?"

_DIGITS = "0-9０-９"
_NUMBER = re.compile(rf"(?<![{_DIGITS}])[{_DIGITS}]+(?:[.．][{_DIGITS}]+)?")
_DASH = rf"[{DASHES}]"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_TO_ASCII = str.maketrans("０１２３４５６７８９．", "0123456789.")
YEAR_RANGE = (2015, 2030)


@dataclass(frozen=True)
class NameForms:
    """Spellings of one real district in report text, split by what replaces them: the new full name or its stem."""

    full: tuple[str, ...]
    short: tuple[str, ...]


@dataclass
class FigureState:
    """The state of one file's figure changes: its RNG, its year map and the replacements made so far."""

    rng: random.Random
    years: dict[int, int] = field(default_factory=dict)
    memo: dict[tuple[str, str], str] = field(default_factory=dict)
    ranges: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)


def known_places() -> set[str]:
    """Every district, city and province name index/meta.py's data knows, with their aliases."""
    names: set[str] = set()
    for parent, children in region_parents().items():
        names.add(parent)
        names.update(children)
        names.update(places_within(parent))
    for alias, canonical in region_aliases().items():
        names.update((alias, canonical))
    return names


def name_forms(region: str) -> NameForms:
    """Full name, aliases and short forms of a real district, each also in Traditional script."""
    aliases = [a for a, canonical in region_aliases().items() if canonical == region]
    full = [region, *aliases]
    short = [s for s in short_forms(region) if s not in aliases]

    def both(forms: list[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for form in forms for f in (form, to_traditional(form), to_simplified(form))))

    full_forms = both(full)
    return NameForms(full=full_forms, short=tuple(f for f in both(short) if f not in full_forms))


def _stem(name: str) -> str:
    """A synthetic name without its one-character suffix: 丰丘区 → 丰丘."""
    return name[:-1]


def _blocked_forms(avoid: Iterable[str]) -> set[str]:
    """Names a synthetic name must neither equal nor overlap: meta's places, the avoided names, their short forms."""
    blocked: set[str] = set()
    for name in {*known_places(), *avoid}:
        for form in (name, *short_forms(name)):
            if len(form) >= 2:
                blocked.update((form, to_simplified(form)))
    return blocked


def _usable_stem(stem: str, blocked: set[str], forbidden: str) -> bool:
    """A stem with no question word, no suffix character, no report word and no overlap with a known place."""
    if len(set(stem)) != len(stem) or set(stem) & (NOT_PLACE_CHARS | SUFFIX_CHARS):
        return False
    if NOT_NAME_WORDS.search(stem) or to_simplified(stem) != stem or to_simplified(to_traditional(stem)) != stem:
        return False
    if stem in forbidden or to_traditional(stem) in forbidden:
        return False
    return not any(stem in form or form in stem for form in blocked)


def _usable_name(name: str, blocked: set[str]) -> bool:
    """A name meta and the query parser read back as exactly this district, with its stem as the only short form."""
    if name in blocked or name in NOT_PLACES or name.endswith(NOT_PLACE_ENDS):
        return False
    if to_simplified(to_traditional(name)) != name:
        return False
    return (
        find_region(name) == name
        and find_region(to_traditional(name)) == name
        and short_forms(name) == [_stem(name)]
        and question_places(name) == [name]
    )


def name_capacity(avoid: Iterable[str] = (), forbidden_text: str = "") -> int:
    """How many distinct names district_names can make with these exclusions."""
    blocked = _blocked_forms(avoid)
    forbidden = forbidden_text + "\n" + to_simplified(forbidden_text)
    return sum(
        1 for a in _FIRST for b in _SECOND
        if _usable_stem(a + b, blocked, forbidden) and any(_usable_name(a + b + s, blocked) for s, _ in _SUFFIX_WEIGHTS)
    )


def district_names(n: int, seed: int = 0, avoid: Iterable[str] = (), forbidden_text: str = "") -> list[str]:
    """n distinct made-up district names (2 Han characters + 区/县/市), deterministic given the seed."""
    if n < 0:
        raise ValueError("n must not be negative")
    blocked = _blocked_forms(avoid)
    forbidden = forbidden_text + "\n" + to_simplified(forbidden_text)
    rng = random.Random(f"district-names:{seed}")
    stems = list(dict.fromkeys(a + b for a in _FIRST for b in _SECOND))
    rng.shuffle(stems)
    suffixes = [s for s, _ in _SUFFIX_WEIGHTS]
    weights = [w for _, w in _SUFFIX_WEIGHTS]
    names: list[str] = []
    for stem in stems:
        if len(names) == n:
            break
        if not _usable_stem(stem, blocked, forbidden):
            continue
        first = rng.choices(suffixes, weights)[0]
        for suffix in [first, *(s for s in suffixes if s != first)]:
            if _usable_name(stem + suffix, blocked):
                names.append(stem + suffix)
                break
    if len(names) < n:
        raise ValueError(f"only {len(names)} district names can be made with these exclusions, {n} asked")
    return names


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


def replace_names(text: str, real_names: list[str], new_name: str) -> str:
    """The text with each real district's full name or alias → new_name and each short form → its stem."""
    traditional = _is_traditional(text)
    new_full = to_traditional(new_name) if traditional else new_name
    new_short = to_traditional(_stem(new_name)) if traditional else _stem(new_name)
    target: dict[str, str] = {}
    for region in real_names:
        forms = name_forms(region)
        for form in forms.full:
            target.setdefault(form, new_full)
        for form in forms.short:
            target.setdefault(form, new_short)
    if not target:
        return text
    pattern = re.compile(
        "(" + "|".join(re.escape(f) for f in sorted(target, key=len, reverse=True)) + ")" + f"({_PINYIN_AFTER})"
    )

    def swap(match: re.Match[str]) -> str:
        form, pinyin = match.group(1), match.group(2)
        new = target[form]
        if pinyin and new == new_full:
            # "通州區(qū)": ruby pinyin of the suffix follows the new suffix.
            pinyin = f"({_SUFFIX_PINYIN.get(new_name[-1], pinyin.strip('()'))})"
        return new + pinyin

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


def disguise(text: str, real_names: list[str], new_name: str, seed: int) -> str:
    """The report text under new_name: its real district's names replaced, every figure but item numbers changed."""
    figures = _figures_for([text], seed)
    return change_figures(replace_names(text, real_names, new_name), figures)


def disguise_report(file_name: str, text: str, real_names: list[str], new_name: str, seed: int) -> tuple[str, str]:
    """A report file disguised as new_name: its new file name and text, with one year map and figure memo for both."""
    path = PurePath(file_name)
    figures = _figures_for([path.stem, text], seed)
    stem = change_figures(replace_names(path.stem, real_names, new_name), figures)
    new_text = change_figures(replace_names(text, real_names, new_name), figures)
    if new_name not in to_simplified(stem):
        stem = f"{new_name}-{stem}"
    return stem + path.suffix, new_text


def report_region(file_name: str, text: str) -> str:
    """The district the parser reads from a report, or ValueError when it finds none."""
    region = parse_text(clean(text), file_name).report.region
    if not region:
        raise ValueError(f"{file_name}: the parser finds no district to disguise")
    return region


def _file_seed(seed: int, district: int, report: int) -> int:
    """The seed of one synthetic file, from the corpus seed and its district and report numbers."""
    return (seed * 1_000_003 + district) * 1_009 + report


def synthesize(reports: list[tuple[str, str]], n: int, seed: int = 0) -> list[tuple[str, str]]:
    """n synthetic districts, each with every real report disguised under its name: n × len(reports) files."""
    regions = [report_region(name, text) for name, text in reports]
    forbidden = "\n".join(part for pair in reports for part in pair)
    names = district_names(n, seed, avoid=regions, forbidden_text=forbidden)
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for district, new_name in enumerate(names):
        for number, ((file_name, text), region) in enumerate(zip(reports, regions)):
            new_file, new_text = disguise_report(file_name, text, [region], new_name,
                                                 _file_seed(seed, district, number))
            if new_file in seen:
                raise ValueError(f"two synthetic files would be called {new_file}")
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
