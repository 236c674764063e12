"""Messages to the care team and the admins about a client, written when they are sent: a consent that changed,
a request to get in touch about a goal, a client who no longer receives messages, a household without a
coordinating worker. A message about a client names them and says nothing more (bot/domain/disclosure.py)."""
from __future__ import annotations

from typing import Any

from bot.domain.consent import SCOPE_NAMES, Scope
from bot.outbox.notices import Recipient, Rendered, Session, renders
from bot.services.base import Services
from conversations.notices.shared import words_for


def _name(client: Recipient | None) -> str:
    return (client.name if client is not None else None) or "?"


@renders("consent", about_a_client=True)
async def consent(svc: Services, session: Session, viewer: Recipient, client: Recipient | None,
                  ref: dict[str, Any]) -> Rendered:
    t = words_for(svc, viewer)
    text = (
        t.gettext("{name} now shares with you: {what}.") if ref.get("granted")
        else t.gettext("{name} no longer shares with you: {what}.")
    ).format(name=_name(client), what=t.gettext(SCOPE_NAMES[Scope(ref["scope"])]))
    return Rendered(text)


@renders("contact_request", about_a_client=True)
async def contact_request(svc: Services, session: Session, worker: Recipient, client: Recipient | None,
                          ref: dict[str, Any]) -> Rendered:
    t = words_for(svc, worker)
    return Rendered(t.gettext("{name} asks you to get in touch about one of their goals.").format(name=_name(client)))


@renders("unreachable", about_a_client=True)
async def unreachable(svc: Services, session: Session, worker: Recipient, client: Recipient | None,
                      ref: dict[str, Any]) -> Rendered:
    t = words_for(svc, worker)
    # Without consent the worker may hear only that the client has not responded (bot/domain/disclosure.py).
    return Rendered(t.gettext("{name} has not responded for a while. Please get in touch another way.").format(
        name=_name(client)))


@renders("staff")
async def needs_coordinator(svc: Services, session: Session, admin: Recipient, about: Recipient | None,
                            ref: dict[str, Any]) -> Rendered:
    t = words_for(svc, admin)
    return Rendered(t.gettext("Household {number} needs a new coordinating worker: their worker no longer works "
                              "here.").format(number=ref["household"]))
