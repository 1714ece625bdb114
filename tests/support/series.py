"""A later report of a real one, as a new report of the same place arrives: the period renamed, figures moved on."""
from __future__ import annotations

from pathlib import Path

from tests.conftest import corpus_file

DAXING_Q1 = "大兴区2024年重要民生实事项目一季度进展情况.txt"
DAXING_Q2 = "大兴区2024年重要民生实事项目二季度进展情况.txt"
# What moved between the quarters: the lifts begun, and one project finished.
MOVED = {"已开工19部": "已开工26部", "通学公交自2月26日": "已全部完成，开通通学公交线路52条。通学公交自2月26日"}


def later_copy(text: str, moved: dict[str, str] = MOVED) -> str:
    """大兴区's 一季度 report as its 二季度 report: the period renamed, the figures in moved changed."""
    text = text.replace("一季度", "二季度")
    for old, new in moved.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def series_corpus(folder: Path) -> Path:
    """A corpus of the real reports plus 大兴区's 二季度 and 萧县's 9月 report reposted by another site under
    another name."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in corpus_file("大兴区").parent.iterdir():
        if path.is_file():
            (folder / path.name).write_bytes(path.read_bytes())
    (folder / DAXING_Q2).write_text(later_copy((folder / DAXING_Q1).read_text("utf-8")), "utf-8")
    # Reposted by another site: its own navigation line and byline around the same report.
    repost = corpus_file("萧县2025年9月").read_text("utf-8")
    (folder / "萧县民生工程9月进展(转载).txt").write_text(
        "首页 > 新闻中心 > 民生动态 > 正文\n" + repost + "\n来源:县民生办 编辑:张三 审核:李四\n", "utf-8")
    return folder


DAXING_NEWS = "大兴区2024年上半年重要民生实事进展.txt"
# 大兴区's next report written as news, in paragraphs, not as the 一季度 report's table.
NEWS = ("大兴区2024年上半年重要民生实事进展\n\n"
        "今年以来，大兴区扎实推进重要民生实事项目。截至6月底，老楼加梯工作稳步推进，已开工26部，群众上下楼更方便。\n\n"
        "通学公交方面，开通通学公交线路52条，服务中小学生上下学。\n\n"
        "下一步，区里将继续加大协调力度，确保全年任务按期完成。\n")


def news_corpus(folder: Path) -> Path:
    """大兴区's 一季度 table report and its next report written as a news article."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DAXING_Q1).write_bytes(corpus_file("大兴区").read_bytes())
    (folder / DAXING_NEWS).write_text(NEWS, "utf-8")
    return folder
