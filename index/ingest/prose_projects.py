"""Projects a report names one by one in its prose rather than in rows or numbered items: bullets flattened into a
paragraph ("- 养老与助餐服务:…"), an enumeration after the list's count ("办了10件实事:一是…;二是…"), names in
brackets after a count ("已完成8项(A、B、…)"), the clauses under an announcement ("新增完成的16项具体工作包括:" and
"A;B;C" below it) and sentences opening with a project's name ("就业保障工程中,…"). Text in, StatusLists out: each
project a list of one, its clause the evidence, its status the announcement's or else its own wording's."""
from __future__ import annotations

import re

from minsheng.index.ingest.fields import cn_number
from minsheng.index.ingest.status import derive_status, explain_status, find_ratio
from minsheng.index.ingest.status_lists import StatusList, sentences
from minsheng.index.kinds import Status
from minsheng.index.script import to_simplified
from minsheng.index.vocabulary import (
    ANNOUNCED,
    ANNOUNCED_INLINE,
    ASPECT_OPENING,
    BEHIND,
    BULLET,
    COUNT_BEFORE_NAMES,
    COUNT_OPENER,
    COUNTED_STATES,
    DESIGNATED,
    DESIGNATED_LIST,
    DESIGNATED_LIST_SPLIT,
    DONE_BY_COUNT,
    LIST_ORDINAL,
    NOT_STARTED,
    PLANNED,
    PROJECT_COUNT,
    PROJECT_MENTION,
    PROJECT_OPENING,
    QUOTED,
    SPEAKS_OF_LIST,
    STATE_THEN_COUNT,
    WORK_DONE,
    WORK_FIGURE,
    WORK_HELD,
    WORK_RATE,
)

# A bullet or clause this short names nothing; one this long is a paragraph, not a name.
_NAME_MIN, _NAME_MAX = 4, 40
# Bullets or openings fewer than this in a text are no list.
_LIST_MIN = 2
# A line this short reports no project of its own; a project named by its sentence keeps this much of it.
_LINE_MIN = 20
_SENTENCE_NAME = 60


def prose_projects(text: str) -> list[StatusList]:
    """Every project the text names in prose, in the order found; each name once."""
    found: list[StatusList] = []
    seen: set[str] = set()
    for listed in [*_bullets(text), *_enumerated_after_count(text), *_bracketed(text), *_announced(text),
                   *_openings(text)]:
        name = listed.names[0]
        if name not in seen and not SPEAKS_OF_LIST.search(listed.sentence):
            seen.add(name)
            found.append(listed)
    return found


def _own_status(clause: str) -> Status:
    """A clause's status from its own words (as a record's progress would get it)."""
    return derive_status(clause, "", find_ratio(clause))


def _bullets(text: str) -> list[StatusList]:
    """'- 名称:内容 [2]' flattened into one line, three or more of them."""
    found = []
    # A record's text may be cut into lines where it was cut into parts; bullets run on across such cuts.
    for line in [text.replace("\n", " ")]:
        marks = list(BULLET.finditer(line))
        if len(marks) < 3:
            continue
        for mark, after in zip(marks, [*marks[1:], None]):
            body = line[mark.end():after.start() if after else len(line)]
            refs = list(re.finditer(r"(?:\[\d+\])+", body))
            # Its sources' marks close a bullet's text; what follows them heads the next bullets ("公共空间与交通设施").
            body = (body[:refs[-1].start()] if refs else body).strip()
            name = mark.group("name")
            if body:
                found.append(StatusList(_own_status(body), (name,), f"{name}:{body}"))
    return found


