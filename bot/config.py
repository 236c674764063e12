"""Settings from the environment (prefix HOUVAST_) and an optional .env file.

A wrong value stops the start with one line naming the setting (see `load_settings`), never a traceback.
"""
from __future__ import annotations

import re
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.goals import StallPolicy

DEFAULT_DB_PATH = Path("data") / "houvast.sqlite3"


class ConfigError(Exception):
    """A setting is wrong; the message names it and is safe to print."""


# Settings that take one of a few words: the words, in the order the error message names them.
CHOICES = {"peer_red_policy": ("notify", "ask"), "default_language": ("nl", "en")}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOUVAST_", env_file=".env", extra="ignore")

    database_url: str = Field(default=f"sqlite+aiosqlite:///{DEFAULT_DB_PATH}")
    telegram_token: str | None = None
    bot_api_base_url: str = "https://api.telegram.org/bot"
    bot_api_base_file_url: str = "https://api.telegram.org/file/bot"
    bot_username: str = "houvast_bot"
    # Webhook mode: set webhook_url to switch from long polling to a webhook.
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: str | None = None

    timezone: str = "Europe/Amsterdam"
    organisation: str = "Houvast"
    default_language: str = "nl"
    work_start: time = time(9, 0)
    work_end: time = time(17, 0)
    # ISO weekdays 1=Monday..7=Sunday, comma separated in the environment.
    work_days: str = "1,2,3,4,5"
    invite_days: int = Field(default=14, ge=1, le=365)
    default_checkin_time: time = time(10, 0)
    tick_seconds: int = Field(default=60, ge=5, le=3600)
    # Fernet keys, comma separated, newest first (`houvast keygen` makes one). `houvast run` on Telegram refuses
    # to start without one, unless allow_plaintext is set (never for real clients).
    encryption_keys: str | None = None
    allow_plaintext: bool = False
    data_dir: Path = Path("data")
    demo_files_dir: Path = Path("demo-files")
    # Flood limit per person (a token bucket, bot/domain/ratelimit.py): `burst` updates at once, refilled at
    # `per_minute`. One input a second passes for ever; dozens of messages in a few seconds do not.
    rate_limit_per_minute: int = Field(default=60, ge=1)
    rate_limit_burst: int = Field(default=30, ge=1)
    log_level: str = "INFO"
    # When a goal stalls (bot/domain/goals.StallPolicy), per organisation. The defaults follow the framework.
    stall_missed_in_a_row: int = Field(default=2, ge=1, le=10)
    stall_answer_hours: int = Field(default=48, ge=1, le=24 * 14)
    stall_not_yet_in_a_row: int = Field(default=3, ge=1, le=10)
    stall_no_progress_days: int = Field(default=28, ge=1, le=365)
    no_contact_days: int = Field(default=7, ge=1, le=90)
    # "Hoe staat het ervoor?": days between self-scans after the 0-meting.
    scan_every_days: int = Field(default=91, ge=7, le=366)
    # Peer support, "Zorg melden" when the client has no alerts consent but checked in red today:
    # "notify" tells the coordinating worker anyway, "ask" guides the peer to ask the client first.
    peer_red_policy: str = "notify"
    # Operations (docs/operations.md): /healthz and /metrics on a local port (0: off), and when /healthz
    # calls the outbox backlog too long.
    health_listen: str = "127.0.0.1"
    health_port: int = Field(default=8081, ge=0, le=65535)
    health_max_backlog: int = Field(default=500, ge=1)
    # `houvast worker` serves /healthz and /metrics on a port of its own, so it can run on the bot's machine.
    worker_health_port: int = Field(default=8082, ge=0, le=65535)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone") from exc
        return value

    @field_validator("encryption_keys")
    @classmethod
    def _fernet_keys(cls, value: str | None) -> str | None:
        from cryptography.fernet import Fernet

        keys = [part.strip() for part in (value or "").split(",") if part.strip()]
        for number, key in enumerate(keys, start=1):
            try:
                Fernet(key.encode())
            except ValueError:  # the key itself is never repeated in the message
                raise ValueError(
                    f"key {number} of {len(keys)} is not a valid key (make one with: houvast keygen)"
                ) from None
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_token(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("use 32 to 256 characters: letters, digits, _ and -")
        return value

    @field_validator(*CHOICES)
    @classmethod
    def _one_of(cls, value: str, info: ValidationInfo) -> str:
        if value not in CHOICES[info.field_name]:
            raise ValueError("must be " + " or ".join(CHOICES[info.field_name]))
        return value

    @field_validator("work_days")
    @classmethod
    def _weekdays(cls, value: str) -> str:
        try:
            days = {int(part) for part in value.split(",") if part.strip()}
        except ValueError as exc:
            raise ValueError("use numbers 1 (Monday) to 7 (Sunday), comma separated") from exc
        if not days or not days <= set(range(1, 8)):
            raise ValueError("use numbers 1 (Monday) to 7 (Sunday), comma separated")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith("sqlite://") and not value.startswith("sqlite+aiosqlite://"):
            return "sqlite+aiosqlite://" + value.split("://", 1)[1]
        if not (value.startswith("sqlite+aiosqlite://") or value.startswith("postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return value

    @model_validator(mode="after")
    def _hours_in_order(self) -> Settings:
        if self.work_start >= self.work_end:
            raise ValueError("work_start must be before work_end")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def stall_policy(self) -> StallPolicy:
        return StallPolicy(
            missed_in_a_row=self.stall_missed_in_a_row,
            answer_window=timedelta(hours=self.stall_answer_hours),
            not_yet_in_a_row=self.stall_not_yet_in_a_row,
            no_progress=timedelta(days=self.stall_no_progress_days),
            no_contact=timedelta(days=self.no_contact_days),
        )

    @property
    def weekdays(self) -> frozenset[int]:
        return frozenset(int(part) for part in self.work_days.split(",") if part.strip())


def load_settings(**overrides: object) -> Settings:
    """Read settings; turn pydantic's report into one line that names the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "settings"
        name = f"HOUVAST_{field.upper()}" if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"Setting {name} is wrong: {message}") from None
