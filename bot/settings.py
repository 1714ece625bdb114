"""Settings: read once at the edge from config.toml plus environment overrides, then passed in.

Every setting is declared once, below, with its default, its place in config.toml and (for a few) the environment
variable that overrides it; load_settings reads them all from that declaration. A section or key config.toml does
not declare is an error naming it, so a misspelt `[serach]` cannot be ignored silently.
"""
from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Mapping

from minsheng.bot import texts
from minsheng.index.errors import ConfigError

DEFAULT_CONFIG = "config.toml"
BUNDLED_MODEL = "bundled:m3e-small"


def setting(default: Any, section: str, key: str, choices: tuple[str, ...] = (), env: str = "") -> Any:
    """A field read from config.toml's [section] key (and from the environment variable env when it is set)."""
    return field(default=default, metadata={"section": section, "key": key, "choices": choices, "env": env})


@dataclass(frozen=True)
class IndexSettings:
    """Where and how the index is kept; see config.toml [index] and [store]."""

    model: str = setting(BUNDLED_MODEL, "index", "model", env="MINSHENG_MODEL")
    backend: str = setting("onnx-int8", "index", "backend", choices=("onnx-int8", "torch"))
    batch_size: int = setting(8, "index", "batch_size")
    max_tokens: int = setting(768, "index", "max_tokens")
    store_mode: str = setting("embedded", "store", "mode")
    store_host: str = setting("127.0.0.1", "store", "host")
    store_port: int = setting(8000, "store", "port")
    collection: str = setting("minsheng", "store", "collection")
    max_file_mb: float = setting(20.0, "index", "max_file_mb")
    max_file_seconds: float = setting(60.0, "index", "max_file_seconds")
    max_file_memory_mb: int = setting(1024, "index", "max_file_memory_mb")
    max_unpacked_mb: float = setting(200.0, "index", "max_unpacked_mb")
    max_part_mb: float = setting(32.0, "index", "max_part_mb")
    max_zip_entries: int = setting(10_000, "index", "max_zip_entries")
    max_text_chars: int = setting(1_000_000, "index", "max_text_chars")
    max_chunks_per_file: int = setting(1_000, "index", "max_chunks_per_file")
    lock_wait: float = setting(0.0, "index", "lock_wait")

    @property
    def max_file_bytes(self) -> int:
        """max_file_mb in bytes: the size past which a report file is refused."""
        return int(self.max_file_mb * 1_000_000)


@dataclass(frozen=True)
class SearchSettings:
    """Retrieval knobs; see config.toml [search]."""

    k: int = setting(5, "search", "k")
    min_evidence: float = setting(0.4, "search", "min_evidence")
    dense_pivot: float = setting(0.7, "search", "dense_pivot")
    meaning_pivot: float = setting(0.75, "search", "meaning_pivot")
    max_question_chars: int = setting(1000, "search", "max_question_chars")


@dataclass(frozen=True)
class LLMSettings:
    """The optional LLM answer composer; see config.toml [llm]. The key itself comes only from the environment."""

    enabled: bool = setting(False, "llm", "enabled")
    base_url: str = setting("http://127.0.0.1:11434/v1", "llm", "base_url")
    model: str = setting("qwen2.5:7b-instruct", "llm", "model")
    api_key_env: str = setting("MINSHENG_LLM_API_KEY", "llm", "api_key_env")
    timeout: float = setting(20.0, "llm", "timeout")
    max_context_tokens: int = setting(3000, "llm", "max_context_tokens")
    temperature: float = setting(0.0, "llm", "temperature")
    prompts_dir: Path = setting(Path("prompts"), "llm", "prompts")


