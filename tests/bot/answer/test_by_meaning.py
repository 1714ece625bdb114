"""Questions in everyday wording answered by meaning from a report worded officially (our own report, real model)."""
from __future__ import annotations

from minsheng.bot import texts
from minsheng.index.kinds import Status
from tests.support.answers import ask, first_line


def test_an_everyday_wording_is_answered_from_the_sentence_it_means(own_retriever) -> None:  # type: ignore[no-untyped-def]
    # Far from every bound: evidence 0.14 (< 0.4), similarity 0.79 (≥ 0.75), 0.12 above the median (≥ 0.1).
    answer = ask(own_retriever, "武功县给村民打井吃上水了吗")
    assert not answer.abstained
    assert first_line(answer) == texts.MEANING_CAVEAT
    assert "12眼机井已全部完工并通水" in answer.text


def test_everyday_wordings_find_their_figures(own_retriever) -> None:  # type: ignore[no-untyped-def]
    asked = {"武功县在人多的地方装的急救除颤仪装了几台": "32台", "武功县给小区老房子翻新弄了多少个": "完工5个",
             "武功县初中女生打宫颈癌疫苗的人数": "2150人"}
    for question, figure in asked.items():
        assert figure in ask(own_retriever, question).text, question


def test_words_the_report_uses_need_no_caveat(own_retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(own_retriever, "武功县HPV疫苗接种了多少人")
    assert "2150人" in answer.text
    assert texts.MEANING_CAVEAT not in answer.text


def test_a_topic_the_place_s_report_lacks_is_still_refused(own_retriever) -> None:  # type: ignore[no-untyped-def]
    for question in ("武功县地铁修到哪里了", "武功县今年新建了几座体育馆"):
        assert ask(own_retriever, question).abstained, question


def test_who_leads_is_read_from_the_prose(own_retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(own_retriever, "武功县老小区改造是谁负责的")
    assert "县住房和城乡建设局" in first_line(answer)


def test_a_verdict_is_given_for_a_task_the_text_calls_done(own_retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(own_retriever, "武功县村里吃水的井都打完了吗")
    assert first_line(answer).startswith(texts.STATUS_VERDICTS[Status.COMPLETED])
    assert "已全部完工" in answer.text


def test_a_verdict_counts_what_is_done_against_the_task(own_retriever) -> None:  # type: ignore[no-untyped-def]
    answer = ask(own_retriever, "武功县给老人建的养老服务中心建好了吗")
    assert first_line(answer).startswith(texts.STATUS_VERDICTS[Status.ON_TRACK])
