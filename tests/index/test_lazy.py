"""index/lazy.py: a package's face, its TYPE_CHECKING imports, imported from their modules on first use."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from minsheng.index.lazy import face_homes

INIT = '''"""A face."""
from typing import TYPE_CHECKING

from facepkg_lazy.lazy_helper import lazy_face

if TYPE_CHECKING:
    from facepkg_lazy.light import Light, light_name
    from facepkg_lazy.heavy import Heavy as Weighty

__all__ = ["Light", "Weighty", "light_name"]
__getattr__ = lazy_face(__name__)
'''


@pytest.fixture
def face(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A package facepkg_lazy with a light and a heavy module behind its face."""
    package = tmp_path / "facepkg_lazy"
    package.mkdir()
    (package / "__init__.py").write_text(INIT, "utf-8")
    (package / "lazy_helper.py").write_text("from minsheng.index.lazy import lazy_face\n", "utf-8")
    (package / "light.py").write_text("class Light: ...\nlight_name = 'light'\n", "utf-8")
    (package / "heavy.py").write_text("class Heavy: ...\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield __import__("facepkg_lazy")
    for name in [m for m in sys.modules if m.startswith("facepkg_lazy")]:
        del sys.modules[name]


def test_the_homes_are_read_off_the_type_checking_imports(face) -> None:  # type: ignore[no-untyped-def]
    assert face_homes(Path(face.__file__)) == {"Light": ("facepkg_lazy.light", "Light"),
                                               "light_name": ("facepkg_lazy.light", "light_name"),
                                               "Weighty": ("facepkg_lazy.heavy", "Heavy")}


def test_a_name_is_imported_from_its_module_only_when_first_used(face) -> None:  # type: ignore[no-untyped-def]
    assert "facepkg_lazy.light" not in sys.modules and "facepkg_lazy.heavy" not in sys.modules
    from facepkg_lazy import Light  # type: ignore[import-not-found]

    assert Light is sys.modules["facepkg_lazy.light"].Light
    assert "facepkg_lazy.heavy" not in sys.modules
    assert face.Weighty is sys.modules["facepkg_lazy.heavy"].Heavy  # under the name the face gives it
    assert face.__dict__["Light"] is Light  # kept: the next use finds it without __getattr__


def test_a_name_the_face_does_not_show_is_an_attribute_error(face) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AttributeError, match="facepkg_lazy.*Heavy"):
        face.Heavy  # noqa: B018
    with pytest.raises(ImportError):
        from facepkg_lazy import missing  # type: ignore[import-not-found]  # noqa: F401
