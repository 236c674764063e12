"""The two safety plans: their state, answers offered from the client's other plans, what to do now, who to call."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    CareTeamMember,
    Person,
)
from bot.domain import forms
from bot.domain import safetyplans as rules
from bot.domain.forms import Tool
from bot.domain.peers import first_name
from bot.domain.plans import Contact, Phase
from bot.domain.roles import CareRole
from bot.domain.safetyplans import HomePlan, SafetyPlan
from bot.i18n import translator
from bot.services import tools
from bot.services.base import (
    Services,
)
from bot.services.safetyplans.core import (
    MAX_OFFERS,
    latest_doc,
    own_client,
)

# --- the plans ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanState:
    """A plan's home screen: the saved version (if any), whether a draft waits, and an older version."""

    tool: Tool
    saved: tools.Saved | None
    has_draft: bool
    has_previous: bool

    @property
    def missing(self) -> tuple[str, ...]:
        """Parts with nothing in them yet (all of them when nothing is saved)."""
        if self.saved is None:
            return rules.SAFETY_PARTS if self.tool == Tool.SAFETY else rules.HOME_PARTS
        return plan_of(self.saved).missing


def plan_of(saved: tools.Saved) -> SafetyPlan | HomePlan:
    make = rules.to_safety_plan if saved.tool == Tool.SAFETY else rules.to_home_plan
    return make(saved.doc, saved.owner_name, saved.version, saved.saved_at)


async def plan_state(svc: Services, client_telegram_id: int, tool: Tool) -> PlanState:
    if tool not in (Tool.SAFETY, Tool.HOME):
        raise ValueError(tool)
    saved = await tools.current(svc, client_telegram_id, tool)
    previous = await tools.current(svc, client_telegram_id, tool, previous=True)
    draft = await tools.has_draft(svc, client_telegram_id, tool)
    return PlanState(tool, saved, draft, previous is not None)


@dataclass(frozen=True)
class Offer:
    label: str  # what the button says
    value: str | dict[str, Any]  # what goes into the plan: a text, or a contact like a typed one


def _contact_offer(contact: Contact) -> Offer:
    value = {"name": contact.name, "phone": contact.phone, "relation": contact.relation}
    label = ", ".join(part for part in (contact.name, contact.relation, contact.phone) if part)
    return Offer(label, value)


def _text_offers(items: list[str]) -> tuple[Offer, ...]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return tuple(Offer(item, item) for item in seen[:MAX_OFFERS])


async def _coordinator(session: AsyncSession, client: Person) -> Person | None:
    if client.household_id is None:
        return None
    return (await session.execute(
        select(Person).join(CareTeamMember, CareTeamMember.worker_id == Person.id)
        .where(CareTeamMember.household_id == client.household_id, CareTeamMember.role == CareRole.COORDINATING,
               Person.active).limit(1)
    )).scalar_one_or_none()


async def offers(svc: Services, client_telegram_id: int, key: str) -> tuple[Offer, ...]:
    """Answers for a step taken from the client's own plans: the signaleringsplan's signs on orange and red, what
    they do then and what helps them (crisis card), the people on their crisis card, their worker and care
    providers with the public numbers. Their own data: no consent check."""
    async with svc.unit() as session:
        client = await own_client(session, client_telegram_id)
        plan_doc = await latest_doc(session, client.id, Tool.PLAN)
        card_doc = await latest_doc(session, client.id, Tool.CARD)
        plan = forms.to_plan(plan_doc, client.name or "") if plan_doc else None
        card = forms.to_card(card_doc, client.name or "") if card_doc else None
        late = [plan.phase(phase) for phase in (Phase.ORANGE, Phase.RED)] if plan else []
        if key == rules.OFFER_SIGNS:
            return _text_offers([sign for part in late for sign in (*part.signs_self, *part.signs_others)])
        if key == rules.OFFER_COPING:
            own = [item for part in late for item in part.what_i_do]
            return _text_offers(own + list(card.what_helps if card else ()))
        if key == rules.OFFER_CONTACTS:
            people = rules.unique_contacts(card.contacts if card else (), *[part.contacts for part in late])
            return tuple(_contact_offer(c) for c in people[:MAX_OFFERS])
        if key == rules.OFFER_CARE:
            t = translator(client.locale, svc.settings.zone)
            worker = await _coordinator(session, client)
            own = [Contact(first_name(worker.name), None, t.gettext("my worker"))] if worker else []
            public = [Contact(t.gettext(c.name), c.phone) for c in (*rules.HELP_LINES, rules.GP_POST)]
            people = rules.unique_contacts(own, card.care_providers if card else (), public)
            return tuple(_contact_offer(c) for c in people[:MAX_OFFERS])
        raise ValueError(key)


async def own_plan(svc: Services, client_telegram_id: int, tool: Tool) -> SafetyPlan | HomePlan | None:
    saved = await tools.current(svc, client_telegram_id, tool)
    return plan_of(saved) if saved else None


@dataclass(frozen=True)
class WhatNow:
    """'Wat kan ik nu doen?': the client's own steps, from the safety plan first, else their other plans."""

    plan: SafetyPlan | None
    red_steps: tuple[str, ...]  # the signaleringsplan's "what I do" on red
    card_helps: tuple[str, ...]  # the crisis card's "what helps me"


async def what_now(svc: Services, client_telegram_id: int) -> WhatNow:
    async with svc.unit() as session:
        client = await own_client(session, client_telegram_id)
        safety_doc = await latest_doc(session, client.id, Tool.SAFETY)
        plan_doc = await latest_doc(session, client.id, Tool.PLAN)
        card_doc = await latest_doc(session, client.id, Tool.CARD)
    name = client.name or ""
    return WhatNow(
        rules.to_safety_plan(safety_doc, name) if safety_doc else None,
        forms.to_plan(plan_doc, name).phase(Phase.RED).what_i_do if plan_doc else (),
        forms.to_card(card_doc, name).what_helps if card_doc else (),
    )


@dataclass(frozen=True)
class WhoToCall:
    """'Wie kan ik bellen?': people first (safety plan, crisis card, red phase, thuisplan), then care."""

    people: tuple[Contact, ...]
    professionals: tuple[Contact, ...]


async def who_to_call(svc: Services, client_telegram_id: int) -> WhoToCall:
    async with svc.unit() as session:
        client = await own_client(session, client_telegram_id)
        safety_doc = await latest_doc(session, client.id, Tool.SAFETY)
        home_doc = await latest_doc(session, client.id, Tool.HOME)
        card_contacts = tuple(await tools.crisis_contacts(session, client))
        card_doc = await latest_doc(session, client.id, Tool.CARD)
    safety = rules.to_safety_plan(safety_doc, "") if safety_doc else None
    home = rules.to_home_plan(home_doc, "") if home_doc else None
    card = forms.to_card(card_doc, "") if card_doc else None
    return WhoToCall(
        rules.unique_contacts(safety.people if safety else (), card_contacts,
                              home.safe_people if home else ()),
        rules.unique_contacts(safety.professionals if safety else (), card.care_providers if card else ()),
    )
