"""index/search/filters.py: the rows a question's filters allow, their store filter, and notes on those it could
not apply."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from minsheng.index.indexing.chunk import Chunk
from minsheng.index.kinds import QueryKind
from minsheng.index.search.filters import Filters
from minsheng.index.search.query import Query

BASE = Chunk(id="", text="", source="", report="", region="", year=2024, period="", item="1", section="",
             lead_unit="", status="", record=0, part=0)
# (source, region, year, period, last month, lead unit, places named, text)
ROWS = [
    ("甲区一季度.txt", "甲区", 2024, "一季度", 3, "区民政局", "", "养老驿站建设"),
    ("甲区一季度.txt", "甲区", 2024, "一季度", 3, "区教委", "", "学校改造"),
    ("甲区6月.txt", "甲区", 2024, "6月", 6, "区民政局、区财政局", "", "养老驿站运营"),
    ("乙市2023.txt", "乙市", 2023, "全年", 12, "市住建委", "丙县", "丙县老旧小区改造"),
    ("乙市2023.txt", "乙市", 2023, "全年", 12, "市住建委", "", "丁镇道路维修"),
]
CHUNKS = [replace(BASE, id=f"c{i}", source=source, report=source[:-4], region=region, year=year, period=period,
                  last_month=last, lead_unit=unit, places=places, text=text, record=i)
          for i, (source, region, year, period, last, unit, places, text) in enumerate(ROWS)]
QUERY = Query("问", "问", False)


def allowed(query: Query, keep: np.ndarray | None = None) -> tuple[list[int], dict | None, list[tuple[str, str]]]:
    filters = Filters(CHUNKS, [c.text for c in CHUNKS])
    rows, where, notes = filters.allowed(query, np.ones(len(CHUNKS), dtype=bool) if keep is None else keep)
    return rows.tolist(), where, [(n.kind, n.value) for n in notes]


def test_no_filter_allows_every_row_it_is_given() -> None:
    assert allowed(QUERY) == ([0, 1, 2, 3, 4], None, [])
    assert allowed(QUERY, np.array([True, False, True, True, False]))[0] == [0, 2, 3]


def test_places_and_a_year_filter_as_rows_and_as_a_store_filter() -> None:
    assert allowed(replace(QUERY, regions=("甲区",))) == ([0, 1, 2], {"region": {"$in": ["甲区"]}}, [])
    assert allowed(replace(QUERY, regions=("甲区", "乙市"), year=2023)) == (
        [3, 4], {"$and": [{"region": {"$in": ["甲区", "乙市"]}}, {"year": 2023}]}, [])


def test_a_year_the_index_lacks_is_noted_and_not_applied() -> None:
    assert allowed(replace(QUERY, regions=("甲区",), year=2019)) == (
        [0, 1, 2], {"region": {"$in": ["甲区"]}}, [("period", "2019年")])


def test_a_period_asked_in_other_words_is_the_report_ending_in_its_month() -> None:
    """"二季度" ends in June: 甲区's "6月" report answers, with no note."""
    rows, where, notes = allowed(replace(QUERY, regions=("甲区",), period="二季度"))
    assert (rows, notes) == ([2], [])
    assert where == {"$and": [{"region": {"$in": ["甲区"]}}, {"period": {"$in": ["6月"]}}]}


def test_a_period_no_report_ends_in_gets_each_places_nearest_report_and_a_note() -> None:
    """"三季度" (ends in September) of a place reported on in March and June: June's report, the nearest."""
    rows, where, notes = allowed(replace(QUERY, regions=("甲区",), period="三季度"))
    assert (rows, notes) == ([2], [("period", "三季度")])
    assert where == {"$and": [{"region": {"$in": ["甲区"]}}, {"period": {"$in": ["6月"]}}]}


def test_a_place_inside_a_report_is_the_records_naming_it() -> None:
    """丙县 is named by one record of 乙市's report: that record, noted with the report holding it; a place no record
    names but a text does is found in the texts."""
    assert allowed(replace(QUERY, inside=("丙县",))) == ([3], None, [("inside", "丙县"), ("inside_report", "乙市")])
    assert allowed(replace(QUERY, inside=("丁镇",)))[0] == [4]
    assert allowed(replace(QUERY, inside=("戊乡",)))[0] == [0, 1, 2, 3, 4]


def test_a_lead_units_list_is_the_records_it_leads() -> None:
    """A unit leading with another ("区民政局、区财政局") counts as leading."""
    query = replace(QUERY, kind=QueryKind.UNIT_LIST, lead_units=("区民政局",))
    assert allowed(query)[0] == [0, 2]
    assert allowed(replace(query, lead_units=("区文旅局",)))[0] == []
