"""The operator's command line: lists with ids and first names only, backups that restore, and every expected
error in one line with a non-zero exit, changing nothing."""
import asyncio
import socket
import sqlite3

import pytest
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from bot.cli import app, with_services
from bot.config import Settings
from bot.db import crypto
from bot.db.migrate import upgrade
from bot.db.session import configure_encryption
from bot.domain.forms import Tool
from bot.ops.single import RunLock
from bot.services import people, tools
from tests.services.test_gdpr import CLIENT, NAME, OTHER, PHONE, SECRETS, WORKER, seed

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
runner = CliRunner()


def one_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A migrated SQLite file the command line works on, seeded with a worker and two clients (keys A)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'houvast.sqlite3'}"
    for name, value in (("DATABASE_URL", url), ("DATA_DIR", str(tmp_path / "data")), ("ENCRYPTION_KEYS", KEY_A),
                        ("LOG_LEVEL", "WARNING"), ("HEALTH_PORT", "0")):
        monkeypatch.setenv(f"HOUVAST_{name}", value)
    upgrade(url)
    configure_encryption(KEY_A)
    with_services(Settings(database_url=url), seed)
    yield url
    configure_encryption(None)


def card_phone(url: str) -> str:
    async def read(svc):
        return (await tools.current(svc, CLIENT, Tool.CARD)).doc["contacts"][0]["phone"]

    return with_services(Settings(database_url=url), read)


def test_workers_and_households_show_ids_first_names_and_roles_only(db):
    workers = runner.invoke(app, ["workers"])
    assert workers.exit_code == 0, workers.output
    assert f"{WORKER}" in workers.output and "Anna" in workers.output and "worker" in workers.output
    households = runner.invoke(app, ["households"])
    assert households.exit_code == 0, households.output
    assert NAME in households.output and f"Anna (coordinating, {WORKER})" in households.output
    for secret in ("de Vries", PHONE, *SECRETS, str(CLIENT), str(OTHER)):
        assert secret not in workers.output + households.output, secret
    assert runner.invoke(app, ["households", "--worker", "12345"]).output.strip() == "No households."


def test_handover_of_an_unknown_household_is_one_line_and_changes_nothing(db):
    result = runner.invoke(app, ["handover", "999", str(WORKER)])
    assert result.exit_code == 1
    assert one_line(result) == "No household 999 (houvast households lists them)."
    result = runner.invoke(app, ["handover", "1", "12345"])
    assert result.exit_code == 1 and "No active worker with Telegram id 12345" in one_line(result)


