"""Every sentence a user reads is written in bot/texts.py: no other bot module holds a Chinese text, and every template
names its fields."""
from __future__ import annotations

import string
from pathlib import Path

from minsheng.bot import texts
from tests.support.chinese import chinese_in

BOT = Path(__file__).resolve().parents[2] / "bot"
def test_no_chinese_text_outside_texts() -> None:
    checked = sorted(path for path in BOT.rglob("*.py")
                     if (path.name != "texts.py" or path.parent != BOT) and "measure" not in path.relative_to(BOT).parts)
    offenders = chinese_in(checked, BOT.parent)
    assert not offenders, ("Chinese texts belong in bot/texts.py as named templates; found elsewhere:\n"
                           + "\n".join(offenders))


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


def test_no_template_is_named_twice() -> None:
    """A second assignment of a name would silently replace the first text wherever it is used."""
    import ast

    tree = ast.parse((BOT / "texts.py").read_text("utf-8"))
    names = [target.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
             for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
             for target in (target.elts if isinstance(target, ast.Tuple) else [target])
             if isinstance(target, ast.Name)]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
