"""bot.measure.baseline: the plain pipelines that eval and bench compare against."""
from __future__ import annotations

from minsheng.bot.measure.baseline import PLAIN_CHUNK_CHARS, plain_bm25, plain_chunks, plain_dense
from minsheng.index.ingest.corpus import corpus_files
from minsheng.index.ingest.load import read_text
from minsheng.index.ingest.normalize import match_key
from minsheng.index.search.retriever import MinshengRetriever
from tests.conftest import CORPUS, corpus_file


def test_plain_chunks_cover_every_report_in_300_characters() -> None:
    """Every real report is cut into chunks of at most 300 characters that together hold all its text."""
    files = corpus_files(CORPUS)
    chunks = plain_chunks(files)
    assert {c.source for c in chunks} == {f.name for f in files}
    assert max(len(c.text) for c in chunks) <= PLAIN_CHUNK_CHARS
    path = corpus_file("眉山市2019")
    joined = match_key("".join(c.text for c in chunks if c.source == path.name))
    # Overlapping chunks repeat text, so every character pair of the report is found somewhere in them.
    text = match_key(read_text(path))
    assert all(text[i:i + 2] in joined for i in range(0, len(text) - 1, 7))


def test_plain_bm25_finds_a_report_phrase_and_never_abstains() -> None:
    """Plain BM25 ranks the chunk holding a question's words first, and answers anything with its top chunk."""
    chunks = plain_chunks([corpus_file("柯桥区"), corpus_file("鹿寨县")])
    pipeline = plain_bm25(chunks)
    reply = pipeline.reply("柯东小学新建工程室内装修", 3)
    assert "柯东小学" in reply["sources"][0]["text"] and reply["answer"] == reply["sources"][0]["text"]
    silly = pipeline.reply("给我讲个笑话", 3)
    assert not silly["abstained"]


def test_plain_dense_ranks_by_the_embedder(retriever: MinshengRetriever) -> None:
    """Plain dense search returns k chunks for anything, the nearest first."""
    chunks = plain_chunks([corpus_file("柯桥区"), corpus_file("鹿寨县")])
    reply = plain_dense(chunks, retriever.searcher.embedder).reply("给我讲个笑话", 3)
    assert len(reply["sources"]) == 3 and not reply["abstained"]
    scores = [s["score"] for s in reply["sources"]]
    assert scores == sorted(scores, reverse=True)
