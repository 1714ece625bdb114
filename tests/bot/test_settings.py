"""config.toml plus environment overrides."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from minsheng.bot.settings import load_settings
from minsheng.index.errors import ConfigError
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
    assert settings.index.backend == "onnx-int8" and settings.models_dir == ROOT / ".models"
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


def test_backend_is_onnx_int8_or_torch(tmp_path: Path) -> None:
    """Another backend is refused with its key; torch is accepted; without [paths] models the exports go
    inside the index directory (models_dir None), and MINSHENG_MODELS overrides."""
    config = tmp_path / "config.toml"
    config.write_text("[index]\nbackend = \"torch\"\n", "utf-8")
    settings = load_settings(config, {})
    assert settings.index.backend == "torch" and settings.models_dir is None
    assert load_settings(config, {"MINSHENG_MODELS": str(tmp_path)}).models_dir == tmp_path
    config.write_text("[index]\nbackend = \"onnx\"\n", "utf-8")
    with pytest.raises(ConfigError, match="backend"):
        load_settings(config, {})


def test_unknown_sections_and_keys_are_named(tmp_path: Path) -> None:
    """A misspelt section or key is an error naming it (with the likely intended name), not silently ignored."""
    config = tmp_path / "config.toml"
    config.write_text("[serach]\nk = 3\n", "utf-8")
    with pytest.raises(ConfigError, match=r"unknown section \[serach\] \(did you mean \[search\]\?\)"):
        load_settings(config, {})
    config.write_text("[search]\nkk = 3\n", "utf-8")
    with pytest.raises(ConfigError, match=r"unknown setting 'kk' in \[search\] \(did you mean k\?\)"):
        load_settings(config, {})
    config.write_text("search = 3\n", "utf-8")
    with pytest.raises(ConfigError, match=r"\[search\] must be a table"):
        load_settings(config, {})


def test_the_shipped_config_documents_every_setting() -> None:
    """config.toml holds every declared setting, and ships the declared defaults of [index], [store], [search]
    and [watch]."""
    import tomllib

    from minsheng.bot.settings import Settings, declared

    shipped = tomllib.loads((ROOT / "config.toml").read_text("utf-8"))
    assert {section: set(table) for section, table in shipped.items()} == declared()
    settings = load_settings(ROOT / "config.toml", {})
    defaults = Settings()
    assert (settings.index, settings.search, settings.watch) == (defaults.index, defaults.search, defaults.watch)


def test_settings_read_the_telegram_table(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[telegram]\nadmins = [42]\nallowed_chats = [-100, 7]\nrate_limit = 3\nmode = "webhook"\n'
                      'webhook_url = "https://example.org/hook"\nlog_file = "logs/q.log"\n', "utf-8")
    t = load_settings(config, {}).telegram
    assert (t.admins, t.allowed_chats, t.rate_limit, t.mode) == ((42,), (-100, 7), 3, "webhook")
    assert t.log_file == tmp_path / "logs" / "q.log"
    config.write_text('[telegram]\nadmins = ["42"]\n', "utf-8")
    with pytest.raises(ConfigError, match="admins must be a list of numeric Telegram ids"):
        load_settings(config, {})
    config.write_text('[telegram]\nmode = "push"\n', "utf-8")
    with pytest.raises(ConfigError, match="expected one of polling, webhook"):
        load_settings(config, {})
    assert replace(t, rate_limit=1).rate_limit == 1
