"""Fetch one report by URL (`minsheng add URL`, Telegram /add): http(s) to public addresses only, size and time capped."""
from __future__ import annotations

import contextlib
import io
import ipaddress
import re
import socket
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import unquote, urljoin, urlsplit

import httpx
import trafilatura
from trafilatura.xml import xmltotxt

from minsheng.index.errors import MinshengError
from minsheng.index.ingest import decode_html, source_text

_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_HTML = "html"  # the kind of a page whose main text is extracted
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TYPES = {
    "application/pdf": ".pdf",
    "application/x-pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/html": _HTML,
    "application/xhtml+xml": _HTML,
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
}
# Servers label downloads with these whatever the file holds, so the bytes and then the URL decide.
_GENERIC_TYPES = frozenset({
    "", "application/octet-stream", "binary/octet-stream", "application/zip", "application/x-zip-compressed",
    "application/download", "application/x-download", "application/force-download", "application/unknown",
})
# A declared binary kind must carry its magic: an error page served as application/pdf is no report.
_MAGIC = {".pdf": b"%PDF", ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc/.xls, which the readers cannot open
# A URL's suffix is trusted only for text kinds, and only when the bytes look like text (no NUL bytes).
_TEXT_SUFFIXES = {".txt": ".txt", ".md": ".md", ".html": _HTML, ".htm": _HTML, ".shtml": _HTML, ".xhtml": _HTML}
_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)",
                         re.IGNORECASE | re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HEADERS = {
    "User-Agent": "Mozilla/5.0 (compatible; minsheng report fetch)",
    "Accept": "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.8",
    # Compressed bodies are bounded while inflating (see _Inflater), but an uncompressed one needs no care at all.
    "Accept-Encoding": "identity",
}


@dataclass(frozen=True)
class FetchLimits:
    """How far a fetch may go; see config.toml [fetch]."""

    max_bytes: int = 20_000_000  # a body past this is cut: refused, never read further
    timeout: float = 20.0  # seconds: connect, each read, and the whole fetch
    max_redirects: int = 5
    allow_networks: tuple[str, ...] = ()  # CIDR networks allowed although loopback/private/link-local/reserved

    def __post_init__(self) -> None:
        object.__setattr__(self, "allow_networks", tuple(self.allow_networks))  # a TOML list works too
        _networks(self)  # a mistyped network fails here, when the limits are made, not at the first fetch


@dataclass(frozen=True)
class Fetched:
    """A fetched report: its bytes as a report file, the suffix to save them under, and where they came from."""

    data: bytes
    suffix: str
    url: str
    final_url: str
    fetched_at: str
    title: str
    name_hint: str


class FetchError(MinshengError):
    """A URL that could not be fetched; the message names the URL and why, in plain words for a person."""


def fetch_report(url: str, limits: FetchLimits, client: httpx.Client | None = None) -> Fetched:
    """Fetch the report at url within limits; FetchError, naming the URL, when it cannot or may not be fetched."""
    deadline = time.monotonic() + limits.timeout
    with contextlib.ExitStack() as stack:
        if client is None:
            # trust_env=False: a proxy from the environment would connect for us and so bypass the address check.
            own = httpx.Client(timeout=httpx.Timeout(limits.timeout), follow_redirects=False, trust_env=False)
            client = stack.enter_context(own)
        final_url, content_type, charset, body = _download(url, limits, client, deadline)
    if not body or body.isspace():  # isspace stops at the first other byte; strip() would copy the body
        raise _error(url, "the server sent an empty file", final_url)
    kind = _kind(url, final_url, content_type, body)
    title = ""
    if kind == _HTML:
        text, title = page_text(decode_html(body, charset), final_url)
        if not text:
            raise _error(url, "the page has no readable text", final_url)
        body, kind = text.encode("utf-8"), ".txt"
    return Fetched(
        data=body, suffix=kind, url=url, final_url=final_url,
        fetched_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        title=title, name_hint=_name_hint(final_url),
    )


def page_text(html: bytes | str, url: str = "") -> tuple[str, str]:
    """(main text with its tables, title) of an HTML page — trafilatura, tables kept as pipe rows."""
    if isinstance(html, bytes):
        html = decode_html(html)
    # Extracted with formatting on, rendered as plain text: with formatting off, trafilatura 2.3 loses the main
    # block of a Chinese page that has <strong>/<em> inside a paragraph and falls back to one line per text node
    # (tables flattened); markdown output keeps the block but adds ## and ** and backslash escapes ("1\.") that
    # cost records and statuses when the report parser reads the text.
    document = trafilatura.bare_extraction(html, url=url or None, include_tables=True, include_comments=False,
                                           include_formatting=True, with_metadata=True)
    if document is None or document.body is None:
        return "", ""
    for element in document.body.iter():
        element.text, element.tail = _unwrap(element.text), _unwrap(element.tail)
    text = xmltotxt(document.body, include_formatting=False)
    # trafilatura escapes a "|" inside a cell as "\|", which the table reader would split on; "/" as the readers do.
    text = "\n".join(line.rstrip() for line in text.replace("\\|", "/").splitlines()).strip()
    return text, (document.title or "").strip()


