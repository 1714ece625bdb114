"""The project's own exceptions; every message names the file or id it is about."""


class MinshengError(Exception):
    """Base class for errors shown to people as one line."""


class ReadError(MinshengError):
    """A report file could not be read or decoded as text."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ParseError(MinshengError):
    """A report's text could not be turned into records."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ConfigError(MinshengError):
    """config.toml or an environment override is wrong."""
