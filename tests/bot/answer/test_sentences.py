"""bot.answer.sentences: the sentences and clauses that answer, scored against what the question asks."""
from __future__ import annotations

from minsheng.bot.answer.sentences import best_sentences, split_sentences
from minsheng.index.indexing.catalog import Coverage
from minsheng.index.kinds import Field
from minsheng.index.search.query import parse_query


def test_sentences_keep_bracketed_lists_whole_and_split_run_in_items() -> None:
    text = "5条小巷(城后小区路、檀南胡同;农园路)已开工,完成45%。下步验收。 2.培训1013人次;上岗72人"
    assert split_sentences(text) == [
        "5条小巷(城后小区路、檀南胡同;农园路)已开工,完成45%。", "下步验收。", "2.培训1013人次;", "上岗72人",
    ]


def test_amount_question_picks_the_sentence_with_the_asked_unit() -> None:
    coverage = Coverage({"测试区": ("2024年一季度",)}, {"测试区": 1}, ())
    query = parse_query("测试区口袋公园建了多少个", coverage)
    text = ("完成公园整治方案设计,正在进行步道建设;35个山头公园已全部开工,其中12处已基本完成整治;"
            "28个口袋公园已开工,其中9个已完工;全市40个微更新项目已全面开工。")
    assert best_sentences(text, query) == "28个口袋公园已开工,其中9个已完工;"


def test_amount_question_quotes_the_clause_with_the_asked_verb_and_its_figure() -> None:
    """"完成了几项": the clause writing 完成 with a count in 项, not the total planned that opens the sentence, even when
    a long bracketed list keeps the two apart."""
    coverage = Coverage({"测试县": ("2025年6月",)}, {"测试县": 1}, ())
    query = parse_query("测试县民生行动完成了几项", coverage)
    names = "、".join(f"第{n}号民生行动" for n in range(1, 9))
    text = f"2025年全县40项民生实事中,常态化开展的有4项({names}),截至6月28日,其余36项中,已完成9项({names})。"
    lead = best_sentences(text, query)
    assert "已完成9项" in lead and lead.startswith("…")


def test_long_sentence_is_cut_to_its_best_clauses_with_ellipsis() -> None:
    coverage = Coverage({"测试区": ()}, {"测试区": 1}, ())
    query = parse_query("测试区注册企业有多少", coverage)
    filler = "主任介绍,委员会坚持服务企业,开展走访座谈,协调解决班车停放、餐厅建设、招工难等问题,"
    text = filler * 3 + "截至目前已有注册企业20513家,营业收入512.6亿元," + filler * 2 + "成效明显。"
    lead = best_sentences(text, query, limit=80)
    assert "注册企业20513家" in lead and lead.startswith("…") and len(lead) <= 84


_HERE = Coverage({"测试区": ()}, {"测试区": 1}, ())


def test_why_is_answered_by_the_sentence_giving_the_cause() -> None:
    text = "体育馆:正在地下室主体结构施工,已完成工程量的80%。因春节前地下部分由地铁代建,进度比原计划滞后。目前已恢复正常进度。"
    picked = best_sentences(text, parse_query("测试区体育馆为什么进度比原计划慢", _HERE))
    assert "因春节前地下部分由地铁代建" in picked


def test_which_ones_quotes_the_whole_enumeration_or_the_sentence_naming_the_counted() -> None:
    listed = ("县长答:2009年,我县为民办了10件实事:一是完成43公里通村道路硬化;二是改善村屯基础设施;三是完成人饮工程20处;"
              "四是建设廉租住房100套;五是完成农村改厕2000座。其他工作正常推进。")
    picked = best_sentences(listed, parse_query("测试区2009年为民办了哪10件实事", _HERE))
    assert "通村道路硬化" in picked and "农村改厕2000座" in picked and "其他工作" not in picked
    counted = "提升改造次干道100条。打通民生路等4条断头路。民生路工程、通园街工程、建通街南延工程、贾商路工程已全部完工。路口改造12个。"
    picked = best_sentences(counted, parse_query("测试区打通的4条断头路是哪几条", _HERE))
    assert "通园街工程" in picked and "贾商路工程" in picked


def test_when_prefers_a_day_to_a_month() -> None:
    text = "一期老旧小区管网改造工作于2014年12月完工,验收合格。二期老旧小区管网改造工作于2014年11月14日完工,验收合格。"
    assert best_sentences(text, parse_query("测试区老旧小区管网改造什么时候完工的", _HERE), limit=40).startswith("二期")


