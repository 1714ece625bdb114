"""`minsheng bench`: index a synthetic corpus of N districts made from the real reports and measure our pipeline
against the plain dense one (bot/measure/baseline.py: same chunks, same model as shipped, no filters) in one run."""
from __future__ import annotations

import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Callable, TextIO

from minsheng.bot.settings import Settings
from minsheng.index.ingest import match_key

# Questions whose answers are in the real reports; the gold text holds a figure or a name the distractor
# districts (their figures all changed) do not share. Written for the benchmark, not taken from any eval set.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("青岛口袋公园建了多少个", "46个口袋公园已开工"),
    ("大兴区化妆品抽检任务多少批次", "化妆品抽检任务60批次"),
    ("济宁高新区明厨亮灶工程进展", "已完成40家学校明厨亮灶改造"),
    ("密云区操场改造完成了吗", "提升改造操场8块"),
    ("济宁高新区优质教育提升工程存在什么问题", "土地手续尚未办结"),
    ("青岛老旧小区改造进展", "开工改造老旧小区318个"),
    ("密云区公交线路优化调整了多少条", "优化调整公交线路16条"),
    ("青岛全民健身设施进展", "52处全民健身设施"),
    ("大兴区就业服务进展", "累计促进3285名重点群体就业"),
    ("通州区困境儿童活动开展了多少场", "儿童活动2878场"),
    ("密云区政务服务站设置了多少个", "411个政务服务站"),
    ("青岛城市居家社区养老服务站完工了多少个", "其中92个已完工"),
    ("济宁高新区民生保险保障工程进展", "130409.2元"),
    ("密云区心理服务站点建设进展", "东邵渠镇、北庄镇、大城子镇社会心理服务中心"),
    ("大兴区小微绿地建设面积是多少", "3.52公顷"),
    ("济宁高新区护理床位新增了多少张", "新增护理型床位54张"),
)


@dataclass
class Measures:
    """One pipeline's figures at one corpus size."""

    records_per_s: float = 0.0  # index throughput, model already loaded
    add_one_s: float = 0.0  # one more report into the built index
    p50_ms: float = 0.0  # warm query latency
    p95_ms: float = 0.0
    cold_ask_s: float = 0.0  # a fresh process: load, answer one question, exit (median of COLD_RUNS)
    peak_rss_mb: float = 0.0  # the largest of those fresh processes
    disk_mb: float = 0.0
    accuracy: float = 0.0  # share of QUESTIONS whose first source holds the gold text


def run(settings: Settings, sizes: list[int], workdir: Path, out: TextIO, seed: int = 0) -> dict[int, tuple[Measures, Measures]]:
    """Measure both pipelines at each size (districts added to the 5 real reports) and print a table each."""
    from minsheng.bot.engine import make_embedder

    embedder = make_embedder(settings)
    embedder.embed_query("预热")
    results: dict[int, tuple[Measures, Measures]] = {}
    for n in sizes:
        corpus = make_corpus(settings.corpus_dir, workdir / f"n{n}" / "corpus", n, seed)
        files = len(list(corpus.iterdir()))
        mix = question_mix(settings.corpus_dir, n, seed)
        out.write(f"\n== {n} synthetic districts + the real reports: {files} report files, "
                  f"{len(mix)} distinct questions ==\n")
        out.flush()
        out.write("  measuring minsheng …\n")
        out.flush()
        ours = measure_ours(settings, corpus, workdir / f"n{n}" / "ours", seed, mix)
        out.write(f"  minsheng done: {ours}\n  measuring the plain dense pipeline …\n")
        out.flush()
        plain = measure_plain(settings, workdir / f"n{n}" / "ours", workdir / f"n{n}" / "plain", corpus, seed, mix)
        results[n] = (ours, plain)
        out.write(format_table(ours, plain) + "\n")
        out.flush()
    return results


def make_corpus(real: Path, target: Path, n: int, seed: int) -> Path:
    """The real reports plus n synthetic districts made from those whose place is settled."""
    from minsheng.bot.measure.synthetic import placed, synthesize, write_corpus
    from minsheng.index.ingest import corpus_files

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    pairs = [(p.name, p.read_text("utf-8")) for p in corpus_files(real)]
    for name, text in pairs:
        (target / name).write_text(text, "utf-8")
    write_corpus(synthesize(placed(pairs), n, seed), target)
    return target


