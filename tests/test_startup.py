"""Secure defaults and loud failures: `houvast run`, `demo` and `check` refuse what is unsafe or broken with one
line that names the setting, a non-zero exit and no traceback; nothing is changed or revealed on the way."""
import asyncio
import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from bot.cli import app, with_services
from bot.config import Settings
from bot.startup import sqlite_lock

runner = CliRunner()
KEY = Fernet.generate_key().decode()
OTHER_KEY = Fernet.generate_key().decode()
UNREACHABLE = "http://127.0.0.1:9/bot"  # the discard port: nothing listens there


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A fresh SQLite file and data folder; nothing from the developer's .env or environment."""
    monkeypatch.chdir(tmp_path)
    for name in ("HOUVAST_ENCRYPTION_KEYS", "HOUVAST_TELEGRAM_TOKEN", "HOUVAST_WEBHOOK_URL", "HOUVAST_WEBHOOK_SECRET",
                 "HOUVAST_ALLOW_PLAINTEXT"):
        monkeypatch.delenv(name, raising=False)
    url = f"sqlite+aiosqlite:///{tmp_path / 'h.sqlite3'}"
    monkeypatch.setenv("HOUVAST_DATABASE_URL", url)
    monkeypatch.setenv("HOUVAST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HOUVAST_BOT_API_BASE_URL", UNREACHABLE)
    monkeypatch.setenv("HOUVAST_HEALTH_PORT", "0")  # these runs never get as far as serving /healthz
    return monkeypatch, url


def one_line(result, *needles, code=1):
    assert result.exit_code == code, result.output
    text = result.output.strip()
    assert "\n" not in text and "Traceback" not in text, text
    for needle in needles:
        assert needle in text, text
    return text


def test_keygen_prints_a_key_that_works():
    result = runner.invoke(app, ["keygen"])
    assert result.exit_code == 0
    key = result.stdout.strip().splitlines()[0]
    Fernet(key.encode())  # a valid key


def test_run_on_telegram_refuses_without_a_key_unless_plaintext_is_allowed(env):
    monkeypatch, _ = env
    monkeypatch.setenv("HOUVAST_TELEGRAM_TOKEN", "123:abc")
    one_line(runner.invoke(app, ["run"]), "HOUVAST_ENCRYPTION_KEYS", "houvast keygen")
    monkeypatch.setenv("HOUVAST_ALLOW_PLAINTEXT", "1")  # now it goes on, to the unreachable Bot API
    one_line(runner.invoke(app, ["run"]), "HOUVAST_BOT_API_BASE_URL")


def test_an_unreachable_bot_api_is_one_line_not_a_traceback(env):
    monkeypatch, _ = env
    monkeypatch.setenv("HOUVAST_TELEGRAM_TOKEN", "123:abc")
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", KEY)
    one_line(runner.invoke(app, ["run"]), "Cannot reach the Bot API", "HOUVAST_BOT_API_BASE_URL", "127.0.0.1:9")


