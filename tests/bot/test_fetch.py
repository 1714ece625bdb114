"""bot/fetch.py against a local HTTP server on 127.0.0.1: pages, files, errors, redirects, time and size caps, and
refusal of private addresses; nothing leaves loopback."""
from __future__ import annotations

import gzip
import io
import re
import socket
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, urlsplit

import pytest

from minsheng.bot.fetch import FetchError, FetchLimits, fetch_report, page_text

ALLOW = FetchLimits(timeout=5.0, allow_networks=("127.0.0.1/32",))
SMALL = FetchLimits(max_bytes=1_000_000, timeout=5.0, allow_networks=("127.0.0.1/32",))
HUGE = 100_000_000
PDF_PATH = "/files/" + quote("密云区2024年民生实事进展.pdf")

ROWS = [
    ("1", "新建社区养老服务驿站", "已完成8个，完成率100%"),
    ("2", "改造老旧小区", "已开工12个，正在推进"),
    ("3", "新增中小学学位", "新增学位2000个，已全部完成"),
]


def report_page(charset: str, meta: bool = True) -> str:
    """A government page: a nav bar, a footer, and a main article holding a report table."""
    table = "".join(f"<tr><td>{n}</td><td>{name}</td><td>{progress}</td></tr>" for n, name, progress in ROWS)
    meta_tag = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if meta else ""
    return f"""<!DOCTYPE html><html><head>{meta_tag}<title>密云区2024年民生实事进展情况</title></head><body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/hdjl">互动交流</a></li></ul></div>
<div class="main"><article>
<h1>密云区2024年民生实事项目三季度进展情况</h1>
<p>按照区委区政府工作部署，现将2024年民生实事项目三季度进展情况报告如下。全区各部门认真落实，项目总体推进顺利，
大部分项目已按计划完成<strong>阶段性目标</strong>。联系人：王喆。</p>
<table><tr><th>序号</th><th>项目名称</th><th>进展情况</th></tr>{table}</table>
<p>下一步，各牵头单位将继续加大工作力度，确保全年目标任务圆满完成。对进度滞后的项目，区政府督查室将跟踪督办。</p>
</article></div>
<div class="footer"><p>版权所有：北京市密云区人民政府 京ICP备05060933号</p><p>主办单位：密云区政务服务局 联系我们 网站地图</p></div>
</body></html>"""


def make_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawString(72, 720, "Report of 2024: project 1 completed.")
    pdf.save()
    return out.getvalue()


def make_zip(part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return out.getvalue()


@dataclass
class Site:
    """What the server saw: the paths asked for, bytes written by the big-body routes, and when those ended."""

    base: str
    paths: list[str] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=dict)
    finished: dict[str, threading.Event] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path


class Handler(BaseHTTPRequestHandler):
    site: Site
    routes: dict[str, Callable[[Handler], None]]

    def do_GET(self) -> None:
        self.site.paths.append(self.path)
        route = self.routes.get(urlsplit(self.path).path)
        try:
            if route is None:
                self.send_error(404, "Not Found")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, as it should

    def log_message(self, format: str, *args: object) -> None:
        pass

    def answer(self, body: bytes, content_type: str, status: int = 200, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def huge(self, declare_length: bool) -> None:
        """100 MB of text, written until the client hangs up; the bytes written are counted."""
        path = urlsplit(self.path).path
        self.site.written[path] = 0
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            if declare_length:
                self.send_header("Content-Length", str(HUGE))
            self.end_headers()
            chunk = b"x" * 65536
            while self.site.written[path] < HUGE:
                self.wfile.write(chunk)
                self.site.written[path] += len(chunk)
        finally:
            self.site.finished[path].set()

    def stall(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"first ten.")
        self.wfile.flush()
        self.site.stop.wait(3)

    def trickle(self) -> None:
        """A byte every 0.1 s: no single read waits long, but the whole body takes 10 s."""
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "100")
        self.end_headers()
        for _ in range(100):
            if self.site.stop.wait(0.1):
                return
            self.wfile.write(b"x")
            self.wfile.flush()


