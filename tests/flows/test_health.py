"""/healthz and /metrics on the running Application (the same server `houvast run` starts on its own port):
both answer, /healthz turns red when the tick stalls or the outbox does not drain, and neither holds
personal data."""
import httpx

from bot import outbox
from bot.db.models import Person
from bot.ops import web
from bot.ops.runtime import Runtime, run_tick
from bot.scheduler import tick
from tests.flows.test_onboarding import onboard_client
from tests.flows.test_webhook import free_port


async def read(port: int) -> tuple[httpx.Response, httpx.Response]:
    async with httpx.AsyncClient() as client:
        return (await client.get(f"http://127.0.0.1:{port}/healthz"),
                await client.get(f"http://127.0.0.1:{port}/metrics"))


def metric(response: httpx.Response, name: str) -> float:
    [value] = [line.split(" ")[1] for line in response.text.splitlines() if line.split(" ")[0] == name]
    return float(value)


async def test_healthz_and_metrics_answer_with_counts_only(harness, chat, clock):
    app, svc = harness.app, harness.services
    await onboard_client(chat(501, "Sam"), name="Samira de Vries")
    port = free_port()
    server = web.start(Runtime.of(app).monitor, svc, "127.0.0.1", port, running=lambda: app.running)
    try:
        await run_tick(app, lambda stopping: tick(svc, app, stopping))
        health, metrics = await read(port)
        assert health.status_code == 200, health.text
        assert health.json() == {"status": "ok", "checks": {"running": "ok", "database": "ok", "tick": "ok",
                                                                 "backlog": "ok"}}
        assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
        assert metric(metrics, "houvast_updates_total") >= 4  # /start, Verder, the name, the time
        assert metric(metrics, "houvast_ticks_total") == 1 and metric(metrics, "houvast_database_up") == 1
        for secret in ("Samira", "Vries", "501", "123:TEST"):
            assert secret not in health.text + metrics.text, secret

        clock.advance(minutes=3)  # no tick for three minutes: the scheduler is stuck
        health, _ = await read(port)
        assert health.status_code == 503 and health.json()["checks"]["tick"] == "fail"
        await run_tick(app, lambda stopping: tick(svc, app, stopping))
        assert (await read(port))[0].status_code == 200

        svc.settings.health_max_backlog = 2
        async with svc.unit() as session:  # two messages due and no tick to send them: the outbox does not drain
            sam = (await session.execute(Person.__table__.select().where(Person.telegram_id == 501))).first()
            for n in range(2):
                await outbox.enqueue(session, dedup_key=f"t{n}", person=sam, kind="test", text="x", now=clock.now())
            await session.commit()
        health, metrics = await read(port)
        assert health.status_code == 503 and health.json()["checks"]["backlog"] == "fail"
        assert metric(metrics, "houvast_outbox_backlog") == 2
        svc.settings.health_max_backlog = 500
        await harness.stop()  # a stopped bot is not healthy, whatever the rest says
        health, _ = await read(port)
        assert health.status_code == 503 and health.json()["checks"]["running"] == "fail"
    finally:
        server.stop()
        await svc.engine.dispose()  # the last /healthz read the database after the bot had stopped and disposed it
