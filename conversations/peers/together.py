"""Samen invullen (/samen): a helper (peer expert or worker) proposes the text of one step; the client confirms,
changes or rejects it, and only then is it saved."""
from __future__ import annotations

from telegram.ext import (
    ConversationHandler,
)

from bot.domain import forms
from bot.domain.forms import TOOL_NAMES, Refused
from bot.domain.roles import Role
from bot.i18n import N_
from bot.services import together
from bot.services.base import NotAllowed, NotFound
from bot.services.people import PersonView
from conversations import common, keyboards
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.form_texts import refusal_text, step_label
from conversations.handler import Turn, handler, listing, with_draft
from conversations.peers import keyboards as peer_keyboards
from conversations.peers.shared import State, quiet_stop

NOBODY_TO_HELP = N_("You have nobody to fill in with right now.")


@listing(Role.PEER, Role.WORKER, rows=together.clients_to_help, empty=NOBODY_TO_HELP)
async def together_start(turn: Turn, rows: list[together.Helpable]) -> None:
    """/samen, menu:together: a peer expert or a worker picks the client to fill in with."""
    t = turn.t
    await turn.say(t.gettext("Fill in together: with whom?"),
        peer_keyboards.peer_choose_client(t, [(r.client_id, r.name) for r in rows], "tog", "client"),
    )


@handler(Role.PEER, Role.WORKER, flow="tog", stop=None)
async def together_tool(turn: Turn) -> None:
    """tog:client:<client_id>: which tool."""
    t = turn.t
    client_id = turn.int_arg()
    row = await _helpable(turn.context, turn.person, client_id)
    await turn.say(t.gettext("What do you fill in with {name}?").format(name=row.name),
        peer_keyboards.together_tools(t, client_id, together.tools_for(turn.person.role)),
    )


async def _helpable(context: Context, person: PersonView, client_id: int) -> together.Helpable:
    for row in await together.clients_to_help(common.services(context), person.telegram_id):
        if row.client_id == client_id:
            return row
    raise NotAllowed("not someone this helper helps")


@handler(Role.PEER, Role.WORKER, flow="tog", stop=None)
async def together_step(turn: Turn) -> None:
    """tog:tool:<client_id>.<tool>: which part."""
    t = turn.t
    try:
        client_id, tool_index = turn.ints(2)
        tool = together.TOOLS[tool_index]
        row = await _helpable(turn.context, turn.person, client_id)
    except (BadCallback, IndexError, NotAllowed):
        await turn.refuse()
        return
    labels = [step_label(t, tool, i) for i in range(len(forms.STEPS[tool]))]
    await turn.say(t.gettext("Which part do you fill in with {name}?").format(name=row.name),
        peer_keyboards.together_steps(t, client_id, tool_index, labels),
    )


@handler(Role.PEER, Role.WORKER, flow="tog")
async def together_ask(turn: Turn) -> State | int:
    """tog:step:<client_id>.<tool>.<step> -> the helper types a proposal."""
    t = turn.t
    try:
        client_id, tool_index, step = turn.ints(3)
        tool = together.TOOLS[tool_index]
        question = forms.STEPS[tool][step].question
        row = await _helpable(turn.context, turn.person, client_id)
    except (BadCallback, IndexError, NotAllowed):
        await turn.refuse()
        return ConversationHandler.END
    await quiet_stop(turn.context, turn.tid)
    turn.user_data["together"] = {"client": client_id, "tool": tool_index, "step": step}
    await turn.say("\n\n".join(
            [
                step_label(t, tool, step),
                t.gettext(question),
                t.gettext(
                    "Type your proposal, in {name}'s words if you can. {name} sees it first and decides."
                ).format(name=row.name),
            ]
        ),
        keyboards.menu_button(t),
    )
    return State.TOGETHER


@handler(Role.PEER, Role.WORKER)
@with_draft("together", quiet=True)
async def on_together_text(turn: Turn, data: dict) -> State | int:
    """The helper's typed proposal for one part of the client's tool."""
    t = turn.t
    tool = together.TOOLS[data["tool"]]
    try:
        text = turn.update.message.text or ""
        proposal = await together.propose(turn.svc, turn.tid, data["client"], tool, data["step"], text)
    except Refused as refusal:
        await turn.say(refusal_text(t, str(refusal)))
        return State.TOGETHER
    except (NotAllowed, NotFound, ValueError):
        await turn.refuse()
        return ConversationHandler.END
    turn.user_data.pop("together", None)
    sent = t.gettext("Sent to {name}. Nothing is saved until {name} confirms.").format(name=proposal.client_name)
    await turn.say(sent, peer_keyboards.together_next(t, data["client"], data["tool"]))
    await turn.deliver_now()
    return ConversationHandler.END


@handler(Role.CLIENT, flow="tog", stop=None)
async def together_decide(turn: Turn) -> None:
    """tog:ok:<id> and tog:no:<id>: only the client it was sent to; forged ids are refused."""
    t = turn.t
    try:
        parsed = turn.data
        decision = await together.decide(
            turn.svc, turn.tid, parsed.int_arg(), parsed.action
        )
    except (BadCallback, NotAllowed, ValueError):
        await turn.refuse()
        return
    except NotFound:
        return await turn.note(t.gettext("You already answered this proposal."))
    except Refused as refusal:
        return await turn.note(refusal_text(t, str(refusal)))
    text = (
        t.gettext("✅ Saved in your {tool}.")
        if decision.status == "confirmed"
        else t.gettext("Okay. Nothing was saved.")
    )
    await turn.say(text.format(tool=t.gettext(TOOL_NAMES[decision.tool])), keyboards.menu_button(t))
    await turn.deliver_now()


@handler(Role.CLIENT, flow="tog")
async def together_edit(turn: Turn) -> State | int:
    """tog:edit:<id>: the client types their own version."""
    t = turn.t
    try:
        proposal = await together.open_proposal(
            turn.svc, turn.tid, turn.int_arg()
        )
    except (BadCallback, NotAllowed):
        await turn.refuse()
        return ConversationHandler.END
    except NotFound:
        await turn.say(t.gettext("You already answered this proposal."), keyboards.menu_button(t))
        return ConversationHandler.END
    await quiet_stop(turn.context, turn.tid)
    turn.user_data["own_version"] = proposal.proposal_id
    await turn.say(t.gettext('Type it in your own words, for "{part}".').format(
            part=step_label(t, proposal.tool, proposal.step)
        ),
        keyboards.menu_button(t),
    )
    return State.OWN_VERSION


@handler(Role.CLIENT)
@with_draft("own_version", quiet=True)
async def on_own_version(turn: Turn, proposal_id: int) -> State | int:
    """The client's own words instead of the helper's proposal."""
    t = turn.t
    text = turn.update.message.text or ""
    try:
        decision = await together.decide(turn.svc, turn.tid, proposal_id, "edit", text)
    except Refused as refusal:
        await turn.say(refusal_text(t, str(refusal)))
        return State.OWN_VERSION
    except (NotAllowed, NotFound):
        turn.user_data.pop("own_version", None)
        await turn.note(t.gettext("You already answered this proposal."))
        return ConversationHandler.END
    turn.user_data.pop("own_version", None)
    tool = t.gettext(TOOL_NAMES[decision.tool])
    await turn.note(t.gettext("✅ Saved your own words in your {tool}.").format(tool=tool))
    await turn.deliver_now()
    return ConversationHandler.END
