"""index.ingest.fields: a record's fields tidied, and the lead unit a record's text names in prose."""
from __future__ import annotations

from minsheng.index.ingest.fields import finish, lead_in_prose
from minsheng.index.ingest.records import Record


def test_a_lead_unit_written_in_prose_is_read() -> None:
    assert lead_in_prose("该项目由区民政局牵头,各街道配合实施。") == "区民政局"
    assert lead_in_prose("由市住建局和市城管局负责实施,年底前完成。") == "市住建局、市城管局"
    assert lead_in_prose("责任单位为县教体局。新建幼儿园2所。") == "县教体局"
    assert lead_in_prose("由于天气原因,工期推迟。") == ""  # 由于 is no unit
    assert lead_in_prose("新建幼儿园2所,已完工。") == ""
    # 和 inside a unit's name joins no two units; after a label the name runs to its clause's end.
    assert lead_in_prose("剩余6个小区正在施工,牵头单位为县住房和城乡建设局。") == "县住房和城乡建设局"
    assert lead_in_prose("由市人力资源和社会保障局牵头。") == "市人力资源和社会保障局"
    assert lead_in_prose("责任单位为县文化和旅游局、县体育局。") == "县文化和旅游局、县体育局"


def test_a_column_s_lead_unit_wins_and_prose_fills_a_missing_one() -> None:
    named = finish(Record(item="1", task="由区民政局牵头新建养老驿站5个", lead_unit="区卫健委"))
    assert named.lead_unit == "区卫健委"
    missing = finish(Record(item="2", task="新建养老驿站5个", progress="由区民政局牵头,已建成3个"))
    assert missing.lead_unit == "区民政局"
