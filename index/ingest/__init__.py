"""Ingestion: report files → normalized text → a Report (place, period) and its Records.

The names below are what bot/ may use; each is imported from its module when first used (index/lazy.py), so a
caller pays only for the readers it uses."""
from __future__ import annotations

from typing import TYPE_CHECKING

from minsheng.index.lazy import lazy_face

if TYPE_CHECKING:
    from minsheng.index.ingest.check import ReportCheck, check_report
    from minsheng.index.ingest.corpus import corpus_files, is_report_name, list_corpus, read_report
    from minsheng.index.ingest.fields import is_section
    from minsheng.index.ingest.formats import SUFFIXES
    from minsheng.index.ingest.formats.html import decode_html, source_text
    from minsheng.index.ingest.load import load_report, parse_bytes, read_text, text_of
    from minsheng.index.ingest.meta import find_region
    from minsheng.index.ingest.news import is_boilerplate
    from minsheng.index.ingest.normalize import TONE_MARKS, clean, match_key
    from minsheng.index.ingest.parse import parse_text
    from minsheng.index.ingest.records import ParsedReport, Record
    from minsheng.index.ingest.status import derive_status

__all__ = [
    "SUFFIXES", "TONE_MARKS", "ParsedReport", "ReportCheck", "Record", "check_report", "clean", "corpus_files", "decode_html", "derive_status", "find_region",
    "is_boilerplate", "is_report_name", "is_section", "list_corpus", "load_report", "match_key", "parse_bytes",
    "parse_text", "read_report", "read_text", "source_text", "text_of",
]
__getattr__ = lazy_face(__name__)
