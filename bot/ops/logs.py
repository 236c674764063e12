"""Quiet logs: libraries that chatter at INFO are held at WARNING, so what is left is Houvast's own lines
(one status line a minute) and real warnings. Set HOUVAST_LOG_LEVEL=DEBUG to hear the scheduler again."""
from __future__ import annotations

import logging
import traceback
from pathlib import Path

ALWAYS_QUIET = (
    "httpx",  # every request URL at INFO, and a Bot API URL holds the token
    "fontTools",  # ~150 INFO lines per PDF (fontTools.subset)
    "matplotlib",
    "PIL",
    "tornado.access",  # every /healthz and /metrics scrape
    "alembic.runtime.plugins",  # seven "setup plugin" lines per command
)
QUIET_UNLESS_DEBUG = (
    "apscheduler",  # two lines per tick ("Running job ...", "... executed successfully")
)


class _UpgradesOnly(logging.Filter):
    """Alembic: the "Running upgrade ..." lines an operator wants, not "Context impl" on every command."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.getMessage().startswith("Running upgrade")


def quiet_third_party(level: str) -> None:
    migration = logging.getLogger("alembic.runtime.migration")
    if not any(isinstance(f, _UpgradesOnly) for f in migration.filters):
        migration.addFilter(_UpgradesOnly())
    for name in ALWAYS_QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in QUIET_UNLESS_DEBUG:
        logging.getLogger(name).setLevel(logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING)


def describe(error: BaseException | None) -> str:
    """The exception's type and where it was raised, never its message or the update: both can hold the
    user's words (a database error repeats the values it was given)."""
    if error is None:
        return "unknown"
    frames = traceback.extract_tb(error.__traceback__)[-8:]
    where = " <- ".join(f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" for frame in reversed(frames))
    return f"{type(error).__name__} at {where}"
