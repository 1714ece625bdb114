"""`minsheng add` and `minsheng index`: reports added by file or link, what was read, what changed since the previous
report of the place; every failure a line, nothing half-added. Links are fetched from a local HTTP server."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from minsheng.bot.cli import main
from tests.conftest import ROOT, corpus_file
from tests.index.ingest.test_formats import make_pdf
from tests.support.series import DAXING_Q1, DAXING_Q2, later_copy

PAGE = ("<html><head><meta charset='utf-8'><title>寿县2021年民生工程进展情况</title></head><body>"
        "<nav>首页 | 新闻中心 | 政务公开</nav><article><h1>寿县2021年民生工程进展情况</h1>"
        "<p>截至9月底，寿县2021年民生工程总体进展顺利，各项工作有序推进。</p>"
        "<table><tr><th>序号</th><th>项目名称</th><th>进展情况</th></tr>"
        "<tr><td>1</td><td>农村道路畅通工程</td><td>已完成道路建设120公里，完成率100%</td></tr>"
        "<tr><td>2</td><td>城乡居民养老保险</td><td>已发放养老金3.2亿元，正在推进</td></tr></table></article>"
        "<footer>版权所有：寿县人民政府办公室</footer></body></html>")
PDF = make_pdf(["萧县2025年10月份民生工程进展情况", "截至10月底，萧县民生工程各项目进展顺利。"],
               [["序号", "项目名称", "进展情况"], ["1", "城乡供水一体化", "已完成投资1.2亿元"]])


class _Site(BaseHTTPRequestHandler):
    sent_huge = 0

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/page.html":
            self._send(PAGE.encode("utf-8"), "text/html; charset=utf-8")
        elif self.path.startswith("/files/"):
            self._send(PDF, "application/pdf")
        elif self.path in ("/loop-a", "/loop-b"):
            self.send_response(302)
            self.send_header("Location", "/loop-b" if self.path == "/loop-a" else "/loop-a")
            self.end_headers()
        elif self.path == "/slow":
            time.sleep(3)
            self._send(PAGE.encode("utf-8"), "text/html; charset=utf-8")
        elif self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            chunk = "民生" * 50_000
            try:
                for _ in range(1000):  # 300 MB if read to the end
                    self.wfile.write(chunk.encode("utf-8"))
                    type(self).sent_huge += len(chunk) * 3
            except OSError:
                pass  # the client hung up: what a cut body looks like from here
        else:
            self.send_error(404)

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silent
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A corpus of 大兴区's 一季度 report and 萧县's, indexed, with [fetch] allowing 127.0.0.1 and a 1 s timeout."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in (DAXING_Q1, corpus_file("萧县2025年9月").name):
        (folder / name).write_bytes(corpus_file(name[:8]).read_bytes())
    config = tmp_path / "config.toml"
    config.write_text(f'[paths]\ncorpus = "{folder}"\nindex = "{tmp_path / "index"}"\nmodels = "{ROOT / ".models"}"\n'
                      '[fetch]\nallow_networks = ["127.0.0.1/32"]\ntimeout = 1\nmax_mb = 1\n', "utf-8")
    monkeypatch.setenv("MINSHENG_CONFIG", str(config))
    for name in ("MINSHENG_INDEX", "MINSHENG_CORPUS"):
        monkeypatch.delenv(name, raising=False)
    assert main(["index"]) == 0
    return folder


def test_index_says_what_changed_for_a_place_already_covered(corpus: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["index"]) == 0
    assert "changes" not in capsys.readouterr().out  # nothing new
    (corpus / DAXING_Q2).write_text(later_copy((corpus / DAXING_Q1).read_text("utf-8")), "utf-8")
    assert main(["index"]) == 0
    out = capsys.readouterr().out
    assert f"changes  {DAXING_Q2}:" in out and "上一期：2024年一季度" in out and "已开工19部 → 已开工26部" in out


def test_add_files_says_what_was_read_and_refuses_copies(corpus: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "incoming"
    outside.mkdir()
    (outside / DAXING_Q2).write_text(later_copy(corpus_file("大兴区").read_text("utf-8")), "utf-8")
    (outside / "copy.txt").write_bytes(corpus_file("大兴区").read_bytes())
    capsys.readouterr()
    code = main(["add", str(outside / DAXING_Q2), str(outside / "copy.txt"), str(outside / "none.txt")])
    out = capsys.readouterr().out
    assert code == 1  # two of three not added
    assert f"saved    {DAXING_Q2} (from {outside / DAXING_Q2})" in out
    assert "地区：北京市 / 大兴区" in out and "时期：2024年二季度（4-6月）" in out and "项目：22项" in out
    assert "已开工19部 → 已开工26部" in out
    assert f"the same report is already in the corpus as {DAXING_Q1}" in out
    assert "FAILED   none.txt" in out or "none.txt: no such file" in out
    assert sorted(p.name for p in corpus.iterdir() if not p.name.startswith(".")) == sorted(
        [DAXING_Q1, DAXING_Q2, corpus_file("萧县2025年9月").name])
    assert str(outside / DAXING_Q2) in (corpus / ".origins.jsonl").read_text("utf-8")


def test_add_links_a_page_with_its_table_and_a_pdf(corpus: Path, site: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["add", f"{site}/page.html", f"{site}/files/%E8%90%A7%E5%8E%BF10%E6%9C%88.pdf"]) == 0
    out = capsys.readouterr().out
    assert f"saved    寿县2021年民生工程进展情况.txt (from {site}/page.html, fetched 20" in out
    assert "地区：安徽省 / 淮南市 / 寿县" in out and "时期：2021年" in out
    page = (corpus / "寿县2021年民生工程进展情况.txt").read_text("utf-8")
    assert "农村道路畅通工程" in page and "已完成道路建设120公里" in page and "版权所有" not in page
    assert (corpus / "萧县10月.pdf").read_bytes() == PDF
    assert "地区：安徽省 / 宿州市 / 萧县" in out
    # 萧县's 9月 report is the previous one of the same series: the PDF's reply says what changed.
    assert "上一期：2025年" in out


@pytest.mark.parametrize(("path", "says"), [
    ("/missing", "404"),
    ("/loop-a", "redirect"),
    ("/slow", "1 s"),
    ("/huge", "1 MB"),
])
def test_add_link_failures_are_one_line_each_and_add_nothing(corpus: Path, site: str, path: str, says: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.name for p in corpus.iterdir())
    capsys.readouterr()
    started = time.monotonic()
    assert main(["add", f"{site}{path}"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAILED   ") and says in out, out
    assert sorted(p.name for p in corpus.iterdir()) == before
    assert time.monotonic() - started < 15
    if path == "/huge":
        assert _Site.sent_huge < 50_000_000  # cut off, not read to the end


def test_add_refuses_a_private_address_unless_allowed(corpus: Path, site: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "strict.toml"
    config.write_text(f'[paths]\ncorpus = "{corpus}"\nindex = "{tmp_path / "index"}"\n', "utf-8")
    monkeypatch.setenv("MINSHENG_CONFIG", str(config))
    capsys.readouterr()
    for url in (f"{site}/page.html", "http://10.1.2.3/report.html", "http://169.254.169.254/latest/meta-data"):
        assert main(["add", url]) == 1
        out = capsys.readouterr().out
        assert out.startswith("FAILED   ") and "private or local address" in out, out
    assert not (corpus / "寿县2021年民生工程进展情况.txt").exists()
