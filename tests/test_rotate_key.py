"""`houvast rotate-key`: every SecretText column moves to the newest key; plain values get encrypted."""
import asyncio

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from bot.cli import app
from bot.db import crypto
from bot.db.session import configure_encryption
from bot.domain.forms import Tool
from bot.services import gdpr, people, tools
from bot.services.keys import rotate_all, secret_columns
from tests.services.test_gdpr import CLIENT, NAME, PHONE, SECRETS, raw_dump, seed

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
runner = CliRunner()


async def stored_secrets(svc) -> list[str]:
    values = []
    async with svc.unit() as session:
        for target in secret_columns():
            rows = await session.execute(sa.text(f'SELECT "{target.column}" FROM "{target.table}"'))
            values += [value for (value,) in rows if value is not None]
    return values


async def assert_readable(svc):
    assert (await people.whoami(svc, CLIENT)).name == NAME
    card = await tools.current(svc, CLIENT, Tool.CARD)
    assert card.doc["contacts"][0]["phone"] == PHONE
    data = await gdpr.export_data(svc, CLIENT)  # reads every table, the outbox included
    assert data["tables"]["tool_drafts"][0]["content"]["groen"]["what_i_do"] == [SECRETS[3]]


def test_every_secret_column_is_found():
    found = {target.label for target in secret_columns()}
    assert {"people.name", "tool_versions.content", "tool_drafts.content", "outbox.payload"} <= found


async def test_values_under_key_a_are_readable_with_only_key_b_after_rotating(svc):
    configure_encryption(KEY_A)
    await seed(svc)
    before = await stored_secrets(svc)
    assert before and all(value.startswith(crypto.PREFIX) for value in before)

    progress = []
    count = await rotate_all(svc, crypto.Cipher([KEY_B, KEY_A]), lambda *event: progress.append(event))
    assert count == len(before)
    assert {label for label, _done, _total in progress} == {t.label for t in secret_columns()}

    configure_encryption(KEY_B)  # the old key is gone from the setting
    await assert_readable(svc)
    with pytest.raises(RuntimeError, match="does not match"):
        crypto.Cipher([KEY_A]).decrypt((await stored_secrets(svc))[0])


async def test_after_rotating_the_raw_database_holds_no_plain_text(svc):
    configure_encryption(None)  # data from before a key was set
    await seed(svc)
    needles = (NAME, PHONE, *SECRETS)
    assert any(needle in value for values in (await raw_dump(svc)).values() for value in values for needle in needles)

    await rotate_all(svc.sessions, crypto.Cipher([KEY_B]))

    stored = await stored_secrets(svc)
    assert stored and all(value.startswith(crypto.PREFIX) for value in stored)
    leaks = {
        (table, needle)
        for table, values in (await raw_dump(svc)).items()
        for value in values
        for needle in needles
        if needle in value
    }
    assert leaks == set()
    configure_encryption(KEY_B)
    await assert_readable(svc)


async def test_a_value_under_an_unknown_key_stops_the_rotation_without_showing_it(svc):
    configure_encryption(KEY_A)
    await seed(svc)
    with pytest.raises(RuntimeError) as caught:
        await rotate_all(svc, crypto.Cipher([KEY_B]))
    assert "not configured" in str(caught.value) and NAME not in str(caught.value)


async def test_rotation_needs_a_key(svc):
    with pytest.raises(RuntimeError):
        await rotate_all(svc, crypto.Cipher([]))


def test_the_command_refuses_with_one_line_without_a_key(monkeypatch, tmp_path):
    monkeypatch.delenv("HOUVAST_ENCRYPTION_KEYS", raising=False)
    monkeypatch.setenv("HOUVAST_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'h.sqlite3'}")
    result = runner.invoke(app, ["rotate-key"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "HOUVAST_ENCRYPTION_KEYS" in result.output
    assert "Traceback" not in result.output


async def test_the_command_encrypts_everything_under_the_newest_key(svc, settings, monkeypatch):
    configure_encryption(KEY_A)
    await seed(svc)
    monkeypatch.setenv("HOUVAST_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("HOUVAST_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("HOUVAST_ENCRYPTION_KEYS", f"{KEY_B},{KEY_A}")
    result = await asyncio.to_thread(runner.invoke, app, ["rotate-key"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted" in result.output
    configure_encryption(KEY_B)
    await assert_readable(svc)


async def test_a_row_the_running_bot_changes_during_the_rotation_is_not_overwritten(svc, monkeypatch):
    """Compare-and-set: the bot renames the client between the rotation's read and its write; the new name
    stays (and ends up under the new key), the stale value read before is not written back."""
    from bot.services import keys

    configure_encryption(KEY_A)
    await seed(svc)
    original = keys._rotate_value
    raced = []

    async def racing(session, raw, key, value, target, row_key, stored, cipher, attempts=5):
        if target.label == "people.name" and not raced:
            raced.append(row_key)
            async with svc.sessions() as other:  # the running bot, in its own transaction
                await other.execute(sa.text("UPDATE people SET name = :name WHERE id = :id"),
                                    {"name": crypto.Cipher([KEY_A]).encrypt("Marieke Nieuw"), "id": row_key})
                await other.commit()
        await original(session, raw, key, value, target, row_key, stored, cipher, attempts)

    monkeypatch.setattr(keys, "_rotate_value", racing)
    await rotate_all(svc, crypto.Cipher([KEY_B, KEY_A]))
    configure_encryption(KEY_B)
    async with svc.unit() as session:
        renamed = (
            await session.execute(sa.text("SELECT name FROM people WHERE id = :id"), {"id": raced[0]})
        ).scalar_one()
    assert crypto.Cipher([KEY_B]).decrypt(renamed) == "Marieke Nieuw"
