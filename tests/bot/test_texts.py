"""Every sentence a user reads is written in bot/texts.py: no other bot module holds a Chinese text, and every template
names its fields."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from minsheng.bot import texts

BOT = Path(__file__).resolve().parents[2] / "bot"
CJK = re.compile("[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


def _checked_files() -> list[Path]:
    return sorted(path for path in BOT.rglob("*.py")
                  if path.name != "texts.py" or path.parent != BOT
                  if "measure" not in path.relative_to(BOT).parts)


def _is_docstring(node: ast.AST) -> bool:
    body = getattr(node, "body", None)
    return (isinstance(body, list) and bool(body) and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str))


def _is_logging_call(node: ast.Call) -> bool:
    # log.info(…), logging.getLogger(…).warning(…), logging.warning(…): what goes to a log file, not to a user.
    return isinstance(node.func, ast.Attribute) and node.func.attr in LOG_METHODS


def _texts(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of every string constant outside docstrings and logging calls; an f-string's constant parts
    joined into one text."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if _is_docstring(node):
            skipped.add(id(node.body[0].value))  # type: ignore[attr-defined]
        if isinstance(node, ast.Call) and _is_logging_call(node):
            for part in [*node.args, *(k.value for k in node.keywords)]:
                skipped.update(id(inner) for inner in ast.walk(part))
    found: list[tuple[int, str]] = []
    inside_fstring: set[int] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.JoinedStr):
            parts = [v for v in node.values if isinstance(v, ast.Constant)]
            inside_fstring.update(id(v) for v in parts)
            found.append((node.lineno, "".join(str(v.value) for v in parts)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inside_fstring:
            found.append((node.lineno, node.value))
    return found


def test_no_chinese_text_outside_texts() -> None:
    offenders = []
    for path in _checked_files():
        relative = path.relative_to(BOT.parent).as_posix()
        for line, text in _texts(ast.parse(path.read_text("utf-8"))):
            if CJK.search(text):
                offenders.append(f"{relative}:{line}: {text!r}")
    assert not offenders, ("Chinese texts belong in bot/texts.py as named templates; found elsewhere:\n"
                           + "\n".join(sorted(offenders)))


def _templates() -> list[tuple[str, str]]:
    """(name, template) of every str template of bot/texts.py, dict values included."""
    found = []
    for name, value in vars(texts).items():
        if name.startswith("_") or not name.isupper():
            continue
        if isinstance(value, str):
            found.append((name, value))
        elif isinstance(value, dict):
            found.extend((f"{name}[{key}]", text) for key, text in value.items() if isinstance(text, str))
    return found


def test_templates_name_their_fields() -> None:
    # A positional {} or a typo such as {pla ce} would fail only when that text is said; named fields show here.
    bad = []
    for name, template in _templates():
        try:
            fields = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
        except ValueError as exc:
            bad.append(f"{name}: {exc}")
            continue
        bad.extend(f"{name}: field {{{field}}} is not a name" for field in fields if not field.isidentifier())
    assert not bad, "\n".join(bad)


def test_every_status_and_field_is_worded() -> None:
    from minsheng.index.kinds import Field, Status
    from minsheng.index.vocabulary import CHUNK_LABELS

    for table in (texts.STATUS_NAMES, texts.STATUS_SHORT, texts.STATUS_VERDICTS):
        assert set(table) == set(Status) and all(table.values())
    for table in (texts.FIELD_NAMES, texts.FIELD_SHORT):
        assert set(table) == set(CHUNK_LABELS) and all(table.values())
    assert texts.FIELD_SHORT[Field.LEAD] == CHUNK_LABELS[Field.LEAD]  # a citation's "牵头 …" reads as the chunk does