def _unwrap(text: str | None) -> str | None:
    """Line breaks of the HTML source inside a text as a browser shows them: none between two wide characters
    (Chinese), a space elsewhere; else a paragraph wrapped in the source would reach the report parser as lines."""
    if not text or "\n" not in text:
        return text
    return source_text(text)


def _download(url: str, limits: FetchLimits, client: httpx.Client, deadline: float) -> tuple[str, str, str, bytes]:
    """(final URL, media type, charset, body) after following redirects ourselves, checking every hop's address."""
    hops = [url]  # the URLs asked for so far; the last is where a failure happened
    try:
        for _ in range(limits.max_redirects + 1):
            current = hops[-1]
            _check_target(url, current, limits)
            timeout = httpx.Timeout(max(0.01, min(limits.timeout, deadline - time.monotonic())))
            with client.stream("GET", current, headers=_HEADERS, timeout=timeout, follow_redirects=False) as response:
                if response.status_code in _REDIRECTS:
                    location = response.headers.get("location", "").strip()
                    if not location:
                        raise _error(url, f"the server redirected ({response.status_code}) without saying where",
                                     current)
                    target = urljoin(current, location)
                    if target in hops:
                        raise _error(url, "the server's redirects go round in a loop", current)
                    hops.append(target)
                    continue
                if response.status_code >= 400:
                    status = f"{response.status_code} {response.reason_phrase}".strip()
                    raise _error(url, f"the server answered {status}", current)
                media = response.headers.get("content-type", "").split(";")[0].strip().lower()
                body = _read_body(response, url, current, limits, deadline)
                return current, media, response.charset_encoding or "", body
    except httpx.TimeoutException:
        raise _error(url, f"the server did not answer within {limits.timeout:g} s", hops[-1]) from None
    except httpx.ConnectError as exc:
        host = _host(hops[-1])
        reason = "refused the connection" if "refused" in str(exc).lower() else "could not be reached"
        raise _error(url, f"the server {host} {reason}", hops[-1]) from None
    except httpx.InvalidURL:  # no httpx.HTTPError: what urlsplit took but httpx will not
        raise _error(url, "it is not a valid web address", hops[-1]) from None
    except httpx.HTTPError as exc:  # broken off, or no HTTP
        raise _error(url, f"the connection failed ({type(exc).__name__}: {exc})", hops[-1]) from None
    raise _error(url, f"the server redirected more than {limits.max_redirects} times")


def _check_target(url: str, current: str, limits: FetchLimits) -> None:
    """Refuse a scheme other than http(s), and a host with any address that is not public and not allowed."""
    try:
        parts = urlsplit(current)
        port = parts.port
    except ValueError:
        raise _error(url, "it is not a valid web address", current) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise _error(url, "only http:// and https:// addresses can be fetched", current)
    host = parts.hostname
    if not host:
        raise _error(url, "the address names no host", current)
    # Not bounded by the timeout: the system resolver has its own. And a DNS rebinding window remains: httpx
    # resolves the host again when it connects, so a name that answers public here and private there gets through.
    # Accepted, as it needs a hostile DNS server; pinning the checked address would need a custom transport.
    try:
        infos = socket.getaddrinfo(host, port or (443 if parts.scheme.lower() == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _error(url, f"the host {host} was not found", current) from None
    allowed = _networks(limits)
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])  # "%eth0": an IPv6 zone
        if _is_internal(address) and not any(address in network for network in allowed):
            named = host if host == str(address) else f"{host} ({address})"
            raise _error(url, f"{named} is a private or local address, which is not fetched (a network may be "
                              "allowed with [fetch] allow_networks)", current)


