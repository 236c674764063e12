"""The operator's command line: wrong settings, invites with a QR code, migrate."""
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def test_a_wrong_setting_stops_with_one_clear_line(monkeypatch):
    monkeypatch.setenv("HOUVAST_TIMEZONE", "Nowhere/Land")
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 2
    assert "HOUVAST_TIMEZONE" in result.output and "Traceback" not in result.output


def test_invite_prints_a_deep_link_and_saves_a_private_qr(monkeypatch, tmp_path):
    monkeypatch.setenv("HOUVAST_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'h.sqlite3'}")
    monkeypatch.setenv("HOUVAST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HOUVAST_BOT_USERNAME", "zorg_bot")
    result = runner.invoke(app, ["invite", "worker"])
    assert result.exit_code == 0, result.output
    assert "https://t.me/zorg_bot?start=" in result.output
    [png] = list((tmp_path / "data" / "invites").glob("*.png"))
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_mode & 0o777 == 0o600


def test_clients_are_not_invited_from_the_command_line():
    result = runner.invoke(app, ["invite", "client"])
    assert result.exit_code == 2 and "worker, peer or admin" in result.output


def test_handover_from_the_command_line_keeps_the_household(monkeypatch, tmp_path):

    from bot.cli import with_services
    from bot.config import Settings
    from bot.db.migrate import upgrade
    from bot.domain.roles import Role
    from bot.services import invites, people

    url = f"sqlite+aiosqlite:///{tmp_path / 'h.sqlite3'}"
    monkeypatch.setenv("HOUVAST_DATABASE_URL", url)
    upgrade(url)

    async def seed(svc):
        for tid in (900, 901):
            code = (await invites.create_invite(svc, role=Role.WORKER)).code
            await invites.redeem_invite(svc, code=code, telegram_id=tid, chat_id=tid, locale="nl")
        code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=900)).code
        await invites.redeem_invite(svc, code=code, telegram_id=501, chat_id=501, locale="nl")
        await people.set_name(svc, 501, "Sam")
        return (await people.coordinated_households(svc, 900))[0].household_id

    household = with_services(Settings(database_url=url), seed)
    result = runner.invoke(app, ["handover", str(household), "901"])
    assert result.exit_code == 0, result.output
    assert with_services(Settings(database_url=url), lambda svc: people.coordinated_households(svc, 901))[
        0
    ].member_names == ("Sam",)
    assert runner.invoke(app, ["handover", str(household), "12345"]).exit_code == 1
