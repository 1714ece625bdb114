"""The `minsheng` command. Settings are read here, once, and passed to everything else."""
from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Sequence, TextIO

from minsheng.bot import texts
from minsheng.bot.guard import too_long
from minsheng.bot.logs import route_to_file
from minsheng.bot.settings import DEFAULT_CONFIG, Settings, load_settings
from minsheng.bot.shown import ShownStream, shown
from minsheng.index.errors import MinshengError
from minsheng.index.indexing import require_index
from minsheng.index.ingest import (
    ParsedReport,
    Record,
    ReportCheck,
    check_report,
    list_corpus,
    load_report,
    parse_bytes,
    parse_text,
    read_report,
    text_of,
)
from minsheng.index.kinds import Field

if TYPE_CHECKING:
    from minsheng.index.indexing import FileLimits, FileReader
from minsheng.index.search import ends_chat, starts_over


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="minsheng", description=texts.CLI_DESCRIPTION)
    parser.add_argument("--config", type=Path, default=Path(DEFAULT_CONFIG), help=texts.CLI_HELP["--config"])
    sub = parser.add_subparsers(dest="command", required=True)
    records = sub.add_parser("records", help=texts.CLI_HELP["records"])
    records.add_argument("file", nargs="?", type=Path, help=texts.CLI_HELP["records file"])
    records.add_argument("--json", action="store_true", help=texts.CLI_HELP["records --json"])
    records.add_argument("--check", action="store_true", help=texts.CLI_HELP["records --check"])
    index = sub.add_parser("index", help=texts.CLI_HELP["index"])
    index.add_argument("--full", action="store_true", help=texts.CLI_HELP["index --full"])
    index.add_argument("--json", action="store_true", help=texts.CLI_HELP["index --json"])
    index.add_argument("--wait", type=float, default=None, metavar="SECONDS", help=texts.CLI_HELP["index --wait"])
    add = sub.add_parser("add", help=texts.CLI_HELP["add"])
    add.add_argument("sources", nargs="+", metavar="URL|FILE", help=texts.CLI_HELP["add sources"])
    ask = sub.add_parser("ask", help=texts.CLI_HELP["ask"])
    ask.add_argument("question", help=texts.CLI_HELP["ask question"])
    ask.add_argument("--k", type=_positive, default=None, help=texts.CLI_HELP["ask --k"])
    ask.add_argument("--json", action="store_true", help=texts.CLI_HELP["ask --json"])
    sub.add_parser("chat", help=texts.CLI_HELP["chat"])
    sub.add_parser("serve", help=texts.CLI_HELP["serve"])
    sub.add_parser("watch", help=texts.CLI_HELP["watch"])
    bench = sub.add_parser("bench", help=texts.CLI_HELP["bench"])
    bench.add_argument("--sizes", default="10,100", help=texts.CLI_HELP["bench --sizes"])
    bench.add_argument("--large", action="store_true", help=texts.CLI_HELP["bench --large"])
    bench.add_argument("--workdir", type=Path, default=Path(".bench"), help=texts.CLI_HELP["bench --workdir"])
    bench.add_argument("--hostile", action="store_true", help=texts.CLI_HELP["bench --hostile"])
    summary = sub.add_parser("summary", help=texts.CLI_HELP["summary"])
    summary.add_argument("place", help=texts.CLI_HELP["summary place"])
    summary.add_argument("--json", action="store_true", help=texts.CLI_HELP["summary --json"])
    summary.add_argument("--chart", type=Path, default=None, metavar="PNG", help=texts.CLI_HELP["summary --chart"])
    summary.add_argument("--period", default="", metavar="P", help=texts.CLI_HELP["summary --period"])
    evaluate = sub.add_parser("eval", help=texts.CLI_HELP["eval"])
    evaluate.add_argument("file", type=Path, help=texts.CLI_HELP["eval file"])
    evaluate.add_argument("--no-baseline", action="store_true", help=texts.CLI_HELP["eval --no-baseline"])
    # Opt-in: the overall figures stay the last lines a `tail` of the output shows.
    evaluate.add_argument("--by-type", action="store_true", help=texts.CLI_HELP["eval --by-type"])
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(texts.NOT_POSITIVE.format(text=text)) from None
    if value < 1:
        raise argparse.ArgumentTypeError(texts.NOT_POSITIVE.format(text=text))
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    out: TextIO = ShownStream(sys.stdout)  # type: ignore[assignment]
    try:
        settings = load_settings(args.config, os.environ)
        route_to_file(settings.log_file)
        if args.command == "records":
            from minsheng.bot.engine import file_limits

            if args.check:
                return check_command(args.file or settings.corpus_dir, out)
            if args.file is None:
                return corpus_summary(settings.corpus_dir, out, file_limits(settings))
            return show_records(args.file, args.json, out, file_limits(settings))
        if args.command == "index":
            return index_command(settings, args.full, args.json, out, args.wait)
        if args.command == "add":
            return add_command(settings, args.sources, out)
        if args.command == "ask":
            return ask_command(settings, args.question, args.k, args.json, sys.stdin, out)
        if args.command == "bench" and args.hostile:
            from minsheng.bot.measure.hostile import run_hostile

            run_hostile(settings.corpus_dir, args.workdir, out)
            return 0
        if args.command == "bench":
            from minsheng.bot.measure.bench import run

            sizes = [int(x) for x in args.sizes.split(",") if x.strip()] + ([1000] if args.large else [])
            run(settings, sizes, args.workdir, out)
            return 0
        if args.command == "watch":
            return watch_command(settings, out)
        if args.command == "serve":
            return serve_command(settings)
        if args.command == "chat":
            return chat_command(settings, sys.stdin, out)
        if args.command == "summary":
            return summary_command(settings, args.place, args.json, args.chart, out, args.period)
        if args.command == "eval":
            return eval_command(settings, args.file, not args.no_baseline, out, args.by_type)
    except MinshengError as exc:
        print(texts.CLI_ERROR.format(error=shown(str(exc))), file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; nothing left to tell it.
        sys.stdout = open(os.devnull, "w")
        return 0
    except KeyboardInterrupt:
        print(texts.CLI_INTERRUPTED, file=sys.stderr)
        return 130
    return 0


def show_records(path: Path, as_json: bool, out: TextIO, limits: FileLimits | None = None) -> int:
    """Print one parsed report, as text or as JSON; read within the file limits when given (as `index` reads it)."""
    if limits is None:
        parsed = load_report(path)
    else:
        from minsheng.index.indexing import FileReader

        with FileReader(limits) as reader:
            parsed = _parsed(read_report(path), path.name, reader)
    if as_json:
        out.write(json.dumps(parsed.to_json(), ensure_ascii=False, indent=1) + "\n")
        return 0
    out.write(format_report(parsed))
    return 0


def format_report(parsed: ParsedReport) -> str:
    """Human-readable text of a parsed report."""
    report = parsed.report
    months = texts.RECORDS_MONTHS.format(first=report.months[0], last=report.months[1]) if report.months else ""
    lines = [
        f"{report.title}",
        texts.RECORDS_REPORT.format(region=report.region or "?", year=report.year or "?",
                                    period=report.period or "?", months=months, source=report.source),
        *([texts.RECORDS_PLACE.format(place=" / ".join(report.place))] if report.place else []),
        *(texts.RECORDS_NOTE.format(note=note) for note in parsed.notes),
        texts.RECORDS_SHAPE.format(shape=parsed.shape, records=len(parsed.records), leftover=len(parsed.leftover)),
        "",
    ]
    for record in parsed.records:
        lines.extend(format_record(record))
        lines.append("")
    if parsed.leftover:
        lines.append(texts.RECORDS_LEFTOVER_HEAD)
        lines.extend(texts.RECORDS_LEFTOVER_LINE.format(text=text) for text in parsed.leftover)
    return "\n".join(lines) + "\n"


def format_record(record: Record) -> list[str]:
    """A record as indented labelled lines, empty fields left out."""
    ratio = texts.RECORD_RATIO.format(ratio=record.ratio) if record.ratio is not None else ""
    head = texts.RECORD_HEAD.format(item=record.item, section=record.section).rstrip()
    status = texts.STATUS_SHORT.get(record.status, record.status)
    lines = [texts.RECORD_HEAD_LINE.format(head=head, status=status, ratio=ratio)]
    for field, value in (
        (Field.TASK, record.task),
        (Field.LEAD, record.lead_unit),
        (Field.UNITS, record.units),
        (Field.LEADER, record.leader),
        (Field.PROGRESS, record.progress),
        (Field.PROBLEMS, record.problems),
        (Field.PLAN, record.plan),
    ):
        if value:
            lines.append(texts.RECORD_FIELD.format(field=texts.FIELD_SHORT[field],
                                                   value=value.replace("\n", "\n        ")))
    for past in record.history:
        lines.append(texts.RECORD_PAST.format(period=past.period, text=past.text.replace("\n", " ")))
    return lines


def _parsed(data: bytes, name: str, reader: FileReader | None) -> ParsedReport:
    """A file's parse, by the worker within its limits when there is one (past a limit the file fails)."""
    if reader is None:
        return parse_bytes(data, name)
    return reader.read(data, name, 768, "").parsed


def corpus_summary(corpus: Path, out: TextIO, limits: FileLimits | None = None) -> int:
    """One line per corpus file: region, period, shape, record count; failures named, the rest go on."""
    from minsheng.index.indexing import FileReader

    with FileReader(limits) if limits is not None else nullcontext() as reader:
        return _corpus_lines(corpus, out, reader)


def _corpus_lines(corpus: Path, out: TextIO, reader: FileReader | None) -> int:
    listing = list_corpus(corpus)
    for error in listing.refused:
        out.write(texts.FILE_FAILED.format(error=shown(str(error))) + "\n")
    failed = len(listing.refused)
    for path in listing.files:
        try:
            parsed = _parsed(read_report(path, corpus), path.name, reader)
        except MinshengError as exc:
            failed += 1
            out.write(texts.FILE_FAILED.format(error=shown(str(exc))) + "\n")
            continue
        r = parsed.report
        out.write(texts.CORPUS_LINE.format(records=len(parsed.records), leftover=len(parsed.leftover),
                                           region=r.region or "?", year=r.year or "?", period=r.period or "?",
                                           shape=parsed.shape, name=shown(path.name)) + "\n")
    total = len(listing.files) + len(listing.refused)
    out.write(texts.CORPUS_PARSED.format(parsed=total - failed, total=total) + "\n")
    return 1 if failed else 0


def format_check(check: ReportCheck) -> str:
    """One line: file, place path, year, period with its months, records, share of text in records, warnings."""
    unknown = texts.CHECK_UNKNOWN
    place = "/".join(check.place) or (texts.CHECK_UNSETTLED.format(place=check.region) if check.region else unknown)
    months = ""
    if check.months:
        first, last = check.months
        months = texts.CHECK_ONE_MONTH.format(month=first) if first == last else \
            texts.CHECK_MONTHS.format(first=first, last=last)
    period = (check.period or (texts.CHECK_WHOLE_YEAR if check.months == (1, 12) else unknown)) + months
    line = texts.CHECK_LINE.format(file=check.name, place=place, year=check.year or unknown, period=period,
                                   records=check.records, share=check.share)
    return line + "".join(texts.CHECK_WARNING.format(warning=warning) for warning in check.warnings)


def check_command(target: Path, out: TextIO) -> int:
    """`records --check`: how each report of a directory (or one file) was read, with what is doubtful; a file that
    cannot be read is named and the rest go on. Exit 1 when any file failed."""
    if target.is_dir():
        listing = list_corpus(target)
        paths, refused, root = listing.files, listing.refused, target
    else:
        paths, refused, root = [target], [], None
    for error in refused:
        out.write(texts.FILE_FAILED.format(error=shown(str(error))) + "\n")
    failed = len(refused)
    warned = 0
    for path in paths:
        try:
            text = text_of(read_report(path, root), path.name)
            check = check_report(path.name, text, parse_text(text, path.name))
        except MinshengError as exc:
            failed += 1
            out.write(texts.FILE_FAILED.format(error=shown(str(exc))) + "\n")
            continue
        warned += bool(check.warnings)
        out.write(format_check(check) + "\n")
    total = len(paths) + len(refused)
    out.write(texts.CHECK_READ.format(read=total - failed, total=total, warned=warned) + "\n")
    return 1 if failed else 0


def index_command(settings: Settings, full: bool, as_json: bool, out: TextIO, wait: float | None = None) -> int:
    """Run an index build and print what changed; failures are listed, the rest is indexed."""
    from dataclasses import replace

    from minsheng.bot.engine import model_ready, run_index
    from minsheng.bot.watch import report_lines

    if not model_ready(settings):
        print(texts.MODEL_PREPARING, file=sys.stderr)
    report = run_index(settings, full=full, wait=wait)
    if report.repaired:
        print(texts.REPAIRING.format(reason=shown(report.repaired)), file=sys.stderr)
    if report.rebuilt:
        print(texts.REBUILDING.format(reason=report.rebuilt), file=sys.stderr)
    for line in report_lines(replace(report, rebuilt="")):
        out.write(line + "\n")
    for line in changed_lines(settings, [*report.added, *report.updated]):
        out.write(line + "\n")
    if as_json:
        out.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
    # Broken files are reported, not fatal: the rest of the corpus is indexed and searchable.
    return 1 if report.failed and not report.records else 0


def changed_lines(settings: Settings, names: Sequence[str]) -> list[str]:
    """For each report named that follows an earlier report of its place indexed before (not one of names: a first
    build is no news), what changed since that one."""
    if not names:
        return []
    from minsheng.bot.changes import news_lines, report_news

    timeline, paths = _timeline(settings)
    lines = []
    for name in names:
        news = report_news(timeline, paths, name)
        if news is not None and news.card.previous is not None and news.card.previous.report.source not in names:
            lines.append(texts.CHANGED_HEAD.format(name=shown(name)))
            lines.extend(texts.CHANGED_LINE.format(line=line) for line in news_lines(news)[1:])
    return lines


def _timeline(settings: Settings):  # type: ignore[no-untyped-def]
    """The index's reports over time and each place's path, from its catalog (no model loaded; each report's
    chunks read when its card is asked for)."""
    from minsheng.index.search import Timeline

    return Timeline.of_index(settings.index_dir)


def add_command(settings: Settings, sources: Sequence[str], out: TextIO) -> int:
    """Add report files and links to the corpus, index them, and print what was read from each and what changed
    since the previous report of its place; exit 1 when any source was not added."""
    from minsheng.bot.arrivals import Incoming, add_reports
    from minsheng.bot.changes import news_lines
    from minsheng.bot.engine import destination, incoming_link, run_index
    from minsheng.bot.intake import Origin
    from minsheng.bot.watch import totals_line

    incoming = []
    failed = 0
    for source in sources:
        try:
            if _LINK.match(source):
                incoming.append(incoming_link(settings, source, ""))
            else:
                path = Path(source)
                incoming.append(Incoming(read_report(path, None, settings.index.max_file_bytes),
                                         path.name, Origin("file", given_name=str(path.resolve()))))
        except MinshengError as exc:
            failed += 1
            out.write(texts.ADD_FAILED.format(error=shown(str(exc))) + "\n")
    if not incoming:
        if not failed:
            print(texts.ADD_NOTHING, file=sys.stderr)
        return 1
    arrival = add_reports(incoming, destination(settings), lambda names: run_index(settings, names=names),
                          lambda: _timeline(settings))
    for added in arrival.added:
        origin = added.origin
        said = texts.ADD_ORIGIN_URL.format(url=origin.url, at=origin.fetched_at) if origin.url else \
            texts.ADD_ORIGIN_FILE.format(path=origin.given_name)
        out.write(texts.ADD_SAVED.format(name=shown(added.name), origin=shown(said)) + "\n")
        for line in added.lines:
            out.write(texts.ADD_READ.format(line=shown(line)) + "\n")
        if added.news is not None and not added.news.first:
            for line in news_lines(added.news)[1:]:
                out.write(texts.ADD_READ.format(line=shown(line)) + "\n")
    for refusal in arrival.refused:
        out.write(texts.ADD_FAILED.format(error=shown(str(refusal))) + "\n")
    if arrival.build is not None:
        out.write(totals_line(arrival.build) + "\n")
    return 1 if failed or arrival.refused else 0


# An address to fetch rather than a file name: a scheme and "://".
_LINK = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _require_index(settings: Settings) -> None:
    """Refuse at once when there is no index, or a damaged one (saying what to do)."""
    require_index(settings.index_dir)


def ask_command(settings: Settings, question: str, k: int | None, as_json: bool, stdin: TextIO, out: TextIO) -> int:
    """Answer one question, or every line of standard input when the question is "-"; a question longer than
    [search] max_question_chars is refused with a line saying so."""
    if question != "-" and not question.strip():
        print(texts.ASK_EMPTY, file=sys.stderr)
        return 2
    _require_index(settings)  # at once, before the libraries and the model are loaded
    questions = [line.strip() for line in stdin] if question == "-" else [question]
    if not any(questions):
        print(texts.ASK_NO_QUESTIONS, file=sys.stderr)
        return 2
    limit = settings.search.max_question_chars
    asked = [text for text in questions if text.strip()]
    if all(too_long(text.strip(), limit) for text in asked):
        for text in asked:
            print(too_long(text.strip(), limit), file=sys.stderr)
        return 2
    from minsheng.bot.answer.render import to_json, to_terminal
    from minsheng.bot.engine import open_searcher

    searcher = open_searcher(settings)
    responder = _responder(settings)
    k = k or settings.search.k
    for text in asked:
        refusal = too_long(text.strip(), limit)
        if refusal:
            print(refusal, file=sys.stderr)
            continue
        result = searcher.search(text, k)
        answer = responder.answer(text, result)
        out.write(json.dumps(to_json(text, answer, result, k), ensure_ascii=False) + "\n" if as_json
                  else to_terminal(answer) + "\n")
        out.flush()
    return 0


def summary_command(settings: Settings, place: str, as_json: bool, chart: Path | None, out: TextIO,
                    period: str = "") -> int:
    """Print a place's scorecards (text with sources, or JSON); with --chart, draw the latest one's bar chart."""
    _require_index(settings)
    from minsheng.bot.answer.render import to_terminal
    from minsheng.bot.engine import open_searcher
    from minsheng.bot.summary import PlaceError, card_json, summarize, with_chart

    try:
        summary = summarize(open_searcher(settings), place, period)
    except PlaceError as exc:
        print(texts.CLI_SAYS.format(message=exc), file=sys.stderr)
        return 2
    if chart is not None:
        with_chart(summary, settings.chart.font, chart)
    if as_json:
        data = {"cards": [card_json(card) for card in summary.cards],
                "chart": str(summary.chart) if summary.chart else None}
        out.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    else:
        out.write(to_terminal(summary.answer))
        if summary.chart:
            out.write(texts.CHART_WRITTEN.format(path=summary.chart) + "\n")
    if summary.chart_error:
        print(texts.CHART_NOT_DRAWN_CLI.format(reason=summary.chart_error), file=sys.stderr)
        return 1
    return 0


def _responder(settings: Settings):  # type: ignore[no-untyped-def]
    """Extractive answers, or the LLM composer when config.toml enables it (its key from the environment)."""
    from minsheng.bot.answer.responder import make_responder

    return make_responder(settings, os.environ.get(settings.llm.api_key_env))


def chat_command(settings: Settings, stdin: TextIO, out: TextIO) -> int:
    """An interactive conversation: follow-ups ("那密云区呢？") build on the previous question."""
    from minsheng.bot.answer.render import to_terminal
    from minsheng.bot.engine import LiveRetriever
    from minsheng.bot.session import Conversation

    _require_index(settings)
    interactive = stdin.isatty()
    if interactive:
        try:
            importlib.import_module("readline")  # arrow keys and history for input()
        except ImportError:
            pass
    live = LiveRetriever(settings)
    live.poll()
    responder = _responder(settings)
    conversation = Conversation(live.current().searcher, settings.search.k)
    # A re-index made meanwhile (by `minsheng watch`, say) is answered from once it is loaded.
    live.listeners.append(lambda retriever: setattr(conversation, "searcher", retriever.searcher))
    if interactive:
        out.write(texts.CHAT_INTRODUCTION + "\n")
    while True:
        try:
            line = input(texts.CHAT_PROMPT) if interactive else stdin.readline()
        except EOFError:
            break
        if not interactive and not line:
            break
        text = line.strip()
        if not text:
            continue
        if ends_chat(text):
            break
        if starts_over(text):
            conversation.reset()
            out.write(texts.RESET_DONE + "\n\n")
            continue
        refusal = too_long(text, settings.search.max_question_chars)
        if refusal:
            out.write(refusal + "\n\n")
            continue
        live.current()
        answer = responder.answer(text, conversation.search(text))
        out.write(to_terminal(answer) + "\n")
        out.flush()
    return 0


def serve_command(settings: Settings) -> int:
    """Run the Telegram bot until interrupted; the index and model are loaded before it starts polling."""
    from minsheng.bot.engine import LiveRetriever, file_limits, run_index
    from minsheng.bot.telegram import BotService, run_bot
    from minsheng.index.indexing import FileReader

    token = os.environ.get("TELEGRAM_BOT_TOKEN", "")
    if not token:
        raise MinshengError(texts.TOKEN_MISSING)
    # /reindex waits for a build another process is running instead of failing.
    live = LiveRetriever(settings)
    live.poll()
    # One reader worker for the bot's life: uploads and re-indexes do not each start one.
    files = FileReader(file_limits(settings))
    service = BotService(settings, live, _responder(settings),
                         lambda names=None: run_index(settings, progress=None, wait=600, reader=files, names=names),
                         files)
    watcher = None
    if settings.telegram.watch:
        from minsheng.bot.watch import CorpusWatcher

        w = settings.watch
        watcher = CorpusWatcher(settings.corpus_dir, lambda names: _log_reindex(service.reindex()), w.settle,
                                w.polling, w.poll_interval, w.max_wait)
        watcher.start()
    try:
        run_bot(service, token, os.environ.get("TELEGRAM_API_BASE_URL"), os.environ.get("TELEGRAM_WEBHOOK_SECRET"))
    finally:
        if watcher is not None:
            watcher.stop()
        files.close()
    return 0


def _log_reindex(report) -> None:  # type: ignore[no-untyped-def]
    import logging

    from minsheng.bot.watch import report_lines

    for line in report_lines(report) if report is not None else ["a re-index is already running"]:
        logging.getLogger("minsheng.watch").info(line)


def watch_command(settings: Settings, out: TextIO) -> int:
    """Watch the corpus and re-index after changes settle, printing what changed, until Ctrl-C."""
    from minsheng.bot.engine import file_limits, run_index
    from minsheng.bot.watch import watch
    from minsheng.index.indexing import FileReader

    w = settings.watch
    # A build started by hand meanwhile is waited for, not failed; one reader worker serves every batch.
    with FileReader(file_limits(settings)) as files:
        watch(settings.corpus_dir, lambda: run_index(settings, progress=None, wait=600, reader=files), out,
              w.settle, w.polling, poll_interval=w.poll_interval, max_wait=w.max_wait)
    return 0


def eval_command(settings: Settings, path: Path, baseline: bool, out: TextIO, by_type: bool = False) -> int:
    """Score a question file with our retriever and, in the same run, with plain BM25 and plain dense retrieval
    over 300-character chunks of the same corpus files."""
    from minsheng.bot.engine import open_retriever
    from minsheng.bot.measure.evaluate import load_questions, run_eval
    from minsheng.index.ingest import corpus_files

    questions = load_questions(path)
    files = corpus_files(settings.corpus_dir) if baseline else []
    run_eval(questions, open_retriever(settings), _responder(settings), settings.search.k, files, out, by_type)
    return 0


if __name__ == "__main__":
    sys.exit(main())
