"""The `houvast` command for operators (docs/operations.md). Every expected error ends in one line on stderr
naming the setting, and a non-zero exit: 1 for something wrong at run time, 2 for a wrong setting or argument,
3 when another bot process already has the database or the token.

Long by nature: one small function per subcommand (run, demo, worker, status, health, keygen, check, backup,
restore, invite, report, ...), each a few lines over a service; splitting them would scatter the command list."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from bot.config import ConfigError, Settings, load_settings
from bot.domain.roles import CLI_INVITE_ROLES, Role
from bot.startup import StartupError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Houvast: herstelplan-bot for maatschappelijke zorg. Operators: see docs/operations.md.")
RUN, PEOPLE, DATA, DEV = "Run and watch", "People and households", "Data, backups and keys", "Developers"
log = logging.getLogger("houvast")
T = TypeVar("T")
if TYPE_CHECKING:
    from bot.services.base import Services


def _settings(**overrides: object) -> Settings:
    try:
        return load_settings(**overrides)
    except ConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


# Libraries that log message texts, names or SQL parameters below WARNING: PTB logs every update and every
# Bot API call with its parameters at DEBUG, httpx the URL with the token at INFO, SQLAlchemy and the drivers
# each statement with its values. Whatever HOUVAST_LOG_LEVEL says, they log warnings and errors only.
QUIET_LOGGERS = ("telegram", "httpx", "httpcore", "hpack", "h2", "sqlalchemy", "aiosqlite", "asyncpg")


def setup_logging(settings: Settings) -> None:
    level = logging.getLevelName(settings.log_level.upper())
    if not isinstance(level, int):
        level = logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    from bot.ops.logs import quiet_third_party

    quiet_third_party(settings.log_level)  # fontTools per PDF, apscheduler per tick, health scrapes


def fail(problem: object, code: int = 1) -> typer.Exit:
    """One line on stderr and a non-zero exit: `raise fail("...")` or `raise fail(startup_error)`."""
    typer.echo(str(problem), err=True)
    return typer.Exit(code)


@contextlib.contextmanager
def database_errors() -> Iterator[None]:
    """The database cannot be reached or refuses: one line naming why, never the SQL or its values."""
    from sqlalchemy.exc import DBAPIError, IntegrityError

    try:
        yield
    except IntegrityError as exc:
        raise fail(f"The database refused the change ({type(exc.orig).__name__}); nothing was changed.") from None
    except DBAPIError as exc:
        reason = " ".join(str(exc.orig).split())[:160]
        raise fail(f"Cannot use the database (HOUVAST_DATABASE_URL): {type(exc.orig).__name__}: {reason}") from None
    except (OSError, TimeoutError) as exc:
        raise fail(f"Cannot reach the database (HOUVAST_DATABASE_URL): {type(exc).__name__}: "
                   f"{exc.strerror or exc}"[:220]) from None


def prepare(settings: Settings) -> None:
    """Upgrade the database, set up encryption and prove the key reads the data; shared by every command that
    touches data. A problem ends the command with one line."""
    try:
        _prepare(settings)
    except StartupError as exc:
        raise fail(exc, exc.code) from None


def _prepare(settings: Settings) -> None:
    from bot.db.migrate import at_head, upgrade
    from bot.db.session import configure_encryption, make_engine, make_sessionmaker
    from bot.startup import verify_key

    try:
        if not at_head(settings.database_url):
            upgrade(settings.database_url)
    except Exception as exc:
        raise StartupError(
            f"Cannot reach the database (HOUVAST_DATABASE_URL): cannot open or upgrade it ({type(exc).__name__})."
        ) from None
    cipher = configure_encryption(settings.encryption_keys)

    async def _verify() -> None:
        engine = make_engine(settings.database_url)
        try:
            await verify_key(make_sessionmaker(engine), cipher)
        finally:
            await engine.dispose()

    asyncio.run(_verify())
    if not cipher.enabled:
        log.warning("no HOUVAST_ENCRYPTION_KEYS set: free text and contact details are stored unencrypted")


def _claim(settings: Settings, purpose: str) -> None:
    from bot.startup import claim_database

    with_services(settings, lambda svc: claim_database(svc.sessions, purpose, settings.database_url))




def with_services(settings: Settings, work: Callable[[Services], Awaitable[T]]) -> T:
    """Run one service call from the command line: open the database, do the work, close it again."""
    from bot.clock import SystemClock
    from bot.db.session import make_engine, make_sessionmaker
    from bot.services.base import Services

    async def _go() -> T:
        engine = make_engine(settings.database_url)
        try:
            return await work(Services(make_sessionmaker(engine), SystemClock(), settings))
        finally:
            await engine.dispose()

    with database_errors():
        return asyncio.run(_go())


def webhook_options(settings: Settings) -> dict[str, object]:
    """Webhook mode: Telegram posts updates to <HOUVAST_WEBHOOK_URL>/telegram, checked by the secret token."""
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": "telegram",
        "webhook_url": (settings.webhook_url or "").rstrip("/") + "/telegram",
        "secret_token": settings.webhook_secret,
    }


def claim_or_exit(settings: Settings, *, health: bool = True) -> object:
    """Before anything changes: this database's run lock (one bot process per database) and the /healthz port."""
    from bot.ops import runtime

    try:
        return runtime.claim(settings.database_url, health_listen=settings.health_listen,
                             health_port=settings.health_port if health else 0)
    except runtime.StartRefused as exc:
        raise fail(str(exc), exc.code) from None


