"""What the peer-support flows share: their states, the guidance texts and small helpers."""
from __future__ import annotations

from enum import StrEnum

from telegram import Update

from bot.domain.consent import SCOPE_NAMES, SCOPES
from bot.domain.peers import THEME_NAMES, Theme
from bot.i18n import N_, Translator
from bot.services import peers
from bot.services.peers import ContactView
from conversations import callbacks, common
from conversations.common import Context

PEER_GUIDANCE = N_(
    "⚠️ {name} may be in crisis. Stay calm and stay with {name}. Point to 113 (or 0800-0113, free, day and "
    'night) and, in danger, to 112.\nYou are not alone: tap "Share my worry" to let {name}\'s worker know.'
)


PEER_SELF_GUIDANCE = N_(
    "What you wrote sounds heavy. Your own safety comes first.\nThinking about suicide? Call 113 or 0800-0113, "
    "free, day and night. In danger? Call 112.\nTalk to someone you trust, or to your own coordinator. "
    "You can stop talking any time with /menu."
)




def peer_label(t: Translator, name: str) -> str:
    """How a peer expert is named to a client: 'Joost (peer expert)'."""
    return t.gettext("{name} (peer expert)").format(name=name)


def proposal_text(t: Translator, proposal: peers.Proposal, proposer: str | None = None) -> str:
    """What a client reads about a proposed peer expert (in the chat, and as a message: conversations/notices)."""
    lines = []
    if proposal.handover_from:
        lines.append(t.gettext("{old} asks if {new} may take over as your peer expert.").format(
            old=proposal.handover_from, new=proposal.peer_name))
    elif proposer:
        lines.append(t.gettext("{worker} suggests you talk with a peer expert: someone who went through it too."
                               ).format(worker=proposer))
    lines.append(t.gettext("{name} could be your peer expert.").format(name=proposal.peer_name))
    if proposal.story:
        lines += ["", t.gettext("{name} tells about themselves:").format(name=proposal.peer_name), proposal.story]
    if proposal.theme:
        lines += ["", t.gettext("Theme: {theme}").format(theme=t.gettext(THEME_NAMES[Theme(proposal.theme)]))]
    lines += ["", t.gettext("Do you want to talk with {name}? You decide.").format(name=proposal.peer_name)]
    return "\n".join(lines)


# Buttons of these flows do not end a conversation through the relay: they belong to it (end, report, worry),
# or answer the safety message ("ja, laat het weten").
KEEP_TALKING = ("peer:", "tog:", "sos:")


TEXT_ONLY = common.TEXT  # new text messages only: an edit gets common.edited, a caption odd_input


# What an admin sees of a client on the waiting list (bot/services/peers.WaitRow), told when asking.
WAITING_LIST_SEES = N_(
    "If nobody is free, you go on a waiting list. The admin who looks for a peer expert then sees your first "
    "name and the theme, nothing more."
)


ADMIN_SEES = N_("The admin who looks for a peer expert for you sees only your first name and the theme.")


class State(StrEnum):
    REPORT = "peers.report"
    FEEDBACK = "peers.feedback"
    STORY = "peers.story"
    AVAILABILITY = "peers.availability"
    PAUSE = "peers.pause"
    TOGETHER = "peers.together"  # a helper types a proposal
    OWN_VERSION = "peers.own_version"  # the client types their own version of a proposal


def _parse(update: Update, flow: str) -> callbacks.Callback:
    return callbacks.parse(update.callback_query.data if update.callback_query else None, flow)


def theme_name(t: Translator, theme: str | None) -> str:
    return t.gettext(THEME_NAMES[Theme(theme)]) if theme else t.gettext("any theme")


TALKING = "peers.talking"  # bot_data: Telegram ids of people whose messages may be relayed now


async def talking(context: Context) -> set[int]:
    """Who may be talking with their peer now, in memory: the relay asks the database only about them, not on
    every update of everyone. Loaded from the database (Person.relay_contact_id) once per process, so it is right
    after a restart; someone joins it here when they start talking (the only way in, and only the one bot
    process does it) and leaves when they stop. A contact ended by the other side leaves a name in it until that
    person's next message, which the database then answers (once)."""
    data = context.application.bot_data
    if TALKING not in data:
        data[TALKING] = await peers.talking_ids(common.services(context))
    return data[TALKING]


async def stop_talking(context: Context, telegram_id: int) -> str | None:
    (await talking(context)).discard(telegram_id)
    return await peers.stop_talking(common.services(context), telegram_id)


async def quiet_stop(context: Context, telegram_id: int) -> None:
    """Typing for a question (a report, a proposal) must not go to the other side: talking stops first."""
    if telegram_id in await talking(context):
        await stop_talking(context, telegram_id)


def shares_line(t: Translator, view: ContactView) -> str:
    what = ", ".join(t.gettext(SCOPE_NAMES[s]) for s in SCOPES if s in view.shared) or t.gettext("nothing")
    return t.gettext("Shares with you: {what}").format(what=what)