@dataclass(frozen=True)
class TelegramSettings:
    """The Telegram bot; see config.toml [telegram]. The token comes only from the environment."""

    mode: str = setting("polling", "telegram", "mode", choices=("polling", "webhook"))
    poll_timeout: int = setting(10, "telegram", "poll_timeout")
    webhook_url: str = setting("", "telegram", "webhook_url")
    webhook_listen: str = setting("127.0.0.1", "telegram", "webhook_listen")
    webhook_port: int = setting(8443, "telegram", "webhook_port")
    admins: tuple[int, ...] = setting((), "telegram", "admins")
    allowed_chats: tuple[int, ...] = setting((), "telegram", "allowed_chats")
    rate_limit: int = setting(10, "telegram", "rate_limit")
    rate_window: float = setting(60.0, "telegram", "rate_window")
    log_file: Path = setting(Path("logs/questions.log"), "telegram", "log_file")
    watch: bool = setting(False, "telegram", "watch")
    # Who follows which place, and which reports were announced (None: follows.sqlite inside the index directory).
    follows: Path | None = setting(None, "telegram", "follows")


@dataclass(frozen=True)
class FetchSettings:
    """Reports added by link (`minsheng add URL`, /add); see config.toml [fetch]."""

    max_mb: float = setting(20.0, "fetch", "max_mb")
    timeout: float = setting(20.0, "fetch", "timeout")
    max_redirects: int = setting(5, "fetch", "max_redirects")
    allow_networks: tuple[str, ...] = setting((), "fetch", "allow_networks")


@dataclass(frozen=True)
class WatchSettings:
    """The corpus watcher of `minsheng watch` (and of the bot when [telegram] watch is on)."""

    settle: float = setting(2.0, "watch", "settle")
    polling: bool = setting(False, "watch", "polling")
    poll_interval: float = setting(1.0, "watch", "poll_interval")
    max_wait: float = setting(60.0, "watch", "max_wait")


@dataclass(frozen=True)
class ChartSettings:
    """The scorecard's bar chart; see config.toml [chart]."""

    # A font file with Chinese glyphs (None: Noto Sans SC from the pylopdf-fonts-zh-cn package).
    font: Path | None = setting(None, "chart", "font")


@dataclass(frozen=True)
class Settings:
    """Every setting the program reads; see config.toml for what each one means."""

    corpus_dir: Path = setting(Path("corpus"), "paths", "corpus", env="MINSHENG_CORPUS")
    index_dir: Path = setting(Path(".index"), "paths", "index", env="MINSHENG_INDEX")
    # The ONNX exports of embedding models (None: a "models" folder inside the index directory).
    models_dir: Path | None = setting(None, "paths", "models", env="MINSHENG_MODELS")
    # Libraries' warnings and debug lines (never shown on the terminal).
    log_file: Path = setting(Path("logs/minsheng.log"), "paths", "log")
    index: IndexSettings = IndexSettings()
    search: SearchSettings = SearchSettings()
    llm: LLMSettings = LLMSettings()
    telegram: TelegramSettings = TelegramSettings()
    watch: WatchSettings = WatchSettings()
    chart: ChartSettings = ChartSettings()
    fetch: FetchSettings = FetchSettings()

    @property
    def follows_db(self) -> Path:
        """The follows database: [telegram] follows, else inside the index directory (it belongs with the index's
        reports, and every bot process of that index shares it)."""
        return self.telegram.follows or self.index_dir / "follows.sqlite"


