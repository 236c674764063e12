"""Webhook mode as `houvast run` configures it: the bot registers its URL with the Bot API and handles an
update that arrives over HTTP with the secret token; a request without the token is refused."""
import json
import socket

import httpx

from bot.cli import webhook_options

SECRET = "s3cret-token-of-at-least-32-characters"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_an_update_over_the_webhook_gets_an_answer(harness, api):
    port = free_port()
    settings = harness.settings.model_copy(update={
        "webhook_url": "https://houvast.example.org/", "webhook_listen": "127.0.0.1", "webhook_port": port,
        "webhook_secret": SECRET,
    })
    options = webhook_options(settings)
    assert options["webhook_url"] == "https://houvast.example.org/telegram"
    await harness.app.updater.start_webhook(**options)
    try:
        assert api.webhook_url == "https://houvast.example.org/telegram"
        api.add_user(601, "Noor")
        update = api.send_text(601, "/start")
        async with httpx.AsyncClient() as client:
            refused = await client.post(f"http://127.0.0.1:{port}/telegram", content=json.dumps(update),
                                        headers={"Content-Type": "application/json"})
            wrong = await client.post(f"http://127.0.0.1:{port}/telegram", content=json.dumps(update),
                                      headers={"Content-Type": "application/json",
                                               "X-Telegram-Bot-Api-Secret-Token": SECRET[:-1] + "x"})
            accepted = await client.post(f"http://127.0.0.1:{port}/telegram", content=json.dumps(update),
                                         headers={"Content-Type": "application/json",
                                                  "X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert refused.status_code == 403 and wrong.status_code == 403 and accepted.status_code == 200
        await harness.app.update_queue.join()
    finally:
        await harness.app.updater.stop()
    assert "Welkom bij Houvast" in api.messages(601)[0].text
    assert sum("Welkom bij Houvast" in (m.text or "") for m in api.messages(601)) == 1  # refused posts did nothing