def test_an_unreachable_database_is_one_line(monkeypatch, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket is closed
    monkeypatch.setenv("HOUVAST_DATABASE_URL", f"postgresql+asyncpg://houvast:secret@127.0.0.1:{port}/houvast")
    for command in (["workers"], ["status"], ["migrate"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1, result.output
        line = one_line(result)
        assert line.startswith("Cannot reach the database (HOUVAST_DATABASE_URL)") and "secret" not in line


def test_a_backup_restores_and_reads_with_the_keys_of_its_time(db, tmp_path):
    backup = tmp_path / "houvast-backup.sqlite3"
    result = runner.invoke(app, ["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.stat().st_mode & 0o777 == 0o600
    assert runner.invoke(app, ["backup", str(backup)]).exit_code == 1  # never over an existing file

    # Disaster: the client's data is gone.
    with_services(Settings(database_url=db), lambda svc: people.set_name(svc, CLIENT, "Overwritten"))
    path = db.split("///", 1)[1]
    with sqlite3.connect(path) as raw:
        raw.execute("DELETE FROM tool_versions")

    result = runner.invoke(app, ["restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert with_services(Settings(database_url=db), lambda svc: people.whoami(svc, CLIENT)).name == NAME
    assert card_phone(db) == PHONE
    status = runner.invoke(app, ["status"])
    assert status.exit_code == 0 and "bot process:           not running" in status.output


def test_a_restore_that_would_not_work_changes_nothing(db, tmp_path, monkeypatch):
    backup = tmp_path / "b.sqlite3"
    assert runner.invoke(app, ["backup", str(backup)]).exit_code == 0
    with_services(Settings(database_url=db), lambda svc: people.set_name(svc, CLIENT, "Changed since"))

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database")
    result = runner.invoke(app, ["restore", str(not_a_backup)])
    assert result.exit_code == 1 and "is not a Houvast backup" in one_line(result)

    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", KEY_B)  # the backup's key was not kept
    result = runner.invoke(app, ["restore", str(backup)])
    assert result.exit_code == 1 and "HOUVAST_ENCRYPTION_KEYS cannot open" in one_line(result)
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", KEY_A)

    async def hold_and_restore():
        lock = RunLock(db)
        await lock.acquire()  # the bot runs
        try:
            return await asyncio.to_thread(runner.invoke, app, ["restore", str(backup)])
        finally:
            await lock.release()

    result = asyncio.run(hold_and_restore())
    assert result.exit_code == 3 and "Another houvast run" in one_line(result)
    configure_encryption(KEY_A)
    assert with_services(Settings(database_url=db), lambda svc: people.whoami(svc, CLIENT)).name == "Changed since"


def test_rotate_key_refuses_when_rows_would_stay_unreadable(db, monkeypatch):
    path = db.split("///", 1)[1]
    before = sqlite3.connect(path).execute("SELECT name FROM people ORDER BY id").fetchall()
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", KEY_B)  # the old key A left out too early
    result = runner.invoke(app, ["rotate-key"])
    assert result.exit_code == 1
    line = one_line(result)
    # The key canary (bot/startup.py) refuses first, before the rotation reads a row.
    assert "HOUVAST_ENCRYPTION_KEYS cannot read this database" in line and NAME not in line
    assert sqlite3.connect(path).execute("SELECT name FROM people ORDER BY id").fetchall() == before
    assert all(value.startswith(crypto.PREFIX) for (value,) in before if value)


def test_run_refuses_a_second_process_and_a_taken_health_port_in_one_line(db, monkeypatch):
    monkeypatch.setenv("HOUVAST_TELEGRAM_TOKEN", "123:TEST")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        monkeypatch.setenv("HOUVAST_HEALTH_PORT", str(busy.getsockname()[1]))
        result = runner.invoke(app, ["run"])
    assert result.exit_code == 1
    assert "for /healthz and /metrics (HOUVAST_HEALTH_LISTEN, HOUVAST_HEALTH_PORT)" in one_line(result)

    monkeypatch.setenv("HOUVAST_HEALTH_PORT", "0")

    async def hold_and_run():
        lock = RunLock(db)
        await lock.acquire()
        try:
            return await asyncio.to_thread(runner.invoke, app, ["run"])
        finally:
            await lock.release()

    result = asyncio.run(hold_and_run())
    assert result.exit_code == 3 and "Another houvast run is already using this database" in one_line(result)


def test_help_groups_the_commands_for_operators():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    group, groups = None, {}
    for line in result.output.splitlines():
        if line.startswith("╭─ "):
            group = line[3:].split(" ─")[0]
        elif line.startswith("│ ") and line[2:3].isalpha():
            groups[line[2:].split()[0]] = group
    assert groups == {
        **dict.fromkeys(("run", "worker", "demo", "check", "migrate", "status", "health"), "Run and watch"),
        **dict.fromkeys(("workers", "households", "invite", "deactivate-worker", "handover"), "People and households"),
        **dict.fromkeys(("keygen", "backup", "restore", "rotate-key", "report"), "Data, backups and keys"),
        **dict.fromkeys(("bench", "crisis-eval", "crisis-train"), "Developers"),
    }


def test_the_demo_holds_the_database_while_it_runs_and_gives_it_back(db, monkeypatch, tmp_path):
    monkeypatch.delenv("HOUVAST_DATABASE_URL")  # the demo runs on its own database (data/demo.sqlite3)
    monkeypatch.delenv("HOUVAST_ENCRYPTION_KEYS", raising=False)  # ... with its own key
    monkeypatch.setenv("HOUVAST_DATA_DIR", str(tmp_path / "demo-data"))
    monkeypatch.setenv("HOUVAST_DEMO_FILES_DIR", str(tmp_path / "demo-files"))
    result = runner.invoke(app, ["demo"], input=":stop\n")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    demo_db = f"sqlite+aiosqlite:///{tmp_path / 'demo-data' / 'demo.sqlite3'}"

    async def free() -> bool:
        lock = RunLock(demo_db)
        await lock.acquire()  # raises when the demo kept it
        await lock.release()
        return True

    assert asyncio.run(free())


def test_a_folder_that_cannot_be_written_is_one_line_and_creates_no_invite(db, tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("HOUVAST_DATA_DIR", str(blocked))
    result = runner.invoke(app, ["invite", "worker"])
    assert result.exit_code == 1 and one_line(result).startswith(f"Cannot write to {blocked / 'invites'}")
    path = db.split("///", 1)[1]
    assert sqlite3.connect(path).execute("SELECT count(*) FROM invites WHERE role = 'worker'").fetchone() == (1,)
    result = runner.invoke(app, ["report", "--month", "2026-02", "--out", str(blocked / "reports")])
    assert result.exit_code == 1 and one_line(result).startswith("Cannot write to")
