"""The noodbericht to a trusted person in Houvast, written when it is sent: the client's own words (or the
default), after bot/services/safetyplans checked again that this person may still get it."""
from __future__ import annotations

from typing import Any

from bot.domain import safetyplans as rules
from bot.i18n import N_
from bot.outbox.notices import Recipient, Rendered, Session, renders
from bot.services.base import Services
from bot.services.safetyplans import sos_facts
from conversations.notices.shared import written

SOS_MESSAGE = N_("🆘 An emergency message from {name}, sent with Houvast:\n\n\"{text}\"\n\n"
                 "Is {name} in danger right now? Call 112.")


@renders("sos")
async def sos(svc: Services, session: Session, member: Recipient, client: Recipient | None,
              ref: dict[str, Any]) -> Rendered | None:
    return written(svc, member, await sos_facts(session, member, client, ref), lambda t, facts: Rendered(
        t.gettext(SOS_MESSAGE).format(name=facts.name, text=facts.text or t.gettext(rules.SOS_TEXTS[0]))))
