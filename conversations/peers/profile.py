"""The peer expert's profile (/profiel): story, availability, a pause, themes and how many peers at most."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Update
from telegram.ext import (
    ConversationHandler,
)

from bot.domain.dates import numeric, parse_day
from bot.domain.peers import THEME_NAMES, THEMES
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.services import peers
from bot.services.peers import Profile
from conversations import common
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.handler import Turn, handler
from conversations.peers import keyboards as peer_keyboards
from conversations.peers.shared import State, quiet_stop


async def show_profile(update: Update, context: Context, note: str | None = None) -> int:
    await common.answer_button(update)
    person = await common.acting_as(update, context, Role.PEER)
    if person is None:
        return ConversationHandler.END
    t = common.tr(context, person)
    data = await peers.profile(common.services(context), person.telegram_id)
    await common.say(update, context, _profile_text(t, data, note), peer_keyboards.peer_profile_menu(t, data))
    return ConversationHandler.END


def _profile_text(t: Translator, data: Profile, note: str | None) -> str:
    themes_text = ", ".join(t.gettext(THEME_NAMES[theme]) for theme in THEMES if theme.value in data.themes)
    lines = [note, ""] if note else []
    lines += [
        t.gettext("Your profile as a peer expert. Peers see your first name and your story."),
        "",
        t.gettext("Your story:"),
        data.story or "–",
        "",
        t.gettext("Themes: {themes}").format(themes=themes_text or "–"),
        t.gettext("When you are available: {when}").format(when=data.availability or "–"),
        t.gettext("At most {n} peers at a time. Now: {active}.").format(
            n=data.max_peers, active=data.active_contacts
        ),
    ]
    if data.suspended:
        lines.append(t.gettext("Your role is suspended by an admin."))
    elif data.paused_until:
        lines.append(t.gettext("Away until {day}: no new peers.").format(day=t.day(data.paused_until)))
    return "\n".join(lines)


async def profile_command(update: Update, context: Context) -> int:
    return await show_profile(update, context)


# The profile's typed answers: the question each one asks ({example}: a day two weeks from now).
PROFILE_QUESTIONS = {
    State.STORY: N_(
        "Tell peers a little about yourself, in a few sentences. What did you go through? What helped you? "
        "A peer reads this before they choose."
    ),
    State.AVAILABILITY: N_("When are you available? For example: weekdays in the evening."),
    State.PAUSE: N_(
        "From which day are you back? Type a date, like {example}, or words, like \"in two weeks\". "
        "Until then you get no new peers; your peers are told when you are back."
    ),
}


def _asking(state: State) -> Callable[[Update, Context], Awaitable[State | int]]:
    """peer:pstory, peer:pavail, peer:pause: the question of `state`, from the profile's buttons."""

    @handler(Role.PEER)
    async def ask(turn: Turn) -> State | int:
        t = turn.t
        await quiet_stop(turn.context, turn.tid)
        await turn.say(t.gettext(PROFILE_QUESTIONS[state]).format(example=_example_day(turn.context)),
                       peer_keyboards.peer_back_to_profile(t))
        return state

    return ask


ask_story, ask_availability, ask_pause = (_asking(state) for state in PROFILE_QUESTIONS)


def _example_day(context: Context) -> str:
    return numeric(common.today(context) + timedelta(days=14))


@handler(Role.PEER)
async def on_story(turn: Turn) -> State | int:
    if await peers.set_story(turn.svc, turn.tid, turn.update.message.text or "") is None:
        await turn.say(turn.t.gettext("That is too long for me. Please make it shorter."),)
        return State.STORY
    return await show_profile(turn.update, turn.context, turn.t.gettext("Saved."))


@handler(Role.PEER)
async def on_availability(turn: Turn) -> State | int:
    if (
        await peers.set_availability(turn.svc, turn.tid, turn.update.message.text or "")
        is None
    ):
        await turn.say(turn.t.gettext("That is too long for me. Please make it shorter."),)
        return State.AVAILABILITY
    return await show_profile(turn.update, turn.context, turn.t.gettext("Saved."))


@handler(Role.PEER)
async def on_pause_date(turn: Turn) -> State | int:
    t = turn.t
    day = parse_day(common.text_of(turn.update), today=turn.today(), direction="future")
    try:
        if day is None:
            raise ValueError("date")
        told = await peers.pause(turn.svc, turn.tid, day)
    except ValueError:
        await turn.say(t.gettext("Please type a day after today, like {example}.").format(
            example=_example_day(turn.context)))
        return State.PAUSE
    await turn.deliver_now()
    note = t.ngettext(
        "Okay. {n} peer is told when you are back.", "Okay. {n} peers are told when you are back.", told
    ).format(n=told)
    return await show_profile(turn.update, turn.context, note)


@handler(Role.PEER)
async def come_back(turn: Turn) -> int:
    await peers.come_back(turn.svc, turn.tid)
    await turn.deliver_now()
    return await show_profile(turn.update, turn.context, turn.t.gettext("Welcome back!"))


@handler(Role.PEER, flow="peer", stop=None)
async def edit_themes(turn: Turn) -> None:
    """peer:pthemes shows the toggles; peer:ptheme:<theme> flips one."""
    svc = turn.svc
    t = turn.t
    try:
        parsed = turn.data
        data = (
            await peers.toggle_theme(svc, turn.tid, parsed.arg or "")
            if parsed.action == "ptheme"
            else await peers.profile(svc, turn.tid)
        )
    except (BadCallback, ValueError):
        await turn.refuse()
        return
    markup = peer_keyboards.peer_theme_toggles(t, data.themes)
    text = t.gettext("About which themes can you support peers? Tap to switch on or off.")
    if parsed.action == "ptheme":
        await turn.edit(text, markup)
    else:
        await turn.say(text, markup)


@handler(Role.PEER, stop=None)
async def ask_max(turn: Turn) -> None:
    t = turn.t
    await turn.say(t.gettext("How many peers at most, at the same time?"), peer_keyboards.peer_max_peers(t))


@handler(Role.PEER, flow="peer")
async def on_max(turn: Turn) -> int:
    try:
        await peers.set_max_peers(
            turn.svc, turn.tid, turn.int_arg()
        )
    except (BadCallback, ValueError):
        await turn.refuse()
        return ConversationHandler.END
    return await show_profile(turn.update, turn.context, turn.t.gettext("Saved."))
