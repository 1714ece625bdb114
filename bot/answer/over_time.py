"""Answers about places' projects as a whole (status lists, counts, the scorecard) and about change over time,
from the scorecards and earlier points a search found. Quoted sentences are the reports' own; counts made here
say that they are counted."""
from __future__ import annotations

from minsheng.bot.answer.types import Answer, citation_of
from minsheng.index.kinds import QueryKind, Status
from minsheng.index.search.results import SearchResult
from minsheng.index.search.scorecard import STATUS_ORDER, Scorecard, ScoredItem, status_name

# Items named per status in a list answer, and places in an answer that names none.
_NAMED = 12
_PLACES = 8
_SUMMARY_NAMED = 5


def compose_whole(result: SearchResult) -> Answer:
    """The answer to a STATUS_LIST, COUNT or SUMMARY question: one block per card."""
    query = result.query
    cards = result.cards[:_PLACES] if not query.regions else result.cards
    silent: list[Scorecard] = []
    if query.kind == QueryKind.STATUS_LIST:
        if not query.regions:
            # Asked of every place: those whose report names none of the statuses asked are counted, not listed.
            silent = [card for card in result.cards if not _names_any(card, query.statuses)]
            cards = [card for card in result.cards if card not in silent][:_PLACES]
        blocks = [status_list_text(card, query.statuses) for card in cards]
    elif query.kind == QueryKind.COUNT:
        blocks = [count_text(card, query.statuses) for card in cards]
    else:
        blocks = [summary_text(card) for card in cards]
    if silent:
        asked = "、".join(dict.fromkeys(status_name(s) for s in query.statuses)) or "项目"
        blocks.append(f"其余{len(silent)}个地方（{'、'.join(dict.fromkeys(heading(c) for c in silent[:6]))}"
                      f"{'等' if len(silent) > 6 else ''}）的最新报告没有写明{asked}的项目。")
    elif len(result.cards) > len(cards):
        blocks.append(f"（另有{len(result.cards) - len(cards)}个地方的报告，可指定地区再问。）")
    if not query.regions and len(cards) > 1:
        blocks.insert(0, "各地最新报告，滞后项目多的在前：")
    shown = {card.report.source for card in cards}
    citations = {}
    for hit in result.hits:
        if hit.chunk.source in shown:
            citation = citation_of(hit)
            citations.setdefault(citation.label(), citation)  # two passages of one report cite it once
    return Answer("\n\n".join(blocks), list(citations.values()))


def _names_any(card: Scorecard, statuses: tuple[Status, ...]) -> bool:
    wanted = statuses or STATUS_ORDER
    return any(card.of(s) for s in wanted) or any(listed.status in wanted for listed in card.lists)


def heading(card: Scorecard) -> str:
    """"大兴区（2024年一季度）" or "怀柔区城市管理委（2022年）"."""
    report = card.report
    return f"{report.region}{report.issuer}（{report.label}）" if report.label else f"{report.region}{report.issuer}"


def _item(item: ScoredItem) -> str:
    return f"第{item.item}项 {item.name}" if item.item else item.name


def _counted_line(card: Scorecard) -> str:
    counts = [(status, n) for status, n in card.counted().items() if n]
    if not counts:
        return ""
    parts = "，".join(f"{status_name(status)}{n}项" for status, n in counts)
    return f"按报告逐项统计（据各项的进展文字）：共{len(card.items)}项，{parts}。"


