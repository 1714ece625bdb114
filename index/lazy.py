"""A package's public face imported on first use (PEP 562): the names its `if TYPE_CHECKING:` block imports are
what type checkers and editors see, and at run time each is imported from its module when first asked for, so
importing the face loads none of them (a cold `minsheng ask` never pays for Chroma, LangChain or the builder)."""
from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path
from typing import Any, Callable


def lazy_face(package: str) -> Callable[[str], Any]:
    """The package's module `__getattr__`: a name its TYPE_CHECKING block imports, imported from there."""
    namespace = sys.modules[package].__dict__
    homes: dict[str, tuple[str, str]] = {}

    def __getattr__(name: str) -> Any:
        if not homes:
            homes.update(face_homes(Path(namespace["__file__"])))
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, original = homes[name]
        value = getattr(importlib.import_module(module), original)
        namespace[name] = value  # found: later uses no longer come here
        return value

    return __getattr__


def face_homes(init: Path) -> dict[str, tuple[str, str]]:
    """Each name a package's __init__ imports under `if TYPE_CHECKING:` → the module it comes from and its name
    there."""
    homes: dict[str, tuple[str, str]] = {}
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
                    homes.update((alias.asname or alias.name, (statement.module, alias.name)) for alias in statement.names)
    return homes
