"""`minsheng bench`: index a synthetic corpus of N districts made from the real reports and measure our pipeline
against the plain dense one (bot/measure/baseline.py: same chunks, same model as shipped, no filters) in one run."""
from __future__ import annotations

import gc
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence, TextIO

import numpy as np

from minsheng.bot.settings import Settings
from minsheng.index.indexing import search_texts
from minsheng.index.ingest import match_key

if TYPE_CHECKING:
    from minsheng.bot.measure.baseline import ShippedCollection
    from minsheng.index.indexing import BuildReport, Chunk, Embedder

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
    """Measure both pipelines at each size (districts added to the real reports) and print a table each. One index
    of each pipeline grows from the smallest size to the largest (only the new districts are indexed at each step);
    the synthetic districts are made once per workdir and seed and kept for the next run."""
    from minsheng.bot.engine import file_limits, make_embedder
    from minsheng.bot.measure.baseline import ShippedCollection
    from minsheng.index.indexing import FileReader

    embedder = make_embedder(settings)
    embedder.embed_query("预热")
    sizes = sorted(set(sizes))
    pool = synthetic_pool(settings.corpus_dir, workdir, sizes[-1] + THROUGHPUT_DISTRICTS, seed, out)
    work = workdir / f"run-{seed}"
    if work.exists():
        shutil.rmtree(work)
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    for path in _real_files(settings.corpus_dir):
        shutil.copy(path, corpus / path.name)
    local = replace(settings, corpus_dir=corpus, index_dir=work / "ours")
    plain = ShippedCollection(settings.index.model, work / "plain")
    ours_cache, plain_cache = SkeletonCache(pool.names), SkeletonCache(pool.names)
    results: dict[int, tuple[Measures, Measures]] = {}
    have = 0
    with FileReader(file_limits(settings)) as reader:
        for n in sizes:
            for district in pool.districts[have:n]:
                for name in district:
                    os.link(pool.directory / name, corpus / name)
            have = n
            files = len(list(corpus.iterdir()))
            mix = question_mix(settings.corpus_dir, n, seed)
            out.write(f"\n== {n} synthetic districts + the real reports: {files} report files, "
                      f"{len(mix)} distinct questions ==\n  indexing both (vectors of repeated text reused) …\n")
            out.flush()
            started = time.perf_counter()
            built = _build_cached(local, reader, ours_cache)
            added = [c for c in _chunks(local.index_dir) if not plain.holds(c.id)]
            plain.add(added, plain_cache.vectors(search_texts(added), plain.encode))
            out.write(f"  {built.chunks:,} chunks indexed in {time.perf_counter() - started:.0f} s; measuring …\n")
            out.flush()
            extra_report = _extra_report(settings.corpus_dir, seed, len(pool.districts))
            ours, extra_chunks = measure_ours(local, pool.extra(corpus), extra_report, mix, reader, large=n >= LARGE)
            out.write(f"  minsheng done: {ours}\n  measuring the plain dense pipeline …\n")
            out.flush()
            theirs = measure_plain(settings, plain, local.index_dir, extra_chunks, extra_report, mix, large=n >= LARGE)
            results[n] = (ours, theirs)
            out.write(format_table(ours, theirs) + "\n")
            out.flush()
    return results


# Districts added, with the model embedding every chunk, to measure index throughput at each size.
THROUGHPUT_DISTRICTS = 5
# From this size on, cold processes are started once, not COLD_RUNS times.
LARGE = 1000


@dataclass
class Pool:
    """The synthetic districts made once for a workdir and seed: their files by district, and every name written."""

    directory: Path
    districts: list[list[str]]
    names: list[str]

    def extra(self, corpus: Path) -> Callable[[bool], list[str]]:
        """Put (True) or take away (False) the districts kept for the throughput measure; the files' names."""
        files = [name for district in self.districts[-THROUGHPUT_DISTRICTS:] for name in district]

        def toggle(put: bool) -> list[str]:
            for name in files:
                if put:
                    os.link(self.directory / name, corpus / name)
                else:
                    (corpus / name).unlink()
            return files
        return toggle


