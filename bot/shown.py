"""Text from files and reports made safe to show: control and format characters (a file name's newline, ESC, BEL,
CR, a right-to-left override) written as visible escapes, so no name can forge a line or drive a terminal."""
from __future__ import annotations

import unicodedata
from typing import Any, TextIO

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(text: str, lines: bool = False) -> str:
    """text with every control (Cc), format (Cf) and line or paragraph separator (Zl, Zp) character escaped
    ("\\n", "\\x1b", "\\u202e"); with lines=True its newlines and tabs are kept (a multi-line answer)."""
    if text.isprintable() and "\x7f" not in text:
        return text
    return "".join(c if lines and c in "\n\t" else _escaped(c) for c in text)


def _escaped(char: str) -> str:
    if unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp"):
        return char
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class ShownStream:
    """A text stream writing through shown(…, lines=True): what the CLI prints of reports and names cannot drive
    the terminal (JSON output is escaped by json already)."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        """Write text with its control characters escaped, newlines kept."""
        return self.inner.write(shown(text, lines=True))

    def flush(self) -> None:
        """Flush the stream beneath."""
        self.inner.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
