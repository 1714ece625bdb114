"""Settings: read once at the edge from config.toml plus environment overrides, then passed in."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from index.errors import ConfigError

DEFAULT_CONFIG = "config.toml"
BUNDLED_MODEL = "bundled:m3e-small"


@dataclass(frozen=True)
class IndexSettings:
    """Where and how the index is kept; see config.toml [index] and [store]."""

    model: str = BUNDLED_MODEL
    backend: str = "onnx-int8"
    batch_size: int = 8
    max_tokens: int = 768
    store_mode: str = "embedded"
    store_host: str = "127.0.0.1"
    store_port: int = 8000
    collection: str = "minsheng"
    max_file_mb: float = 20.0
    lock_wait: float = 0.0


@dataclass(frozen=True)
class SearchSettings:
    """Retrieval knobs; see config.toml [search]."""

    k: int = 5
    min_evidence: float = 0.4
    dense_pivot: float = 0.7


@dataclass(frozen=True)
class LLMSettings:
    """The optional LLM answer composer; see config.toml [llm]. The key itself comes only from the environment."""

    enabled: bool = False
    base_url: str = "http://127.0.0.1:11434/v1"
    model: str = "qwen2.5:7b-instruct"
    api_key_env: str = "MINSHENG_LLM_API_KEY"
    timeout: float = 20.0
    max_context_tokens: int = 3000
    temperature: float = 0.0
    prompts_dir: Path = Path("prompts")


@dataclass(frozen=True)
class TelegramSettings:
    """The Telegram bot; see config.toml [telegram]. The token comes only from the environment."""

    mode: str = "polling"
    poll_timeout: int = 10
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    admins: tuple[int, ...] = ()
    allowed_chats: tuple[int, ...] = ()
    rate_limit: int = 10
    rate_window: float = 60.0
    max_question_chars: int = 1000
    log_file: Path = Path("logs/questions.log")
    watch: bool = False


@dataclass(frozen=True)
class WatchSettings:
    """The corpus watcher of `minsheng watch` (and of the bot when [telegram] watch is on)."""

    settle: float = 2.0
    polling: bool = False
    poll_interval: float = 1.0


@dataclass(frozen=True)
class Settings:
    """Every setting the program reads; see config.toml for what each one means."""

    corpus_dir: Path
    index_dir: Path
    # The ONNX exports of embedding models (None: a "models" folder inside the index directory).
    models_dir: Path | None = None
    index: IndexSettings = IndexSettings()
    search: SearchSettings = SearchSettings()
    llm: LLMSettings = LLMSettings()
    telegram: TelegramSettings = TelegramSettings()
    watch: WatchSettings = WatchSettings()


def load_settings(path: Path | None, env: Mapping[str, str]) -> Settings:
    """Settings from a config file (missing file → defaults) with MINSHENG_* overrides from env."""
    config_path = Path(env.get("MINSHENG_CONFIG", "")) if env.get("MINSHENG_CONFIG") else path
    data: dict[str, Any] = {}
    base = Path.cwd()
    if config_path is not None and config_path.exists():
        try:
            data = tomllib.loads(config_path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_path}: not valid TOML ({exc})") from None
        base = config_path.resolve().parent
    where = str(config_path)
    paths = _table(data, "paths", where)
    index = _table(data, "index", where)
    store = _table(data, "store", where)
    search = _table(data, "search", where)
    llm = _table(data, "llm", where)
    telegram = _table(data, "telegram", where)
    watch = _table(data, "watch", where)
    corpus = env.get("MINSHENG_CORPUS") or paths.get("corpus", "corpus")
    index_dir = env.get("MINSHENG_INDEX") or paths.get("index", ".index")
    models = env.get("MINSHENG_MODELS") or _get(paths, "models", str, "", where)
    defaults_i, defaults_s, defaults_l, defaults_t = IndexSettings(), SearchSettings(), LLMSettings(), TelegramSettings()
    return Settings(
        corpus_dir=_resolve(base, corpus),
        index_dir=_resolve(base, index_dir),
        models_dir=_resolve(base, models) if models else None,
        index=IndexSettings(
            model=env.get("MINSHENG_MODEL") or _get(index, "model", str, defaults_i.model, where),
            backend=_choice(index, "backend", ("onnx-int8", "torch"), defaults_i.backend, where),
            batch_size=_get(index, "batch_size", int, defaults_i.batch_size, where),
            max_tokens=_get(index, "max_tokens", int, defaults_i.max_tokens, where),
            store_mode=_get(store, "mode", str, defaults_i.store_mode, where),
            store_host=_get(store, "host", str, defaults_i.store_host, where),
            store_port=_get(store, "port", int, defaults_i.store_port, where),
            collection=_get(store, "collection", str, defaults_i.collection, where),
            max_file_mb=float(_get(index, "max_file_mb", (int, float), defaults_i.max_file_mb, where)),
            lock_wait=float(_get(index, "lock_wait", (int, float), defaults_i.lock_wait, where)),
        ),
        search=SearchSettings(
            k=_get(search, "k", int, defaults_s.k, where),
            min_evidence=float(_get(search, "min_evidence", (int, float), defaults_s.min_evidence, where)),
            dense_pivot=float(_get(search, "dense_pivot", (int, float), defaults_s.dense_pivot, where)),
        ),
        llm=LLMSettings(
            enabled=_get(llm, "enabled", bool, defaults_l.enabled, where),
            base_url=_get(llm, "base_url", str, defaults_l.base_url, where),
            model=_get(llm, "model", str, defaults_l.model, where),
            api_key_env=_get(llm, "api_key_env", str, defaults_l.api_key_env, where),
            timeout=float(_get(llm, "timeout", (int, float), defaults_l.timeout, where)),
            max_context_tokens=_get(llm, "max_context_tokens", int, defaults_l.max_context_tokens, where),
            temperature=float(_get(llm, "temperature", (int, float), defaults_l.temperature, where)),
            prompts_dir=_resolve(base, _get(llm, "prompts", str, "prompts", where)),
        ),
        telegram=TelegramSettings(
            mode=_choice(telegram, "mode", ("polling", "webhook"), defaults_t.mode, where),
            poll_timeout=_get(telegram, "poll_timeout", int, defaults_t.poll_timeout, where),
            webhook_url=_get(telegram, "webhook_url", str, defaults_t.webhook_url, where),
            webhook_listen=_get(telegram, "webhook_listen", str, defaults_t.webhook_listen, where),
            webhook_port=_get(telegram, "webhook_port", int, defaults_t.webhook_port, where),
            admins=_ids(telegram, "admins", where),
            allowed_chats=_ids(telegram, "allowed_chats", where),
            rate_limit=_get(telegram, "rate_limit", int, defaults_t.rate_limit, where),
            rate_window=float(_get(telegram, "rate_window", (int, float), defaults_t.rate_window, where)),
            max_question_chars=_get(telegram, "max_question_chars", int, defaults_t.max_question_chars, where),
            log_file=_resolve(base, _get(telegram, "log_file", str, str(defaults_t.log_file), where)),
            watch=_get(telegram, "watch", bool, defaults_t.watch, where),
        ),
        watch=WatchSettings(
            settle=float(_get(watch, "settle", (int, float), WatchSettings.settle, where)),
            polling=_get(watch, "polling", bool, WatchSettings.polling, where),
            poll_interval=float(_get(watch, "poll_interval", (int, float), WatchSettings.poll_interval, where)),
        ),
    )


def _table(data: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{name}] must be a table")
    return value


def _get(table: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any, where: str) -> Any:
    value = table.get(key, default)
    # bool is an int in Python; a setting written as true/false where a number belongs is a mistake.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ConfigError(f"{where}: {key} = {value!r} has the wrong type")
    return value


def _choice(table: dict[str, Any], key: str, allowed: tuple[str, ...], default: str, where: str) -> str:
    value = _get(table, key, str, default, where)
    if value not in allowed:
        raise ConfigError(f"{where}: {key} = {value!r}; expected one of {', '.join(allowed)}")
    return value


def _ids(table: dict[str, Any], key: str, where: str) -> tuple[int, ...]:
    """A list of Telegram user or chat ids."""
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of numeric Telegram ids, got {value!r}")
    return tuple(value)


def _resolve(base: Path, value: object) -> Path:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"a path setting must be a non-empty string, got {value!r}")
    path = Path(os.path.expanduser(value))
    return path if path.is_absolute() else base / path