@app.command(rich_help_panel=RUN)
def run() -> None:
    """Run the bot on Telegram (long polling, or a webhook when HOUVAST_WEBHOOK_URL is set), with /healthz and
    /metrics on HOUVAST_HEALTH_PORT. Without HOUVAST_TELEGRAM_TOKEN it starts the local chat instead, on the
    demo's own database only."""
    settings = _settings()
    if not settings.telegram_token:
        typer.echo("No HOUVAST_TELEGRAM_TOKEN set: starting the local chat (houvast demo).")
        demo()
        return
    setup_logging(settings)
    from bot.startup import check_bot_api, check_webhook, require_key, sqlite_lock

    try:
        require_key(settings)
        check_webhook(settings)
        with sqlite_lock(settings.database_url):
            claimed = claim_or_exit(settings)  # a second bot on this database, or the health port taken
            prepare(settings)
            _claim(settings, "live")
            asyncio.run(check_bot_api(settings))
            _run_on_telegram(settings, claimed)
    except StartupError as exc:
        raise fail(exc, exc.code) from None


@app.command(rich_help_panel=RUN)
def worker() -> None:
    """Only the tick and the outbox, beside `houvast run` on the same database (docs/operations.md): takes turns
    with the bot for the tick's due work and shares the sending, each message sent once. Any number may run;
    /healthz and /metrics on HOUVAST_WORKER_HEALTH_PORT."""
    settings = _settings()
    if not settings.telegram_token:
        raise fail("HOUVAST_TELEGRAM_TOKEN is not set: a worker sends to Telegram.", 2)
    setup_logging(settings)
    from bot.ops import runtime
    from bot.ops.single import WorkerLock
    from bot.ops.worker import serve
    from bot.startup import check_bot_api, require_key

    try:
        require_key(settings)
        try:
            claimed = runtime.claim(settings.database_url, health_listen=settings.health_listen,
                                    health_port=settings.worker_health_port, lock=WorkerLock(settings.database_url),
                                    port_setting="HOUVAST_WORKER_HEALTH_PORT")
        except runtime.StartRefused as exc:
            raise fail(str(exc), exc.code) from None
        prepare(settings)
        _claim(settings, "live")  # never on the demo's database
        asyncio.run(check_bot_api(settings))
    except StartupError as exc:
        raise fail(exc, exc.code) from None
    code = serve(settings, claimed)
    if code:
        raise typer.Exit(code)


def _run_on_telegram(settings: Settings, claimed: object) -> None:
    from bot.app import build_application
    from bot.ops import runtime
    from bot.scheduler import schedule_tick

    application = build_application(settings)
    schedule_tick(application)
    code = runtime.serve(application, claimed, webhook_options(settings) if settings.webhook_url else None)
    if code:
        raise fail(application.bot_data["runtime"].exit_line or "stopped", code)


def demo_key(settings: Settings) -> str:
    """The demo's own key, made once and kept owner-only next to its data, when no key is configured."""
    from cryptography.fernet import Fernet

    path = settings.data_dir / "demo.key"
    if path.exists():
        return path.read_text().strip()
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Fernet.generate_key().decode()
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def demo_settings(settings: Settings) -> Settings:
    """The demo's own database (data/demo.sqlite3) unless HOUVAST_DATABASE_URL is set, and its own key unless
    HOUVAST_ENCRYPTION_KEYS is."""
    changes: dict[str, object] = {}
    if "database_url" not in settings.model_fields_set:
        changes["database_url"] = f"sqlite+aiosqlite:///{settings.data_dir / 'demo.sqlite3'}"
    if not settings.encryption_keys:
        changes["encryption_keys"] = demo_key(settings)
    return settings.model_copy(update=changes)


