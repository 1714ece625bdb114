"""Projects a report names in prose: each kind on a paragraph of our own, with its status and evidence."""
from __future__ import annotations

from minsheng.index.ingest.prose_projects import line_projects, prose_projects, reports_work
from minsheng.index.kinds import Status


def _named(text: str) -> dict[str, tuple[Status, str]]:
    return {listed.names[0]: (listed.status, listed.sentence) for listed in prose_projects(text)}


def test_bullets_flattened_into_a_paragraph() -> None:
    text = ("要点 - 社区食堂:新增12个社区食堂 [1] - 托育服务:新增托位300个 [2] 城市建设 - 口袋公园:"
            "新建口袋公园8个 [3] - 工作机制:通过督查调度等措施保障民生实事高效推进 [4]")
    named = _named(text)
    assert list(named) == ["社区食堂", "托育服务", "口袋公园"]  # the last speaks of the list as a whole
    assert named["口袋公园"][1] == "口袋公园:新建口袋公园8个"  # its source marks end it; the heading after is not its


def test_an_enumeration_after_the_count_done_when_the_count_says_so() -> None:
    named = _named("去年,我镇为群众办了3件实事:一是硬化村道12公里;二是新建卫生室2所;三是改造危房40户。")
    assert list(named) == ["硬化村道12公里", "新建卫生室2所", "改造危房40户"]
    assert {status for status, _ in named.values()} == {Status.COMPLETED}
    pending = _named("今年要办好3件实事:一是新建卫生室2所,正在施工;二是改造危房40户,尚未启动;三是硬化村道。")
    assert pending["新建卫生室2所,正在施工"][0] == Status.ON_TRACK
    assert pending["改造危房40户,尚未启动"][0] == Status.NOT_STARTED


def test_names_in_brackets_as_many_as_counted() -> None:
    named = _named("20项实事中,已完成3项(村道硬化、危房改造、卫生室建设),常态化开展的有2项(文艺下乡;义诊)。")
    assert [n for n, (s, _) in named.items() if s == Status.COMPLETED] == ["村道硬化", "危房改造", "卫生室建设"]
    assert named["危房改造"][1] == "已完成3项(村道硬化、危房改造、卫生室建设)"
    assert named["文艺下乡"][0] == Status.UNKNOWN and "义诊" not in named  # no state said; too short to name one
    assert not _named("已完成3项(村道硬化、危房改造)。")  # two names for a count of three: not this list


def test_an_announced_list_below_or_after_its_colon() -> None:
    below = _named("三季度新增完成的3项工作包括:\n在交通方面,新开通公交线路5条;完成道路改造12公里;新建停车场2处。")
    assert list(below) == ["新开通公交线路5条", "完成道路改造12公里", "新建停车场2处"]
    assert {status for status, _ in below.values()} == {Status.COMPLETED}
    inline = _named("其中进度滞后的有2项:老年食堂建设完成4个;污水管网改造完成30%。")
    assert [status for status, _ in inline.values()] == [Status.BEHIND, Status.BEHIND]


def test_sentences_opening_with_a_project_s_name() -> None:
    named = _named("安居工程中,已开工保障房300套。助学工程中,完成方案编制,正在组织招标。")
    assert named["安居工程"][0] == Status.ON_TRACK and named["助学工程"][0] == Status.NOT_STARTED


def test_lines_or_sentences_each_reporting_work() -> None:
    text = ("全县民生实事进展顺利。\n新建村级养老服务站6个,已投入使用4个。举办技能培训班12期,培训1500人次。\n"
            "下一步将继续加大推进力度。")
    found = line_projects(text)
    assert [listed.names[0] for listed in found] == ["新建村级养老服务站6个,已投入使用4个", "举办技能培训班12期,培训1500人次"]
    assert not line_projects("新建村级养老服务站6个,已投入使用4个。")  # one is the paragraph's own project
    assert reports_work("开展“文明有礼”暑期主题实践活动") and not reports_work("对25个乡镇实施进度考核评分")
