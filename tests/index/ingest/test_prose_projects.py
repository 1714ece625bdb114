"""Projects a report names in prose: each kind on a paragraph of our own, with its status and evidence."""
from __future__ import annotations

from minsheng.index.ingest.prose_projects import (
    designated_projects,
    line_projects,
    mentioned_projects,
    prose_projects,
    reports_work,
)
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


def test_projects_a_news_section_designates_with_their_own_status() -> None:
    """A section under a journalist's headline says which project it reports: the quoted name (with the words closing
    it), its status from the sentences naming it; one sentence designating several says nothing of each."""
    one = designated_projects("区委把“加快推进滨河路建设”作为重点任务,每月调度。滨河路已于5月开工建设。")
    # Its words are not repeated after: nothing said of it by name (the section's record keeps its own status).
    assert [(d.names[0], d.status) for d in one] == [("加快推进滨河路建设", Status.UNKNOWN)]
    built = designated_projects("“城市书房”建设是区里承担的最大民生实事工程。目前“城市书房”主体已完工,正在推进内部装修。")
    assert built[0].names == ("“城市书房”建设",) and built[0].status == Status.ON_TRACK
    assert built[0].sentence == "目前“城市书房”主体已完工"  # the phrase deciding it, not the designating sentence
    rated = designated_projects("其中,“建设乡村‘致富路’”等4项民生实事项目获评“满意”,“实施校舍扩容工程”等3项民生实事项目获评“基本满意”。")
    assert [(d.names[0], d.status) for d in rated] == [("建设乡村‘致富路’", Status.UNKNOWN), ("实施校舍扩容工程", Status.UNKNOWN)]
    listed = designated_projects("区民政局建立5项为民办实事项目清单,其中就包括为独居老人安装“一键通”呼叫系统以及打造“阳光少年”关爱品牌。"
                                 "“阳光少年”项目已开展活动120场。")
    assert [d.names[0] for d in listed] == ["为独居老人安装“一键通”呼叫系统", "打造“阳光少年”关爱品牌"]
    assert listed[1].status == Status.ON_TRACK and listed[0].status == Status.UNKNOWN
    assert not designated_projects("区委把群众满意作为工作的出发点。")  # nothing quoted, nothing designated


def test_names_of_the_list_s_kind_mentioned_among_others() -> None:
    """Where projects are sentences opening with their names, another name of the same kind said among others in a
    sentence is on the list too; a name of the whole list or a word that only ends like one is not."""
    text = ("截至3月底,今年20项民心工程进展顺利。其中,助学工程和安居工程中的两项具体工作已完成。\n"
            "安居工程中,已开工保障房300套。就业工程中,新增就业9000人。完成总工程量的40%。")
    listed = prose_projects(text)
    assert [one.names[0] for one in listed] == ["安居工程", "就业工程"]
    more = mentioned_projects(text, listed)
    assert [one.names[0] for one in more] == ["助学工程"]
    assert more[0].sentence == "其中,助学工程和安居工程中的两项具体工作已完成。"
    assert not mentioned_projects(text, listed[:1])  # one opening is no list of such names


def test_a_rate_reached_is_work_reported_and_a_plan_is_not_under_way() -> None:
    """A rate or a change stated reports work; such a line with no word on its target is under way, unless it only
    plans the work."""
    assert reports_work("公办幼儿园在园幼儿数占比约42.33%") and reports_work("工业煤炭消费同比减少约53万吨")
    assert not reports_work("占比逐年提高")
    found = line_projects("全市公办幼儿园在园幼儿数占比约42.33%。全市新建家庭养老床位148张,社区养老机构31间。"
                          "年初计划向困难妇女发放救助金1520万元,覆盖768人。")
    assert [(one.names[0][:6], one.status) for one in found] == [
        ("全市公办幼儿", Status.ON_TRACK), ("全市新建家庭", Status.ON_TRACK), ("年初计划向困", Status.UNKNOWN)]
