"""Chinese written in source files: every string constant outside docstrings and logging calls (an f-string's
constant parts joined) that holds a CJK character or CJK punctuation. The tests that keep Chinese in its homes
(bot/texts.py for what people read, index/vocabulary.py for cues, index/places.py for place names) use it."""
from __future__ import annotations

import ast
import re
from pathlib import Path

CJK = re.compile("[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
IDEOGRAPH = re.compile("[\u4e00-\u9fff]")
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


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


def chinese_in(paths: list[Path], root: Path, punctuation: bool = True) -> list[str]:
    """"file:line: 'text'" for every Chinese string constant of the files, paths shown relative to root; with
    punctuation False only a constant holding a Chinese character counts (a parser's "[。；;]" does not)."""
    found = CJK if punctuation else IDEOGRAPH
    offenders = []
    for path in paths:
        relative = path.relative_to(root).as_posix()
        for line, text in _texts(ast.parse(path.read_text("utf-8"))):
            if found.search(text):
                offenders.append(f"{relative}:{line}: {text!r}")
    return sorted(offenders)