@app.command(rich_help_panel=RUN)
def demo() -> None:
    """Chat with Houvast in this terminal, as a demo client, worker or peer expert. No Telegram needed.
    Runs only on a database of its own (never one with real people), encrypted with its own key."""
    settings = demo_settings(_settings())
    setup_logging(settings.model_copy(update={"log_level": "WARNING"}))
    from bot.local.terminal import run_terminal
    from bot.ops import runtime
    from bot.startup import sqlite_lock

    try:
        with sqlite_lock(settings.database_url):
            claimed = claim_or_exit(settings, health=False)  # the demo is a bot process too: one per database
            try:
                prepare(settings)
                _claim(settings, "demo")
                asyncio.run(run_terminal(settings))
            finally:
                runtime.release(claimed)  # type: ignore[arg-type]
    except StartupError as exc:
        raise fail(exc, exc.code) from None


@app.command(rich_help_panel=DATA)
def keygen() -> None:
    """Print a new encryption key. Put it first in HOUVAST_ENCRYPTION_KEYS (keep older keys after it until
    `houvast rotate-key` has run)."""
    from cryptography.fernet import Fernet

    typer.echo(Fernet.generate_key().decode())
    typer.echo("Set it as HOUVAST_ENCRYPTION_KEYS (newest first), and keep a copy in a safe place: without it the "
               "data cannot be read.", err=True)


@app.command(rich_help_panel=RUN)
def check() -> None:
    """Pre-flight for operators: database reachable and migrated, key valid, token valid (getMe), webhook secret,
    time zone. Exit 0 when ready to run, else one line per problem and exit 1."""
    settings = _settings()
    logging.basicConfig(level=logging.CRITICAL)
    from datetime import datetime

    from bot.startup import preflight

    problems = asyncio.run(preflight(settings))
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(1)
    now = datetime.now(settings.zone)
    typer.echo(f"Ready to run. Time zone {settings.timezone}: it is {now:%Y-%m-%d %H:%M} there now.")


@app.command(rich_help_panel=RUN)
def migrate() -> None:
    """Upgrade the database to the newest schema (also done at every start)."""
    settings = _settings()
    setup_logging(settings)
    prepare(settings)
    typer.echo("Database is up to date.")

@app.command(rich_help_panel=RUN)
def status() -> None:
    """What waits and what went out, from the database: the same figures as the bot's status line, and
    whether a bot process is running on this database."""
    settings = _settings()
    setup_logging(settings)
    prepare(settings)
    from bot.ops import figures, single

    with database_errors():
        running = "running" if asyncio.run(single.is_running(settings.database_url)) else "not running"
        workers = asyncio.run(single.workers_running(settings.database_url))
    found = with_services(settings, lambda svc: figures.read(svc.sessions, svc.now()))
    due = ", ".join(f"{kind} {count}" for kind, count in sorted(found.due.items()))
    typer.echo(f"status: due={found.due_total} backlog={found.backlog} sent_last_hour={found.sent_last_hour} "
               f"failed_last_hour={found.failed_last_hour} retrying={found.retrying}")
    typer.echo(f"bot process:           {running}")
    typer.echo(f"workers:               {workers} running")
    typer.echo(f"due now:               {found.due_total} ({due})")
    typer.echo(f"outbox:                backlog {found.backlog} (oldest {found.oldest_due_seconds:.0f} s), "
               f"being sent {found.claimed}, later {found.waiting}, retrying {found.retrying}")
    typer.echo(f"last hour:             sent {found.sent_last_hour}, failed {found.failed_last_hour}")
    typer.echo(f"nudges unacknowledged: {found.nudges_unacknowledged}")
    typer.echo(f"alerts not picked up:  {found.alerts_unacknowledged}")


