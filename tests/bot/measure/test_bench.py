"""The benchmark's pieces that need no model: the table and its ratios, the question set's answers."""
from __future__ import annotations

import sys
from pathlib import Path

from minsheng.bot.measure.bench import (
    MIX_VARIANTS,
    QUESTIONS,
    Measures,
    SkeletonCache,
    _alternation,
    _cold_median,
    format_table,
    question_mix,
)
from minsheng.index.ingest.corpus import corpus_files
from minsheng.index.ingest.normalize import match_key
from tests.conftest import CORPUS


def test_table_has_every_measure_and_its_ratio() -> None:
    ours = Measures(40.0, 1.5, 12.0, 30.0, 4.0, 600.0, 50.0, 1.0)
    plain = Measures(20.0, 3.0, 24.0, 60.0, 8.0, 500.0, 25.0, 0.5)
    lines = format_table(ours, plain).splitlines()
    assert len(lines) == 9
    throughput = next(line for line in lines if line.strip().startswith("index throughput"))
    assert throughput.split()[-1] == "2.00"
    assert next(line for line in lines if "accuracy" in line).split()[-3:] == ["1.000", "0.500", "2.00"]


def test_every_benchmark_answer_is_in_exactly_one_real_report() -> None:
    texts = {p.name: match_key(p.read_text("utf-8")) for p in corpus_files(CORPUS)}
    for question, gold in QUESTIONS:
        holders = [name for name, text in texts.items() if match_key(gold) in text]
        assert len(holders) == 1, (question, holders)


def test_question_mix_asks_each_question_once_and_the_real_ones_first() -> None:
    mix = question_mix(CORPUS, 10, seed=0)
    assert mix[:len(QUESTIONS)] == [question for question, _ in QUESTIONS]
    assert len(mix) == (1 + MIX_VARIANTS) * len(QUESTIONS) and len(set(mix)) == len(mix)
    # Fewer districts than variants: each district once, nothing repeated.
    small = question_mix(CORPUS, 2, seed=0)
    assert len(small) == 3 * len(QUESTIONS) and len(set(small)) == len(small)
    # The variants name synthetic districts, none of the real ones.
    real = ("青岛", "大兴", "济宁", "密云", "通州")
    assert not any(name in question for question in mix[len(QUESTIONS):] for name in real)
    assert question_mix(CORPUS, 10, seed=0) == mix


def test_cold_start_is_the_median_of_fresh_processes_and_the_largest_memory(tmp_path: Path) -> None:
    # A process that sleeps a different time on each run: the median is the middle one.
    script = ("import os, time, pathlib; p = pathlib.Path(os.environ['COUNTER']); n = int(p.read_text()) if p.exists() "
              "else 0; p.write_text(str(n + 1)); time.sleep([0.05, 0.6, 0.3][n])")
    seconds, rss = _cold_median([sys.executable, "-c", script], {"COUNTER": str(tmp_path / "n")})
    assert 0.3 <= seconds < 0.6
    assert rss > 1


def test_an_alternation_of_many_names_finds_each_and_the_longest() -> None:
    pattern = _alternation(["平谷区", "平谷", "平山县", "平山", "北京市", "北京"])
    assert pattern is not None
    assert pattern.sub("□", "北京市平谷区与平山县、平谷、北京") == "□□与□、□、□"
    assert _alternation([]) is None


def test_synthetic_copies_of_a_report_share_their_chunks_skeletons_and_vectors() -> None:
    """Two districts' disguises of one real report: the same skeletons for most chunks (figures and names aside), so
    one embedding serves both; another report's chunks have their own."""
    from minsheng.bot.measure.synthetic import names_for, placed, synthesize, written_names
    from minsheng.index.indexing.chunk import chunk_report
    from minsheng.index.ingest import parse_bytes

    pairs = placed([(p.name, p.read_text("utf-8")) for p in corpus_files(CORPUS)])
    made = synthesize(pairs, 2, seed=0)
    one, two, other = made[0], made[len(pairs)], made[1]
    cache = SkeletonCache(written_names(names_for(pairs, 2, seed=0)))

    def skeletons(pair: tuple[str, str]) -> list[str]:
        return [cache.skeleton(c.search_text) for c in chunk_report(parse_bytes(pair[1].encode(), pair[0]), 512)]

    first, second = skeletons(one), skeletons(two)
    assert len(set(first) & set(second)) >= 0.8 * len(set(first))
    assert not set(first) & set(skeletons(other))
    embedded: list[str] = []

    def embed(texts: list[str]) -> list[list[float]]:
        embedded.extend(texts)
        return [[float(len(t)), 1.0] for t in texts]

    texts = ["甲" + str(i) for i in range(3)] + ["乙1"]
    vectors = cache.vectors(texts, embed)
    assert embedded == ["甲0", "乙1"] and vectors.shape == (4, 2) and (vectors[0] == vectors[2]).all()
