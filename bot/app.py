"""Builds the Application and registers every handler in one ordered list.

Within a group the first matching handler wins, and groups run from low to high; so the order below is
behaviour, and each line says why it stands where it stands.
"""
from __future__ import annotations

import asyncio
import warnings

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseHandler,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db.session import make_engine, make_sessionmaker
from bot.domain import crisis
from bot.errors import on_error
from bot.i18n import N_, translator
from bot.ops import runtime
from bot.persistence import SqlPersistence
from bot.services.base import Services
from conversations import (
    caseload,
    checkin,
    common,
    forms,
    gdpr,
    goals,
    guards,
    invites,
    menu,
    nudges,
    onboarding,
    peers,
    privacy,
    progress,
    safety,
    safetyplan,
    tools,
)

# Our conversations are per chat and per user on purpose (one open form per person); buttons of an older
# message are parsed and checked like any other input, so PTB's per_message advice does not apply.
warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
# The crisis warm-up starts in post_init, before the Application runs; `houvast run` awaits what is still
# pending when it stops (bot/ops/runtime.release), so PTB's reminder that it will not is only noise.
warnings.filterwarnings(
    "ignore",
    message="Tasks created via `Application.create_task` while the application is not running",
    category=PTBUserWarning,
)

COMMANDS = [
    ("crisis", N_("My crisis card")),  # first: in a crisis it is one tap in Telegram's command list
    ("start", N_("Start, or turn reminders back on")),
    ("menu", N_("Show the menu")),
    ("help", N_("What can Houvast do?")),
    ("stop", N_("Pause all reminders")),
    ("taal", N_("Change the language")),
    ("checkin", N_("How am I doing today?")),
    ("doelen", N_("My goals")),
    ("herstelplan", N_("My whole plan")),
    ("scan", N_("How are things going?")),
    ("plan", N_("My signaleringsplan")),
    ("veiligheidsplan", N_("My safety plan, hope box and emergency message")),
    ("wis", N_("Delete this chat")),
    ("privacy", N_("Choose who sees what")),
    ("wiezietwat", N_("See who looked at your data")),
    ("maatje", N_("Talk to a peer expert")),
    ("praten", N_("Talk with your peer again")),
    ("mijnpeers", N_("Peer experts: your peers")),
    ("profiel", N_("Peer experts: your profile")),
    ("samen", N_("Fill in a plan together with a client")),
    ("overzicht", N_("Workers: your clients, most urgent first")),
    ("rapport", N_("Workers and admins: report")),
    ("afwezig", N_("Workers: say when you are away")),
    ("mijngegevens", N_("Download all your data")),
    ("verwijderen", N_("Delete your account")),
]


def handlers() -> list[tuple[int, BaseHandler]]:
    return [
        (-5, TypeHandler(Update, runtime.count_update)),  # counts every update for /metrics; never replies
        # First of all: crisis language in a text or caption, new or edited, gets the safety message, even in a
        # flood and in every flow (the relay included). It never stops the update, so the flow goes on.
        (-4, safety.crisis_handler()),
        (-3, TypeHandler(Update, guards.rate_limit)),  # a flood stops here; a flooded button is still answered
        (-2, TypeHandler(Update, guards.private_only)),  # no personal data in groups: stops all later groups
        # While someone talks to their peer, their messages are copied to the other side and stop here.
        (-1, peers.relay_handler()),
        (0, onboarding.conversation()),  # /start and the onboarding steps
        (0, invites.link_conversation()),  # a client typing a worker's code
        (0, forms.conversation()),  # signaleringsplan and crisiskaart, step by step
        (0, goals.conversation()),  # a new goal, a check-in answer with its note, the stall choices
        (0, caseload.propose_conversation()),  # a worker's goal proposal; before the catch-alls that take its text
        (0, safetyplan.conversation()),  # hoopbox items, the noodbericht's words and people; after the forms above
        *[(0, handler) for handler in menu.handlers()],  # /menu, /help, /stop, /taal from anywhere
        *[(0, handler) for handler in invites.handlers()],
        *[(0, handler) for handler in privacy.handlers()],  # /privacy, /wiezietwat
        *[(0, handler) for handler in tools.handlers()],  # /plan, /crisis, views and files
        *[(0, handler) for handler in checkin.handlers()],  # check-in by phase, also from a prompt
        *[(0, handler) for handler in goals.handlers()],  # my goals, a goal's page, proposals, the chart
        *[(0, handler) for handler in caseload.handlers()],  # a worker's clients, within their consent
        *[(0, handler) for handler in nudges.handlers()],  # nudge buttons, /overzicht, /afwezig
        *[(0, handler) for handler in peers.handlers()],  # peer support, profiles, samen invullen
        *[(0, handler) for handler in progress.handlers()],  # herstelplan, self-scan, scaling, closing, reports
        *[(0, handler) for handler in gdpr.handlers()],  # /mijngegevens, /verwijderen
        *[(0, handler) for handler in safety.handlers()],  # "ja, laat het weten", "Ik pak het op"
        *[(0, handler) for handler in safetyplan.handlers()],  # safety plans, hoopbox, noodbericht, Wis dit gesprek
        (0, MessageHandler(filters.UpdateType.EDITED, common.unknown)),  # edits are not re-read
        (0, MessageHandler(filters.ALL, common.unknown)),  # last: text, stickers, photos, voice nobody wanted
        (0, CallbackQueryHandler(common.unknown)),  # last: stale or forged buttons
    ]


async def _post_init(application: Application) -> None:
    t = translator(application.bot_data["services"].settings.default_language)
    await application.bot.set_my_commands([BotCommand(name, t.gettext(text)) for name, text in COMMANDS])
    # The crisis detector's word lists, model and context engine load in about a second: in a thread, so the
    # first client's message does not wait for them. As a job, which runs once the application has started,
    # so after polling began: loading them beside the start-up (spaCy, NumPy) held it up by a second (issue 15).
    application.job_queue.run_once(_warm_up_crisis, when=0, name="crisis-warm-up")


async def _warm_up_crisis(_context: object) -> None:
    await asyncio.to_thread(crisis.warm_up)


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    clock: Clock | None = None,
    rate_limiter: bool = True,
) -> Application:
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    builder = (
        Application.builder()
        .token(settings.telegram_token or "0:local")
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_api_base_file_url)
        .persistence(SqlPersistence(sessions))
        .post_init(_post_init)
        .post_shutdown(lambda app: engine.dispose())
    )
    if rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=0))
    if request is not None:
        builder = builder.request(request).get_updates_request(updates_request or request)
    application = builder.build()
    application.bot_data["services"] = Services(sessions, clock or SystemClock(), settings)
    for group, handler in handlers():
        application.add_handler(handler, group=group)
    application.add_error_handler(on_error)
    return application


async def stop_application(application: Application) -> None:
    """Stop an Application that was started by hand (initialize, start), as run_polling stops its own.

    run_polling and run_webhook call post_shutdown; PTB leaves that to whoever drives the lifecycle by hand,
    as the local chat, the benchmark and the tests do. Without it the engine is never disposed: its pooled
    SQLite connections are left to the garbage collector, each with a thread that outlives the event loop.
    """
    await application.stop()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
