import pytest

from bot.config import ConfigError, load_settings


def test_defaults_use_sqlite_under_data():
    settings = load_settings()
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.timezone == "Europe/Amsterdam"
    assert settings.weekdays == frozenset({1, 2, 3, 4, 5})


@pytest.mark.parametrize(
    ("env", "value", "name"),
    [
        ("HOUVAST_TIMEZONE", "Mars/Olympus", "HOUVAST_TIMEZONE"),
        ("HOUVAST_WORK_START", "25:00", "HOUVAST_WORK_START"),
        ("HOUVAST_WORK_DAYS", "1,9", "HOUVAST_WORK_DAYS"),
        ("HOUVAST_DATABASE_URL", "mysql://x", "HOUVAST_DATABASE_URL"),
        ("HOUVAST_DEFAULT_LANGUAGE", "fr", "HOUVAST_DEFAULT_LANGUAGE"),
        ("HOUVAST_INVITE_DAYS", "zero", "HOUVAST_INVITE_DAYS"),
    ],
)
def test_a_wrong_setting_names_itself_in_one_line(monkeypatch, env, value, name):
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert name in str(info.value)
    assert "\n" not in str(info.value)


def test_postgres_urls_get_the_async_driver(monkeypatch):
    monkeypatch.setenv("HOUVAST_DATABASE_URL", "postgresql://houvast@localhost/houvast")
    assert load_settings().database_url == "postgresql+asyncpg://houvast@localhost/houvast"