@app.command(rich_help_panel=RUN)
def health() -> None:
    """Ask the running bot's /healthz (for a container's health check): exit 0 when healthy, 1 when not."""
    import urllib.error
    import urllib.request

    settings = _settings()
    if not settings.health_port:
        raise fail("HOUVAST_HEALTH_PORT is 0: /healthz is switched off.", 2)
    host = "127.0.0.1" if settings.health_listen in ("0.0.0.0", "::", "") else settings.health_listen
    url = f"http://{host}:{settings.health_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            typer.echo(answer.read().decode())
    except urllib.error.HTTPError as exc:
        raise fail(exc.read().decode() or f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise fail(f"No answer from {url}: is houvast run running? ({getattr(exc, 'reason', exc)})") from None


@app.command(rich_help_panel=PEOPLE)
def workers() -> None:
    """Workers, peer experts and admins: Telegram id, first name, role, and the households each coordinates."""
    settings = _settings()
    setup_logging(settings)
    prepare(settings)
    from bot.services import directory

    rows = with_services(settings, directory.staff)
    if not rows:
        typer.echo("No workers, peer experts or admins yet (houvast invite worker).")
    for row in rows:
        state = "" if row.active else "  (deactivated)"
        coordinating = f"  coordinates {', '.join(map(str, row.coordinating))}" if row.coordinating else ""
        typer.echo(f"{row.telegram_id:>14}  {row.first_name:<16} {row.role:<7}{coordinating}{state}")


@app.command(rich_help_panel=PEOPLE)
def households(
    worker: int | None = typer.Option(None, "--worker", help="only households where this worker (Telegram id) helps"),
) -> None:
    """Households by number: the clients' first names and the care team (first name, role, Telegram id)."""
    settings = _settings()
    setup_logging(settings)
    prepare(settings)
    from bot.services import directory

    rows = with_services(settings, lambda svc: directory.households(svc, worker_telegram_id=worker))
    if not rows:
        typer.echo("No households.")
    for row in rows:
        team = ", ".join(f"{name} ({role}, {telegram_id})" for name, role, telegram_id in row.team) or "no worker"
        closed = "  (traject closed)" if row.closed else ""
        typer.echo(f"{row.id:>6}  {', '.join(row.members) or '-'}  |  {team}{closed}")


@app.command(rich_help_panel=DATA)
def backup(file: Path = typer.Argument(..., help="a new file for the copy")) -> None:
    """SQLite: a consistent copy of the database while the bot runs (PostgreSQL: pg_dump, see
    docs/operations.md). Keep HOUVAST_ENCRYPTION_KEYS safe as well: a backup cannot be read without them."""
    settings = _settings()
    from bot.ops.backup import BackupError
    from bot.ops.backup import backup as make_backup

    try:
        revision = make_backup(settings.database_url, file)
    except BackupError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"Backup written: {file} (schema {revision}, {file.stat().st_size} bytes).")


@app.command(rich_help_panel=DATA)
def restore(file: Path = typer.Argument(..., help="a file made by houvast backup")) -> None:
    """SQLite: replace the database with a backup. Stop the bot first; the keys of the backup's time must be
    in HOUVAST_ENCRYPTION_KEYS. The backup is checked before anything is changed."""
    settings = _settings()
    setup_logging(settings)
    from bot.db import crypto
    from bot.ops import runtime
    from bot.ops.backup import BackupError
    from bot.ops.backup import restore as restore_backup

    claimed = claim_or_exit(settings, health=False)  # the bot must not run meanwhile
    try:
        revision = restore_backup(
            settings.database_url, file, crypto.Cipher(crypto.parse_keys(settings.encryption_keys))
        )
    except BackupError as exc:
        raise fail(str(exc)) from None
    finally:
        runtime.release(claimed)  # type: ignore[arg-type]
    prepare(settings)  # an older backup is brought up to the current schema
    typer.echo(f"Restored {file} (schema {revision}) into {settings.database_url}; the database is up to date.")


@app.command(rich_help_panel=PEOPLE)
def invite(role: str = typer.Argument(..., help="worker, peer or admin")) -> None:
    """Print a one-time invite link for a worker, peer expert or admin, and save its QR code as PNG."""
    if role not in {r.value for r in CLI_INVITE_ROLES}:
        typer.echo("Role must be worker, peer or admin. Clients are invited by their worker in the chat.", err=True)
        raise typer.Exit(2)
    settings = _settings()
    setup_logging(settings)
    prepare(settings)
    from bot.render.qr import qr_png
    from bot.services.invites import create_invite

    folder = settings.data_dir / "invites"
    try:  # before the invite exists: a folder that cannot be written changes nothing
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise fail(f"Cannot write to {folder} (HOUVAST_DATA_DIR): {exc.strerror}") from None
    created = with_services(settings, lambda svc: create_invite(svc, role=Role(role)))
    typer.echo(f"Invite for a {role}, valid once until {created.expires_at:%Y-%m-%d %H:%M} UTC:")
    typer.echo(created.link)
    path = folder / f"invite-{role}-{created.code[:4]}.png"
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)  # the QR holds the code: owner-only
        with os.fdopen(fd, "wb") as handle:
            handle.write(qr_png(created.link))
    except OSError as exc:
        raise fail(f"The link above works, but its QR code could not be saved in {folder}: {exc.strerror}") from None
    typer.echo(f"QR code: {path}")


