"""The import layout: bot/ takes from index/ only what its stage packages show on their public faces (and the
top-level modules every stage shares), never a stage's module or a private name; the faces import on first use."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from minsheng.index.lazy import face_homes

ROOT = Path(__file__).resolve().parent.parent
# The stage packages whose faces (their __init__) bot/ imports from.
FACES = {"minsheng.index.search", "minsheng.index.indexing", "minsheng.index.ingest"}
# Top-level modules of index/ every stage shares, which bot/ may import directly.
SHARED = {f"minsheng.index.{name}" for name in
          ("kinds", "errors", "vocabulary", "places", "script", "topk", "synonyms", "segmenter", "datafiles", "sentences")}


def wrong_imports(folder: Path, skipped: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Every import in folder's Python files (those under a skipped folder aside, as paths relative to folder's
    parent) of a stage's module or of a private name of index/, as "file:line module name"."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        where = path.relative_to(folder.parent).as_posix()
        if any(where.startswith(f"{skip}/") for skip in skipped):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                pairs = [(alias.name, "") for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                pairs = [(node.module, alias.name) for alias in node.names]
            else:
                continue
            for module, name in pairs:
                if not module.startswith("minsheng.index"):
                    continue
                whole = f"{module}.{name}" if module == "minsheng.index" else module
                if whole not in FACES | SHARED or name.startswith("_"):
                    found.append(f"{where}:{node.lineno} {module} {name}".rstrip())
    return found


def test_bot_imports_only_the_public_faces_of_index() -> None:
    assert wrong_imports(ROOT / "bot") == []


def test_a_stage_module_or_a_private_name_is_caught(tmp_path: Path) -> None:
    """The check above can fail: each kind of wrong import is reported, a right one is not."""
    bot = tmp_path / "bot"
    (bot / "answer").mkdir(parents=True)
    (bot / "ok.py").write_text("from minsheng.index.search import Searcher\nfrom minsheng.index import places\n"
                               "from minsheng.index.kinds import Field\nimport minsheng.index.script\n", "utf-8")
    (bot / "wrong.py").write_text("from minsheng.index.search.searcher import Searcher\n"
                                  "from minsheng.index.script import _converter\n"
                                  "import minsheng.index.ingest.load\n"
                                  "def f():\n    from minsheng.index.indexing.store import LazyStore\n", "utf-8")
    (bot / "answer" / "later.py").write_text("from minsheng.index.search.query import Query\n", "utf-8")
    assert wrong_imports(bot, {"bot/answer"}) == [
        "bot/wrong.py:1 minsheng.index.search.searcher Searcher", "bot/wrong.py:2 minsheng.index.script _converter",
        "bot/wrong.py:3 minsheng.index.ingest.load", "bot/wrong.py:5 minsheng.index.indexing.store LazyStore"]
    assert wrong_imports(bot) == ["bot/answer/later.py:1 minsheng.index.search.query Query",
                                  *wrong_imports(bot, {"bot/answer"})]


@pytest.mark.parametrize("face", sorted(FACES))
def test_a_face_shows_what_it_imports_for_type_checkers(face: str) -> None:
    """Its __all__ is the names its TYPE_CHECKING block imports, each found at run time where that says."""
    package = __import__(face, fromlist=["__all__"])
    homes = face_homes(Path(package.__file__))
    assert homes and sorted(package.__all__) == sorted(homes)
    for name, (module, original) in homes.items():
        assert getattr(package, name) is getattr(sys.modules[module], original)


def test_importing_the_faces_imports_none_of_their_modules() -> None:
    """So `minsheng ask` loads no more than it uses (the builder, Chroma, LangChain, torch stay out)."""
    code = ("import sys, minsheng.index.search, minsheng.index.indexing, minsheng.index.ingest\n"
            "print(sorted(m for m in sys.modules if m.count('.') > 2 and m.startswith('minsheng.index.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_cold_ask_imports_neither_chroma_nor_torch_nor_langchain(indexed) -> None:  # type: ignore[no-untyped-def]
    """`minsheng ask` on a small index answers from its vectors without the heavy libraries the faces name."""
    code = ("import sys\nfrom minsheng.bot.cli import main\nmain(['ask', '大兴区养老服务进展'])\n"
            "print(sorted(m for m in ('chromadb', 'torch', 'langchain_core', 'sentence_transformers') "
            "if m in sys.modules), file=sys.stderr)")
    env = {**__import__("os").environ, "MINSHENG_INDEX": str(indexed.index_dir),
           "MINSHENG_CORPUS": str(indexed.corpus_dir)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
