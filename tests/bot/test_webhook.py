"""`minsheng serve` in webhook mode as a real process: Telegram (the Bot API stand-in) is given a secret with
setWebhook, and only updates posted with that secret are handled; forged ones get 403 and no reply."""
from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from tests.support.botapi import BotApiStandIn
from tests.support.serving import serving

TOKEN = "123456:HOOK-test-token"
ADMIN = 1001


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Hook:
    def __init__(self, api: BotApiStandIn, port: int, stderr: Path) -> None:
        self.api, self.port, self.stderr = api, port, stderr

    def post(self, update: dict[str, object], secret: str | None) -> int:
        """POST an update to the bot's webhook; the HTTP status."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/telegram",
                                         json.dumps(update).encode("utf-8"), headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


def _update(update_id: int, user: int, text: str) -> dict[str, object]:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else []
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1700000000, "chat": {"id": user, "type": "private"},
        "from": {"id": user, "is_bot": False, "first_name": "测试"}, "text": text, "entities": entities}}


@pytest.fixture(scope="module")
def hook(indexed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hook]:  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("hook")
    port = _free_port()
    telegram = (f'mode = "webhook"\nwebhook_url = "https://bot.example.invalid/"\nwebhook_listen = "127.0.0.1"\n'
                f'webhook_port = {port}\nadmins = [{ADMIN}]\nlog_file = "{home / "q.log"}"\n')
    with serving(home, indexed.index_dir, telegram, TOKEN, "setWebhook") as (api, stderr):
        running = Hook(api, port, stderr)
        status = 0
        for _ in range(100):  # the port opens right after setWebhook
            try:
                status = running.post({"update_id": 0}, None)
                break
            except OSError:
                time.sleep(0.1)
        assert status == 403
        yield running


def test_without_a_configured_secret_the_bot_makes_one_and_gives_it_to_telegram(hook: Hook) -> None:
    call = hook.api.wait_for("setWebhook")
    assert call.params["url"] == "https://bot.example.invalid/telegram"
    assert len(call.params["secret_token"]) >= 32
    assert "TELEGRAM_WEBHOOK_SECRET is not set" in hook.stderr.read_text("utf-8")


def test_forged_updates_are_refused_and_the_real_one_answered(hook: Hook) -> None:
    secret = hook.api.wait_for("setWebhook").params["secret_token"]
    mark = hook.api.mark()
    assert hook.post(_update(11, ADMIN, "/reindex"), None) == 403
    assert hook.post(_update(12, ADMIN, "/reindex"), "wrong-secret") == 403
    assert hook.post(_update(13, ADMIN, "/reindex"), secret[:-1]) == 403
    assert hook.post(_update(14, 4242, "/help"), secret) == 200
    reply = hook.api.wait_for("sendMessage", lambda p: p["chat_id"] == 4242, timeout=60, after=mark)
    assert "怎么问" in reply.params["text"]
    assert not [c for c in hook.api.calls[mark:] if c.method == "sendMessage" and c.params["chat_id"] == ADMIN]