@app.command("rotate-key", rich_help_panel=DATA)
def rotate_key() -> None:
    """Re-encrypt all stored free text under the newest key of HOUVAST_ENCRYPTION_KEYS (newest first).
    Keep the old keys in the setting until this has run; remove them afterwards."""
    from bot.db import crypto

    settings = _settings()
    if not crypto.parse_keys(settings.encryption_keys):
        typer.echo("No HOUVAST_ENCRYPTION_KEYS set: there is no key to rotate to.", err=True)
        raise typer.Exit(2)
    setup_logging(settings)
    prepare(settings)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from bot.db.session import make_engine, make_sessionmaker
    from bot.services.keys import rotate_all

    async def _rotate(progress: Progress) -> int:
        tasks: dict[str, object] = {}

        def report(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = progress.add_task(label, total=total or 1)
            progress.update(tasks[label], completed=done if total else 1)

        engine = make_engine(settings.database_url)
        try:
            return await rotate_all(make_sessionmaker(engine), crypto.active(), report)
        finally:
            await engine.dispose()

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()) as progress:
        try:
            count = asyncio.run(_rotate(progress))
        except RuntimeError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
    typer.echo(f"Re-encrypted {count} values under the newest key.")


@app.command("deactivate-worker", rich_help_panel=PEOPLE)
def deactivate_worker(telegram_id: int = typer.Argument(..., help="the worker's Telegram id")) -> None:
    """A worker leaves: their households go to the backup worker, or admins are asked to find a new one."""
    settings = _settings()
    setup_logging(settings)
    prepare(settings)
    from bot.services import staff
    from bot.services.base import NotFound

    try:
        changed = with_services(settings, lambda svc: staff.deactivate_worker(svc, telegram_id))
    except NotFound:
        typer.echo("No worker with that Telegram id.", err=True)
        raise typer.Exit(1) from None
    typer.echo("Worker deactivated. Households changed: " + (", ".join(map(str, changed)) or "none"))


@app.command(rich_help_panel=DATA)
def report(
    month: str | None = typer.Option(None, "--month", help="The month, like 2026-11 (default: last month)."),
    out: str | None = typer.Option(None, "--out", help="Folder for the files (default: <data dir>/reports)."),
) -> None:
    """Write the anonymous monthly report as PDF and CSV: no names, counts under 5 shown as "< 5"."""
    settings = _settings()
    setup_logging(settings)
    from bot.clock import SystemClock
    from bot.services import report as report_service

    chosen = month or report_service.previous_month(SystemClock().now(), settings.zone)
    try:
        report_service.month_bounds(chosen, settings.zone)
    except ValueError:
        typer.echo("Use a month like 2026-11.", err=True)
        raise typer.Exit(2) from None
    prepare(settings)
    import pathlib

    from bot.i18n import translator
    from bot.render.report import report_csv, report_pdf

    folder = pathlib.Path(out) if out else settings.data_dir / "reports"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fail(f"Cannot write to {folder}: {exc.strerror}") from None
    made = with_services(settings, lambda svc: report_service.monthly_report(svc, chosen))
    t = translator(settings.default_language, settings.zone)
    paths = []
    for suffix, data in (
        ("pdf", report_pdf(made, t, organisation=settings.organisation)),
        ("csv", report_csv(made, t)),
    ):
        path = folder / f"houvast-report-{chosen}.{suffix}"
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise fail(f"Cannot write {path}: {exc.strerror}") from None
        paths.append(path)
    typer.echo("Report written: " + ", ".join(str(p) for p in paths))


@app.command(rich_help_panel=DEV)
def bench(
    quick: bool = typer.Option(False, "--quick", help="smaller sizes (2k, 10k, 100k goals): done in under 3 minutes"),
    postgres: str | None = typer.Option(
        None, "--postgres", envvar="HOUVAST_BENCH_POSTGRES_URL",
        help="also on PostgreSQL: a temporary database is created on this server and dropped afterwards"),
    sizes: str | None = typer.Option(None, "--sizes", help="numbers of goals, comma separated, e.g. 10000,100000"),
) -> None:
    """Measure the tick against the number of goals, the outbox send rate, updates per second against a bare bot
    and the start of `houvast run`, on scratch databases (the configured database is not touched). See
    docs/benchmark.md."""
    from bot.bench import FULL_SIZES, QUICK_SIZES, SQLITE, parse_sizes, run_bench

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        chosen = parse_sizes(sizes) if sizes else (QUICK_SIZES if quick else FULL_SIZES)
    except ValueError as exc:
        typer.echo(f"--sizes: {exc}", err=True)
        raise typer.Exit(2) from None
    options = {"updates": 100, "pair_messages": 20, "latency_messages": 120} if quick else {}
    asyncio.run(run_bench(chosen, [SQLITE] + ([postgres] if postgres else []), **options))


