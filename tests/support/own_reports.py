"""Reports of our own, written for the tests (no corpus report copied): a county's numbered prose list in official
wording, asked about in everyday wording."""
from __future__ import annotations

from pathlib import Path

WUGONG = "武功县2025年民生实事项目三季度进展情况.txt"
WUGONG_TEXT = "\n\n".join([
    "武功县2025年民生实事项目三季度进展情况",
    "截至9月底，县政府确定的5件民生实事总体进展顺利。",
    "1. 在城区车站、广场、学校等人员密集场所配置自动体外除颤器(AED)50台。牵头单位：县卫生健康局。"
    "进展：已完成选址40处，32台已安装到位。",
    "2. 为七至九年级适龄女生提供国产二价人乳头瘤病毒(HPV)疫苗免费接种服务。牵头单位：县卫生健康局。"
    "进展：已完成接种2150人，完成率86%。",
    "3. 新建城市社区嵌入式养老服务中心3个。牵头单位：县民政局。进展：主体完工2个，1个正在装修。",
    "4. 实施农村供水保障工程，新打机井12眼。牵头单位：县水利局。进展：12眼机井已全部完工并通水。",
    "5. 改造城区老旧小区9个，惠及居民1260户。牵头单位：县住房和城乡建设局。进展：已开工9个，完工5个。",
    "存在问题：一是部分项目受持续降雨影响，施工进度放缓；二是个别镇配套资金到位率偏低。",
    "下一步工作安排：县政府督查室每月通报进度，确保12月20日前全面完成年度任务。",
])


def own_corpus(folder: Path) -> Path:
    """A corpus folder holding our own reports."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / WUGONG).write_text(WUGONG_TEXT, "utf-8")
    return folder