def load_settings(path: Path | None, env: Mapping[str, str]) -> Settings:
    """Settings from a config file (missing file → defaults) with MINSHENG_* overrides from env."""
    config_path = Path(env["MINSHENG_CONFIG"]) if env.get("MINSHENG_CONFIG") else path
    data: dict[str, Any] = {}
    base = Path.cwd()
    if config_path is not None and config_path.exists():
        try:
            data = tomllib.loads(config_path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(texts.CONFIG_NOT_TOML.format(where=config_path, error=exc)) from None
        base = config_path.resolve().parent
    reader = _Reader(data, env, base, str(config_path))
    reader.check_known(declared())
    return reader.read(Settings)


def declared(cls: type = Settings) -> dict[str, set[str]]:
    """Every config.toml section and the keys declared in it."""
    known: dict[str, set[str]] = {}
    for f in fields(cls):
        if f.metadata:
            known.setdefault(f.metadata["section"], set()).add(f.metadata["key"])
        elif is_dataclass(f.default):
            for section, keys in declared(type(f.default)).items():
                known.setdefault(section, set()).update(keys)
    return known


@dataclass(frozen=True)
class _Reader:
    """Reads declared settings out of parsed TOML and the environment, checking each value's type."""

    data: dict[str, Any]
    env: Mapping[str, str]
    base: Path
    where: str

    def check_known(self, known: dict[str, set[str]]) -> None:
        """Refuse sections and keys nobody declared (a misspelling would otherwise be silently ignored)."""
        for section, table in self.data.items():
            if section not in known:
                raise ConfigError(texts.CONFIG_UNKNOWN_SECTION.format(where=self.where, section=section,
                                                                      guess=_guess(section, known, "[{}]")))
            if not isinstance(table, dict):
                raise ConfigError(texts.CONFIG_NOT_TABLE.format(where=self.where, section=section))
            for key in table:
                if key not in known[section]:
                    raise ConfigError(texts.CONFIG_UNKNOWN_KEY.format(where=self.where, key=key, section=section,
                                                                      guess=_guess(key, known[section], "{}")))

    def read(self, cls: type) -> Any:
        """An instance of a settings dataclass, nested groups included."""
        values = {}
        for f in fields(cls):
            values[f.name] = self.value(f) if f.metadata else self.read(type(f.default))
        return cls(**values)

    def value(self, f: Any) -> Any:
        """One setting: the environment override, else config.toml, else the default; checked and resolved."""
        meta = f.metadata
        key = meta["key"]
        overridden = self.env.get(meta["env"]) if meta["env"] else None
        raw = overridden or self.data.get(meta["section"], {}).get(key, f.default)
        kind = f.type
        if kind in ("Path", "Path | None"):
            if raw is None or (raw == "" and kind == "Path | None"):
                return None
            if isinstance(raw, Path):
                raw = str(raw)
            if not isinstance(raw, str) or not raw:
                raise ConfigError(texts.CONFIG_NOT_PATH.format(where=self.where, key=key, value=raw))
            resolved = Path(os.path.expanduser(raw))
            return resolved if resolved.is_absolute() else self.base / resolved
        if kind == "tuple[int, ...]":
            # Telegram user or chat ids.
            if not isinstance(raw, (list, tuple)) or not all(isinstance(v, int) and not isinstance(v, bool)
                                                             for v in raw):
                raise ConfigError(texts.CONFIG_NOT_IDS.format(where=self.where, key=key, value=raw))
            return tuple(raw)
        if kind == "tuple[str, ...]":
            # Networks in CIDR form ("127.0.0.1/32").
            import ipaddress

            try:
                if not isinstance(raw, (list, tuple)):
                    raise TypeError(raw)
                return tuple(str(ipaddress.ip_network(v, strict=False)) for v in raw)
            except (TypeError, ValueError):
                raise ConfigError(texts.CONFIG_NOT_NETWORKS.format(where=self.where, key=key, value=raw)) from None
        expected = {"str": str, "int": int, "bool": bool, "float": (int, float)}[kind]
        # bool is an int in Python; a setting written as true/false where a number belongs is a mistake.
        if not isinstance(raw, expected) or (isinstance(raw, bool) and kind != "bool"):
            raise ConfigError(texts.CONFIG_WRONG_TYPE.format(where=self.where, key=key, value=raw))
        if meta["choices"] and raw not in meta["choices"]:
            raise ConfigError(texts.CONFIG_NOT_CHOICE.format(where=self.where, key=key, value=raw,
                                                             choices=", ".join(meta["choices"])))
        return float(raw) if kind == "float" else raw


def _guess(name: str, known: Any, form: str) -> str:
    """" (did you mean [search]?)" for a near miss, else ""."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return texts.DID_YOU_MEAN.format(name=form.format(close[0])) if close else ""
