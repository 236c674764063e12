"""Logs hold no message texts, names or phone numbers, even when something goes wrong."""
import logging

from tests.flows.test_onboarding import onboard_client


async def test_logs_hold_no_personal_data(chat, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG, logger="houvast")
    caplog.set_level(logging.INFO)
    sam = await onboard_client(chat(501, "Sam"), name="Samira de Vries")
    await sam.press("Mijn crisiskaart")
    await sam.press("Invullen")
    await sam.send("Samira de Vries")
    await sam.send("12-03-1990")
    await sam.send("ik wil niet meer leven")
    await sam.send("Mam 06-12345678")

    # An error in the middle: the handler fails, the user gets a calm line with a reference, the log no text.
    from bot.services import tools

    async def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(tools, "open_draft", broken)
    replies = await sam.send("Mijn geheime zin")
    assert "Code:" in replies[-1].text and "Traceback" not in replies[-1].text
    monkeypatch.undo()
    replies = await sam.send("/menu")  # the conversation can go on
    assert "Wat wil je doen" in replies[-1].text

    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "error ref=" in logged
    for secret in ("Samira", "Vries", "niet meer leven", "12345678", "Mijn geheime zin", "501", "on fire"):
        assert secret not in logged, secret
