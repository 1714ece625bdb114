"""Re-indexing while people ask: kill -9 midway, readers during a re-index, the lock across processes."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from minsheng.bot.engine import LiveRetriever, open_retriever
from minsheng.bot.settings import Settings, load_settings
from minsheng.index.indexing.builder import index_lock
from minsheng.index.indexing.catalog import FORMAT, generation, read_chunks
from tests.conftest import CORPUS, ROOT, SHIPPED

NEW_REPORT = "黄浦区2023年为民办实事项目三季度推进情况.txt"
NEW_TEXT = """上海市黄浦区2023年为民办实事项目三季度推进情况

一、改造加装电梯60台
牵头单位：区房管局
进展情况：已完工38台，正在施工17台，另有5台完成意见征询。
存在问题：个别楼栋居民意见不统一。
下步计划：加强居民沟通协调。

二、新建社区食堂8家
牵头单位：区商务委
进展情况：8家社区食堂已全部建成并投入运营。
存在问题：无
下步计划：开展运营满意度评估。
"""
NEW_QUESTION = "黄浦区加装电梯进展"
OLD_QUESTION = "青岛口袋公园建了多少个"


def copy_index(indexed: Settings, tmp_path: Path) -> Settings:  # type: ignore[no-untyped-def]
    """A private copy of the real corpus and its built index, to change freely."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(indexed.index_dir, index)
    return load_settings(ROOT / "config.toml", {"MINSHENG_CORPUS": str(corpus), "MINSHENG_INDEX": str(index)})


