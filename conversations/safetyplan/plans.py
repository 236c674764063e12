"""Mijn veiligheidsplan: the hub, each plan's home, and what a client in crisis is offered.

The plans are filled in by the form engine (conversations/forms.py) and shown, printed and pictured by the tool
buttons (conversations/tools.py); this file is their home screen and the one-tap help after a rood check-in or
crisis language: "Wat kan ik nu doen?", "Wie kan ik bellen?", the hoopbox and the noodbericht; after words
about danger at home, the thuisplan's own steps with Veilig Thuis and 112.
"""
from __future__ import annotations

from telegram import Update

from bot.domain.crisis import CrisisKind
from bot.domain.forms import TOOL_NAMES, Tool
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.render import safetyplan as render
from bot.services import safetyplans, together
from bot.services.base import NotFound
from bot.services.safetyplans import HomePlan, SafetyPlan
from conversations import common
from conversations import keyboards as shared_keyboards
from conversations.common import Context
from conversations.notices.together import proposal_message
from conversations.safetyplan import keyboards
from conversations.safetyplan.turn import Turn, handler

HUB_TEXT = N_(
    "🛟 My safety plan\n\n"
    "For when things go very badly, or when it is not safe at home. What you write here is yours: "
    "nobody sees it unless you choose so with /privacy."
)
INTROS = {
    Tool.SAFETY: N_(
        "This plan helps you when you think about suicide. You write down how you notice it, what you do then, "
        "who you call, and what you live for. Make it on a good day, so it is there on a bad day."
    ),
    Tool.HOME: N_(
        "A plan for when it is not safe at home: signs, safe people and a code word, safe places, what you take "
        "with you, and the children. Nobody in your home sees this plan, also not in Houvast. Only you, and your "
        "worker if you choose so. A PDF or picture is saved on your phone: keep it only if that is safe."
    ),
}
OFFER_TEXT = N_("What do you want to do now? One tap is enough.")


@handler(Role.CLIENT)
async def hub(turn: Turn) -> None:
    """menu:safety, /veiligheidsplan."""
    await turn.say(turn.t.gettext(HUB_TEXT), keyboards.hub(turn.t))


async def send_home(update: Update, context: Context, tool: Tool) -> None:
    """A plan's home: what it is, its version or that it is still empty, and what is missing."""
    person = await common.acting_as(update, context, Role.CLIENT)
    if person is None:
        return
    t = common.tr(context, person)
    state = await safetyplans.plan_state(common.services(context), person.telegram_id, tool)
    plan = safetyplans.plan_of(state.saved) if state.saved is not None else None
    lines = [t.gettext(TOOL_NAMES[tool]), "", t.gettext(INTROS[tool]), ""]
    if plan is None:
        lines.append(t.gettext("You have not filled it in yet. It takes about ten minutes."))
    else:
        lines.append(t.gettext("Version {n}, saved on {day}.").format(n=plan.version, day=t.day(plan.saved_at)))
        if plan.missing:
            lines.append(t.gettext("Still empty: {parts}.").format(parts=", ".join(render.missing_names(plan, t))))
    markup = keyboards.plan_home(t, tool, has_version=plan is not None, has_draft=state.has_draft,
                                 has_previous=state.has_previous,
                                 code_word=plan.code_word if isinstance(plan, HomePlan) else None)
    await common.say(update, context, "\n".join(lines), markup)


@handler(Role.CLIENT, flow="sp")
async def home(turn: Turn) -> None:
    """sp:home:<veiligheidsplan|thuisplan>."""
    tool = Tool(turn.arg or "") if turn.arg in (Tool.SAFETY, Tool.HOME) else None
    if tool is None:
        await turn.stale()
        return
    await send_home(turn.update, turn.context, tool)


# --- in a crisis ---------------------------------------------------------------------------------------------


async def offer_after_crisis(update: Update, context: Context, t: Translator, kind: CrisisKind | None) -> None:
    """Right after the safety message (a rood check-in, crisis language, a self-scan 1), for a client: what
    they can do in one tap. After words about danger at home: their thuisplan's steps, Veilig Thuis and 112."""
    person = await common.current(update, context)
    if person is None or person.role != Role.CLIENT or not person.onboarded:
        return
    common.mark_safety_shown(context, with_buttons=True)
    if kind == CrisisKind.DANGER_FROM_OTHERS:
        plan = await safetyplans.own_plan(common.services(context), person.telegram_id, Tool.HOME)
        text = render.home_now_text(t, plan if isinstance(plan, HomePlan) else None)
        await common.say(update, context, text, keyboards.crisis_offer(t, home=True))  # long: in parts
        return
    await common.say(update, context, t.gettext(OFFER_TEXT), keyboards.crisis_offer(t))


@handler(Role.CLIENT)
async def what_now(turn: Turn) -> None:
    """sp:now: "Wat kan ik nu doen?": the client's own steps."""
    facts = await safetyplans.what_now(turn.svc, turn.tid)
    plan = facts.plan if isinstance(facts.plan, SafetyPlan) else None
    await turn.say(render.what_now_text(turn.t, plan, facts.red_steps, facts.card_helps),
                   keyboards.after_help(turn.t, "now"))


@handler(Role.CLIENT)
async def who_to_call(turn: Turn) -> None:
    """sp:call: "Wie kan ik bellen?": people and numbers."""
    facts = await safetyplans.who_to_call(turn.svc, turn.tid)
    await turn.say(render.who_to_call_text(turn.t, facts.people, facts.professionals),
                   keyboards.after_help(turn.t, "call"))


@handler(Role.CLIENT, flow="tog")
async def show_proposal(turn: Turn) -> None:
    """tog:show:<proposal_id>: a worker's proposal for the thuisplan arrived as a neutral "new message"; opened,
    it shows what was proposed with Confirm / Change / Reject (conversations/peers.py decides)."""
    try:
        proposal = await together.open_proposal(turn.svc, turn.tid, turn.int_arg())
    except NotFound:
        await turn.say(turn.t.gettext("You already answered this proposal."), shared_keyboards.menu_button(turn.t))
        return
    await turn.say(*proposal_message(turn.t, proposal))
