"""Settings: read once at the edge from config.toml plus environment overrides, then passed in."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from index.errors import ConfigError

DEFAULT_CONFIG = "config.toml"


@dataclass(frozen=True)
class Settings:
    """Every setting the program reads; see config.toml for what each one means."""

    corpus_dir: Path


def load_settings(path: Path | None, env: Mapping[str, str]) -> Settings:
    """Settings from a config file (missing file → defaults) with MINSHENG_* overrides from env."""
    config_path = Path(env.get("MINSHENG_CONFIG", "")) if env.get("MINSHENG_CONFIG") else path
    data: dict = {}
    base = Path.cwd()
    if config_path is not None and config_path.exists():
        try:
            data = tomllib.loads(config_path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_path}: not valid TOML ({exc})") from None
        base = config_path.resolve().parent
    paths = data.get("paths", {})
    if not isinstance(paths, dict):
        raise ConfigError(f"{config_path}: [paths] must be a table")
    corpus = env.get("MINSHENG_CORPUS") or paths.get("corpus", "corpus")
    return Settings(corpus_dir=_resolve(base, corpus))


def _resolve(base: Path, value: object) -> Path:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"a path setting must be a non-empty string, got {value!r}")
    path = Path(os.path.expanduser(value))
    return path if path.is_absolute() else base / path
