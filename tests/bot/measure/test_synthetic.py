"""The synthetic corpus for the scale benchmark: real reports under made-up districts, every figure changed."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from minsheng.bot.measure.synthetic import (
    disguise,
    disguise_report,
    district_names,
    name_capacity,
    replace_names,
    synthesize,
    write_corpus,
)
from minsheng.index.indexing.catalog import Coverage
from minsheng.index.ingest.corpus import corpus_files
from minsheng.index.ingest.load import load_report, parse_bytes
from minsheng.index.ingest.records import ParsedReport
from minsheng.index.places import COUNTY, gazetteer
from minsheng.index.script import to_simplified, to_traditional
from minsheng.index.search.query import parse_query
from tests.conftest import CORPUS, corpus_file

KEYS = ["密云区", "青岛市", "大兴区", "济宁高新区", "北京城市副中心"]
REAL_REGIONS = ("密云区", "青岛市", "大兴区", "济宁高新区", "通州区")
NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")


@pytest.fixture(scope="module")
def real_pairs() -> list[tuple[str, str]]:
    """The five seed reports as (file name, text) pairs."""
    return [(path.name, path.read_text("utf-8")) for path in map(corpus_file, KEYS)]


@pytest.fixture(scope="module")
def forbidden(real_pairs: list[tuple[str, str]]) -> str:
    """Every real file name and text, the words a synthetic stem must not be."""
    return "\n".join(part for pair in real_pairs for part in pair)


@pytest.fixture(scope="module")
def new_names(forbidden: str) -> list[str]:
    """A made-up 区, 县 and 市, the last to check that a 市 replacing a 区 (and the reverse) still parses."""
    names = district_names(200, seed=7, avoid=REAL_REGIONS, forbidden_text=forbidden)
    return [next(n for n in names if n.endswith(suffix)) for suffix in "区县市"]


def all_forms(path: tuple[str, ...]) -> set[str]:
    """Every spelling of a real place and of the city it lies in: full, aliases, short forms, and those of a zone
    sharing its government, each in Simplified and Traditional."""
    gaz = gazetteer()
    place = gaz.by_path(path)
    assert place is not None
    twins = [p for p in gaz.places.values() if p.same_as == place.code]
    city = [gaz.path(place)[-2]] if len(path) == 3 else []
    forms = {name for p in (place, *twins, *city) for name in gaz.names(p)}
    return {f for form in forms for f in (form, to_traditional(form), to_simplified(form))}


def items(parsed: ParsedReport) -> list[str]:
    return [r.item for r in parsed.records]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("suffix_index", [0, 1, 2])
def test_disguised_report_parses_like_the_real_one(
    reports: dict[str, ParsedReport], new_names: list[str], key: str, suffix_index: int
) -> None:
    """Same shape, record count and item numbers; the district read (title, caption or file name) is the new one."""
    real = reports[key]
    path = corpus_file(key)
    new_name = new_names[suffix_index]
    file_name, text = disguise_report(path.name, path.read_text("utf-8"), [real.report.place], new_name, seed=3)
    parsed = parse_bytes(text.encode("utf-8"), file_name)
    assert parsed.shape == real.shape
    assert len(parsed.records) == len(real.records)
    assert items(parsed) == items(real)
    assert parsed.report.region == new_name
    assert parsed.report.year != real.report.year and 2015 <= parsed.report.year <= 2030
    assert [r.status for r in parsed.records] == [r.status for r in real.records]


def test_the_region_is_read_from_where_the_real_one_was(reports: dict[str, ParsedReport], new_names: list[str]) -> None:
    """青岛's region comes from its file name, 济宁's from the notice title joined from two lines, 通州's from the
    alias 北京城市副中心 in a Traditional headline: all three carry the new name there."""
    new_name = new_names[0]
    for key in ("青岛市", "济宁高新区", "北京城市副中心"):
        path = corpus_file(key)
        real = reports[key]
        file_name, text = disguise_report(path.name, path.read_text("utf-8"), [real.report.place], new_name, seed=4)
        parsed = parse_bytes(text.encode("utf-8"), file_name)
        if key == "青岛市":
            assert real.report.title == path.stem and parsed.report.title == Path(file_name).stem
        if key == "济宁高新区":
            assert parsed.report.title == real.report.title.replace("济宁高新区", new_name).replace(
                str(real.report.year), str(parsed.report.year))
        if key == "北京城市副中心":
            assert to_traditional(new_name) in parsed.report.title
            assert "通州區" not in text and to_traditional(new_name) in text
        assert parsed.report.region == new_name


def test_no_real_name_remains(real_pairs: list[tuple[str, str]], reports: dict[str, ParsedReport]) -> None:
    """No spelling of any real district, in the text (as written or simplified) or the file name."""
    forms = {f for key in KEYS for f in all_forms(reports[key].report.place)}
    assert {"通州區", "通州", "城市副中心", "济宁高新", "济宁", "青岛", "密云"} <= forms
    pairs = synthesize(real_pairs, 3, seed=5)
    for name, text in pairs:
        for form in forms:
            assert form not in name, (name, form)
            assert form not in text and form not in to_simplified(text), (name, form)


def _structural(text: str, start: int, end: int) -> bool:
    """Whether a number in the real text is an item number or list marker (the only numbers allowed to stay)."""
    line = text[text.rfind("\n", 0, start) + 1 : start]
    after = text[end : end + 3]
    if re.search(r"第\s*$", text[:start]) and re.match(r"\s*[项件]", after):
        return True
    if re.fullmatch(r"[\s|]*", line) and re.match(r"[ \t]*(?:$|\n|\||\t|[.、](?!\d))", after):
        return True
    return bool(re.search(r"[\s|。；;：:！？!?，,]$", line) and re.match(r"[.、](?!\d)", after))


@pytest.mark.parametrize("key", KEYS)
def test_every_figure_changes(reports: dict[str, ParsedReport], new_names: list[str], key: str) -> None:
    """Number by number: only item numbers survive; widths, leading zeros, years, dates and shares stay valid."""
    real = reports[key]
    original = corpus_file(key).read_text("utf-8")
    names_only = replace_names(original, [real.report.place], new_names[1])
    changed = disguise(original, [real.report.place], new_names[1], seed=11)
    # Only digit runs differ from the text with names replaced: align them one to one.
    assert NUMBER.sub("#", names_only) == NUMBER.sub("#", changed)
    old_numbers = [(m.group(0), m.start(), m.end()) for m in NUMBER.finditer(names_only)]
    new_numbers = NUMBER.findall(changed)
    assert len(old_numbers) == len(new_numbers) > 20
    kept, figures, new_year = 0, 0, None
    for (old, start, end), new in zip(old_numbers, new_numbers):
        structural = _structural(names_only, start, end)
        if old == new:
            assert structural, f"figure {old} kept at {names_only[max(0, start - 15):end + 5]!r}"
            kept += 1
            continue
        figures += 1
        after = names_only[end : end + 2]
        before = names_only[max(0, start - 1) : start]
        is_percent = after.startswith("%")
        if not (is_percent and len(old.split(".")[0]) == 3 and int(old.split(".")[0]) <= 100):
            assert len(old) == len(new) and ("." in old) == ("." in new), (old, new)
        if new.startswith("0") and len(new.split(".")[0]) > 1:
            assert old.startswith("0"), (old, new)
        if is_percent:
            assert (float(new) <= 100) == (float(old) <= 100), (old, new)
        if re.fullmatch(r"(19|20)\d\d", old) and after.startswith("年"):
            assert 2015 <= int(new) <= 2030
            if int(old) == real.report.year:
                assert new_year in (None, new), "the report's year maps to one new year"
                new_year = new
        if after.startswith("月") and len(old) <= 2 and not before.isdigit():
            assert 1 <= int(new) <= 12, (old, new)
        if after.startswith("日") and before == "月":
            assert 1 <= int(new) <= 28, (old, new)
    assert new_year is not None
    # Of the numbers that are figures (item numbers and list markers aside), the fraction left unchanged: none.
    assert figures > 20 and kept / (kept + figures) < 0.5
    assert sum(1 for (o, s, e), n in zip(old_numbers, new_numbers) if o == n and not _structural(names_only, s, e)) == 0


def test_figure_rules_on_a_small_text() -> None:
    """Dates stay dates, a month range stays ordered, shares stay on their side of 100%, full-width digits stay
    full-width, leading zeros only where there was one, item numbers and list markers stay."""
    text = (
        "丰丘区2021年1-9月进展情况\n第3项\t2021年12月28日19时20分开工,2季度完成100%,全年任务131%,完成45.5%。\n"
        "7 |\n编号YZ00-0801,〔2021〕号,２０２１年完成３０处。 2.其他工作\n"
    )
    for seed in range(30):
        out = disguise(text, [], "丰丘区", seed)
        m = re.fullmatch(
            r"丰丘区(\d{4})年(\d)-(\d)月进展情况\n第3项\t(\d{4})年(\d\d)月(\d\d)日(\d\d)时(\d\d)分开工,(\d)季度完成(\d+)%,"
            r"全年任务(\d{3})%,完成(\d\d\.\d)%。\n7 \|\n编号YZ(\d\d)-(\d{4}),〔(\d{4})〕号,([０-９]{4})年完成([０-９]{2})处。 2\.其他工作\n",
            out,
        )
        assert m, out
        (year, start, end, year2, month, day, hour, minute, quarter, full, over, part, zz, code, doc_year, fw_year,
         fw) = m.groups()
        assert year == year2 == doc_year == fw_year.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        assert year != "2021" and 2015 <= int(year) <= 2030
        assert 1 <= int(start) < int(end) <= 12 and (start, end) != ("1", "9") and start != "1" and end != "9"
        assert 10 <= int(month) <= 12 and month != "12" and 10 <= int(day) <= 28 and day != "28"
        assert 10 <= int(hour) <= 23 and hour != "19" and 10 <= int(minute) <= 59 and minute != "20"
        assert 1 <= int(quarter) <= 4 and quarter != "2"
        assert 10 <= int(full) <= 99 and 101 <= int(over) <= 199 and over != "131" and part != "45.5"
        assert zz != "00" and code != "0801"
        assert fw != "３０" and not fw.startswith("０")


def test_item_numbers_stay(reports: dict[str, ParsedReport], new_names: list[str]) -> None:
    """第N项 / 第N件 and row numbers are kept verbatim, so the records keep their numbers."""
    for key, marker in (("大兴区", "第{}项"), ("青岛市", "第{}件")):
        real = reports[key]
        text = disguise(corpus_file(key).read_text("utf-8"), [real.report.place], new_names[0], seed=2)
        for item in items(real):
            assert marker.format(item) in text
    real = reports["密云区"]
    text = disguise(corpus_file("密云区").read_text("utf-8"), [("北京市", "密云区")], new_names[0], seed=2)
    rows = re.findall(r"^(\d+) \|$", text, flags=re.MULTILINE)
    assert rows == [str(n) for n in range(1, len(real.records) + 1)]


def test_same_seed_same_output_other_seed_other_output(real_pairs: list[tuple[str, str]], forbidden: str) -> None:
    """Deterministic given a seed, different under another."""
    assert synthesize(real_pairs, 2, seed=0) == synthesize(real_pairs, 2, seed=0)
    one, other = synthesize(real_pairs, 2, seed=0), synthesize(real_pairs, 2, seed=1)
    assert [n for n, _ in one] != [n for n, _ in other]
    assert all(a != b for (_, a), (_, b) in zip(one, other))
    assert district_names(50, seed=3, forbidden_text=forbidden) == district_names(50, seed=3, forbidden_text=forbidden)
    assert district_names(50, seed=3, forbidden_text=forbidden) != district_names(50, seed=4, forbidden_text=forbidden)
    text = corpus_file("密云区").read_text("utf-8")
    real = [("北京市", "密云区")]
    assert disguise(text, real, "德清县", 1) == disguise(text, real, "德清县", 1)
    assert disguise(text, real, "德清县", 1) != disguise(text, real, "德清县", 2)


@pytest.fixture(scope="module")
def a_thousand(forbidden: str) -> list[str]:
    return district_names(1000, seed=0, avoid=REAL_REGIONS, forbidden_text=forbidden)


def test_a_thousand_names_are_real_and_new(a_thousand: list[str], forbidden: str) -> None:
    """Distinct real counties of the gazetteer, each China's only place of its name, said by its two-character short
    form, which names only it; none of the real reports' places, none a word of their text."""
    names = a_thousand
    assert len(names) == len(set(names)) == 1000
    gaz = gazetteer()
    simplified_corpus = to_simplified(forbidden)
    for name in names:
        assert re.fullmatch(r"[\u4e00-\u9fff]{2}[区县市]", name)
        (place,) = gaz.named(name)
        assert place.level == COUNTY and gaz.short_form(place) == name[:2] and gaz.named(name[:2]) == [place]
        assert name not in REAL_REGIONS
        assert name[:2] not in forbidden and name[:2] not in simplified_corpus
        assert to_simplified(to_traditional(name)) == name
    assert len({n[:2] for n in names}) == 1000
    assert name_capacity(REAL_REGIONS, forbidden) >= 1000
    with pytest.raises(ValueError):
        district_names(name_capacity(REAL_REGIONS, forbidden) + 1, avoid=REAL_REGIONS, forbidden_text=forbidden)


