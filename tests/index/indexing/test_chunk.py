"""Records → chunks on the real reports: context first, token bounds, stable ids."""
from __future__ import annotations

from minsheng.index.indexing.chunk import Chunk, chunk_report, context_line, count_tokens, project_name
from minsheng.index.ingest.normalize import match_key
from minsheng.index.ingest.records import ParsedReport


def test_every_chunk_starts_with_district_period_and_item(reports: dict[str, ParsedReport]) -> None:
    """A table row is never cut away from whose and when it is."""
    parsed = reports["大兴区"]
    chunks = chunk_report(parsed, 512)
    assert sum(not c.is_passage for c in chunks) >= len(parsed.records)
    for chunk in chunks:
        head = chunk.text.splitlines()[0]
        # A record's line names its item; a passage's the heading or item line it falls under.
        assert head.startswith("大兴区 · 2024年一季度" + ("" if chunk.is_passage else " · 第"))
        assert chunk.region == "大兴区" and chunk.year == 2024 and chunk.period == "一季度"
    first = chunks[0]
    assert "牵头 区教委" in first.text.splitlines()[0]
    assert "进展: " in first.text


def test_record_text_is_kept_whole(reports: dict[str, ParsedReport]) -> None:
    """Every record's progress, problems and plan are found in its chunks, word for word."""
    for parsed in reports.values():
        chunks = chunk_report(parsed, 512)
        for number, record in enumerate(parsed.records):
            bodies = [c.text.split("\n", 1)[1] for c in chunks if c.record == number]
            joined = match_key("".join(bodies))
            for text in (record.task, record.progress, record.problems, record.plan):
                assert match_key(text) in joined


def test_long_records_split_with_context_repeated(reports: dict[str, ParsedReport]) -> None:
    """A small budget splits records; every part stays within it and repeats the context line."""
    parsed = reports["密云区"]
    chunks = [c for c in chunk_report(parsed, 120) if not c.is_passage]
    assert len(chunks) > len(parsed.records)
    for chunk in chunks:
        record = parsed.records[chunk.record]
        assert chunk.text.splitlines()[0] == context_line(parsed.report, record)
        assert count_tokens(chunk.text) <= 120 + 5


def test_ids_are_stable_and_unique(reports: dict[str, ParsedReport]) -> None:
    """The same report chunks to the same ids every run; no two chunks share one."""
    parsed = reports["济宁高新区"]
    first = [c.id for c in chunk_report(parsed, 512)]
    again = [c.id for c in chunk_report(parsed, 512)]
    assert first == again
    assert len(set(first)) == len(first)


def test_traditional_report_searched_in_simplified(reports: dict[str, ParsedReport]) -> None:
    """The news page keeps its script in text; search_text is Simplified."""
    chunks = chunk_report(reports["北京城市副中心"], 512)
    assert any("區" in c.text for c in chunks)
    assert all("區" not in c.search_text for c in chunks)
    assert chunks[0].region == "通州区"


def test_metadata_has_no_none(reports: dict[str, ParsedReport]) -> None:
    """Vector stores refuse None metadata values."""
    for parsed in reports.values():
        for chunk in chunk_report(parsed, 512):
            assert all(v is not None for v in chunk.metadata().values())


def test_search_texts_convert_only_traditional_reports(reports) -> None:  # type: ignore[no-untyped-def]
    from minsheng.index.indexing.chunk import chunk_report, search_texts

    chunks = [c for key in ("大兴区", "北京城市副中心") for c in chunk_report(reports[key], 768)]
    texts = search_texts(chunks)
    assert [t for c, t in zip(chunks, texts) if c.region == "大兴区"] == [c.text for c in chunks if c.region == "大兴区"]
    news = [t for c, t in zip(chunks, texts) if c.region == "通州区"]
    assert news and all(t == c.search_text for c, t in zip([c for c in chunks if c.region == "通州区"], news))
    assert any("區" in c.text for c in chunks if c.region == "通州区") and not any("區" in t for t in news)


def test_simplified_text_is_made_once_and_kept_by_the_catalog(reports, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Only Traditional chunks carry a Simplified copy; the catalog keeps it and the vector store never sees it."""
    from minsheng.index.indexing.catalog import read_chunks
    from minsheng.index.indexing.database import Catalog

    chunks = [c for key in ("大兴区", "北京城市副中心") for c in chunk_report(reports[key], 768)]
    assert all(c.simplified == "" for c in chunks if c.region == "大兴区")
    news = [c for c in chunks if c.region == "通州区"]
    assert all(c.simplified and "區" not in c.simplified and c.search_text == c.simplified for c in news)
    assert all("simplified" not in c.metadata() for c in chunks)
    catalog = Catalog.open(tmp_path / "catalog.sqlite", create=True)
    with catalog.write():
        catalog.put_chunks("a", chunks, [""] * len(chunks), [None] * len(chunks))
        catalog.put_meta({"format": 0})
    catalog.close()
    by_id = {c.id: c for c in read_chunks(tmp_path)}
    assert len(by_id) == len(chunks) and all(by_id[c.id] == c for c in chunks)


def test_project_name_prefers_a_named_section_over_a_heading() -> None:
    def chunk(section: str) -> Chunk:
        return Chunk("x-0000-0", "甲区 · 第1项\n任务: 新建急救站点2处,提升急救能力\n进展: 已完工", "a.txt", "报告", "甲区",
                     2024, "一季度", "1", section, "区卫健委", "completed", 0, 0)

    assert project_name(chunk("医疗健康惠民工程")) == "医疗健康惠民工程"
    assert project_name(chunk("一、优化基本公共服务(5件)")) == "新建急救站点2处"


def test_a_passage_of_one_numbered_item_in_prose_belongs_to_its_record() -> None:
    """A numbered item written with its labels ("1. 任务。牵头单位：X。进展：…") is one record; the passage of the same
    words is that record's, though the record keeps the labels' values and not the labels."""
    from minsheng.index.ingest.parse import parse_text

    text = "\n\n".join([
        "武功县2025年民生实事项目三季度进展情况",
        "1. 在城区车站、广场、学校等人员密集场所配置自动体外除颤器50台。牵头单位：县卫生健康局。进展：已完成选址40处，32台已安装到位。",
        "2. 新建城市社区嵌入式养老服务中心3个。牵头单位：县民政局。进展：主体完工2个，1个正在装修。",
        "3. 改造城区老旧小区9个，惠及居民1260户。牵头单位：县住房和城乡建设局。进展：已开工9个，完工5个。",
    ])
    parsed = parse_text(text, "武功县2025年民生实事项目三季度进展情况.txt")
    assert [r.lead_unit for r in parsed.records] == ["县卫生健康局", "县民政局", "县住房和城乡建设局"]
    chunks = chunk_report(parsed, 512)
    owned = {c.record for c in chunks if c.is_passage and "完工5个" in c.text}
    assert owned == {2}