def test_a_rank_asked_is_answered_by_the_sentence_giving_it() -> None:
    text = ("县直部门对25个乡镇民生工程实施进度进行了考核评分,现将考核排名情况通报如下。"
            "9月份甲镇、乙镇、丙镇位居全县前三名,丁镇、戊镇、己镇位居全县后三名。其他乡镇进度正常。")
    picked = best_sentences(text, parse_query("测试区民生工程考核排名倒数的是哪个镇", _HERE), limit=60)
    assert "位居全县后三名" in picked and "通报如下" not in picked


def test_people_asked_for_are_counted_in_ming_too() -> None:
    """"帮多少人就业": the sentence counting people as 名 answers, over sentences that hold the topic and other figures."""
    coverage = Coverage({"测试区": ("2024年一季度",)}, {"测试区": 1}, ())
    query = parse_query("测试区社区就业服务帮多少人就业了", coverage)
    text = ("印发社区就业服务工作方案,先期在3个镇、13个社区开展社区就业服务试点。通过社区就业服务,提供岗位推荐等10项服务。"
            "截至目前,累计促进2150名重点群体就业,完成任务的27%。")
    assert "2150名" in best_sentences(text, query)


def test_the_last_of_several_counts_asked_is_the_one_answered() -> None:
    """"那几个村子…拿了多少钱" asks for money, not for villages."""
    coverage = Coverage({"测试县": ("2009年",)}, {"测试县": 1}, ())
    query = parse_query("测试县城边上那几个村子搞基础设施,县里拿了多少钱", coverage)
    assert query.asked_unit == "元"
    text = "完成43公里通村道路硬化,解决9个行政村通油路问题。财政安排资金100万元,改善县城周边5个村屯基础设施。"
    assert "100万元" in best_sentences(text, query)


def test_a_verdict_question_quotes_the_sentence_that_decides_it() -> None:
    """"打完了吗": the sentence saying the whole task is done, not the one telling the work's story."""
    coverage = Coverage({"测试区": ("2022年三季度",)}, {"测试区": 1}, ())
    query = parse_query("测试区那些村新打的水井都打完了吗", coverage)
    text = ("本工程于去年11月3日批准开工建设,原计划打井12眼,其中东村打井1眼后出水量已满足需求,故新建水井由12眼改为11眼"
            "(分别为:东村1眼,西村3眼,南村4眼,北村3眼),目前正在收尾。11眼井已全部完工。")
    assert best_sentences(text, query).startswith("11眼井已全部完工")


def test_a_target_line_is_no_answer_to_what_was_done() -> None:
    """"开工了吗": the 进展 line, not the 年度任务 line holding the topic's words."""
    coverage = Coverage({"测试市": ("2024年一季度",)}, {"测试市": 1}, ())
    query = parse_query("测试市一季度农贸市场改造开工了吗", coverage)
    assert query.wants == "status"
    text = ("农贸市场提升改造,改善群众买菜环境,规范市场经营秩序,推动农贸市场标准化建设。\n年度任务:提升改造农贸市场30个。\n"
            "进展:已完成设计方案18个,项目尚未开工。")
    assert best_sentences(text, query).startswith("进展:已完成设计方案18个")


def test_a_place_inside_the_report_is_answered_by_its_own_figure() -> None:
    """"石峰区建成几个" asked of a city's report: the sentence naming 石峰区, not the city's total holding more of the topic."""
    coverage = Coverage({"测试市": ("2024年上半年",)}, {"测试市": 1}, ())
    query = parse_query("测试市石峰区社区嵌入式养老机构建成几个", coverage, in_reports=lambda name: name == "石峰区")
    text = ("新建社区嵌入式养老服务机构30个,已建成14个。其中石峰区已建成5个,为全市最多;丙区、丁区各建成3个;"
            "戊区建成2个;其余各县的项目正在装修。")
    assert "石峰区已建成5个" in best_sentences(text, query)


def test_problems_of_the_whole_list_are_quoted_from_where_the_text_states_them() -> None:
    coverage = Coverage({"测试县": ("2024年",)}, {"测试县": 1}, ())
    query = parse_query("测试县民生实事存在哪些问题", coverage)
    text = ("10.优化城市公交线网。年度任务:新开通、优化公交线路10条,更新新能源公交车120辆,改造公交站台60个,"
            "新建公交首末站2个,开通定制公交线路5条,推动城乡公交一体化,提升群众出行便利度和满意度。"
            "同时加强公交运营监管,优化发车间隔,延长夜间运营时间,方便群众夜间出行,推广移动支付乘车。"
            "进展:已开通优化公交线路3条,新能源公交车完成招标,公交站台改造完成设计,首末站完成选址,定制公交线路完成调研。"
            "存在问题:一是农贸市场改造涉及商户搬迁,"
            "协调难度大;二是部分县配套资金筹措困难,资金到位率低于10%。")
    assert best_sentences(text, query, Field.PROBLEMS).startswith("存在问题:一是农贸市场改造")