def _coverage(regions: list[str]) -> Coverage:
    gaz = gazetteer()
    paths = {r: tuple(p.name for p in gaz.path(gaz.named(r)[0])) for r in regions if len(gaz.named(r)) == 1}
    return Coverage(regions={r: ("2022年三季度",) for r in regions}, reports={r: 1 for r in regions}, lead_units=(),
                    paths=paths)


def test_the_query_parser_reads_each_name_as_itself(a_thousand: list[str]) -> None:
    """A question naming a synthetic district (full or short, Simplified or Traditional) asks about exactly it, with
    the real districts and other synthetic ones indexed too; a question naming a real district still gets the real one.
    The names are asked in indexes of 200, a sample against all 1,000."""
    for group in range(0, 1000, 200):
        names = a_thousand[group : group + 200]
        coverage = _coverage([*names, *REAL_REGIONS])
        for name in names:
            query = parse_query(f"{name}养老服务进展", coverage)
            assert query.regions == (name,), (name, query.regions)
            assert query.uncovered == ()
    coverage = _coverage([*a_thousand, *REAL_REGIONS])
    for name in a_thousand[::25]:
        assert parse_query(f"{name}养老服务进展", coverage).regions == (name,)
        assert parse_query(f"{name[:2]}的学校建设怎么样", coverage).regions == (name,)
        assert parse_query(f"{to_traditional(name)}公園建設進展如何", coverage).regions == (name,)
    assert parse_query("密云区养老服务进展", coverage).regions == ("密云区",)
    assert parse_query("北京城市副中心的家园中心建成了吗", coverage).regions == ("通州区",)
    assert parse_query("济宁高新区的托育机构", coverage).regions == ("济宁高新区",)
    # Across groups: no synthetic name or short form sits inside another district's question.
    forms = {*a_thousand, *(n[:2] for n in a_thousand)}
    for name in a_thousand:
        question = f"{name}养老服务进展"
        inside = {question[i : i + k] for k in (2, 3) for i in range(len(question) - k + 1)} & forms
        assert inside == {name, name[:2]}, (name, inside)