def _enumerated_after_count(text: str) -> list[StatusList]:
    """'我县为民办了10件实事:一是X,…;二是Y,…': each piece a project, done when the count says they were done."""
    found = []
    for sentence in sentences(text):
        opener = COUNT_OPENER.search(sentence)
        if not opener:
            continue
        body = sentence[opener.end():]
        marks = list(LIST_ORDINAL.finditer(body))
        if len(marks) < _LIST_MIN or marks[0].start() > 2:
            continue
        done = bool(DONE_BY_COUNT.search(sentence[:opener.end()]))
        for mark, after in zip(marks, [*marks[1:], None]):
            piece = body[mark.end():after.start() if after else len(body)].strip(" ,，;；。")
            if len(piece) >= _NAME_MIN:
                found.append(StatusList(Status.COMPLETED if done else _own_status(piece), (piece[:_NAME_MAX],), piece))
    return found


def _bracketed(text: str) -> list[StatusList]:
    """'已完成8项(A、B、…)', '常态化开展的有3项(A;B;C)': names in brackets, as many as counted, with the state said
    before the count (none said: not stated)."""
    found = []
    for sentence in sentences(text):
        for match in COUNT_BEFORE_NAMES.finditer(sentence):
            inside = match.group("names")
            # Names parted by ";" may hold "、" themselves ("餐饮油烟、噪声及恶臭异味扰民问题整治行动").
            names = [n.strip() for n in re.split(r"[;；]" if re.search("[;；]", inside) else "、", inside) if n.strip()]
            if len(names) < _LIST_MIN or len(names) != cn_number(match.group("count")):
                continue
            before = sentence[:match.start("count")]
            said = next(((state, found_state) for state, words in COUNTED_STATES
                         for found_state in [re.search(STATE_THEN_COUNT.format(state=words, count="$"), before)]
                         if found_state), None)
            status = said[0] if said else Status.UNKNOWN
            evidence = before[said[1].start():] + match.group(0) if said else match.group(0)  # "已完成8项(…)"
            found.extend(StatusList(status, (name,), evidence) for name in names if len(name) >= _NAME_MIN)
    return found


def _announced(text: str) -> list[StatusList]:
    """A sentence closing on '包括:' / '如下:' and the clauses of the line below it, as many as it counts: done when
    it announces done work ('新增完成的16项具体工作包括:'), behind or not started when it says so."""
    lines = text.split("\n")
    found = []
    for at, line in enumerate(lines):
        head = line.strip()
        inline = ANNOUNCED_INLINE.search(head)
        if ANNOUNCED.search(head):
            opening = re.split(r"[。！？]", head)[-1]
            below = next((ln.strip() for ln in lines[at + 1:at + 3] if ln.strip()), "")
        elif inline:
            # "其中超额完成任务的已有10项:A,完成率200%;B…。": the clauses after the colon, to the sentence's end.
            opening = re.split(r"[。！？]", head[:inline.end()])[-1]
            below = re.split(r"[。！？]", head[inline.end():], maxsplit=1)[0]
        else:
            continue
        status = _announced_status(opening)
        count = re.search(PROJECT_COUNT, opening)
        wanted = cn_number(count.group(1)) if count else None
        pieces = [ASPECT_OPENING.sub("", p).strip(" ,，") for p in re.split(r"[;；。]", below)]
        pieces = [p for p in pieces if _NAME_MIN <= len(p)]
        if len(pieces) < _LIST_MIN:
            continue
        for piece in pieces[:wanted]:
            found.append(StatusList(status or _own_status(piece), (piece[:_NAME_MAX],), piece))
    return found


def _announced_status(opening: str) -> Status | None:
    if BEHIND.search(opening):
        return Status.BEHIND
    if NOT_STARTED.search(opening):
        return Status.NOT_STARTED
    if WORK_DONE.search(opening) or re.search(COUNTED_STATES[0][1], opening):
        return Status.COMPLETED
    return None


def _openings(text: str) -> list[StatusList]:
    """Sentences opening with a project's name ('就业保障工程中,本市…'), two or more in the text; the sentence is
    the project's evidence."""
    found = []
    for sentence in sentences(text):
        match = PROJECT_OPENING.match(sentence)
        if match:
            found.append(StatusList(_own_status(sentence[match.end():]), (match.group("name"),), sentence))
    return found if len(found) >= _LIST_MIN else []