# A p95 over a few dozen questions is the third-slowest of them, one scheduler hiccup; nine districts' variants
# give 160 distinct questions. A single cold start after two builds measured 2.0-4.2 s where repeats gave 2.3-2.7.
MIX_VARIANTS = 9
COLD_RUNS = 3


def question_mix(real: Path, n: int, seed: int, variants: int = MIX_VARIANTS) -> list[str]:
    """The timed questions, each asked once: QUESTIONS, then the same questions about up to `variants` of the
    synthetic districts (the same names `make_corpus` uses), so no answer comes from a cache."""
    from minsheng.bot.measure.synthetic import district_names, placed, replace_names, report_place
    from minsheng.index.ingest import corpus_files

    pairs = placed([(p.name, p.read_text("utf-8")) for p in corpus_files(real)])
    regions = [report_place(name, text) for name, text in pairs]
    forbidden = "\n".join(part for pair in pairs for part in pair)
    names = district_names(n, seed, avoid=[path[-1] for path in regions], forbidden_text=forbidden)[:variants]
    asked = [question for question, _ in QUESTIONS]
    return asked + [replace_names(question, regions, name) for name in names for question in asked]


def _extra_report(real: Path, seed: int) -> tuple[str, str]:
    """One more synthetic report, of a district no corpus size uses."""
    from minsheng.bot.measure.synthetic import placed, synthesize
    from minsheng.index.ingest import corpus_files

    pairs = placed([(p.name, p.read_text("utf-8")) for p in corpus_files(real)])
    return synthesize(pairs[:1], 1, seed + 10_007)[0]


def measure_ours(settings: Settings, corpus: Path, index_dir: Path, seed: int, mix: list[str]) -> Measures:
    """Our pipeline: `minsheng index` (incremental build, lexicon, BM25, filters) and `minsheng ask`."""
    from minsheng.bot.answer.extractive import compose
    from minsheng.bot.engine import open_retriever, run_index

    if index_dir.exists():
        shutil.rmtree(index_dir)
    local = replace(settings, corpus_dir=corpus, index_dir=index_dir)
    report = run_index(local, progress=None)
    m = Measures(records_per_s=report.records / max(report.seconds, 1e-9))
    name, text = _extra_report(settings.corpus_dir, seed)
    (corpus / name).write_text(text, "utf-8")
    started = time.perf_counter()
    run_index(local, progress=None)
    m.add_one_s = time.perf_counter() - started
    (corpus / name).unlink()
    run_index(local, progress=None)
    retriever = open_retriever(local, fresh=True)

    def ask(question: str) -> list[str]:
        result = retriever.search(question)
        compose(result)
        return [h.chunk.text for h in result.hits]

    _latency_and_accuracy(m, ask, mix)
    env = {"MINSHENG_CORPUS": str(corpus), "MINSHENG_INDEX": str(index_dir)}
    m.cold_ask_s, m.peak_rss_mb = _cold_median([sys.executable, "-m", "minsheng.bot.cli", "ask", QUESTIONS[0][0]], env)
    m.disk_mb = _disk(index_dir)
    return m


def measure_plain(settings: Settings, ours_dir: Path, plain_dir: Path, corpus: Path, seed: int,
                  mix: list[str]) -> Measures:
    """The plain dense pipeline (bot/measure/baseline.py): the same chunks embedded in file order with the same
    model as shipped, one Chroma collection, the question embedded as typed, nearest chunks, no filters."""
    from minsheng.bot.measure.baseline import ShippedCollection
    from minsheng.index.indexing import chunk_report, count_records, read_chunks
    from minsheng.index.ingest import parse_bytes

    if plain_dir.exists():
        shutil.rmtree(plain_dir)
    chunks = read_chunks(ours_dir)
    plain = ShippedCollection(settings.index.model, plain_dir)
    started = time.perf_counter()
    plain.add(chunks)
    records = count_records(chunks)
    m = Measures(records_per_s=records / (time.perf_counter() - started))
    name, text = _extra_report(settings.corpus_dir, seed)
    started = time.perf_counter()
    extra = chunk_report(parse_bytes(text.encode("utf-8"), name), settings.index.max_tokens)
    plain.add(extra)
    m.add_one_s = time.perf_counter() - started
    plain.delete([c.id for c in extra])
    pipeline = plain.pipeline(chunks)

    def ask(question: str) -> list[str]:
        return [h.chunk.search_text for h in pipeline.hits(question, 5)]

    _latency_and_accuracy(m, ask, mix)
    m.cold_ask_s, m.peak_rss_mb = _cold_median([sys.executable, "-c", plain.cold_ask_script(QUESTIONS[0][0])], {})
    m.disk_mb = _disk(plain_dir)
    return m


