"""The peer-support conversation (the questions that wait for typed text) and every peer button, registered in
one place."""
from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
)

from bot import callbacks
from conversations import common, menu
from conversations.common import Context
from conversations.handler import buttons
from conversations.peers.asking import (
    ask_peer,
    on_accept,
    on_decline,
    on_feedback_skip,
    on_feedback_text,
    on_other,
    on_preference_skip,
    on_rating,
    on_theme,
)
from conversations.peers.contacts import (
    end,
    end_confirmed,
    hand_over,
    hand_over_to,
    my_peers,
    open_contact,
    view_shared,
)
from conversations.peers.misuse import (
    on_report_text,
    report,
    suspend,
    suspend_confirmed,
    waiting,
    worker_clients,
    worker_propose,
    worker_theme,
    worry,
)
from conversations.peers.profile import (
    ask_availability,
    ask_max,
    ask_pause,
    ask_story,
    come_back,
    edit_themes,
    on_availability,
    on_max,
    on_pause_date,
    on_story,
    profile_command,
    show_profile,
)
from conversations.peers.relay import stop, talk
from conversations.peers.shared import TEXT_ONLY, State
from conversations.peers.together import (
    on_own_version,
    on_together_text,
    together_ask,
    together_decide,
    together_edit,
    together_start,
    together_step,
    together_tool,
)

# --- samen invullen ----------------------------------------------------------------------------------



# --- registration ------------------------------------------------------------------------------------


def _plain() -> list[tuple[str, object]]:
    """(pattern, callback) of every button that works outside the conversation too."""
    return [
        (callbacks.pattern("menu", "peer"), ask_peer),
        (callbacks.pattern("peer", "nopref"), on_preference_skip),
        (callbacks.pattern("peer", "accept"), on_accept),
        (callbacks.pattern("peer", "other"), on_other),
        (callbacks.pattern("peer", "decline"), on_decline),
        (callbacks.pattern("peer", "talk"), talk),
        (callbacks.pattern("peer", "stoptalk"), stop),
        (callbacks.pattern("menu", "peers"), my_peers),
        (callbacks.pattern("peer", "list"), my_peers),
        (callbacks.pattern("peer", "open"), open_contact),
        (callbacks.pattern("peer", "view"), view_shared),
        (callbacks.pattern("peer", "hand"), hand_over),
        (callbacks.pattern("peer", "handto"), hand_over_to),
        (callbacks.pattern("peer", "end"), end),
        (callbacks.pattern("peer", "endok"), end_confirmed),
        (callbacks.pattern("peer", "fbskip"), on_feedback_skip),
        (callbacks.pattern("peer", "worry"), worry),
        (callbacks.pattern("peer", "suspend"), suspend),
        (callbacks.pattern("peer", "susok"), suspend_confirmed),
        (callbacks.pattern("menu", "waiting"), waiting),
        (callbacks.pattern("peer", "wprop"), worker_theme),
        (callbacks.pattern("peer", "wtheme"), worker_propose),
        (callbacks.pattern("menu", "profile"), show_profile),
        (callbacks.pattern("peer", "prof"), show_profile),
        (r"^peer:(pthemes|ptheme)(:|$)", edit_themes),
        (callbacks.pattern("peer", "pmaxask"), ask_max),
        (callbacks.pattern("peer", "pmax"), on_max),
        (callbacks.pattern("peer", "back"), come_back),
        (callbacks.pattern("menu", "together"), together_start),
        (callbacks.pattern("tog", "start"), together_start),
        (callbacks.pattern("tog", "client"), together_tool),
        (callbacks.pattern("tog", "tool"), together_step),
        (r"^tog:(ok|no):", together_decide),
    ]


def _ending(callback):  # type: ignore[no-untyped-def]
    """A plain button pressed in the middle of a question: do what it says and leave the question."""

    async def run(update: Update, context: Context) -> int:
        await callback(update, context)
        return ConversationHandler.END

    return run


def conversation() -> ConversationHandler:
    """The questions that wait for typed text; every other peer button also leaves them."""
    entry = [
        *buttons("peer", {
            "theme": on_theme, "rate": on_rating, "report": report,
            "pstory": ask_story, "pavail": ask_availability, "pause": ask_pause,
        }),
        *buttons("tog", {"step": together_ask, "edit": together_edit}),
    ]
    states = {
        State.REPORT: [common.typed(on_report_text, TEXT_ONLY)],
        State.FEEDBACK: [
            CallbackQueryHandler(on_feedback_skip, pattern=callbacks.pattern("peer", "fbskip")),
            common.typed(on_feedback_text, TEXT_ONLY),
        ],
        **{state: [common.typed(answer, TEXT_ONLY)] for state, answer in (
            (State.STORY, on_story), (State.AVAILABILITY, on_availability), (State.PAUSE, on_pause_date),
            (State.TOGETHER, on_together_text), (State.OWN_VERSION, on_own_version),
        )},
    }
    leaving = [CallbackQueryHandler(_ending(callback), pattern=pattern) for pattern, callback in _plain()]
    return menu.conversation("peers", entry, states, *leaving)


def handlers() -> list[BaseHandler]:
    """For group 0, before the catch-alls: the conversation first, then commands and buttons."""
    return [
        conversation(),
        CommandHandler("maatje", ask_peer),
        CommandHandler("praten", talk),
        CommandHandler("mijnpeers", my_peers),
        CommandHandler("profiel", profile_command),
        CommandHandler("wachtlijst", waiting),
        CommandHandler("maatjevoorstel", worker_clients),
        CommandHandler("samen", together_start),
        *[CallbackQueryHandler(callback, pattern=pattern) for pattern, callback in _plain()],  # type: ignore[arg-type]
    ]


