"""Filling in together: the client reads a helper's proposal (the home plan only as a neutral note, opened in the
chat with tog:show), and the helper hears what the client decided. The chat's "tog:show" shows the same words."""
from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.forms import Tool
from bot.i18n import N_, Translator
from bot.outbox.notices import Recipient, Rendered, Session, renders
from bot.services.base import Services
from bot.services.together import DISCREET, ProposalView, proposal_facts
from conversations import callbacks
from conversations.form_texts import step_label
from conversations.keyboards import column
from conversations.notices.shared import rows, written

NEW_MESSAGE = N_("📬 There is a new message for you in Houvast.")
TOOL_WORDS = {Tool.CARD: N_("crisis card"), Tool.PLAN: N_("signaleringsplan"),
              Tool.SAFETY: N_("plan for thoughts of suicide"), Tool.HOME: N_("home plan")}
DECIDED_TEXTS = {
    "ok": N_('{client} confirmed your proposal for "{part}". It is saved.'),
    "edit": N_('{client} changed your proposal for "{part}" and saved their own words.'),
    "no": N_('{client} did not take your proposal for "{part}". Nothing was saved.'),
}


def proposal_message(t: Translator, proposal: ProposalView) -> tuple[str, InlineKeyboardMarkup]:
    """What the client reads about a proposal, with Confirm / Change / Reject. For the home plan this is shown
    only after the client opened the neutral "new message"."""
    text = "\n".join([
        t.gettext('{helper} fills in your {tool} with you. A proposal for "{part}":').format(
            helper=proposal.helper_name, tool=t.gettext(TOOL_WORDS[proposal.tool]),
            part=step_label(t, proposal.tool, proposal.step)),
        "",
        proposal.text,
        "",
        t.gettext("Is this right? Nothing is saved until you confirm. You decide."),
    ])
    return text, column([
        InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("tog", action, proposal.proposal_id))
        for action, label in (("ok", N_("✅ Confirm")), ("edit", N_("✏️ Change")), ("no", N_("✖️ Reject")))
    ])


def _to_client(t: Translator, proposal: ProposalView) -> Rendered:
    if proposal.tool in DISCREET:
        return Rendered(t.gettext(NEW_MESSAGE), [[(t.gettext("👀 Open"), callbacks.make("tog", "show",
                                                                                        proposal.proposal_id))]])
    text, markup = proposal_message(t, proposal)
    return Rendered(text, rows(markup))


@renders("together")
async def together(svc: Services, session: Session, client: Recipient, about: Recipient | None,
                   ref: dict[str, Any]) -> Rendered | None:
    return written(svc, client, await proposal_facts(session, client, ref), _to_client)


@renders("together_decided")
async def decided(svc: Services, session: Session, helper: Recipient, client: Recipient | None,
                  ref: dict[str, Any]) -> Rendered | None:
    if client is None or ref.get("action") not in DECIDED_TEXTS:
        return None
    return written(svc, helper, await proposal_facts(session, helper, ref), lambda t, proposal: Rendered(
        t.gettext(DECIDED_TEXTS[ref["action"]]).format(client=proposal.client_name,
                                                        part=step_label(t, proposal.tool, proposal.step))))
