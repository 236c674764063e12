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


async def test_at_debug_no_log_line_holds_texts_names_phone_numbers_or_sql_values(chat, harness, caplog):
    """HOUVAST_LOG_LEVEL=DEBUG as `houvast run` sets it up: a whole flow (onboarding, a crisis card with a
    phone number, crisis language, consent, a red check-in, the alert delivered to the worker) and the log
    holds none of the words, names or numbers that went through."""
    from bot.cli import QUIET_LOGGERS, setup_logging
    from bot.scheduler import tick
    from tests.flows.test_checkin import client_and_worker

    names = ("", "houvast", *QUIET_LOGGERS)
    levels = {name: logging.getLogger(name).level for name in names}
    try:
        setup_logging(harness.settings.model_copy(update={"log_level": "DEBUG"}))
        caplog.set_level(logging.DEBUG)
        assert logging.getLogger("houvast").isEnabledFor(logging.DEBUG)
        sam, anna = await client_and_worker(chat, harness, share_alerts=True)
        await sam.send("/naam")  # unknown command: a reply, a log line or two
        await sam.press("Mijn crisiskaart") if "🆘 Mijn crisiskaart" in sam.buttons() else await sam.send("/crisis")
        await sam.press("Invullen")
        await sam.send("Zwaantje Oudeboezem")
        await sam.send("12-03-1990")
        await sam.send("ik wil niet meer leven")
        await sam.send("Tante Geesje 06-98765432")
        await sam.send("/menu")
        await sam.press("Hoe gaat het met mij")
        await sam.press("Crisis")
        await tick(harness.services, harness.app)
        assert any("rood" in (m.text or "") for m in anna.messages())  # the alert went out, logged or not
        logging.getLogger("houvast.probe").debug("probe at debug")
        logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    assert "probe at debug" in logged  # DEBUG lines were really captured: otherwise this test proves nothing
    for secret in ("Zwaantje", "Oudeboezem", "niet meer leven", "98765432", "Geesje", "Anna", "Sam",
                   "12-03-1990", "501", "INSERT INTO", "UPDATE people"):
        assert secret not in logged, secret
