"""The client's own tools: home screen per tool, views as messages, PDF and picture, the previous version,
and /crisis: the crisis card one tap away."""
from __future__ import annotations

import asyncio
import io

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain import forms
from bot.domain.forms import TOOL_NAMES, Tool
from bot.domain.plans import PHASES
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.render import safetyplan as safety_render
from bot.render.text import card_text, phase_text, split
from bot.services import safetyplans, tools
from bot.services.tools import Saved
from conversations import callbacks, common, keyboards
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.form_texts import step_label
from conversations.handler import Turn

SAFETY_TOOLS = (Tool.SAFETY, Tool.HOME)  # views, files and home: bot/render/safetyplan.py, conversations/safetyplan
INTROS = {
    Tool.PLAN: N_(
        "Your signaleringsplan helps you see early when things go less well. "
        "Per colour you write down the signs, what you do, and what others can do."
    ),
    Tool.CARD: N_(
        "Your crisis card says what others must know when you are in a crisis. "
        "You can show it, print it or keep it on your phone."
    ),
}


def view_text(t: Translator, saved: Saved) -> list[str]:
    """The tool as phone-sized messages (a plan: one per phase)."""
    if saved.tool in SAFETY_TOOLS:
        return safety_render.plan_texts(safetyplans.plan_of(saved), t)
    if saved.tool == Tool.PLAN:
        plan = forms.to_plan(saved.doc, saved.owner_name, saved.version, saved.saved_at)
        return [chunk for phase in PHASES for chunk in split(phase_text(t, plan, phase))]
    return split(card_text(t, forms.to_card(saved.doc, saved.owner_name, saved.saved_at.date())))


async def show_saved(turn: Turn, saved: Saved | None) -> None:
    """Someone else's plan or card, after the consent check let them see it (the look is audited there)."""
    t = turn.t
    if saved is None:
        return await turn.note(t.gettext("There is nothing saved yet."))
    for chunk in view_text(t, saved):
        await turn.say(chunk)
    await turn.say(t.gettext("What would you like to do?"), keyboards.menu_button(t))


def render_file(t: Translator, saved: Saved, kind: str) -> tuple[bytes, str]:
    from bot.render import card as card_render  # fpdf2, fontTools and Pillow load on first use, not at start-up
    from bot.render import plan as plan_render

    if saved.tool in SAFETY_TOOLS:  # the thuisplan's file has a name that says nothing
        plan, name = safetyplans.plan_of(saved), "veiligheidsplan" if saved.tool == Tool.SAFETY else "plan"
        if kind == "pdf":
            return safety_render.plan_pdf(plan, t), f"{name}.pdf"
        return safety_render.plan_png(plan, t), f"{name}.png"
    if saved.tool == Tool.PLAN:
        plan = forms.to_plan(saved.doc, saved.owner_name, saved.version, saved.saved_at)
        return (
            (plan_render.plan_pdf(plan, t), "signaleringsplan.pdf")
            if kind == "pdf"
            else (plan_render.plan_png(plan, t), "signaleringsplan.png")
        )
    card = forms.to_card(saved.doc, saved.owner_name, saved.saved_at.date())
    return (
        (card_render.card_pdf(card, t), "crisiskaart.pdf")
        if kind == "pdf"
        else (card_render.card_png(card, t), "crisiskaart.png")
    )


def _png_height(data: bytes) -> int:
    return int.from_bytes(data[20:24], "big")  # the IHDR chunk: width at 16..20, height at 20..24


async def send_file(update: Update, context: Context, t: Translator, saved: Saved, kind: str) -> None:
    # Rendering a full plan can take a moment: keep the event loop free for everyone else meanwhile.
    data, filename = await asyncio.to_thread(render_file, t, saved, kind)
    chat_id = update.effective_chat.id
    # Telegram scales photos to about 2560 px on the long side: a tall picture stays sharp as a document.
    if kind == "pdf" or _png_height(data) > 2560:
        await context.bot.send_document(chat_id, InputFile(io.BytesIO(data), filename=filename))
    else:
        await context.bot.send_photo(chat_id, InputFile(io.BytesIO(data), filename=filename))


