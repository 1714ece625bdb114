"""Question → Query: script, districts, period, lead unit, the field wanted, the kind of question, topic words."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from index.build.catalog import Coverage, bare_unit
from index.ingest.meta import (
    find_period,
    find_year,
    places_within,
    region_aliases,
    region_parents,
    short_forms,
    strip_periods,
    take_names,
)
from index.ingest.normalize import clean, to_simplified
from index.kinds import QueryKind, Wants
from index.wording import expansions, unit_aliases

# Cues are checked in this order; the first field whose cue appears wins.
_FIELD_CUES: tuple[tuple[Wants, str], ...] = (
    (Wants.PROBLEMS, r"问题|困难|难点|短板|不足|瓶颈|障碍|卡在哪|风险"),
    (Wants.PLAN, r"下月|下个月|下一步|下步|接下来|下阶段|今后|后续|打算|计划做|计划怎么|工作计划|下一阶段"),
    (Wants.TASK, r"目标|任务是|任务有|要做什么|做什么|内容是|承诺|要求是|计划.{0,4}(建|改|完成|新增)多少"),
    (Wants.STATUS, r"完成了吗|完成没|建成了吗|建好了吗|建完了吗|做完了吗|好了吗|通车了吗|开通了吗|投用了吗|了没有|了没|是否|"
               r"什么时候|何时|哪天|能不能|有没有完成|完工了吗|落实了吗|到位了吗|进度如何|达标"),
    (Wants.AMOUNT, r"多少|几[个处所家条项次座台批场万千百人户公里]|几|数量|比例|比率|占比|总数|总额|金额|规模"),
    (Wants.PROGRESS, r"进展|进度|情况|怎么样|如何|咋样|动态|推进"),
)
_UNIT_LIST_CUE = re.compile(r"负责|牵头|承担|主办|哪些(实事)?项目|什么项目|几个项目|多少(个)?项目|哪几项|管哪些|分管")
_PER_REGION_CUE = re.compile(r"哪些(地区|区|县|市|城市|地方)|哪(个|几个)(地区|区|县|市|城市|地方)|各(地|区|县|市)|哪里有|分别")
_JOINERS = {"和", "与", "及", "跟", "同", "还有", "以及", "有", "在", "的"}
_COMPARE_JOIN = re.compile(r"[和与及跟、,，]|以及|还有")
# Question words and politeness that never name a topic.
_FILLERS = re.compile(
    r"(?:哪些|哪个|哪几个)(?:地区|区县|区|县|市|城市|地方)有|请问|帮我|帮忙|麻烦|一下|告诉我|我想知道|想了解|想问|查询|查一下|"
    r"完成了吗|建成了吗|建好了吗|好了吗|了没有|怎么样|怎样|咋样|如何|(多少|几)[个处所家条项次座台批场人户元]?|哪些|什么|"
    r"进展情况|进展|进度|情况|现在|目前|已经|一共|总共|分别|是否|有没有|"
    r"存在|问题|下个月|下月|下一步|计划|目标|任务|负责|牵头|承担|哪里|地区|各区|各地|民生实事|实事项目|实事|项目|"
    r"是什么|是多少|有什么|做什么|"
    # Words that point back at an earlier question ("那密云区呢", "它的问题"); a follow-up fills them in.
    r"^那么?|它们的|它的|它|这个项目|该项目|这个|这项|该项|^有(?!线)|"
    r"[吗呢吧啊呀么]$"
)
# A place name in a question: a short stem and an administrative suffix not followed by a character that
# makes it another word (市场, 区域, 市民, 区级, 县城 …).
_PLACE = re.compile(
    r"([\u4e00-\u9fff]{2,4}?)(特别行政区|自治区|自治州|自治县|高新区|开发区|经开区|新区|省|市|区|县|州|旗|盟)"
    r"(?![场域民政级委属内外容长直辖城里中])"
)
# Characters never found in the stem of a place name but common in questions (哪些地区, 在建设…).
_NOT_PLACE_CHARS = set("哪些各每全本该这那什么个几其他你我在建设有的了和是对把被将进行多少")
# Common nouns ending in an admin suffix that name no district.
_NOT_PLACE_ENDS = (
    "城区", "市区", "郊区", "景区", "园区", "校区", "社区", "小区", "片区", "街区", "辖区", "商务区", "功能区",
    "示范区", "保护区", "住宅区", "生活区", "商圈区", "试验区", "集聚区", "服务区", "库区", "厂区", "院区", "新城区",
)


@dataclass(frozen=True)
class Query:
    """What a question asks, in the terms of the index."""

    text: str
    simplified: str
    traditional: bool
    regions: tuple[str, ...] = ()
    uncovered: tuple[str, ...] = ()
    year: int | None = None
    period: str = ""
    lead_units: tuple[str, ...] = ()
    wants: Wants = Wants.PROGRESS
    kind: QueryKind = QueryKind.SINGLE
    topic: str = ""
    expansions: tuple[str, ...] = ()

    @property
    def search_text(self) -> str:
        """Topic plus report wording, the text searched for."""
        return " ".join(p for p in (self.topic, *self.expansions) if p)


def region_names(coverage: Coverage) -> dict[str, str]:
    """Every name of every covered district (full, short, aliases) → the district."""
    names: dict[str, str] = {}
    for region in coverage.regions:
        if not region:
            continue
        names.setdefault(region, region)
        for alias in short_forms(region):
            names.setdefault(alias, region)
    return names


def find_units(text: str, units: tuple[str, ...]) -> tuple[str, ...]:
    """Index lead units a question names, by full name, name without 区/市/县, or a common short name."""
    found: list[str] = []
    cores: list[str] = []
    for short, full_names in unit_aliases().items():
        if short in text:
            cores.extend(full_names)
            cores.append(short)
    for unit in units:
        bare = bare_unit(unit)
        if (len(bare) >= 2 and bare in text) or any(core in bare for core in cores):
            found.append(unit)
    return tuple(found)


def parse_query(text: str, coverage: Coverage, in_reports: Callable[[str], bool] = lambda name: False) -> Query:
    """Understand a question against what the index covers; in_reports tells whether a name occurs in report text."""
    cleaned = clean(text).strip()
    simplified = to_simplified(cleaned)
    rest = simplified

    names = region_names(coverage)
    regions, rest = take_names(rest, names)
    regions = sorted(set(regions), key=lambda r: _first_mention(simplified, r, names))
    # A larger place named (北京, 山东省): the indexed places inside it, unless a district was named too.
    parents, rest = take_names(rest, {name: p for p in region_parents() for name in (p, *short_forms(p))})
    wider: list[str] = []
    for parent in dict.fromkeys(parents):
        wider.extend([r for r in coverage.regions if r in places_within(parent)] or [parent])
    regions = regions or [r for r in dict.fromkeys(wider) if r in coverage.regions]
    # A lead unit's name ("区城市管理委") is not a place, though it reads like one ("区城市").
    masked = rest
    for unit in sorted(find_units(rest, coverage.lead_units), key=len, reverse=True):
        masked = masked.replace(unit, " ").replace(bare_unit(unit), " ")
    places = question_places(masked)
    for place in places:
        rest = rest.replace(place, " ")
    uncovered = tuple(
        [p for p in dict.fromkeys(wider) if p not in coverage.regions and not regions]
        + [p for p in places if p not in coverage.regions and not in_reports(p)]
    )

    year = find_year(rest)
    period = find_period(rest)
    rest = strip_periods(rest)

    units = find_units(rest, coverage.lead_units)
    kind = QueryKind.SINGLE
    if units and _UNIT_LIST_CUE.search(rest):
        kind = QueryKind.UNIT_LIST
        for unit in units:
            rest = rest.replace(bare_unit(unit), " ")
        for short in unit_aliases():
            rest = rest.replace(short, " ")
    elif len(regions) >= 2 and _COMPARE_JOIN.search(simplified):
        kind = QueryKind.COMPARE
    elif not regions and _PER_REGION_CUE.search(simplified):
        kind = QueryKind.PER_REGION

    wanted = next((name for name, cue in _FIELD_CUES if re.search(cue, simplified)), Wants.PROGRESS)
    topic = re.sub(r"\s+", " ", _FILLERS.sub(" ", re.sub(r"[^\w%.]+", " ", rest).strip())).strip()
    # What is left between removed names ("青岛和大兴区的学校" → "和 的学校") is joining words, not topic.
    topic = " ".join(w for w in (t.lstrip("的之") for t in topic.split()) if w and w not in _JOINERS)
    return Query(
        text=text,
        simplified=simplified,
        traditional=simplified != cleaned,
        regions=tuple(regions),
        uncovered=uncovered,
        year=year,
        period=period,
        lead_units=units,
        wants=wanted,
        kind=kind,
        topic=topic,
        expansions=tuple(expansions(simplified)),
    )


def question_places(text: str) -> list[str]:
    """District- or city-like names in a question (from the alias file, or a stem plus an admin suffix)."""
    places, text = take_names(text, region_aliases())
    for match in _PLACE.finditer(text):
        if not (_NOT_PLACE_CHARS & set(match.group(1))) and not match.group(0).endswith(_NOT_PLACE_ENDS):
            places.append(match.group(0))
    return list(dict.fromkeys(places))


def _first_mention(text: str, region: str, names: dict[str, str]) -> int:
    positions = [text.find(name) for name, target in names.items() if target == region and name in text]
    return min(positions) if positions else len(text)
