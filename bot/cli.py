"""The `houvast` command: run, demo, check, keygen, migrate, invite, rotate-key, deactivate-worker, handover,
report, bench, crisis-eval, crisis-train. Every failure an operator can fix ends in one line naming the setting
and a non-zero exit."""
from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import typer

from bot.config import ConfigError, Settings, load_settings
from bot.domain.roles import CLI_INVITE_ROLES, Role
from bot.startup import StartupError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Houvast: herstelplan-bot for maatschappelijke zorg.")
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
QUIET_LOGGERS = ("telegram", "httpx", "httpcore", "hpack", "h2", "sqlalchemy", "aiosqlite", "asyncpg", "apscheduler")


def setup_logging(settings: Settings) -> None:
    level = logging.getLevelName(settings.log_level.upper())
    if not isinstance(level, int):
        level = logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))


def fail(exc: StartupError | ConfigError) -> typer.Exit:
    """One line on stderr, exit 1: what is wrong and which setting to change."""
    typer.echo(str(exc), err=True)
    return typer.Exit(1)


def prepare(settings: Settings) -> None:
    """Upgrade the database, set up encryption and prove the key reads the data; shared by every command that
    touches data. A problem ends the command with one line."""
    try:
        _prepare(settings)
    except StartupError as exc:
        raise fail(exc) from None


def _prepare(settings: Settings) -> None:
    from bot.db.migrate import upgrade
    from bot.db.session import configure_encryption, make_engine, make_sessionmaker
    from bot.startup import verify_key

    try:
        upgrade(settings.database_url)
    except Exception as exc:  # noqa: BLE001 (a driver error's message can hold the password: type only)
        raise StartupError(
            f"HOUVAST_DATABASE_URL: cannot open or upgrade the database ({type(exc).__name__})."
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


@app.command()
def run() -> None:
    """Run the bot on Telegram (long polling, or a webhook when HOUVAST_WEBHOOK_URL is set).
    Without HOUVAST_TELEGRAM_TOKEN it starts the local chat instead, on the demo's own database only."""
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
            prepare(settings)
            _claim(settings, "live")
            asyncio.run(check_bot_api(settings))
            _run_on_telegram(settings)
    except StartupError as exc:
        raise fail(exc) from None


def _run_on_telegram(settings: Settings) -> None:
    from telegram import Update

    from bot.app import build_application
    from bot.scheduler import schedule_tick

    application = build_application(settings)
    schedule_tick(application)
    if settings.webhook_url:
        application.run_webhook(**webhook_options(settings), allowed_updates=Update.ALL_TYPES)
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


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


@app.command()
def demo() -> None:
    """Chat with Houvast in this terminal, as a demo client, worker or peer expert. No Telegram needed.
    Runs only on a database of its own (never one with real people), encrypted with its own key."""
    settings = demo_settings(_settings())
    setup_logging(settings.model_copy(update={"log_level": "WARNING"}))
    from bot.local.terminal import run_terminal
    from bot.startup import sqlite_lock

    try:
        with sqlite_lock(settings.database_url):
            prepare(settings)
            _claim(settings, "demo")
            asyncio.run(run_terminal(settings))
    except StartupError as exc:
        raise fail(exc) from None


@app.command()
def keygen() -> None:
    """Print a new encryption key. Put it first in HOUVAST_ENCRYPTION_KEYS (keep older keys after it until
    `houvast rotate-key` has run)."""
    from cryptography.fernet import Fernet

    typer.echo(Fernet.generate_key().decode())
    typer.echo("Set it as HOUVAST_ENCRYPTION_KEYS (newest first), and keep a copy in a safe place: without it the "
               "data cannot be read.", err=True)


@app.command()
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


@app.command()
def migrate() -> None:
    """Upgrade the database to the newest schema (also done at every start)."""
    settings = _settings()
    setup_logging(settings)
    prepare(settings)
    typer.echo("Database is up to date.")


@app.command()
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

    created = with_services(settings, lambda svc: create_invite(svc, role=Role(role)))
    folder = settings.data_dir / "invites"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"invite-{role}-{created.code[:4]}.png"
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)  # the QR holds the code: owner-only
    with os.fdopen(fd, "wb") as handle:
        handle.write(qr_png(created.link))
    typer.echo(f"Invite for a {role}, valid once until {created.expires_at:%Y-%m-%d %H:%M} UTC:")
    typer.echo(created.link)
    typer.echo(f"QR code: {path}")


@app.command("rotate-key")
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


@app.command("deactivate-worker")
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


@app.command()
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

    made = with_services(settings, lambda svc: report_service.monthly_report(svc, chosen))
    t = translator(settings.default_language, settings.zone)
    folder = pathlib.Path(out) if out else settings.data_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix, data in (("pdf", report_pdf(made, t, organisation=settings.organisation)), ("csv", report_csv(made, t))):
        path = folder / f"houvast-report-{chosen}.{suffix}"
        path.write_bytes(data)
        paths.append(path)
    typer.echo("Report written: " + ", ".join(str(p) for p in paths))


@app.command()
def bench(
    quick: bool = typer.Option(False, "--quick", help="smaller sizes (2k, 10k, 100k goals): done in under 3 minutes"),
    postgres: str | None = typer.Option(
        None, "--postgres", envvar="HOUVAST_BENCH_POSTGRES_URL",
        help="also on PostgreSQL: a temporary database is created on this server and dropped afterwards"),
    sizes: str | None = typer.Option(None, "--sizes", help="numbers of goals, comma separated, e.g. 10000,100000"),
) -> None:
    """Measure the tick against the number of goals, the outbox send rate and updates per second against a bare
    bot, on scratch databases (the configured database is not touched). See docs/benchmark.md."""
    from bot.bench import FULL_SIZES, QUICK_SIZES, SQLITE, parse_sizes, run_bench

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        chosen = parse_sizes(sizes) if sizes else (QUICK_SIZES if quick else FULL_SIZES)
    except ValueError as exc:
        typer.echo(f"--sizes: {exc}", err=True)
        raise typer.Exit(2) from None
    options = {"updates": 100, "pair_messages": 20, "latency_messages": 120} if quick else {}
    asyncio.run(run_bench(chosen, [SQLITE] + ([postgres] if postgres else []), **options))


@app.command()
def handover(
    household_id: int = typer.Argument(..., help="the household's number"),
    worker_telegram_id: int = typer.Argument(..., help="the Telegram id of the new coordinating worker"),
) -> None:
    """Hand a household over to another coordinating worker. All history stays; the previous one stays involved."""
    settings = _settings()
    setup_logging(settings)
    prepare(settings)
    from bot.services import nudges
    from bot.services.base import NotFound

    try:
        result = with_services(settings, lambda svc: nudges.handover(
            svc, household_id=household_id, to_worker_telegram_id=worker_telegram_id, by_telegram_id=None))
    except NotFound:
        typer.echo("No active worker with that Telegram id.", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Household {result.household_id} is now coordinated by worker {worker_telegram_id}.")


@app.command("crisis-eval")
def crisis_eval(
    file: str | None = typer.Argument(None, help="labelled messages: label<TAB>family<TAB>text (default: tests/crisis/test.tsv)"),
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


@app.command("crisis-train")
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
