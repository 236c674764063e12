"""Safety and misuse: a peer expert's "Share my worry", a report of misuse, an admin suspending a peer expert, the
waiting list (first name and theme only); a worker proposing a peer expert to a client of their caseload."""
from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ConversationHandler,
)

from bot.domain.peers import Theme
from bot.domain.roles import Role
from bot.i18n import N_, join_names
from bot.render.text import split
from bot.services import caseload, peers
from bot.services.base import NotAllowed, NotFound
from conversations import common, keyboards
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.handler import Turn, handler, listing
from conversations.peers import keyboards as peer_keyboards
from conversations.peers.shared import State, quiet_stop, theme_name

WORRY_REPLIES = {
    "told": N_(
        "I have let {worker} know that you are worried about {name}. {name} is told too. "
        "Stay with {name} if you can."
    ),
    "ask_client": N_(
        "{name} does not share alerts with their worker. Ask {name} first if you may tell their worker. "
        "In danger, call 112."
    ),
    "away": N_("{worker} is away right now, so I could not let anyone know. Point {name} to 113 (0800-0113) or, "
               "in danger, 112."),
    "no_worker": N_("{name} has no worker in Houvast. Point {name} to 113 (0800-0113) or, in danger, 112."),
}


@handler(Role.PEER, flow="peer", stop=None)
async def worry(turn: Turn) -> None:
    """peer:worry:<contact_id>: "Share my worry" (Zorg melden)."""
    result = await peers.report_worry(
        turn.svc, turn.tid, turn.int_arg()
    )
    t = turn.t
    await turn.say(t.gettext(WORRY_REPLIES[result.outcome]).format(
            name=result.client_name, worker=join_names(t, result.worker_names)
        ),
    )
    await turn.deliver_now()


@handler(Role.CLIENT, Role.PEER, flow="peer")
async def report(turn: Turn) -> State | int:
    """peer:report:<contact_id>: either side, then a short text for the admin."""
    view = await peers.contact(
        turn.svc, turn.tid, turn.int_arg()
    )
    await quiet_stop(turn.context, turn.tid)
    turn.user_data["peer_report"] = view.contact_id
    t = turn.t
    name = view.client_name if turn.person.role == Role.PEER else view.peer_name
    await turn.say(t.gettext("What happened? Type a short message for the admin. {name} does not see it.").format(
            name=name
        ),
        keyboards.menu_button(t),
    )
    return State.REPORT


async def on_report_text(update: Update, context: Context) -> State | int:
    person = await common.acting_as(update, context, Role.CLIENT, Role.PEER)
    contact_id = (context.user_data or {}).get("peer_report")
    if person is None or contact_id is None:
        return ConversationHandler.END
    t = common.tr(context, person)
    try:
        await peers.report_misuse(
            common.services(context), person.telegram_id, contact_id, update.message.text or ""
        )
    except ValueError:
        await common.say(update, context, t.gettext("That is too long for me. Please make it shorter."))
        return State.REPORT
    except (NotAllowed, NotFound):
        return await common.menu_or_welcome(update, context)
    context.user_data.pop("peer_report", None)
    await common.show_menu(update, context, person, t.gettext("Thank you. The admin has your report."))
    await common.deliver_now(context)
    return ConversationHandler.END


@handler(Role.ADMIN, flow="peer", stop=None)
async def suspend(turn: Turn) -> None:
    """peer:suspend:<peer_id> (from a misuse report): asks once more."""
    t = turn.t
    peer_id = turn.int_arg()
    await turn.say(t.gettext("Suspend this peer expert? Their contacts stop at once, and they get no new peers."),
        peer_keyboards.peer_confirm_suspend(t, peer_id),
    )


@handler(Role.ADMIN, flow="peer", stop=None)
async def suspend_confirmed(turn: Turn) -> None:
    t = turn.t
    ended = await peers.suspend_peer(
        turn.svc, turn.tid, turn.int_arg()
    )
    await turn.say(t.ngettext(
            "Suspended. {n} contact has stopped.", "Suspended. {n} contacts have stopped.", ended
        ).format(n=ended),
        keyboards.menu_button(t),
    )
    await turn.deliver_now()


@listing(Role.ADMIN, rows=peers.waiting_list, empty=N_("Nobody is waiting for a peer expert."))
async def waiting(turn: Turn, rows: list[peers.WaitRow]) -> None:
    """menu:waiting, /wachtlijst: clients waiting for a peer expert."""
    t = turn.t
    lines = [t.gettext("Waiting for a peer expert:")]
    for row in rows:
        lines.append(f"• {row.client_name} · {theme_name(t, row.theme)} · " + t.gettext("since {day}").format(
            day=t.day(row.since)))
    for chunk in split("\n".join(lines)):
        await turn.say(chunk)
    await turn.say(t.gettext("A client gets a proposal as soon as a fitting peer expert is free."),
        keyboards.menu_button(t),
    )


@listing(Role.WORKER, rows=caseload.my_clients, empty=N_("You have no clients yet."))
async def worker_clients(turn: Turn, rows: list[caseload.ClientRow]) -> None:
    """/maatjevoorstel: which client?"""
    t = turn.t
    await turn.say(t.gettext("For whom do you want to propose a peer expert?"),
        peer_keyboards.peer_choose_client(t, [(r.client_id, r.name) for r in rows], "peer", "wprop"),
    )


@handler(Role.WORKER, flow="peer", stop=None)
async def worker_theme(turn: Turn) -> None:
    """peer:wprop:<client_id> (also a button on the worker's client page)."""
    t = turn.t
    row = await caseload.client_row(
        turn.svc, turn.tid, turn.int_arg()
    )
    await turn.say(t.gettext("What should the peer expert know about, for {name}?").format(name=row.name),
        peer_keyboards.peer_worker_themes(t, row.client_id),
    )


@handler(Role.WORKER, flow="peer", stop=None)
async def worker_propose(turn: Turn) -> None:
    """peer:wtheme:<client_id>.<theme|any>"""
    t = turn.t
    try:
        client_part, _, theme_part = (turn.arg or "").partition(".")
        if not client_part.isdigit():
            raise BadCallback("client")
        theme = None if theme_part == "any" else Theme(theme_part).value
        result = await peers.worker_propose(
            turn.svc, turn.tid, int(client_part), theme
        )
    except (BadCallback, ValueError, NotAllowed, NotFound):
        await turn.refuse()
        return
    if result.outcome == "proposed":
        text = t.gettext("I asked your client if they want to talk with {name}. Your client decides.").format(
            name=result.proposal.peer_name if result.proposal else "?"
        )
    elif result.outcome == "active":
        text = t.gettext("Your client already has a peer expert.")
    else:
        text = t.gettext("No peer expert is free for this right now.")
    await turn.say(text, keyboards.menu_button(t))
    await turn.deliver_now()
