"""The `minsheng` command. Settings are read here, once, and passed to everything else."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Sequence, TextIO

from bot.settings import DEFAULT_CONFIG, load_settings
from index.errors import MinshengError
from index.load import load_report
from index.records import ParsedReport, Record

_STATUS_ZH = {
    "completed": "已完成",
    "on_track": "正在推进",
    "behind": "滞后",
    "not_started": "未启动",
    "unknown": "未提及",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="minsheng", description="民生实事 reports: parse, index and answer questions.")
    parser.add_argument("--config", type=Path, default=Path(DEFAULT_CONFIG), help="config file (default: config.toml)")
    sub = parser.add_subparsers(dest="command", required=True)
    records = sub.add_parser("records", help="show what the parser makes of a report file (or of every corpus file)")
    records.add_argument("file", nargs="?", type=Path, help="a report file; without it, a summary of the corpus")
    records.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.config, os.environ)
        if args.command == "records":
            if args.file is None:
                return corpus_summary(settings.corpus_dir, sys.stdout)
            return show_records(args.file, args.json, sys.stdout)
    except MinshengError as exc:
        print(f"minsheng: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("minsheng: interrupted", file=sys.stderr)
        return 130
    return 0


def show_records(path: Path, as_json: bool, out: TextIO) -> int:
    """Print one parsed report, as text or as JSON."""
    parsed = load_report(path)
    if as_json:
        out.write(json.dumps(parsed.to_json(), ensure_ascii=False, indent=1) + "\n")
        return 0
    out.write(format_report(parsed))
    return 0


def format_report(parsed: ParsedReport) -> str:
    """Human-readable text of a parsed report."""
    report = parsed.report
    lines = [
        f"{report.title}",
        f"地区 {report.region or '?'} · {report.year or '?'}年 · {report.period or '?'} · {report.source}",
        f"形式 {parsed.shape} · {len(parsed.records)} 条记录 · {len(parsed.leftover)} 行未归入记录",
        "",
    ]
    for record in parsed.records:
        lines.extend(format_record(record))
        lines.append("")
    if parsed.leftover:
        lines.append("未归入记录的文字:")
        lines.extend(f"  {text}" for text in parsed.leftover)
    return "\n".join(lines) + "\n"


def format_record(record: Record) -> list[str]:
    """A record as indented labelled lines, empty fields left out."""
    ratio = f" ({record.ratio:.1%})" if record.ratio is not None else ""
    head = f"#{record.item} {record.section}".rstrip()
    lines = [f"{head} [{_STATUS_ZH.get(record.status, record.status)}{ratio}]"]
    for label, value in (
        ("任务", record.task),
        ("牵头", record.lead_unit),
        ("配合", record.units),
        ("进展", record.progress),
        ("问题", record.problems),
        ("计划", record.plan),
    ):
        if value:
            lines.append(f"  {label}: " + value.replace("\n", "\n        "))
    for past in record.history:
        lines.append(f"  {past.period}: " + past.text.replace("\n", " "))
    return lines


def corpus_summary(corpus: Path, out: TextIO) -> int:
    """One line per corpus file: region, period, shape, record count; failures named, the rest go on."""
    if not corpus.is_dir():
        raise MinshengError(f"{corpus}: corpus directory not found")
    failed = 0
    files = sorted(p for p in corpus.iterdir() if p.is_file() and not p.name.startswith("."))
    for path in files:
        try:
            parsed = load_report(path)
        except MinshengError as exc:
            failed += 1
            out.write(f"FAILED  {exc}\n")
            continue
        r = parsed.report
        out.write(
            f"{len(parsed.records):4d} records  {len(parsed.leftover):3d} leftover  {r.region or '?'} "
            f"{r.year or '?'} {r.period or '?'}  [{parsed.shape}]  {path.name}\n"
        )
    out.write(f"{len(files) - failed} of {len(files)} files parsed\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
