"""The peer-support conversation (the questions that wait for typed text) and every peer button, registered in
one place."""
from __future__ import annotations

from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
)

from conversations import callbacks, common, menu
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

# --- registration ------------------------------------------------------------------------------------


def _plain() -> list[tuple[str, object]]:
    """(pattern, callback) of every button that works outside the conversation too."""
    actions = {
        "menu": {"peer": ask_peer, "peers": my_peers, "waiting": waiting, "profile": show_profile,
                 "together": together_start},
        "peer": {
            "nopref": on_preference_skip, "accept": on_accept, "other": on_other, "decline": on_decline,
            "fbskip": on_feedback_skip,  # asking.py
            "talk": talk, "stoptalk": stop,  # relay.py
            "list": my_peers, "open": open_contact, "view": view_shared, "hand": hand_over, "handto": hand_over_to,
            "end": end, "endok": end_confirmed,  # contacts.py
            "worry": worry, "suspend": suspend, "susok": suspend_confirmed,
            "wprop": worker_theme, "wtheme": worker_propose,  # misuse.py (and a worker's proposal)
            "prof": show_profile, "pmaxask": ask_max, "pmax": on_max, "back": come_back,  # profile.py
        },
        "tog": {"start": together_start, "client": together_tool, "tool": together_step},
    }
    return [
        *[(callbacks.pattern(flow, action), callback) for flow, table in actions.items()
          for action, callback in table.items()],
        (r"^peer:(pthemes|ptheme)(:|$)", edit_themes),
        (r"^tog:(ok|no):", together_decide),
    ]


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
    leaving = [CallbackQueryHandler(menu.leaving(callback), pattern=pattern) for pattern, callback in _plain()]
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


