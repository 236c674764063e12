"""While the database is away: each message gets one calm apology (not one per handler group), the tick's
failures make one log line a minute (not one per tick), and when it is back the status line says so."""
import logging

from sqlalchemy.exc import OperationalError
from telegram.ext import CallbackContext

from bot.errors import on_error
from bot.ops.runtime import Runtime, log_status, run_tick
from bot.scheduler import tick
from tests.flows.test_onboarding import onboard_client


def database_away():
    raise OperationalError("connect", {}, ConnectionRefusedError("connection refused"))


async def test_while_the_database_is_away_one_apology_per_message_and_one_line_a_minute(harness, chat, clock, caplog,
                                                                                        monkeypatch):
    app, svc = harness.app, harness.services
    sam = await onboard_client(chat(501, "Sam"))
    # Every connection the bot asks for fails, as when the server is down: sessions, Core reads, persistence.
    monkeypatch.setattr(svc.engine.sync_engine, "raw_connection", database_away)
    caplog.set_level(logging.INFO)

    references = set()
    for text in ("hallo", "/menu", "ik wil niet meer"):  # two or three handler groups fail on each
        replies = await sam.send(text)
        apologies = [r.text for r in replies if "Code:" in (r.text or "")]
        assert len(apologies) == 1, [r.text for r in replies]
        references.add(apologies[0].rsplit(" ", 1)[-1])
    [reference] = references  # within the minute one reference, logged once
    assert [r.getMessage() for r in caplog.records if r.name == "houvast.errors"] == [
        next(r.getMessage() for r in caplog.records if reference in r.getMessage())]

    caplog.clear()
    for _ in range(18):  # three minutes of ticks every ten seconds, with the status job once a minute
        await run_tick(app, lambda stopping: tick(svc, app, stopping))
        clock.advance(seconds=10)
        if clock.now().second == 0:
            await log_status(Runtime.of(app))
    context = CallbackContext(app)
    context.error = OperationalError("flush", {}, ConnectionRefusedError("connection refused"))
    for _ in range(5):  # persistence flushes failing every few seconds: one line
        await on_error(None, context)
    lines = [r for r in caplog.records if r.name.startswith("houvast")]
    assert [r.getMessage().split(" (")[0] for r in lines if r.name == "houvast.status"] == [
        "status: DATABASE UNREACHABLE for 1 min", "status: DATABASE UNREACHABLE for 2 min",
        "status: DATABASE UNREACHABLE for 3 min"]
    assert len([r for r in lines if r.name == "houvast.errors"]) == 1
    assert Runtime.of(app).monitor.tick_failures == 18

    monkeypatch.undo()
    await run_tick(app, lambda stopping: tick(svc, app, stopping))
    caplog.clear()
    await log_status(Runtime.of(app))
    [line] = [r for r in caplog.records if r.name == "houvast.status"]
    assert line.levelno == logging.INFO and line.getMessage().startswith("status: due=")
