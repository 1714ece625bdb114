"""Sentences found by meaning: the nearest sentence of the best candidates, records before passages, labels aside."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from minsheng.index.indexing.chunk import PASSAGE, Chunk
from minsheng.index.search.meaning import SentenceVectors, closest, sentences_of
from minsheng.index.search.results import Hit

RECORD = "武功县 · 2025年 · 第2项\n任务: 为七至九年级适龄女生提供HPV疫苗免费接种服务。\n进展: 已完成接种2150人,完成率86%。"
PASSAGE_TEXT = "武功县 · 2025年\n二、为七至九年级适龄女生提供HPV疫苗免费接种服务。"


def hit(text: str, number: int, passage: bool = False) -> Hit:
    """A hit on a chunk of report-like text."""
    chunk = Chunk(id=f"own{number:07d}-{number:04d}-0", text=text, source="武功县.txt", report="武功县2025年民生实事",
                  region="武功县", year=2025, period="三季度", item=str(number), section="", lead_unit="",
                  status="", record=-1 if passage else number, part=0, **({"kind": PASSAGE} if passage else {}))
    return Hit(chunk, 1.0)


class Scripted:
    """An embedder that gives each listed sentence a fixed direction and counts the texts it embedded."""

    def __init__(self, near: dict[str, float]) -> None:
        self.near = near
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += len(texts)
        out = []
        for text in texts:
            cosine = self.near.get(text, 0.1)
            out.append([cosine, float(np.sqrt(1 - cosine * cosine))])
        return out


def test_labels_and_header_are_no_part_of_a_sentence() -> None:
    assert sentences_of(hit(RECORD, 2)) == ["为七至九年级适龄女生提供HPV疫苗免费接种服务。", "已完成接种2150人,完成率86%。"]
    assert sentences_of(hit(PASSAGE_TEXT, 9, passage=True)) == ["为七至九年级适龄女生提供HPV疫苗免费接种服务。"]


def test_the_nearest_sentence_and_its_record_are_found() -> None:
    embedder = Scripted({"为七至九年级适龄女生提供HPV疫苗免费接种服务。": 0.8, "已完成接种2150人,完成率86%。": 0.7})
    # The passage ranks first, but the record holding the same sentence answers: its fields tell progress apart.
    found = closest([hit(PASSAGE_TEXT, 9, passage=True), hit(RECORD, 2)], [1.0, 0.0], SentenceVectors(embedder.embed))
    assert found is not None
    assert found.sentence == "为七至九年级适龄女生提供HPV疫苗免费接种服务。"
    assert not found.hit.chunk.is_passage
    assert found.similarity == 0.8


def test_sentences_are_embedded_once() -> None:
    embedder = Scripted({})
    vectors = SentenceVectors(embedder.embed)
    closest([hit(RECORD, 2)], [1.0, 0.0], vectors)
    closest([hit(RECORD, 2)], [1.0, 0.0], vectors)
    assert embedder.calls == 2


def test_nothing_to_read_is_no_sentence() -> None:
    assert closest([], [1.0, 0.0], SentenceVectors(Scripted({}).embed)) is None


def test_a_title_is_no_sentence_to_mean_anything() -> None:
    """A title states nothing, yet is near every question about its place."""
    title = hit("武功县 · 2025年\n关于2025年重点民生实事项目上半年进展情况的通报\n已完成接种2150人,完成率86%。", 5, passage=True)
    assert sentences_of(title) == ["已完成接种2150人,完成率86%。"]
