"""`minsheng serve` as a real process against a Bot API stand-in (tests/support/botapi.py), on a copy of an index."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.conftest import CORPUS, ROOT
from tests.support.botapi import BotApiStandIn


@contextmanager
def serving(home: Path, index: Path, telegram: str, token: str, ready: str, corpus: Path = CORPUS,
            more: str = "") -> Iterator[tuple[BotApiStandIn, Path]]:
    """Run `minsheng serve` with a copy of index under home (copied once: a second run in the same home is a
    restart) on corpus, and config.toml's [telegram] lines `telegram` and further sections `more` (no
    MINSHENG_INDEX/CORPUS or TELEGRAM_WEBHOOK_SECRET from the caller's environment); yields the stand-in and the
    process's stderr file once the bot has made its `ready` call; SIGTERM at the end must be a clean exit."""
    index_dir = home / "index"
    if not index_dir.exists():
        shutil.copytree(index, index_dir)
    config = home / "config.toml"
    config.write_text(f'[paths]\ncorpus = "{corpus}"\nindex = "{index_dir}"\n[telegram]\n{telegram}\n{more}', "utf-8")
    api = BotApiStandIn(token).start()
    env = {**os.environ, "MINSHENG_CONFIG": str(config), "TELEGRAM_BOT_TOKEN": token,
           "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{api.port}", "PYTHONIOENCODING": "utf-8"}
    for name in ("MINSHENG_INDEX", "MINSHENG_CORPUS", "TELEGRAM_WEBHOOK_SECRET"):
        env.pop(name, None)
    stderr = home / "stderr.log"
    with stderr.open("w", encoding="utf-8") as err:
        process = subprocess.Popen([sys.executable, "-m", "minsheng.bot.cli", "serve"], cwd=ROOT, env=env, text=True,
                                   stdout=subprocess.DEVNULL, stderr=err)
    try:
        api.wait_for(ready, timeout=180)  # index and model loaded, commands registered, serving
        yield api, stderr
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
            api.stop()
    assert code == 0, stderr.read_text("utf-8")[-2000:]  # SIGTERM is a clean shutdown
