"""The scale-out path: vectors on a real `chroma run` server, the index directory (catalog, BM25) and the model
exports shared on disk, one process indexing and several separate processes answering at once."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, corpus_file
from tests.index.indexing.test_store import start_server, stop_server


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A Chroma server, a config pointing at it, and a corpus of four real reports indexed into it."""
    work = tmp_path_factory.mktemp("scale-out")
    proc, port = start_server(work)
    corpus = work / "corpus"
    corpus.mkdir()
    for path in map(corpus_file, ("大兴区", "密云区", "济宁高新区", "青岛市")):
        shutil.copy(path, corpus / path.name)
    config = work / "config.toml"
    config.write_text(
        f'[paths]\ncorpus = "{corpus}"\nindex = "{work / "index"}"\nmodels = "{ROOT / ".models"}"\n'
        f'[store]\nmode = "http"\nhost = "127.0.0.1"\nport = {port}\ncollection = "scale-out"\n', "utf-8")
    env = {**os.environ, "MINSHENG_CONFIG": str(config)}
    done = run(["index"], env)
    assert done.returncode == 0, done.stderr
    yield work, env
    stop_server(proc)


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "minsheng.bot.cli", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)


def test_vectors_live_on_the_server_and_the_catalog_in_the_index_directory(
        shared: tuple[Path, dict[str, str]]) -> None:
    work, _ = shared
    index = work / "index"
    assert not (index / "chroma").exists()
    assert (index / "catalog.sqlite").is_file()
    assert any((work / "data").iterdir())  # the server's own directory holds the vectors


def test_three_processes_answer_while_a_fourth_indexes(shared: tuple[Path, dict[str, str]]) -> None:
    """Three `ask` processes at once, again and again while another process indexes a new report into the same
    catalog and server: every answer is right, none fails, and the indexer finishes."""
    work, env = shared
    held = {p.name for p in (work / "corpus").iterdir()}
    extra = next(p for p in sorted(CORPUS.iterdir()) if p.name not in held)
    shutil.copy(extra, work / "corpus" / extra.name)
    indexer = subprocess.Popen([sys.executable, "-m", "minsheng.bot.cli", "index"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    questions = ["大兴区化妆品抽检任务多少批次", "密云区公交线路优化调整了多少条", "济宁高新区护理床位新增了多少张"]
    rounds = overlapping = 0
    while rounds < 2 or (indexer.poll() is None and rounds < 10):
        overlapping += indexer.poll() is None
        procs = [subprocess.Popen([sys.executable, "-m", "minsheng.bot.cli", "ask", q, "--json"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
                 for q in questions]
        for question, proc in zip(questions, procs):
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
            answer = json.loads(out)
            assert not answer["abstained"]
            assert answer["sources"][0]["region"].startswith(question[:3]), (question, answer["sources"][0])
        rounds += 1
    out, err = indexer.communicate(timeout=300)
    assert indexer.returncode == 0 and "1 added" in out + err, out + err
    assert overlapping >= 1  # at least one round of questions ran while the index was being written


def test_a_report_added_by_one_process_is_answered_by_the_next(shared: tuple[Path, dict[str, str]]) -> None:
    work, env = shared
    held = {p.name for p in (work / "corpus").iterdir()}
    extra = next(p for p in sorted(CORPUS.iterdir()) if p.name not in held)
    shutil.copy(extra, work / "corpus" / extra.name)
    done = run(["index"], env)
    assert done.returncode == 0 and "1 added" in done.stdout + done.stderr, done.stdout + done.stderr
    region = json.loads(run(["records", str(extra), "--json"], env).stdout)["report"]["region"]
    answer = json.loads(run(["ask", f"{region}有哪些民生实事", "--json"], env).stdout)
    assert not answer["abstained"] and answer["sources"][0]["region"] == region