def _latency_and_accuracy(m: Measures, ask: Callable[[str], list[str]], mix: list[str]) -> None:
    """Latency over the mix (each question asked once), accuracy over its first len(QUESTIONS), the real ones."""
    ask("预热")
    # The builds just before leave garbage whose collection would land on some timed question of one pipeline.
    gc.collect()
    latencies = []
    right = 0
    for number, question in enumerate(mix):
        started = time.perf_counter()
        texts = ask(question)
        latencies.append((time.perf_counter() - started) * 1000)
        if number < len(QUESTIONS):
            gold = match_key(QUESTIONS[number][1])
            right += bool(texts) and gold in match_key(texts[0])
    latencies.sort()
    m.p50_ms = statistics.median(latencies)
    m.p95_ms = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    m.accuracy = right / len(QUESTIONS)


def _cold_median(command: list[str], env: dict[str, str], runs: int = COLD_RUNS) -> tuple[float, float]:
    """Median wall time of `runs` fresh processes and the largest peak memory among them."""
    samples = [fresh_process(command, env) for _ in range(runs)]
    return statistics.median(s for s, _, _ in samples), max(rss for _, rss, _ in samples)


def fresh_process(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall time of a fresh process, its peak resident memory (MB, the largest of it and the processes it waited
    for), read from /usr/bin/time-free getrusage of a wrapper, and what it printed on standard output."""
    wrapper = [sys.executable, "-c",
               "import resource, subprocess, sys, json\n"
               "done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)\n"
               "print(json.dumps([done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
               " done.stdout]))\n", *command]
    started = time.perf_counter()
    done = subprocess.run(wrapper, capture_output=True, text=True, env={**os.environ, **env},
                          cwd=Path(__file__).resolve().parents[2])
    seconds = time.perf_counter() - started
    code, rss_kb, printed = json.loads(done.stdout.strip().splitlines()[-1])
    if code != 0:
        raise RuntimeError(f"{command[:3]} failed with exit code {code}")
    return seconds, rss_kb / 1024, printed


def _disk(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


_LABELS = {
    "records_per_s": ("index throughput", "records/s", True),
    "add_one_s": ("add one report", "s", False),
    "p50_ms": ("warm query p50", "ms", False),
    "p95_ms": ("warm query p95", "ms", False),
    "cold_ask_s": ("cold ask", "s", False),
    "peak_rss_mb": ("peak RSS (cold ask)", "MB", False),
    "disk_mb": ("index on disk", "MB", False),
    "accuracy": ("accuracy@1, real-report questions", "", True),
}


def format_table(ours: Measures, plain: Measures) -> str:
    """One line per measure: ours, plain, ours ÷ plain."""
    lines = [f"  {'measure':34s} {'minsheng':>12s} {'plain dense':>12s} {'ratio':>7s}"]
    for f in fields(Measures):
        label, unit, _ = _LABELS[f.name]
        a, b = getattr(ours, f.name), getattr(plain, f.name)
        ratio = a / b if b else float("inf")
        fmt = "{:12.3f}" if f.name == "accuracy" else "{:12.1f}" if a >= 10 or b >= 10 else "{:12.2f}"
        lines.append(f"  {label + (' (' + unit + ')' if unit else ''):34s} {fmt.format(a)} {fmt.format(b)} {ratio:7.2f}")
    return "\n".join(lines)