def status_list_text(card: Scorecard, statuses: tuple[Status, ...]) -> str:
    """The items of the statuses asked (all, grouped, when none), with the report's own list sentences."""
    wanted = statuses or STATUS_ORDER
    asked = "、".join(dict.fromkeys(status_name(s) for s in statuses)) if statuses else ""
    lines = [f"{heading(card)}{asked + '的项目' if asked else '的项目'}："]
    for listed in card.lists:
        if listed.status in wanted:
            lines.append(f"报告原文：“{listed.sentence}”")
    named = 0
    for status in wanted:
        items = card.of(status)
        if not items:
            continue
        shown = items[:_NAMED]
        more = f" 等{len(items)}项" if len(items) > len(shown) else ""
        lines.append(f"{status_name(status)}（{len(items)}项）：{'；'.join(_item(i) for i in shown)}{more}")
        named += len(items)
    if not named and len(lines) == 1:
        counted = _counted_line(card)
        lines[0] = f"{heading(card)}的报告里没有写明{asked or ''}的项目。" + (counted and f"（{counted[:-1]}）")
    elif card.items:
        lines.append("（状态按报告列出的名单和各项的进展文字判断。）")
    return "\n".join(lines)


def count_text(card: Scorecard, statuses: tuple[Status, ...]) -> str:
    """The report's own count sentence when it has one; the count made from its records, said to be counted."""
    lines = []
    if card.stated is not None:
        lines.append(f"{heading(card)}报告原文：“{card.stated.sentence}”")
    counted = "" if card.counts_more() else _counted_line(card)
    if counted:
        if statuses and card.stated is None:
            n = sum(card.counted()[s] for s in dict.fromkeys(statuses))
            lines.append(f"{heading(card)}：报告没有写总数。按报告逐项统计，{'、'.join(dict.fromkeys(status_name(s) for s in statuses))}"
                         f"{n}项（共{len(card.items)}项，据各项的进展文字判断）。")
        else:
            lines.append(counted if lines else f"{heading(card)}：报告没有写总数。{counted}")
    if not lines:
        lines.append(f"{heading(card)}的报告没有写项目总数，也没有逐项列出项目。")
    return "\n".join(lines)


def summary_text(card: Scorecard) -> str:
    """A place's scorecard: the report's summary sentence, items by status, the behind ones named, the change since
    the previous report of its series."""
    lines = [f"{heading(card)}《{card.report.title}》"]
    if card.summary:
        lines.append(f"报告原文：“{card.summary}”")
    counted = _counted_line(card)
    if counted and not card.counts_more():
        lines.append(counted)
    behind = card.of(Status.BEHIND) + card.of(Status.NOT_STARTED)
    if behind:
        shown = behind[:_SUMMARY_NAMED]
        lines.append(f"滞后或未启动：{'；'.join(_item(i) for i in shown)}" + (f" 等{len(behind)}项" if len(behind) > len(shown)
                                                                          else ""))
    for listed in card.lists:
        if listed.status in (Status.BEHIND, Status.NOT_STARTED) and listed.sentence != card.summary:
            lines.append(f"报告原文：“{listed.sentence}”")
    change = change_lines(card)
    lines.extend(change)
    if len(lines) == 1:
        lines.append("报告没有总体的说法，也没有逐项列出项目。")
    return "\n".join(lines)


def change_lines(card: Scorecard) -> list[str]:
    """What moved since the previous report of the series: its summary sentence, and the counts by status."""
    before = card.previous
    if before is None:
        return []
    lines = []
    now, then = card.counted(), before.counted()
    moved = [f"{status_name(s)} {then[s]}项 → {now[s]}项" for s in STATUS_ORDER if now[s] != then[s]]
    # Counts compare only when both reports list the same projects.
    if moved and before.items and len(before.items) == len(card.items):
        lines.append(f"与上一期（{before.report.label}）相比（逐项统计）：{'；'.join(moved)}。")
    if card.changes:
        shown = card.changes[:_SUMMARY_NAMED]
        told = "；".join(f"{'第' + c.item + '项 ' if c.item else ''}{c.name}：{c.before} → {c.after}" for c in shown)
        more = f" 等{len(card.changes)}项" if len(card.changes) > len(shown) else ""
        lines.append(f"与上一期（{before.report.label}）相比有变化的项目：{told}{more}")
    if before.summary and before.summary != card.summary:
        lines.append(f"上一期（{before.report.label}）报告原文：“{before.summary}”")
    if not lines:
        lines.append(f"上一期（{before.report.label}）的报告也已收录。")
    return lines