@app.command(rich_help_panel=PEOPLE)
def handover(
    household_id: int = typer.Argument(..., help="the household's number"),
    worker_telegram_id: int = typer.Argument(..., help="the Telegram id of the new coordinating worker"),
) -> None:
    """Hand a household over to another coordinating worker. All history stays; the previous one stays involved."""
    settings = _settings()
    setup_logging(settings)
    prepare(settings)
    from bot.services import directory, nudges
    from bot.services.base import NotFound

    if not with_services(settings, lambda svc: directory.household_exists(svc, household_id)):
        raise fail(f"No household {household_id} (houvast households lists them).")
    try:
        result = with_services(settings, lambda svc: nudges.handover(
            svc, household_id=household_id, to_worker_telegram_id=worker_telegram_id, by_telegram_id=None))
    except NotFound:
        raise fail(f"No active worker with Telegram id {worker_telegram_id} (houvast workers lists them).") from None
    typer.echo(f"Household {result.household_id} is now coordinated by worker {worker_telegram_id}.")


@app.command("crisis-eval", rich_help_panel=DEV)
def crisis_eval(
    file: str | None = typer.Argument(
        None, help="labelled messages: label<TAB>family<TAB>text (default: tests/crisis/test.tsv)"
    ),
    quiet: bool = typer.Option(False, "--quiet", help="figures only, without the list of misses and false alarms"),
    families: bool = typer.Option(False, "--families", help="also the errors per family of messages"),
    min_recall: float = typer.Option(0.0, "--min-recall", help="exit 1 when overall recall is lower"),
    min_precision: float = typer.Option(0.0, "--min-precision", help="exit 1 when overall precision is lower"),
) -> None:
    """How well the crisis detector does on labelled messages: recall and precision per kind and overall, then
    every miss and false alarm. Tune the word lists on tests/crisis/dev.tsv only (docs/crisis-detector.md)."""
    from pathlib import Path

    from bot.crisis_eval import evaluate, format_report, read

    path = Path(file) if file else Path(__file__).resolve().parent.parent / "tests" / "crisis" / "test.tsv"
    try:
        examples = read(path)
    except (OSError, ValueError) as exc:
        typer.echo(f"crisis-eval: {exc}", err=True)
        raise typer.Exit(2) from None
    report = evaluate(examples)
    typer.echo(format_report(report, details=not quiet, families=families))
    if report.recall < min_recall or report.precision < min_precision:
        raise typer.Exit(1)


@app.command("crisis-train", rich_help_panel=DEV)
def crisis_train(
    dev: str | None = typer.Argument(None, help="the development part (default: tests/crisis/dev.tsv)"),
) -> None:
    """Retrain the crisis detector's second opinion on the development part, with a threshold chosen by
    cross-validation across writers; writes bot/domain/data/crisis_model.json.gz. Needs the `train` extra."""
    from pathlib import Path

    try:
        from bot.crisis_train import train
    except ImportError:
        typer.echo("crisis-train needs scikit-learn: .venv/bin/pip install -e '.[train]'", err=True)
        raise typer.Exit(2) from None
    from bot.domain.crisis.model import dump

    root = Path(__file__).resolve().parent
    path = Path(dev) if dev else root.parent / "tests" / "crisis" / "dev.tsv"
    try:
        model, folds, chosen = train(path)
    except (OSError, ValueError) as exc:
        typer.echo(f"crisis-train: {exc}", err=True)
        raise typer.Exit(2) from None
    for fold in folds:
        mark = "  <- chosen" if fold == chosen else ""
        typer.echo(f"threshold {fold.threshold:.2f}: recall {fold.recall:.3f} precision {fold.precision:.3f}{mark}")
    out = root / "domain" / "data" / "crisis_model.json.gz"
    out.write_bytes(dump(model))
    typer.echo(f"written {out} ({out.stat().st_size // 1024} kB)")


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