def synthetic_pool(real: Path, workdir: Path, n: int, seed: int, out: TextIO) -> Pool:
    """n synthetic districts made from the real reports whose place is settled, written once under workdir and read
    back on later runs (making 1,000 takes minutes)."""
    from minsheng.bot.measure.synthetic import names_for, placed, synthesize, written_names

    pairs = placed([(p.name, p.read_text("utf-8")) for p in _real_files(real)])
    directory = workdir / f"synthetic-{seed}-{n}"
    marker = directory / ".districts.json"
    names = names_for(pairs, n, seed)
    try:
        districts = json.loads(marker.read_text("utf-8"))
    except (OSError, ValueError):
        out.write(f"  making {n} synthetic districts (once for {workdir}) …\n")
        out.flush()
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        made = synthesize(pairs, n, seed)
        for name, text in made:
            (directory / name).write_text(text, "utf-8")
        districts = [[name for name, _ in made[d * len(pairs):(d + 1) * len(pairs)]] for d in range(n)]
        marker.write_text(json.dumps(districts, ensure_ascii=False), "utf-8")
    return Pool(directory, districts, written_names(names))


def _real_files(real: Path) -> list[Path]:
    from minsheng.index.ingest import corpus_files

    return corpus_files(real)


class SkeletonCache:
    """Vectors of texts that differ only in the synthetic districts' names and figures, embedded once: the
    synthetic corpus repeats each real report under every district, and embedding half a million chunks takes
    hours on two cores. Used for the bulk builds only; throughput, adding a report and questions use the model."""

    def __init__(self, names: Sequence[str]) -> None:
        self._names = _alternation(names)
        self._known: dict[str, np.ndarray] = {}

    def skeleton(self, text: str) -> str:
        """The text without figures, ruby pinyin and synthetic place names."""
        return _FIGURES.sub("", self._names.sub("", text)) if self._names else _FIGURES.sub("", text)

    def vectors(self, texts: Sequence[str], embed: Callable[[list[str]], Sequence[Sequence[float]]]) -> np.ndarray:
        """One vector per text: the known one of its skeleton, else embedded (each new skeleton once)."""
        keys = [self.skeleton(t) for t in texts]
        todo = list(dict.fromkeys(k for k in keys if k not in self._known))
        first = {k: t for k, t in zip(reversed(keys), reversed(texts))}
        if todo:
            self._known.update(zip(todo, (np.asarray(v, dtype=np.float32) for v in embed([first[k] for k in todo]))))
        return np.stack([self._known[k] for k in keys]) if keys else np.zeros((0, 0), dtype=np.float32)

    def embedder(self, model: "Embedder") -> "Embedder":
        """An embedder whose documents go through this cache (questions to the model)."""
        cache = self

        class Cached:
            name = model.name

            def embed_documents(self, texts: Sequence[str], progress: Callable[[int], object] | None = None
                                ) -> list[list[float]]:
                found = cache.vectors(texts, lambda todo: model.embed_documents(todo))
                if progress:
                    progress(len(texts))
                return found.tolist()

            def embed_query(self, text: str) -> list[float]:
                return model.embed_query(text)
        return Cached()  # type: ignore[return-value]


_FIGURES = re.compile(r"[0-9０-９.．%]+|\([a-zü\u0100-\u01dc\u0300-\u036f]{1,7}\)")


