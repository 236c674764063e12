"""The peer expert's own view (/mijnpeers): each peer with only what that client shares; hand over and end a contact."""
from __future__ import annotations

from bot.domain.consent import SCOPE_NAMES, SCOPES
from bot.domain.forms import OTHER_VIEWS, VIEWABLE
from bot.domain.roles import Role
from bot.i18n import N_
from bot.services import peers, tools
from bot.services.base import NotAllowed, NotFound
from conversations import keyboards
from conversations.handler import Turn, handler
from conversations.peers import keyboards as peer_keyboards
from conversations.peers.shared import shares_line, theme_name
from conversations.safetyplan import hoopbox
from conversations.tools import show_saved


@handler(Role.PEER, stop=None)
async def my_peers(turn: Turn) -> None:
    """menu:peers, /mijnpeers: each peer with only what that client shares."""
    t = turn.t
    mine = await peers.my_contacts(turn.svc, turn.tid)
    if not mine:
        await turn.say(t.gettext("You have no peers right now."), peer_keyboards.peer_home(t, []))
        return
    lines = [t.gettext("Your peers:")]
    for view in mine:
        lines.append(f"• {view.client_name} · {theme_name(t, view.theme)}")
        lines.append("  " + shares_line(t, view))
    await turn.say("\n".join(lines), peer_keyboards.peer_home(t, [(v.contact_id, v.client_name) for v in mine]))


@handler(Role.PEER, flow="peer", stop=None)
async def open_contact(turn: Turn) -> None:
    t = turn.t
    view = await peers.contact(
        turn.svc, turn.tid, turn.int_arg()
    )
    if view.status != "active" or view.peer_id != turn.person.id:
        raise NotFound("not active")
    lines = [f"{view.client_name} · {theme_name(t, view.theme)}"]
    if view.started_at:
        lines.append(t.gettext("You talk since {day}.").format(day=t.day(view.started_at)))
    if view.last_message_at:
        lines.append(t.gettext("Last message: {when}.").format(when=t.moment(view.last_message_at)))
    lines.append(shares_line(t, view))
    viewable = [
        (s.value, t.gettext(SCOPE_NAMES[s])) for s in SCOPES
        if s in view.shared and (s in VIEWABLE or s in OTHER_VIEWS)
    ]
    await turn.say("\n".join(lines), peer_keyboards.peer_contact(t, view, viewable))


NOT_SHARED_WITH_PEER = N_("You cannot see this. It has not been shared with you.")


@handler(Role.PEER, flow="peer", refusal=NOT_SHARED_WITH_PEER, scope="client", stop=None)
async def view_shared(turn: Turn) -> None:
    """peer:view:<contact_id>.<scope>: through tools.current, i.e. the consent check, audited."""
    contact_id, scope = turn.id_and_scope()
    view = await peers.contact(turn.svc, turn.tid, contact_id)
    if scope in OTHER_VIEWS:
        if not await hoopbox.show_to(turn.update, turn.context, view.client_id):
            raise NotAllowed("not shared")
        return
    _, tool = turn.id_and_view()
    await show_saved(turn, await tools.current(turn.svc, turn.tid, tool, client_id=view.client_id))


@handler(Role.PEER, flow="peer", stop=None)
async def hand_over(turn: Turn) -> None:
    t = turn.t
    contact_id = turn.int_arg()
    options = await peers.handover_options(turn.svc, turn.tid, contact_id)
    if not options:
        return await turn.note(t.gettext("No other peer expert is free right now."))
    await turn.say(t.gettext("Who may take over? Your peer is asked first, and decides."),
        peer_keyboards.peer_handover_choices(t, contact_id, options),
    )


@handler(Role.PEER, flow="peer", stop=None)
async def hand_over_to(turn: Turn) -> None:
    t = turn.t
    svc = turn.svc
    contact_id, to_peer = turn.ints(2)
    proposal = await peers.propose_handover(svc, turn.tid, contact_id, to_peer)
    view = await peers.contact(svc, turn.tid, contact_id)
    await turn.say(
        t.gettext("I asked {client} if {new} may take over. Nothing changes until {client} says yes.").format(
            client=view.client_name, new=proposal.peer_name
        ),
        keyboards.menu_button(t),
    )
    await turn.deliver_now()


@handler(Role.CLIENT, Role.PEER, flow="peer", stop=None)
async def end(turn: Turn) -> None:
    """peer:end:<contact_id>: either side, with one question first."""
    t = turn.t
    view = await peers.contact(
        turn.svc, turn.tid, turn.int_arg()
    )
    name = view.client_name if turn.person.role == Role.PEER else view.peer_name
    await turn.say(t.gettext("Do you want to end your contact with {name}?").format(name=name),
        peer_keyboards.peer_confirm_end(t, view.contact_id),
    )


@handler(Role.CLIENT, Role.PEER, flow="peer", stop=None)
async def end_confirmed(turn: Turn) -> None:
    await peers.end_contact(
        turn.svc, turn.tid, turn.int_arg()
    )
    t = turn.t
    await turn.say(t.gettext("The contact has ended."),
        keyboards.menu_button(t) if turn.person.role == Role.PEER else None,
    )
    await turn.deliver_now()  # the other side is told; the client gets the short question
