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


def test_index_settings_and_overrides(tmp_path: Path) -> None:
    """The shipped config names the bundled model and an index next to it; MINSHENG_INDEX/MODEL override."""
    settings = load_settings(ROOT / "config.toml", {})
    assert settings.index_dir == ROOT / ".index"
    assert settings.index.model == "bundled:m3e-small"
    assert settings.index.store_mode == "embedded"
    assert settings.index.precision == "int8"
    env = {"MINSHENG_INDEX": str(tmp_path), "MINSHENG_MODEL": "some/other-model"}
    changed = load_settings(ROOT / "config.toml", env)
    assert changed.index_dir == tmp_path and changed.index.model == "some/other-model"


def test_wrong_type_names_the_setting(tmp_path: Path) -> None:
    """A setting of the wrong type is reported with the file and key."""
    bad = tmp_path / "config.toml"
    bad.write_text("[search]\nk = \"five\"\n", "utf-8")
    with pytest.raises(ConfigError, match="k = 'five' has the wrong type"):
        load_settings(bad, {})
    bad.write_text("[store]\nport = true\n", "utf-8")
    with pytest.raises(ConfigError, match="port"):
        load_settings(bad, {})


def test_precision_is_int8_or_float32(tmp_path: Path) -> None:
    """Another precision is refused with the file and key; float32 is accepted."""
    config = tmp_path / "config.toml"
    config.write_text("[index]\nprecision = \"float32\"\n", "utf-8")
    assert load_settings(config, {}).index.precision == "float32"
    config.write_text("[index]\nprecision = \"fp16\"\n", "utf-8")
    with pytest.raises(ConfigError, match="precision"):
        load_settings(config, {})