def _alternation(words: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern matching any of the words, as a trie (thousands of alternatives stay fast)."""
    trie: dict = {}
    for word in sorted(set(w for w in words if w)):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
        return body + ("?" if ends else "")

    return re.compile(pattern(trie)) if trie else None


def _build_cached(local: Settings, reader: object, cache: SkeletonCache) -> "BuildReport":
    """Index the corpus with the skeleton cache in front of the model (the bulk build of a size)."""
    from minsheng.bot.engine import make_embedder, run_index

    model = make_embedder(local)
    return run_index(local, progress=None, reader=reader, embedder=lambda: cache.embedder(model))  # type: ignore[arg-type]


def _chunks(index_dir: Path, files: set[str] | None = None) -> list["Chunk"]:
    """The chunks of an index (files: of these files only, not the whole index read)."""
    from minsheng.index.indexing import read_chunks

    return read_chunks(index_dir, files)


# A p95 over a few dozen questions is the third-slowest of them, one scheduler hiccup; nine districts' variants
# give 160 distinct questions. A single cold start after two builds measured 2.0-4.2 s where repeats gave 2.3-2.7.
MIX_VARIANTS = 9
COLD_RUNS = 3


def question_mix(real: Path, n: int, seed: int, variants: int = MIX_VARIANTS) -> list[str]:
    """The timed questions, each asked once: QUESTIONS, then the same questions about up to `variants` of the
    synthetic districts (the same names `synthetic_pool` uses), so no answer comes from a cache."""
    from minsheng.bot.measure.synthetic import names_for, placed, replace_names, report_place

    pairs = placed([(p.name, p.read_text("utf-8")) for p in _real_files(real)])
    regions = [report_place(name, text) for name, text in pairs]
    names = names_for(pairs, min(n, variants), seed)
    asked = [question for question, _ in QUESTIONS]
    return asked + [replace_names(question, regions, name) for name in names for question in asked]


def _extra_report(real: Path, seed: int, after: int) -> tuple[str, str]:
    """One more synthetic report, of the first district past the `after` the pool holds (no size uses it)."""
    from minsheng.bot.measure.synthetic import disguise_report, names_for, placed, report_place

    pairs = placed([(p.name, p.read_text("utf-8")) for p in _real_files(real)])
    name = names_for(pairs, after + 1, seed)[-1]
    return disguise_report(pairs[0][0], pairs[0][1], [report_place(*pairs[0])], name, seed + 10_007)


def measure_ours(local: Settings, extra: Callable[[bool], list[str]], report_file: tuple[str, str], mix: list[str],
                 reader: object, large: bool = False) -> tuple[Measures, list["Chunk"]]:
    """Our pipeline at the size its corpus holds: throughput (THROUGHPUT_DISTRICTS more districts indexed with the
    model, the reader warm), one report added as a running bot or watcher adds it (warm reader), warm questions,
    cold `minsheng ask` processes, disk. Also the chunks of the throughput districts, for the plain pipeline."""
    from minsheng.bot.answer.extractive import compose
    from minsheng.bot.engine import open_retriever, run_index

    before = run_index(local, progress=None, reader=reader)  # type: ignore[arg-type]
    files = set(extra(True))
    report = run_index(local, progress=None, reader=reader)  # type: ignore[arg-type]
    m = Measures(records_per_s=(report.records - before.records) / max(report.seconds, 1e-9))
    extra_chunks = _chunks(local.index_dir, files)
    extra(False)
    run_index(local, progress=None, reader=reader)  # type: ignore[arg-type]
    # The next build collects the vectors the last one stopped using (thousands here): a running index has done so
    # long before one more report arrives.
    run_index(local, progress=None, reader=reader)  # type: ignore[arg-type]
    name, text = report_file
    (local.corpus_dir / name).write_text(text, "utf-8")
    time.sleep(0.05)
    started = time.perf_counter()
    run_index(local, progress=None, reader=reader, names=[name])  # type: ignore[arg-type]  # as an upload adds it
    m.add_one_s = time.perf_counter() - started
    (local.corpus_dir / name).unlink()
    run_index(local, progress=None, reader=reader)  # type: ignore[arg-type]
    retriever = open_retriever(local, fresh=True)

    def ask(question: str) -> list[str]:
        result = retriever.search(question)
        compose(result)
        return [h.chunk.text for h in result.hits]

    _latency_and_accuracy(m, ask, mix)
    env = {"MINSHENG_CORPUS": str(local.corpus_dir), "MINSHENG_INDEX": str(local.index_dir)}
    m.cold_ask_s, m.peak_rss_mb = _cold_median([sys.executable, "-m", "minsheng.bot.cli", "ask", QUESTIONS[0][0]], env,
                                               1 if large else COLD_RUNS)
    m.disk_mb = _disk(local.index_dir)
    return m, extra_chunks


def measure_plain(settings: Settings, plain: "ShippedCollection", ours_dir: Path, extra_chunks: list["Chunk"],
                  report_file: tuple[str, str], mix: list[str], large: bool = False) -> Measures:
    """The plain dense pipeline (bot/measure/baseline.py): our chunks embedded in file order with the same model as
    shipped, one Chroma collection, the question embedded as typed, nearest chunks, no filters."""
    from minsheng.index.indexing import chunk_report, count_records
    from minsheng.index.ingest import parse_bytes

    started = time.perf_counter()
    plain.add(extra_chunks)
    m = Measures(records_per_s=count_records(extra_chunks) / (time.perf_counter() - started))
    plain.delete([c.id for c in extra_chunks])
    name, text = report_file
    started = time.perf_counter()
    extra = chunk_report(parse_bytes(text.encode("utf-8"), name), settings.index.max_tokens)
    plain.add(extra)
    m.add_one_s = time.perf_counter() - started
    plain.delete([c.id for c in extra])
    pipeline = plain.pipeline(_chunks(ours_dir))

    def ask(question: str) -> list[str]:
        return [h.chunk.search_text for h in pipeline.hits(question, 5)]

    _latency_and_accuracy(m, ask, mix)
    m.cold_ask_s, m.peak_rss_mb = _cold_median([sys.executable, "-c", plain.cold_ask_script(QUESTIONS[0][0])], {},
                                               1 if large else COLD_RUNS)
    m.disk_mb = _disk(plain.path)
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
