"""`houvast backup FILE` and `houvast restore FILE` for SQLite, with SQLite's online backup API: a consistent
copy while the bot keeps running. PostgreSQL is backed up with pg_dump and restored with pg_restore
(docs/operations.md). A backup holds encrypted values: it is only as useful as the keys kept beside it.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from alembic.script import ScriptDirectory

from bot.db.crypto import Cipher
from bot.db.migrate import alembic_config
from bot.db.session import sqlite_path
from bot.services.keys import describe_unreadable, readable, secret_columns


class BackupError(Exception):
    """Said to the operator in one line; nothing was changed."""


def _database_file(database_url: str) -> Path:
    path = sqlite_path(database_url)
    if path is None:
        raise BackupError("houvast backup and restore are for SQLite; on PostgreSQL use pg_dump and pg_restore "
                          "(docs/operations.md).")
    return path


def backup(database_url: str, target: Path) -> str:
    """Copy the live database to `target` (a new file, owner-only); returns the schema revision it holds."""
    source = _database_file(database_url)
    if not source.exists():
        raise BackupError(f"There is no database at {source} (HOUVAST_DATABASE_URL).")
    try:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)  # never over an existing file
    except FileExistsError:
        raise BackupError(f"{target} exists already; choose a new file name.") from None
    except OSError as exc:
        raise BackupError(f"Cannot write {target}: {exc.strerror}.") from None
    os.close(fd)
    try:
        with contextlib.closing(sqlite3.connect(source)) as live, contextlib.closing(sqlite3.connect(target)) as copy:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        return check(target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def check(path: Path) -> str:
    """Is this a whole Houvast database? Returns its schema revision; raises BackupError saying why not."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            if db.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError(f"{path} is damaged (SQLite quick_check failed).")
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
            db.execute("SELECT count(*) FROM people").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a Houvast backup ({exc}).") from None
    if row is None:
        raise BackupError(f"{path} is not a Houvast backup (no schema revision).")
    return str(row[0])


def unreadable_in(path: Path, cipher: Cipher) -> dict[str, int]:
    """Per column, the values in the backup that the configured keys cannot open."""
    found: dict[str, int] = {}
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        for target in secret_columns():
            rows = db.execute(f'SELECT "{target.column}" FROM "{target.table}" WHERE "{target.column}" IS NOT NULL')
            bad = sum(1 for (stored,) in rows if not readable(cipher, stored))
            if bad:
                found[target.label] = bad
    return found


def restore(database_url: str, source: Path, cipher: Cipher) -> str:
    """Replace the configured database with the backup (the bot must be stopped: the caller holds the run
    lock). Refuses, changing nothing, when the file is not a backup, comes from a newer Houvast, or holds
    values the configured keys cannot open. Returns the backup's revision; migrate afterwards."""
    target = _database_file(database_url)
    revision = check(source)
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config(database_url)).walk_revisions()}
    if revision not in known:
        raise BackupError(f"{source} was made by a newer Houvast (schema {revision}); upgrade Houvast first.")
    found = unreadable_in(source, cipher)
    if found:
        raise BackupError("The backup holds values that HOUVAST_ENCRYPTION_KEYS cannot open: "
                          f"{describe_unreadable(found)}. Configure the keys that were in use when it was made.")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not target.exists():
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
    with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup_db, \
            contextlib.closing(sqlite3.connect(target)) as live:
        backup_db.backup(live)
    return revision
