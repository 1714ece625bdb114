"""The `minsheng records` command: JSON contract, text output, one-line errors."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from minsheng.bot.cli import format_check, main
from minsheng.index.ingest import check_report, parse_text, read_text
from tests.conftest import CORPUS, ROOT, corpus_file

RECORD_FIELDS = ["item", "section", "task", "lead_unit", "units", "leader", "progress", "problems", "plan", "status", "ratio",
                 "history", "places"]


def test_records_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one object with exactly the documented field names."""
    assert main(["records", str(corpus_file("大兴区")), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["report", "records"]
    assert list(data["report"]) == ["title", "region", "year", "period", "source", "place", "months"]
    assert data["report"]["region"] == "大兴区"
    assert data["report"]["place"] == ["北京市", "大兴区"] and data["report"]["months"] == [1, 3]
    assert len(data["records"]) == 22
    assert all(list(r) == RECORD_FIELDS for r in data["records"])
    assert data["records"][8]["ratio"] == 0.4
    assert data["records"][0]["history"] == []


def test_records_text(capsys: pytest.CaptureFixture[str]) -> None:
    """The text form names the district, period and each record's fields."""
    assert main(["records", str(corpus_file("济宁高新区"))]) == 0
    out = capsys.readouterr().out
    assert "地区 济宁高新区 · 2021年 · 1-9月" in out
    assert "问题: 项目土地手续尚未办结" in out
    assert "计划: 按需配送文化大餐" in out


def test_corpus_summary(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Without FILE: one line per corpus file; a broken file is named and the rest still parse."""
    corpus = tmp_path / "reports"
    corpus.mkdir()
    for path in CORPUS.iterdir():
        (corpus / path.name).write_bytes(path.read_bytes())
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02" * 50)
    (tmp_path / "config.toml").write_text('[paths]\ncorpus = "reports"\n', "utf-8")
    assert main(["--config", str(tmp_path / "config.toml"), "records"]) == 1
    out = capsys.readouterr().out
    assert "FAILED  broken.txt: binary data, not a text report" in out
    files = len(list(CORPUS.iterdir()))
    assert f"{files} of {files + 1} files parsed" in out
    assert "31 records" in out


def test_file_names_cannot_forge_lines_or_drive_the_terminal(capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    """A corpus file named with a newline, ESC, BEL or CR is listed on one line with those escaped."""
    corpus = tmp_path / "reports"
    corpus.mkdir()
    daxing = corpus_file("大兴区")
    (corpus / f"fake.txt\nremoved  {daxing.name}").write_bytes(daxing.read_bytes())
    (corpus / "bad\x1b[2J\x07\r.txt").write_bytes(b"\x00\x01\x02" * 50)
    (tmp_path / "config.toml").write_text('[paths]\ncorpus = "reports"\n', "utf-8")
    assert main(["--config", str(tmp_path / "config.toml"), "records"]) == 1
    out = capsys.readouterr().out
    assert not any(line.startswith("removed") for line in out.splitlines())
    assert f"fake.txt\\nremoved  {daxing.name}" in out
    assert "bad\\x1b[2J\\x07\\r.txt" in out
    assert not any(c in out for c in "\x1b\x07\r")


def test_corpus_summary_refuses_links_out_of_the_corpus_and_pipes(capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    """`records` without FILE lists what the index would refuse: a link leaving the corpus, a FIFO; never reads them."""
    corpus = tmp_path / "reports"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes(corpus_file("大兴区").read_bytes())
    (tmp_path / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", "utf-8")
    (corpus / "report.txt").symlink_to(tmp_path / "passwd")
    os.mkfifo(corpus / "pipe.txt")
    (tmp_path / "config.toml").write_text('[paths]\ncorpus = "reports"\n', "utf-8")
    assert main(["--config", str(tmp_path / "config.toml"), "records"]) == 1
    out = capsys.readouterr().out
    assert "FAILED  pipe.txt: is a named pipe (FIFO), not a report file; it is not read" in out
    assert "FAILED  report.txt: is a symbolic link to " in out and "root:x" not in out
    assert "1 of 3 files parsed" in out
    assert main(["records", str(corpus / "pipe.txt")]) == 1
    assert "minsheng: error: pipe.txt: is a named pipe (FIFO)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "the file is empty"), (os.urandom(0) + bytes(range(256)) * 20, "binary")],
)
def test_unreadable_file_is_one_line_error(tmp_path: Path, content: bytes, message: str) -> None:
    """A file that cannot be read gives one line naming it, exit 1, no traceback."""
    bad = tmp_path / "坏文件.txt"
    bad.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "minsheng.bot.cli", "records", str(bad)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("minsheng: error: 坏文件.txt:") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist is named in the error."""
    assert main(["records", "no-such-report.txt"]) == 1
    assert capsys.readouterr().err.strip() == "minsheng: error: no-such-report.txt: no such file"


ASK_KEYS = ["question", "answer", "abstained", "sources", "citations", "composer"]
SOURCE_KEYS = ["id", "report", "region", "period", "item", "lead_unit", "text", "score"]


def test_index_json_reports_changes_and_failures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """`index --json`: the last line is the documented object; a broken file is listed, the rest indexed."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / corpus_file("大兴区").name).write_bytes(corpus_file("大兴区").read_bytes())
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02\xff" * 300)
    monkeypatch.setenv("MINSHENG_CORPUS", str(corpus))
    monkeypatch.setenv("MINSHENG_INDEX", str(tmp_path / "index"))
    assert main(["index", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    report = json.loads(lines[-1])
    assert list(report) == ["added", "updated", "removed", "failed", "unchanged", "records", "chunks", "seconds"]
    assert report["added"] == [corpus_file("大兴区").name]
    assert report["failed"][0]["file"] == "broken.txt" and "broken.txt" in report["failed"][0]["error"]
    assert report["records"] == 22 and report["chunks"] >= 22
    assert any(line.startswith("FAILED") and "broken.txt" in line for line in lines)
    (corpus / "broken.txt").unlink()
    assert main(["index", "--json"]) == 0
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert again["unchanged"] == 1 and again["added"] == [] and again["failed"] == []


def test_ask_json_from_stdin_contract(indexed) -> None:  # type: ignore[no-untyped-def]
    """`ask --json --k N -` in a real process: one JSON object per input line, sources best first."""
    env = {**os.environ, "MINSHENG_INDEX": str(indexed.index_dir), "PYTHONIOENCODING": "utf-8"}
    questions = "大兴区老旧小区改造进展\n\n给我讲个笑话\n"
    done = subprocess.run([sys.executable, "-m", "minsheng.bot.cli", "ask", "--json", "--k", "3", "-"], input=questions,
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["question"] for r in replies] == ["大兴区老旧小区改造进展", "给我讲个笑话"]
    first, second = replies
    assert list(first) == ASK_KEYS and first["abstained"] is False
    assert 1 <= len(first["sources"]) <= 3
    assert all(list(s) == SOURCE_KEYS for s in first["sources"])
    assert first["sources"][0]["region"] == "大兴区" and first["sources"][0]["period"] == "2024年一季度"
    scores = [s["score"] for s in first["sources"]]
    assert scores == sorted(scores, reverse=True)
    assert "老旧小区" in first["sources"][0]["text"]
    assert second["abstained"] is True and second["sources"] == []
    assert "共收录" in second["answer"] and "大兴区" in second["answer"]


def test_ask_text(indexed, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    """Plain `ask` prints the answer and numbered sources with district and period."""
    monkeypatch.setenv("MINSHENG_INDEX", str(indexed.index_dir))
    assert main(["ask", "青岛口袋公园建了多少个", "--k", "2"]) == 0
    out = capsys.readouterr().out
    assert "口袋公园" in out
    assert out.startswith("青岛市（2022年上半年）：46个口袋公园已开工,其中25个已完工")
    assert "目标：建设口袋公园50个\n" in out
    assert "[1] 青岛市 · 《青岛市2022年市办实事上半年进展情况》2022年上半年 · 第10项" in out


def test_ask_from_an_empty_standard_input_says_so(indexed) -> None:  # type: ignore[no-untyped-def]
    """`ask -` with nothing (or only blank lines) on standard input: one line saying what to give, exit 2."""
    import io

    from minsheng.bot.cli import ask_command

    out = io.StringIO()
    assert ask_command(indexed, "-", None, True, io.StringIO("\n  \n"), out) == 2 and out.getvalue() == ""


def test_a_question_over_the_length_limit_is_refused_before_any_search(indexed) -> None:  # type: ignore[no-untyped-def]
    """`ask` and `chat` refuse a question longer than [search] max_question_chars with a line saying so; the other
    questions of `ask -` are answered."""
    import io
    from dataclasses import replace

    from minsheng.bot.cli import ask_command, chat_command

    small = replace(indexed, search=replace(indexed.search, max_question_chars=40))
    out = io.StringIO()
    assert ask_command(small, "大兴区" * 5000, None, False, io.StringIO(), out) == 2 and out.getvalue() == ""
    out = io.StringIO()
    assert ask_command(small, "-", None, True, io.StringIO("年月" * 10000 + "\n青岛口袋公园建了多少个\n"), out) == 0
    assert [json.loads(line)["question"] for line in out.getvalue().splitlines()] == ["青岛口袋公园建了多少个"]
    out = io.StringIO()
    assert chat_command(small, io.StringIO("1" * 100000 + "\n"), out) == 0
    assert "问题太长了（100000字）" in out.getvalue() and "不超过40字" in out.getvalue()


def test_ask_without_index_is_one_line(tmp_path: Path) -> None:
    """No index yet: a message that says what to run, no traceback."""
    env = {**os.environ, "MINSHENG_INDEX": str(tmp_path / "none"), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "minsheng.bot.cli", "ask", "大兴区养老"], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 1
    assert "minsheng index" in done.stderr and "Traceback" not in done.stderr


def test_empty_question_and_bad_arguments_are_plain_messages(capsys: pytest.CaptureFixture[str]) -> None:
    """`ask ""` is refused at once with a non-zero exit; a wrong --k reads as a sentence, not argparse's internals."""
    for question in ("", "   "):
        assert main(["ask", question]) == 2
        assert capsys.readouterr().err.startswith("minsheng: the question is empty")
    with pytest.raises(SystemExit) as exit_:
        main(["ask", "--k", "abc", "大兴区养老"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --k: must be a whole number of at least 1, not 'abc'" in err and "_positive" not in err


def test_first_run_prints_no_library_log_lines(tmp_path: Path) -> None:
    """A first `index` (the model exported, BM25 built) and `ask` print our lines only; the libraries' warnings and
    debug lines (ONNX Runtime's quantization advice, bm25s) go to the log file."""
    config = tmp_path / "config.toml"
    config.write_text(f'[paths]\ncorpus = "{CORPUS}"\nindex = "{tmp_path / "index"}"\nmodels = "{tmp_path / "models"}"\n'
                      f'log = "{tmp_path / "minsheng.log"}"\n', "utf-8")
    env = {**os.environ, "MINSHENG_CONFIG": str(config), "PYTHONIOENCODING": "utf-8"}
    for name in ("MINSHENG_INDEX", "MINSHENG_CORPUS", "MINSHENG_MODELS"):
        env.pop(name, None)
    run = [sys.executable, "-m", "minsheng.bot.cli"]
    built = subprocess.run([*run, "index"], capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env,
                           timeout=600)
    asked = subprocess.run([*run, "ask", "青岛口袋公园建了多少个"], capture_output=True, text=True, encoding="utf-8",
                           cwd=ROOT, env=env, timeout=300)
    assert built.returncode == 0 and asked.returncode == 0, built.stderr + asked.stderr
    assert built.stdout.splitlines()[-1].startswith(f"{len(list(CORPUS.iterdir()))} added, 0 updated")
    assert asked.stdout.startswith("青岛市（2022年上半年）：46个口袋公园已开工") and asked.stderr == ""
    # stderr of index holds our note on the one-time model export and the progress bar, redrawn in place.
    lines = [line for line in built.stderr.replace("\r", "\n").splitlines() if line.strip()]
    assert lines[0].startswith("preparing the embedding model for this machine")
    assert all(line.startswith("embedding:") for line in lines[1:]), lines
    printed = built.stdout + built.stderr + asked.stdout
    assert not re.search(r"(?m)^(DEBUG|INFO|WARNING|ERROR)[:\s]|bm25s|quantization|onnxruntime", printed)
    logged = (tmp_path / "minsheng.log").read_text("utf-8")
    assert "Please consider to run pre-processing before quantization" in logged


def test_eval_prints_figures_and_baseline(indexed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """`eval FILE` scores our retriever beside plain BM25 and plain dense over 300-character chunks of the corpus
    files, in one run, and says where ours falls behind."""
    questions = tmp_path / "q.jsonl"
    lines = [
        {"id": "t1", "type": "numeric", "q": "大兴区便利店建了多少个", "gold": ["便利店"], "facts": []},
        {"id": "t2", "type": "negative", "q": "给我讲个笑话", "negative": True},
    ]
    questions.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", "utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    source = corpus_file("大兴区")
    (corpus / source.name).write_bytes(source.read_bytes())
    monkeypatch.setenv("MINSHENG_INDEX", str(indexed.index_dir))
    monkeypatch.setenv("MINSHENG_CORPUS", str(corpus))
    assert main(["eval", str(questions)]) == 0
    out = capsys.readouterr().out
    assert "minsheng (hybrid)" in out and "plain BM25" in out and "plain dense" in out
    assert "recall@1          1.000" in out
    assert "abstention        1/1 negatives abstained" in out
    assert out.count("abstention        0/1 negatives abstained") == 2  # the plain pipelines never abstain
    assert "not behind plain retrieval on any figure" in out


def test_chat_answers_follow_ups_from_stdin(indexed) -> None:  # type: ignore[no-untyped-def]
    """`minsheng chat` with piped input: each line a turn, follow-ups resolved, "退出" ends it."""
    env = {**os.environ, "MINSHENG_INDEX": str(indexed.index_dir), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "minsheng.bot.cli", "chat"],
                          input="济宁高新区明厨亮灶工程进展\n下个月呢？\n退出\n大兴区养老服务进展\n",
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count("来源：") == 2 and "大兴区" not in out  # two answers, nothing after 退出
    assert out.startswith("济宁高新区（2021年1-9月）：") and "已完成40家学校明厨亮灶改造" in out.split("来源")[0]
    assert "\n\n济宁高新区（2021年1-9月）：完成二期学校明厨亮灶改造,进行设备调试,接入视频监控平台。\n" in out


def test_records_check_lists_every_file_with_warnings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--check over a directory: a line per file (place path, year, period with months, records, share of text), the
    doubtful ones warned, a broken one named while the rest go on."""
    corpus = tmp_path / "reports"
    corpus.mkdir()
    for prefix in ("大兴区", "西湖区2022年全区民生实事项目进展情况通报一"):
        (corpus / corpus_file(prefix).name).write_bytes(corpus_file(prefix).read_bytes())
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02" * 50)
    assert main(["records", "--check", str(corpus)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "FAILED  broken.txt: binary data, not a text report"
    assert lines[1].startswith("大兴区2024年重要民生实事项目一季度进展情况.txt  北京市/大兴区  2024年  一季度（1-3月）  22条记录")
    assert "西湖区（未定）  2022年  截止到2月28日（1-2月）" in lines[2]
    assert lines[3] == "    ⚠ place: 西湖区 could be 西湖区（杭州市）、西湖区（南昌市）; no parent is named"
    assert lines[-1] == "2 of 3 files read, 1 with warnings"
    assert main(["records", "--check", str(corpus_file("大兴区"))]) == 0
    assert capsys.readouterr().out.endswith("1 of 1 files read, 0 with warnings\n")


def test_summary_prints_a_place_s_scorecard_as_json_and_draws_its_chart(indexed, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    env = {"MINSHENG_INDEX": str(indexed.index_dir), "MINSHENG_CORPUS": str(indexed.corpus_dir)}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        assert main(["summary", "寿县", "--json", "--chart", str(tmp_path / "shou.png")]) == 0
        data = json.loads(capsys.readouterr().out)
        assert [card["place"] for card in data["cards"]] == ["寿县"] and data["chart"] == str(tmp_path / "shou.png")
        assert data["cards"][0]["counted"]["behind"] == 5
        assert (tmp_path / "shou.png").read_bytes().startswith(b"\x89PNG")
        assert main(["summary", "青岛"]) == 0
        assert "报告原文：“[摘要] 2022年16件市办实事上半年总体进展良好。”" in capsys.readouterr().out
        assert main(["summary", "成都市"]) == 2
        assert "收录的报告里没有成都市的内容" in capsys.readouterr().err


def test_a_check_line_says_place_year_period_and_share() -> None:
    path = corpus_file("苍南县")
    text = read_text(path)
    line = format_check(check_report(path.name, text, parse_text(text, path.name)))
    assert line.startswith(f"{path.name}  浙江省/温州市/苍南县  2022年  截至10月31日（1-10月）  13条记录  文字入记录 ")
    west = corpus_file("西湖区2022年全区民生实事项目进展情况通报一")
    text = read_text(west)
    assert "西湖区（未定）" in format_check(check_report(west.name, text, parse_text(text, west.name)))
    bare = "民生实事进展情况\n1.新建幼儿园2所,已完工。"
    assert "  ?  ?年  ?  " in format_check(check_report("report.txt", bare, parse_text(bare, "report.txt")))