def _routes(pdf: bytes) -> dict[str, Callable[[Handler], None]]:
    html = "text/html"
    return {
        "/page-utf8": lambda h: h.answer(report_page("utf-8").encode("utf-8"), "text/html; charset=utf-8"),
        "/page-gbk": lambda h: h.answer(report_page("gb2312").encode("gbk"), html),
        "/page-gbk-header": lambda h: h.answer(report_page("", meta=False).encode("gbk"), "text/html; charset=GBK"),
        # A server's default charset on a GBK page, and a page re-saved as UTF-8 that kept its gb2312 meta.
        "/page-gbk-latin1": lambda h: h.answer(report_page("gb2312").encode("gbk"), "text/html; charset=ISO-8859-1"),
        "/page-utf8-stale": lambda h: h.answer(report_page("gb2312").encode("utf-8"), html),
        PDF_PATH: lambda h: h.answer(pdf, "application/pdf"),
        "/download": lambda h: h.answer(pdf, "application/octet-stream"),
        "/doc": lambda h: h.answer(make_zip("word/document.xml"), "application/octet-stream"),
        "/sheet": lambda h: h.answer(make_zip("xl/workbook.xml"), "application/zip"),
        "/sniff": lambda h: h.answer(report_page("utf-8").encode("utf-8"), "application/octet-stream"),
        "/notes.txt": lambda h: h.answer("一、教育\n新增学位2000个。\n".encode("gbk"), "text/plain"),
        "/gzip-text": lambda h: h.answer(gzip.compress("新增学位2000个".encode()), "text/plain; charset=utf-8",
                                         Content_Encoding="gzip"),
        "/gzip-bomb": lambda h: h.answer(gzip.compress(b"0" * 30_000_000), "text/plain", Content_Encoding="gzip"),
        "/setup.exe": lambda h: h.answer(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "application/octet-stream"),
        "/photo.png": lambda h: h.answer(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png"),
        "/fake.pdf": lambda h: h.answer(b"<html><body>file not found</body></html>", "application/pdf"),
        "/empty": lambda h: h.answer(b"", "text/plain"),
        "/blank": lambda h: h.answer(b"<html><body><script>var a = 1;</script></body></html>", html),
        "/gone": lambda h: h.answer(b"<html><body>gone</body></html>", html, status=410),
        "/a": lambda h: h.redirect("/b"),
        "/b": lambda h: h.redirect("/a"),
        "/hop/1": lambda h: h.redirect("/hop/2"),
        "/hop/2": lambda h: h.redirect("/hop/3"),
        "/hop/3": lambda h: h.redirect("/page-utf8"),
        "/redirect": lambda h: h.redirect("page-utf8"),  # relative, resolved against /redirect
        "/to-private": lambda h: h.redirect("http://10.0.0.1/report.pdf"),
        "/slow": lambda h: None if h.site.stop.wait(2) else h.answer(b"late", "text/plain"),
        "/stall": Handler.stall,
        "/trickle": Handler.trickle,
        "/huge-stream": lambda h: h.huge(declare_length=False),
        "/huge-length": lambda h: h.huge(declare_length=True),
    }


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[ThreadingHTTPServer, type[Handler]]]:
    handler = type("SiteHandler", (Handler,), {"routes": _routes(make_pdf())})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False  # handlers asleep in /slow must not hold up the teardown
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, handler
    handler.site.stop.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def site(server: tuple[ThreadingHTTPServer, type[Handler]]) -> Site:
    """A fresh record of what the server sees, for one test."""
    httpd, handler = server
    handler.site = Site(base=f"http://127.0.0.1:{httpd.server_address[1]}")
    handler.site.finished = {"/huge-stream": threading.Event(), "/huge-length": threading.Event()}
    return handler.site


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every address a socket connects to during the test."""
    seen: list[object] = []
    real = socket.socket.connect

    def connect(self: socket.socket, address: object) -> object:
        seen.append(address)
        return real(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    return seen


def lines_of(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines()


# --- pages and files -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/page-utf8", "/page-gbk", "/page-gbk-header", "/page-gbk-latin1",
                                  "/page-utf8-stale"])
def test_page_gives_its_article_with_the_table_rows(site: Site, path: str) -> None:
    fetched = fetch_report(site.url(path), ALLOW)
    assert fetched.suffix == ".txt"
    lines = lines_of(fetched.data)
    assert "| 序号 | 项目名称 | 进展情况 |" in lines
    for row in ROWS:
        assert f"| {' | '.join(row)} |" in lines  # cells in their order, one row per line
    # One line, although the source wraps it: a line break between Chinese characters is no break.
    assert ("按照区委区政府工作部署，现将2024年民生实事项目三季度进展情况报告如下。全区各部门认真落实，项目总体推进顺利，"
            "大部分项目已按计划完成阶段性目标。联系人：王喆。") in lines  # 喆 is GBK, not GB2312: read as GB18030
    text = fetched.data.decode("utf-8")
    for boilerplate in ("版权所有", "京ICP备", "互动交流", "政务公开"):
        assert boilerplate not in text
    assert "民生实事" in fetched.title
    assert fetched.url == fetched.final_url == site.url(path)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fetched.fetched_at)


def test_pdf_is_kept_as_sent(site: Site) -> None:
    fetched = fetch_report(site.url(PDF_PATH), ALLOW)
    assert fetched.data.startswith(b"%PDF")
    assert fetched.suffix == ".pdf"
    assert fetched.name_hint == "密云区2024年民生实事进展.pdf"
    assert fetched.title == ""


@pytest.mark.parametrize(("path", "suffix"), [("/download?id=7", ".pdf"), ("/doc", ".docx"), ("/sheet", ".xlsx")])
def test_generic_download_is_told_by_its_bytes(site: Site, path: str, suffix: str) -> None:
    assert fetch_report(site.url(path), ALLOW).suffix == suffix


def test_page_served_as_octet_stream_is_read_as_a_page(site: Site) -> None:
    fetched = fetch_report(site.url("/sniff"), ALLOW)
    assert fetched.suffix == ".txt"
    assert "| 2 | 改造老旧小区 | 已开工12个，正在推进 |" in lines_of(fetched.data)


def test_plain_text_is_kept_as_sent(site: Site) -> None:
    fetched = fetch_report(site.url("/notes.txt"), ALLOW)
    assert (fetched.suffix, fetched.data, fetched.name_hint) == (".txt", "一、教育\n新增学位2000个。\n".encode("gbk"),
                                                                 "notes.txt")


def test_gzip_body_is_inflated(site: Site) -> None:
    assert fetch_report(site.url("/gzip-text"), ALLOW).data == "新增学位2000个".encode()


# --- errors ----------------------------------------------------------------------------------------------------------

def test_404_names_the_status_and_the_url(site: Site) -> None:
    with pytest.raises(FetchError, match="404 Not Found") as caught:
        fetch_report(site.url("/missing"), ALLOW)
    assert site.url("/missing") in str(caught.value)
    with pytest.raises(FetchError, match="410"):
        fetch_report(site.url("/gone"), ALLOW)


def test_redirect_loop_is_refused(site: Site) -> None:
    with pytest.raises(FetchError, match="redirects go round in a loop"):
        fetch_report(site.url("/a"), ALLOW)
    assert site.paths == ["/a", "/b"]


def test_too_many_redirects_are_refused(site: Site) -> None:
    limits = FetchLimits(timeout=5.0, max_redirects=2, allow_networks=("127.0.0.1/32",))
    with pytest.raises(FetchError, match="redirected more than 2 times"):
        fetch_report(site.url("/hop/1"), limits)
    assert fetch_report(site.url("/hop/1"), ALLOW).final_url == site.url("/page-utf8")


def test_one_redirect_leads_to_the_page(site: Site) -> None:
    fetched = fetch_report(site.url("/redirect"), ALLOW)
    assert fetched.url == site.url("/redirect")
    assert fetched.final_url == site.url("/page-utf8")
    assert fetched.name_hint == "page-utf8"
    assert "| 1 | 新建社区养老服务驿站 | 已完成8个，完成率100% |" in lines_of(fetched.data)


@pytest.mark.parametrize("path", ["/slow", "/stall", "/trickle"])
def test_a_slow_server_runs_out_of_time(site: Site, path: str) -> None:
    limits = FetchLimits(timeout=0.5, allow_networks=("127.0.0.1/32",))
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"did not answer within 0\.5 s"):
        fetch_report(site.url(path), limits)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("path", ["/huge-stream", "/huge-length"])
def test_a_huge_body_is_cut_off(site: Site, path: str) -> None:
    with pytest.raises(FetchError, match=r"larger than the limit of 1 MB"):
        fetch_report(site.url(path), SMALL)
    assert site.finished[path].wait(5), "the server kept writing"
    assert site.written[path] < 10_000_000


def test_a_gzip_bomb_is_cut_off(site: Site) -> None:
    with pytest.raises(FetchError, match=r"larger than the limit of 1 MB"):
        fetch_report(site.url("/gzip-bomb"), SMALL)


def test_connection_refused_and_unknown_host(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="refused the connection"):
        fetch_report(f"http://127.0.0.1:{port}/report.pdf", ALLOW)

    def no_such_host(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with pytest.raises(FetchError, match=r"the host www\.example\.gov\.cn was not found"):
        fetch_report("https://www.example.gov.cn/report.html", ALLOW)


# --- addresses and schemes -------------------------------------------------------------------------------------------

def test_loopback_server_is_refused_unless_allowed(site: Site, connects: list[object]) -> None:
    with pytest.raises(FetchError, match=r"127\.0\.0\.1 is a private or local address"):
        fetch_report(site.url("/page-utf8"), FetchLimits(timeout=5.0))
    assert site.paths == [] and connects == []
    assert fetch_report(site.url("/page-utf8"), ALLOW).suffix == ".txt"
    assert site.paths == ["/page-utf8"]


@pytest.mark.parametrize("url", [
    "http://10.1.2.3/report.pdf",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/latest/meta-data/",  # Alibaba Cloud's metadata service, in 100.64.0.0/10
    "http://[::1]:8080/report.html",
    "http://[::ffff:10.0.0.1]/report.html",
    "http://0.0.0.0/",
    "http://localhost/",
    "https://localhost:8443/report.pdf",
])
def test_private_hosts_are_refused_without_connecting(url: str, connects: list[object]) -> None:
    with pytest.raises(FetchError, match="private or local address") as caught:
        fetch_report(url, FetchLimits(timeout=5.0))
    assert url in str(caught.value)
    assert connects == []


def test_redirect_to_a_private_address_is_refused(site: Site, connects: list[object]) -> None:
    with pytest.raises(FetchError, match=r"redirect to http://10\.0\.0\.1/report\.pdf.*private or local address"):
        fetch_report(site.url("/to-private"), ALLOW)
    assert all(address[0] == "127.0.0.1" for address in connects)  # type: ignore[index]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x/report.pdf", "just text", "javascript:alert(1)",
                                 "http://", "http:///report.pdf"])
def test_bad_addresses_are_refused(url: str, connects: list[object]) -> None:
    with pytest.raises(FetchError, match="only http:// and https://|names no host"):
        fetch_report(url, ALLOW)
    assert connects == []


@pytest.mark.parametrize(("path", "why"), [
    ("/setup.exe", r"not a report file \(kind application/octet-stream"),
    ("/photo.png", r"not a report file \(kind image/png\)"),
    ("/fake.pdf", r"calls it application/pdf but it is no such file"),
    ("/empty", r"sent an empty file"),
])
def test_what_is_no_report_is_refused(site: Site, path: str, why: str) -> None:
    with pytest.raises(FetchError, match=why):
        fetch_report(site.url(path), ALLOW)


def test_long_url_is_shortened_in_messages() -> None:
    url = "ftp://example.gov.cn/" + "a" * 300 + "/report.pdf"
    with pytest.raises(FetchError) as caught:
        fetch_report(url, ALLOW)
    message = str(caught.value)
    assert len(message) < 200 and "report.pdf" in message and message.endswith(".")


def test_limits_refuse_a_mistyped_network() -> None:
    with pytest.raises(ValueError, match="allow_networks"):
        FetchLimits(allow_networks=("127.0.0.1/33",))
    assert FetchLimits(allow_networks=["10.0.0.0/8"]).allow_networks == ("10.0.0.0/8",)  # type: ignore[arg-type]


# --- page_text -------------------------------------------------------------------------------------------------------

def test_page_text_keeps_tables_beside_inline_emphasis() -> None:
    # With formatting off, trafilatura flattens this page (Chinese text, <strong> in a paragraph) to a line per cell.
    html = """<html><head><title>某区民生实事</title></head><body><div id="content"><h2>一、教育</h2>
    <p>全区<strong>新增学位</strong>2000个，其中<em>小学</em>1200个。这一段文字足够长，是正文内容的一部分，不会被当成噪声。
    Details: see the
    annex.</p>
    <table><tr><td>序号</td><td>项目名称</td><td>进展情况</td></tr>
    <tr><td>1</td><td>养老<br>驿站</td><td><b>已完成</b></td></tr>
    <tr><td>2</td><td>停车位|充电桩</td><td>正在推进</td></tr></table></div></body></html>"""
    text, title = page_text(html.encode("utf-8"))
    lines = text.splitlines()
    assert "一、教育" in lines  # no "## " or "**" markup for the report parser to trip on
    assert "全区新增学位2000个，其中小学1200个。这一段文字足够长，是正文内容的一部分，不会被当成噪声。 Details: see the annex." in lines
    assert "| 1 | 养老 驿站 | 已完成 |" in lines
    assert "| 2 | 停车位/充电桩 | 正在推进 |" in lines  # a "|" in a cell cannot split it
    assert title == "某区民生实事"


def test_page_without_text_is_refused(site: Site) -> None:
    assert page_text("<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>")[0] == ""
    with pytest.raises(FetchError, match="the page has no readable text"):
        fetch_report(site.url("/blank"), ALLOW)