def _is_internal(address: _IPAddress) -> bool:
    """Whether an address is no public internet address (IPv4-mapped IPv6 judged as its IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    # not is_global also covers 100.64.0.0/10, where Alibaba Cloud's metadata service (100.100.100.200) lives.
    return (address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
            or address.is_reserved or address.is_unspecified or not address.is_global)


def _networks(limits: FetchLimits) -> list[_IPNetwork]:
    try:
        return [ipaddress.ip_network(network, strict=False) for network in limits.allow_networks]
    except ValueError as exc:
        raise ValueError(f"fetch allow_networks: {exc}") from None


def _read_body(response: httpx.Response, url: str, current: str, limits: FetchLimits, deadline: float) -> bytes:
    """The body, read in chunks and refused as soon as it passes max_bytes or the deadline."""
    too_large = f"the file is larger than the limit of {_size(limits.max_bytes)}"
    length = response.headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > limits.max_bytes:
        raise _error(url, f"{too_large} ({_size(int(length))})", current)
    inflater = _Inflater.for_encoding(response.headers.get("content-encoding", ""), url, current)
    body = bytearray()
    for chunk in _chunks(response, inflater, limits.max_bytes):
        body += chunk
        if len(body) > limits.max_bytes:
            raise _error(url, too_large, current)
        # Each read has the timeout, but a server trickling a byte at a time would never trip it.
        if time.monotonic() > deadline:
            raise _error(url, f"the server did not answer within {limits.timeout:g} s", current)
    return bytes(body)


def _chunks(response: httpx.Response, inflater: _Inflater | None, max_bytes: int) -> Iterator[bytes]:
    received = 0
    for raw in response.iter_raw():
        # Inflating at most one byte past the room left is enough to know the body is too large.
        chunk = inflater.feed(raw, max_bytes - received + 1) if inflater else raw
        received += len(chunk)
        yield chunk
        if received > max_bytes:
            return
    if inflater:
        yield inflater.flush()


class _Inflater:
    """gzip/deflate undone with a bound on each output, so a small compressed body cannot expand past the cap."""

    def __init__(self, damaged: FetchError) -> None:
        self._inflate = zlib.decompressobj(32 + zlib.MAX_WBITS)  # 32+: a gzip or a zlib header, whichever comes
        self._damaged = damaged

    @classmethod
    def for_encoding(cls, encoding: str, url: str, current: str) -> _Inflater | None:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            return None
        if encoding in ("gzip", "x-gzip", "deflate"):
            return cls(_error(url, "the server's compressed data is damaged", current))
        raise _error(url, f"the server sent the file compressed as {encoding!r}, which is not read", current)

    def feed(self, data: bytes, room: int) -> bytes:
        try:
            return self._inflate.decompress(data, room)
        except zlib.error:
            raise self._damaged from None

    def flush(self) -> bytes:
        try:
            return self._inflate.flush()
        except zlib.error:
            raise self._damaged from None


def _kind(url: str, final_url: str, media: str, body: bytes) -> str:
    """The report suffix (or _HTML) of a body: its Content-Type, then its magic bytes, then the URL's suffix."""
    declared = _TYPES.get(media)
    if declared in _MAGIC and not _has_magic(body, _MAGIC[declared]):
        raise _error(url, f"the server calls it {media} but it is no such file", final_url)
    if declared:
        return declared
    if media not in _GENERIC_TYPES:
        raise _error(url, f"it is not a report file (kind {media})", final_url)
    suffix = _suffix(final_url)
    if _has_magic(body, b"%PDF"):
        return ".pdf"
    if body.startswith(b"PK\x03\x04"):
        return _office_kind(url, final_url, body, suffix)
    if body.startswith(_OLE_MAGIC):
        raise _error(url, "it is not a report file (kind: an old .doc/.xls file; save it as .docx/.xlsx)", final_url)
    if _HTML_START.match(body[:1024]):
        return _HTML
    if suffix in _TEXT_SUFFIXES and b"\x00" not in body[:4096]:
        return _TEXT_SUFFIXES[suffix]
    raise _error(url, f"it is not a report file (kind {media or 'not stated'}: no PDF, Word, Excel, web page or text)",
                 final_url)


def _has_magic(body: bytes, magic: bytes) -> bool:
    # A PDF may have some bytes before its header; readers look within the first kilobyte.
    return magic in body[:1024] if magic == b"%PDF" else body.startswith(magic)


def _office_kind(url: str, final_url: str, body: bytes, suffix: str) -> str:
    """.docx or .xlsx of a zip archive, by its parts (word/ or xl/), else by the URL's suffix."""
    try:
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()  # the central directory only; nothing is unpacked
    except (zipfile.BadZipFile, ValueError):
        names = []
    if any(name.startswith("word/") for name in names):
        return ".docx"
    if any(name.startswith("xl/") for name in names):
        return ".xlsx"
    if not names and suffix in (".docx", ".xlsx"):
        return suffix
    raise _error(url, "it is not a report file (kind: a zip archive, not a Word or Excel file)", final_url)


def _suffix(url: str) -> str:
    name = _name_hint(url)
    return name[name.rfind("."):].lower() if "." in name else ""


def _name_hint(url: str) -> str:
    """The last path segment, unquoted, made safe as a file name (an encoded "/" or ".." could climb out)."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = _CONTROL.sub("", re.split(r"[/\\]", name)[-1]).strip()
    return "" if name in (".", "..") else name


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def _size(n: int) -> str:
    return f"{n / 1_000_000:g} MB" if n >= 1_000_000 else f"{n:,} bytes"


def _short(url: str, width: int = 100) -> str:
    """A URL cut to about width characters, keeping its start and its end (the file name)."""
    return url if len(url) <= width else f"{url[:width - 41]}…{url[-40:]}"


def _error(url: str, why: str, current: str = "") -> FetchError:
    """The FetchError for url; a redirect target where it went wrong is named too."""
    after = f" (after a redirect to {_short(current)})" if current and current != url else ""
    return FetchError(f"Could not fetch {_short(url)}{after}: {why}.")