async def send_home(update: Update, context: Context, tool: Tool) -> None:
    if tool in SAFETY_TOOLS:
        from conversations.safetyplan import plans  # the safety plans have a home of their own

        await plans.send_home(update, context, tool)
        return
    person = await common.current(update, context)
    if person is None or person.role != Role.CLIENT:
        await common.menu_or_welcome(update, context)
        return
    svc = common.services(context)
    t = common.tr(context, person)
    saved = await tools.current(svc, person.telegram_id, tool)
    previous = await tools.current(svc, person.telegram_id, tool, previous=True)
    draft = await tools.has_draft(svc, person.telegram_id, tool)
    lines = [t.gettext(TOOL_NAMES[tool]), "", t.gettext(INTROS[tool])]
    if saved:
        lines += ["", t.gettext("Version {n}, saved on {day}.").format(n=saved.version, day=t.day(saved.saved_at))]
    else:
        lines += ["", t.gettext("You have not filled it in yet.")]
    markup = keyboards.tool_home(
        t, tool, has_version=saved is not None, has_draft=draft, has_previous=previous is not None
    )
    await common.say(update, context, "\n".join(lines), markup)


def _tool_arg(update: Update) -> Tool:
    return Tool(callbacks.parse(update.callback_query.data).arg or "")


async def home(update: Update, context: Context) -> None:
    await common.answer_button(update)
    action = callbacks.parse(update.callback_query.data).action if update.callback_query else "plan"
    await send_home(update, context, Tool.CARD if action == "card" else Tool.PLAN)


async def plan_command(update: Update, context: Context) -> None:
    await send_home(update, context, Tool.PLAN)


async def on_tool_button(update: Update, context: Context) -> None:
    """tool:<view|pdf|png|prev|parts>:<tool>"""
    await common.answer_button(update)
    person = await common.current(update, context)
    try:
        action, tool = callbacks.parse(update.callback_query.data, "tool").action, _tool_arg(update)
    except (BadCallback, ValueError):
        await common.unknown(update, context)
        return
    if person is None or person.role != Role.CLIENT:
        await common.unknown(update, context)
        return
    svc = common.services(context)
    t = common.tr(context, person)
    if action == "parts":
        labels = [step_label(t, tool, i) for i in range(len(forms.STEPS[tool]))]
        await common.say(
            update, context, t.gettext("Which part do you want to change?"), keyboards.tool_parts(t, tool, labels)
        )
        return
    saved = await tools.current(svc, person.telegram_id, tool, previous=action == "prev")
    if saved is None and tool in SAFETY_TOOLS and action != "prev":
        await send_home(update, context, tool)  # says that it is still empty and offers to fill it in
        return
    if saved is None:
        await common.say(update, context, t.gettext("There is nothing saved yet."), keyboards.menu_button(t))
        return
    if action in ("view", "prev"):
        if action == "prev":
            await common.say(
                update,
                context,
                t.gettext("This was version {n}, from {day}.").format(n=saved.version, day=t.day(saved.saved_at)),
            )
        for chunk in view_text(t, saved):
            await common.say(update, context, chunk)
        await common.say(update, context, t.gettext("What would you like to do?"), keyboards.menu_button(t))
    elif action in ("pdf", "png"):
        await send_file(update, context, t, saved, action)
    else:
        await common.unknown(update, context)


async def crisis(update: Update, context: Context) -> None:
    """/crisis: the card at once, with the safety numbers, then files and editing."""
    await common.answer_button(update)
    person = await common.current(update, context)
    if person is None or person.role != Role.CLIENT:
        await common.menu_or_welcome(update, context)
        return
    t = common.tr(context, person)
    saved = await tools.current(common.services(context), person.telegram_id, Tool.CARD)
    if saved is not None:
        for chunk in view_text(t, saved):
            await common.say(update, context, chunk)
    await common.say(update, context, t.gettext(
        "In danger, call 112. Thinking about suicide? Call 113 or 0800-0113. That is free, day and night."))
    await send_home(update, context, Tool.CARD)


def handlers() -> list:
    return [
        CommandHandler("plan", plan_command),
        CommandHandler("crisis", crisis),
        CallbackQueryHandler(home, pattern=r"^menu:plan$"),
        CallbackQueryHandler(crisis, pattern=r"^menu:card$"),
        CallbackQueryHandler(on_tool_button, pattern=callbacks.pattern("tool")),
    ]