def index_process(settings: Settings, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "MINSHENG_CORPUS": str(settings.corpus_dir), "MINSHENG_INDEX": str(settings.index_dir),
           "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen([sys.executable, "-m", "minsheng.bot.cli", "index", *args], cwd=ROOT, env=env, text=True,
                            encoding="utf-8", stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def answers_new_report(settings: Settings) -> bool:
    result = open_retriever(settings, fresh=True).search(NEW_QUESTION)
    return not result.abstained and result.hits[0].chunk.source == NEW_REPORT


def test_kill_9_midway_leaves_the_index_usable_and_the_next_run_finishes(indexed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = copy_index(indexed, tmp_path)
    before = generation(settings.index_dir)
    (settings.corpus_dir / NEW_REPORT).write_text(NEW_TEXT, "utf-8")
    process = index_process(settings, "--full")  # --full: every chunk is embedded, a long window to hit
    assert process.stderr is not None
    seen = ""
    while "embedding" not in seen:
        char = process.stderr.read(1)
        assert char, f"the build ended before embedding: {seen}"
        seen += char
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    # The catalog is the one from before the build, whole, and it answers.
    assert generation(settings.index_dir) == before
    retriever = open_retriever(settings, fresh=True)
    assert "46个口袋公园已开工" in retriever.search(OLD_QUESTION).hits[0].chunk.text
    assert not answers_new_report(settings)
    # The next run finishes the job and cleans up after the killed one.
    done = index_process(settings, "--json")
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    assert NEW_REPORT in out and generation(settings.index_dir) != before
    assert answers_new_report(settings)
    catalog_ids = {c.id for c in read_chunks(settings.index_dir)}
    store = open_retriever(settings, fresh=True).searcher.store
    assert catalog_ids == set(store.ids())  # the killed run's vectors, never committed, were collected


@dataclass
class Seen:
    """What a reader thread observed."""

    generations: list[str] = field(default_factory=list)
    mixed: list[str] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    old_answers: int = 0


def test_readers_see_the_old_index_or_the_new_one_never_a_mix(indexed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = copy_index(indexed, tmp_path)
    live = LiveRetriever(settings, check_every=0.2)
    first = live.current().searcher.generation
    seen = Seen()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                retriever = live.current()
                searcher = retriever.searcher
                ids = {c.id for c in searcher.whole().chunks}
                for question in (OLD_QUESTION, NEW_QUESTION):
                    result = retriever.search(question)
                    # Every hit belongs to the generation the searcher loaded, and the old question is answered.
                    if any(h.chunk.id not in ids for h in result.hits):
                        seen.mixed.append(question)
                    if question == OLD_QUESTION and "46个口袋公园已开工" in result.hits[0].chunk.text:
                        seen.old_answers += 1
                    if searcher.generation == first and any(h.chunk.source == NEW_REPORT for h in result.hits):
                        seen.mixed.append(f"{question}: new report in the old generation")
                seen.generations.append(searcher.generation)
            except BaseException as exc:  # noqa: BLE001 — recorded and asserted below
                seen.errors.append(exc)
                return

    reader = threading.Thread(target=read)
    reader.start()
    try:
        (settings.corpus_dir / NEW_REPORT).write_text(NEW_TEXT, "utf-8")
        build = index_process(settings)
        _, err = build.communicate(timeout=300)
        assert build.returncode == 0, err
        finished = time.monotonic()
        deadline = finished + 30
        while live.current().searcher.generation == first and time.monotonic() < deadline:
            time.sleep(0.05)
        picked_up = time.monotonic() - finished
        time.sleep(0.5)
    finally:
        stop.set()
        reader.join(timeout=60)
    assert not seen.errors and not seen.mixed
    assert seen.generations[0] == first and seen.generations[-1] == generation(settings.index_dir) != first
    assert seen.old_answers == len(seen.generations)
    assert picked_up < 10
    result = live.current().search(NEW_QUESTION)
    assert result.hits[0].chunk.source == NEW_REPORT and "已完工38台" in result.hits[0].chunk.text


def test_a_second_index_run_refuses_while_one_holds_the_lock(indexed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = copy_index(indexed, tmp_path)
    with index_lock(settings.index_dir):
        refused = index_process(settings)
        _, err = refused.communicate(timeout=300)
        assert refused.returncode == 1
        assert f"another `minsheng index` is running (pid {os.getpid()})" in err and "Traceback" not in err
        waiting = index_process(settings, "--wait", "60")
        time.sleep(1.5)
        assert waiting.poll() is None  # still waiting for the lock
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert f"{SHIPPED} unchanged" in out


def test_an_index_of_the_old_layout_is_rebuilt_by_the_cli(indexed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Generation directories (index format 17 and before): `ask` says to rebuild, `index` rebuilds and removes them."""
    settings = copy_index(indexed, tmp_path)
    (settings.index_dir / "catalog.sqlite").unlink()
    gen = settings.index_dir / "gen-000007"
    gen.mkdir()
    (gen / "manifest.json").write_text(json.dumps({"format": 17, "model": "m", "max_tokens": 512, "files": {}}), "utf-8")
    (gen / "chunks.jsonl").write_text("", "utf-8")
    (settings.index_dir / "CURRENT").write_text(json.dumps({"generation": gen.name, "format": 17}), "utf-8")
    asked = subprocess.run([sys.executable, "-m", "minsheng.bot.cli", "ask", OLD_QUESTION], cwd=ROOT, capture_output=True,
                           text=True, encoding="utf-8", timeout=300,
                           env={**os.environ, "MINSHENG_CORPUS": str(settings.corpus_dir),
                                "MINSHENG_INDEX": str(settings.index_dir)})
    assert asked.returncode == 1 and f"written by another version (index format 17, now {FORMAT})" in asked.stderr
    rebuilt = index_process(settings)
    out, err = rebuilt.communicate(timeout=300)
    assert rebuilt.returncode == 0 and "rebuilding the whole index: the index was written by another version" in err
    assert not gen.exists() and not (settings.index_dir / "CURRENT").exists()
    assert "46个口袋公园已开工" in open_retriever(settings, fresh=True).search(OLD_QUESTION).hits[0].chunk.text


def test_minsheng_watch_indexes_a_dropped_report(indexed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = copy_index(indexed, tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(f'[paths]\ncorpus = "{settings.corpus_dir}"\nindex = "{settings.index_dir}"\n'
                      '[watch]\nsettle = 0.5\n', "utf-8")
    env = {**os.environ, "MINSHENG_CONFIG": str(config), "PYTHONIOENCODING": "utf-8"}
    for name in ("MINSHENG_INDEX", "MINSHENG_CORPUS"):
        env.pop(name, None)
    process = subprocess.Popen([sys.executable, "-u", "-m", "minsheng.bot.cli", "watch"], cwd=ROOT, env=env, text=True,
                               encoding="utf-8", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    lines: list[str] = []
    try:
        while not any("unchanged" in line for line in lines):  # the start-up pass
            lines.append(process.stdout.readline())
        (settings.corpus_dir / "report.part").write_text(NEW_TEXT, "utf-8")
        (settings.corpus_dir / "report.part").rename(settings.corpus_dir / NEW_REPORT)
        while not any(line.startswith("1 added") for line in lines):
            line = process.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    text = "".join(lines)
    assert f"changed: {NEW_REPORT}" in text and f"added    {NEW_REPORT}" in text
    assert answers_new_report(settings)


def test_a_running_bot_answers_a_report_dropped_into_the_corpus(indexed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.support.botapi import BotApiStandIn

    settings = copy_index(indexed, tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(f'[paths]\ncorpus = "{settings.corpus_dir}"\nindex = "{settings.index_dir}"\n'
                      f'[telegram]\nwatch = true\npoll_timeout = 1\nrate_limit = 0\nlog_file = "{tmp_path}/q.log"\n'
                      '[watch]\nsettle = 0.5\n', "utf-8")
    token = "123456:WATCH-token"
    api = BotApiStandIn(token).start()
    env = {**os.environ, "MINSHENG_CONFIG": str(config), "TELEGRAM_BOT_TOKEN": token,
           "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{api.port}"}
    for name in ("MINSHENG_INDEX", "MINSHENG_CORPUS"):
        env.pop(name, None)
    process = subprocess.Popen([sys.executable, "-m", "minsheng.bot.cli", "serve"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        api.wait_for("getUpdates", timeout=180)
        written = time.monotonic()
        (settings.corpus_dir / NEW_REPORT).write_text(NEW_TEXT, "utf-8")
        answered = ""
        for _attempt in range(120):
            mark = api.mark()
            api.push_message(7, NEW_QUESTION)
            answered = api.wait_for("sendMessage", lambda p: p["chat_id"] == 7, after=mark, timeout=60).params["text"]
            if "已完工38台" in answered:
                break
            time.sleep(0.25)
        picked_up = time.monotonic() - written
        assert "已完工38台" in answered, answered
        assert picked_up < 30
        (tmp_path / "pickup_seconds").write_text(f"{picked_up:.2f}", "utf-8")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        api.stop()
    assert api.errors == []


def test_an_idle_bot_answers_the_first_question_after_a_reindex_from_the_new_index(indexed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """No timer to wait for: the first question after another process re-indexed gets the new figure, and the
    完整原文 button under the earlier answer shows the text that answer was built from, saying so."""
    from minsheng.bot.answer.responder import Responder
    from minsheng.bot.engine import run_index
    from minsheng.bot.telegram import BotService

    settings = copy_index(indexed, tmp_path)
    service = BotService(settings, LiveRetriever(settings), Responder(), lambda: run_index(settings, progress=None))
    before = service.ask(5, OLD_QUESTION)
    assert "46个口袋公园已开工" in before.html and before.key is not None
    report = next(settings.corpus_dir.glob("青岛市*"))
    report.write_text(report.read_text("utf-8").replace("46个口袋公园已开工", "58个口袋公园已开工"), "utf-8")
    build = index_process(settings)
    _, err = build.communicate(timeout=300)
    assert build.returncode == 0, err
    after = service.ask(6, OLD_QUESTION)
    assert "58个口袋公园已开工" in after.html and after.key is not None
    old_full = service.full(before.key, 5)
    assert old_full is not None and "46个口袋公园已开工" in old_full and "58个" not in old_full
    assert "报告已重新索引" in old_full
    new_full = service.full(after.key, 6)
    assert new_full is not None and "58个口袋公园已开工" in new_full and "重新索引" not in new_full