def test_synthesize_three_districts(real_pairs: list[tuple[str, str]], reports: dict[str, ParsedReport]) -> None:
    """3 districts × 5 report shapes = 15 files with unique names and the original suffix; each district has all five."""
    pairs = synthesize(real_pairs, 3, seed=0)
    assert len(pairs) == 15
    assert len({name for name, _ in pairs}) == 15
    assert all(name.endswith(".txt") for name, _ in pairs)
    by_region: dict[str, list[str]] = {}
    for name, text in pairs:
        parsed = parse_bytes(text.encode("utf-8"), name)
        by_region.setdefault(parsed.report.region, []).append(parsed.shape)
    assert len(by_region) == 3
    assert not set(by_region) & set(REAL_REGIONS)
    real_shapes = sorted(p.shape for p in reports.values())
    assert all(sorted(shapes) == real_shapes for shapes in by_region.values())


def test_write_corpus(tmp_path: Path, real_pairs: list[tuple[str, str]]) -> None:
    """Files land as UTF-8 under their names and load as reports; a name with a path in it is refused."""
    pairs = synthesize(real_pairs, 1, seed=9)
    write_corpus(pairs, tmp_path / "synthetic")
    files = corpus_files(tmp_path / "synthetic")
    assert sorted(p.name for p in files) == sorted(n for n, _ in pairs)
    for path, (_, text) in zip(sorted(files), sorted(pairs)):
        assert path.read_bytes() == text.encode("utf-8")
        assert load_report(path).records
    with pytest.raises(ValueError):
        write_corpus([("../escape.txt", "x")], tmp_path / "other")


def test_two_reports_of_one_place_disguised_alike_get_two_names() -> None:
    """萧县's June and September reports differ in one month in their names; disguised, both months may become the
    same one: the second file is numbered apart instead of the corpus failing to build."""
    from minsheng.bot.measure.synthetic import placed, synthesize

    series = placed([(p.name, p.read_text("utf-8")) for p in sorted(CORPUS.glob("萧县*"))])
    assert len(series) == 2
    names = [name for name, _ in synthesize(series, 100, 0)]
    assert len(names) == len(set(names)) == 200