def mentioned_projects(text: str, listed: list[StatusList]) -> list[StatusList]:
    """Where two or more of the listed projects are sentences opening with their names, the list's other projects
    with the same kind of name that a sentence names among others ("其中,就医减负工程和灾后重建工程中的两项具体工作
    已完成"), each once, its status that sentence's."""
    opened = [one.names[0] for one in listed if len(one.names) == 1 and (match := PROJECT_OPENING.match(one.sentence))
              and match.group("name") == one.names[0]]
    if len(opened) < _LIST_MIN:
        return []
    known = {name for one in listed for name in one.names}
    kinds = {name[-2:] for name in opened}
    found = []
    for sentence in sentences(text):
        for match in PROJECT_MENTION.finditer(sentence):
            name = match.group("name")
            if name not in known and name[-2:] in kinds and not SPEAKS_OF_LIST.search(name):
                known.add(name)
                found.append(StatusList(_own_status(sentence), (name,), sentence))
    return found


def designated_projects(text: str) -> list[StatusList]:
    """The projects a text designates as ones of its list ("把“…”作为重点任务", "“…”建设是…民生实事工程", "“…”等4项
    民生实事项目", "…项目清单,其中就包括A以及B"), in the order found, each once. A project's status is its own
    wording's in the sentences naming it (by its quoted words), its evidence the phrase deciding it (else the designating
    sentence); a sentence designating several says nothing of each."""
    found: list[StatusList] = []
    all_sentences = sentences(text)
    for sentence in all_sentences:
        named = [match.group("name") for pattern in DESIGNATED for match in pattern.finditer(sentence)]
        for match in DESIGNATED_LIST.finditer(sentence):
            named += [piece.strip(" ,，") for piece in DESIGNATED_LIST_SPLIT.split(match.group("names"))]
        for name in named:
            name = name[1:-1] if QUOTED.fullmatch(name) else name
            if not _NAME_MIN <= len(name) <= _NAME_MAX or any(name == listed.names[0] for listed in found):
                continue
            quoted = QUOTED.search(name)
            key = quoted.group(0)[1:-1] if quoted else name
            own = "。".join(s for s in all_sentences if key in s and (s != sentence or len(named) == 1))
            status, phrase = explain_status(own, "", find_ratio(own)) if own else (Status.UNKNOWN, "")
            found.append(StatusList(status, (name,), phrase or sentence))
    return found


def line_projects(text: str) -> list[StatusList]:
    """A paragraph of several lines or sentences, two or more of which each report work of their own ("广州56条行政村
    农村供水改造已进场动工50条行政村…。", "已持续122天举办线上招聘会…"): each such one a project, named by its
    first words; those about the list as a whole or reporting nothing done are not."""
    found = []
    for line in (ln.strip() for ln in text.split("\n")):
        for piece in (p.strip() for p in re.findall(r"[^。！？]+[。！？]?", line)):
            if len(piece) < _LINE_MIN or SPEAKS_OF_LIST.search(piece) or not reports_work(piece):
                continue
            # Work reported, not only planned, and no word on how far it is against its target: under way.
            status = _own_status(piece)
            found.append(StatusList(Status.ON_TRACK if status == Status.UNKNOWN and not PLANNED.search(to_simplified(piece)) else status,
                                    (piece.rstrip("。！？")[:_SENTENCE_NAME],), piece))
    return found if len(found) >= _LIST_MIN else []


def reports_work(text: str) -> bool:
    """Whether a text reports work done or under way of its own (a figure built, served, begun, an activity held, a
    rate reached), as a project's paragraph does and an editor's note does not."""
    return bool(WORK_DONE.search(text) or WORK_FIGURE.search(text) or WORK_HELD.search(text) or WORK_RATE.search(text))

