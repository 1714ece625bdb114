"""config.toml plus environment overrides."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import load_settings
from index.errors import ConfigError
from tests.conftest import ROOT


def test_repo_config_points_at_corpus() -> None:
    """The shipped config.toml resolves the corpus next to it."""
    settings = load_settings(ROOT / "config.toml", {})
    assert settings.corpus_dir == ROOT / "corpus"


def test_environment_overrides(tmp_path: Path) -> None:
    """MINSHENG_CORPUS wins over the file."""
    settings = load_settings(ROOT / "config.toml", {"MINSHENG_CORPUS": str(tmp_path)})
    assert settings.corpus_dir == tmp_path


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    """A broken config file is reported with its path."""
    bad = tmp_path / "config.toml"
    bad.write_text("[paths\ncorpus=", "utf-8")
    with pytest.raises(ConfigError, match="config.toml: not valid TOML"):
        load_settings(bad, {})