async def test_a_rejected_token_is_one_line(env):
    monkeypatch, _ = env

    async def unauthorized(reader, writer):
        await reader.read(65536)
        body = json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"}).encode()
        writer.write(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(unauthorized, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setenv("HOUVAST_TELEGRAM_TOKEN", "123:wrong")
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", KEY)
    monkeypatch.setenv("HOUVAST_BOT_API_BASE_URL", f"http://127.0.0.1:{port}/bot")
    async with server:
        result = await asyncio.to_thread(runner.invoke, app, ["run"])
    one_line(result, "HOUVAST_TELEGRAM_TOKEN was refused")


def test_a_webhook_without_a_long_secret_does_not_start(env):
    monkeypatch, _ = env
    monkeypatch.setenv("HOUVAST_TELEGRAM_TOKEN", "123:abc")
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", KEY)
    monkeypatch.setenv("HOUVAST_WEBHOOK_URL", "https://houvast.example.org")
    one_line(runner.invoke(app, ["run"]), "HOUVAST_WEBHOOK_SECRET", "32")
    monkeypatch.setenv("HOUVAST_WEBHOOK_SECRET", "short")
    one_line(runner.invoke(app, ["run"]), "HOUVAST_WEBHOOK_SECRET")
    monkeypatch.setenv("HOUVAST_WEBHOOK_SECRET", "with spaces is not a valid token at all!!")
    one_line(runner.invoke(app, ["run"]), "HOUVAST_WEBHOOK_SECRET", code=2)


def test_a_key_list_with_a_typo_stops_with_one_line_that_does_not_repeat_the_key(env):
    monkeypatch, _ = env
    typo = KEY[:-3] + "!!="
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", f"{KEY},{typo}")
    text = one_line(runner.invoke(app, ["migrate"]), "HOUVAST_ENCRYPTION_KEYS", "key 2 of 2", code=2)
    assert KEY[:10] not in text and typo[:10] not in text


def test_a_wrong_key_stops_the_start_before_anything_is_read(env):
    monkeypatch, _url = env
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", KEY)
    assert runner.invoke(app, ["invite", "worker"]).exit_code == 0  # data under KEY, and the canary
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", OTHER_KEY)
    one_line(runner.invoke(app, ["migrate"]), "HOUVAST_ENCRYPTION_KEYS cannot read this database")
    monkeypatch.delenv("HOUVAST_ENCRYPTION_KEYS")
    one_line(runner.invoke(app, ["migrate"]), "encrypted", "HOUVAST_ENCRYPTION_KEYS is not set")
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", f"{OTHER_KEY},{KEY}")  # the old key back, after the new one
    assert runner.invoke(app, ["migrate"]).exit_code == 0


def test_a_database_from_before_the_canary_is_checked_against_its_data(env):
    """No canary yet (a database from before this check), but encrypted names: a wrong key is still refused."""
    import sqlalchemy as sa

    monkeypatch, url = env
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", KEY)
    assert runner.invoke(app, ["invite", "worker"]).exit_code == 0

    async def forget_canary(svc):
        async with svc.unit() as session:
            await session.execute(sa.text("DELETE FROM meta"))
            await session.commit()

    with_services(Settings(database_url=url), forget_canary)
    from bot.db import crypto

    async def a_name_under_key(svc):
        async with svc.unit() as session:
            await session.execute(sa.text(
                "INSERT INTO people (telegram_id, chat_id, role, name, locale, pseudonym, checkin_rhythm, "
                "reminders_paused, unreachable, active, onboarded, created_at) VALUES (42, 42, 'worker', :name, 'nl', "
                "'0123456789abcdef', 'daily', false, false, true, true, '2026-01-01 00:00:00')"),
                {"name": crypto.Cipher([KEY]).encrypt("Anna")})
            await session.commit()

    with_services(Settings(database_url=url), a_name_under_key)
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", OTHER_KEY)
    one_line(runner.invoke(app, ["migrate"]), "cannot read this database")


def test_the_demo_never_runs_on_a_database_with_real_people(env):
    monkeypatch, url = env
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", KEY)
    assert runner.invoke(app, ["invite", "worker"]).exit_code == 0

    async def a_real_person(svc):
        from bot.domain.roles import Role
        from bot.services import invites

        code = (await invites.create_invite(svc, role=Role.WORKER)).code
        await invites.redeem_invite(svc, code=code, telegram_id=7340012345, chat_id=7340012345, locale="nl")

    from bot.db.session import configure_encryption

    configure_encryption(KEY)
    with_services(Settings(database_url=url, encryption_keys=KEY), a_real_person)
    configure_encryption(None)
    # Without a token `run` is the demo (it says so first): it refuses this database, and so does `demo`.
    result = runner.invoke(app, ["run"], input=":stop\n")
    assert result.exit_code == 1 and "holds real people" in result.output and "Traceback" not in result.output
    one_line(runner.invoke(app, ["demo"], input=":stop\n"), "HOUVAST_DATABASE_URL", "holds real people")


def test_run_never_uses_the_demos_database_and_the_demo_keeps_its_own_key(env, tmp_path):
    monkeypatch, url = env
    result = runner.invoke(app, ["demo"], input=":stop\n")
    assert result.exit_code == 0, result.output
    key_file = tmp_path / "data" / "demo.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    Fernet(key_file.read_text().strip().encode())
    database = Path(url.split("///", 1)[1])
    raw = b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))  # with the WAL
    assert b"Sam" in raw or b"f1:" in raw  # the file is not empty...
    assert b"Anna" not in raw and b"Joost" not in raw  # ...but the demo people's names are encrypted with it
    assert runner.invoke(app, ["demo"], input=":stop\n").exit_code == 0  # the same key again next time
    monkeypatch.setenv("HOUVAST_TELEGRAM_TOKEN", "123:abc")
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", key_file.read_text().strip())
    one_line(runner.invoke(app, ["run"]), "demo's database")


def test_a_second_run_on_the_same_sqlite_file_is_refused(env):
    monkeypatch, url = env
    monkeypatch.setenv("HOUVAST_TELEGRAM_TOKEN", "123:abc")
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", KEY)
    with sqlite_lock(url):  # the first one, still running
        one_line(runner.invoke(app, ["run"]), "Another Houvast process is already running", code=3)
        one_line(runner.invoke(app, ["demo"], input=":stop\n"), "Another Houvast process is already running", code=3)
    one_line(runner.invoke(app, ["run"]), "Cannot reach the Bot API")  # once it stopped, this one may start


def test_check_reports_every_problem_one_line_each(env):
    monkeypatch, _ = env
    monkeypatch.setenv("HOUVAST_WEBHOOK_URL", "https://houvast.example.org")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert [
        any(word in line for line in lines)
        for word in (
            "HOUVAST_ENCRYPTION_KEYS",
            "HOUVAST_WEBHOOK_SECRET",
            "does not exist yet",
            "HOUVAST_TELEGRAM_TOKEN",
        )
    ] == [True] * 4
    assert len(lines) == 4


def test_check_passes_when_everything_is_ready(env):
    monkeypatch, _ = env
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", KEY)
    monkeypatch.setenv("HOUVAST_TELEGRAM_TOKEN", "123:abc")
    assert runner.invoke(app, ["migrate"]).exit_code == 0

    async def fine(settings):
        return "houvast_bot"

    monkeypatch.setattr("bot.startup.check_bot_api", fine)  # no real Telegram in tests; its failures are above
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "Ready to run" in result.output and "Europe/Amsterdam" in result.output


def test_by_default_the_demo_keeps_to_a_file_of_its_own(env, tmp_path):
    monkeypatch, _ = env
    monkeypatch.delenv("HOUVAST_DATABASE_URL")
    assert runner.invoke(app, ["demo"], input=":stop\n").exit_code == 0
    assert (tmp_path / "data" / "demo.sqlite3").exists()
    assert not (tmp_path / "data" / "houvast.sqlite3").exists()  # where `houvast run` keeps real people
