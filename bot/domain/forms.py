"""The step-by-step tools as data: which questions, in which order, what kind of answer, and where it goes.

A tool's working copy is a plain JSON-able dict (the "document"). One small engine (conversations/forms.py)
runs every tool from these lists; the functions here change a document and never touch Telegram or SQL.
"""
from __future__ import annotations

import copy
import re
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from bot.domain.consent import Scope
from bot.domain.dates import parse_day
from bot.domain.phones import parse_contact
from bot.domain.plans import PHASES, Contact, CrisisCard, Phase, PhasePlan, SignalingPlan
from bot.domain.safetyplans import form_steps
from bot.domain.steps import Kind as Kind  # re-exported: a form's steps are read through this module
from bot.domain.steps import Step as Step
from bot.i18n import N_

MAX_ITEMS = 60  # per part: 50 signs in one phase fit; more is refused with a clear answer
MAX_TEXT = 4000  # characters per answer, a little under Telegram's 4096 for one message

Document = dict[str, Any]
_SENTENCE_END = re.compile(r"[.!?](?=\s)")


class Tool(StrEnum):
    PLAN = "signaleringsplan"
    CARD = "crisiskaart"
    SAFETY = "veiligheidsplan"  # bij zelfmoordgedachten: bot/domain/safetyplans.py
    HOME = "thuisplan"  # the veiligheidsplan bij huiselijk geweld: bot/domain/safetyplans.py


# The consent scopes that are a saved tool someone else may look at (with the client's consent), and that tool;
# and the ones shown another way (the hoopbox: items, not versions; conversations/safetyplan/hoopbox.show_to).
VIEWABLE = {Scope.SIGNALING_PLAN: Tool.PLAN, Scope.CRISIS_CARD: Tool.CARD, Scope.SAFETY_PLAN: Tool.SAFETY,
            Scope.HOME_PLAN: Tool.HOME}
OTHER_VIEWS = (Scope.HOPE_BOX,)


TOOL_NAMES = {
    Tool.PLAN: N_("📋 Signaleringsplan"), Tool.CARD: N_("🆘 Crisis card"),
    Tool.SAFETY: N_("🧭 Plan for thoughts of suicide"), Tool.HOME: N_("🏡 Home plan"),
}


PHASE_NAMES = {
    Phase.GREEN: N_("Green: things are going well"),
    Phase.YELLOW: N_("Yellow: tension"),
    Phase.ORANGE: N_("Orange: things are not going well"),
    Phase.RED: N_("Red: crisis"),
}
PART_NAMES = {
    "signs_self": N_("Signs I notice myself"),
    "signs_others": N_("Signs others notice"),
    "what_i_do": N_("What I do"),
    "what_others_do": N_("What others can do for me, and who"),
    "contacts": N_("Who to call"),
}
_SIGNS_SELF = {
    Phase.GREEN: (
        N_("I sleep well"),
        N_("I eat regularly"),
        N_("I see friends or family"),
        N_("I keep my appointments"),
    ),
    Phase.YELLOW: (N_("I sleep badly"), N_("I worry a lot"), N_("I keep to myself"), N_("I get irritated fast")),
    Phase.ORANGE: (
        N_("I hardly sleep"),
        N_("I do not open my mail"),
        N_("I use more alcohol or drugs"),
        N_("I skip meals"),
    ),
    Phase.RED: (
        N_("I do not want to live any more"),
        N_("I cannot stay calm"),
        N_("I do not feel safe"),
        N_("I hear or see things that others do not"),
    ),
}
_SIGNS_OTHERS = {
    Phase.GREEN: (N_("I am calm"), N_("I laugh a lot"), N_("I am easy to reach")),
    Phase.YELLOW: (N_("I am quiet"), N_("I cancel appointments"), N_("I am restless")),
    Phase.ORANGE: (N_("I do not answer the phone"), N_("I look tired"), N_("I get angry fast")),
    Phase.RED: (N_("I am confused"), N_("I stay in bed all day"), N_("I say I want to die")),
}
_WHAT_I_DO = {
    Phase.GREEN: (N_("Keep a daily rhythm"), N_("Go outside every day"), N_("Do things I enjoy")),
    Phase.YELLOW: (N_("Talk to someone I trust"), N_("Take a walk"), N_("Go to bed on time")),
    Phase.ORANGE: (N_("Call my worker"), N_("Look at my crisis card"), N_("Do not stay alone")),
    Phase.RED: (N_("Call my contact person"), N_("Call 113"), N_("Go to a safe place")),
}
_WHAT_OTHERS_DO = {
    Phase.GREEN: (N_("Just be there"), N_("Do fun things together")),
    Phase.YELLOW: (N_("Ask how I am doing"), N_("Help me with my mail")),
    Phase.ORANGE: (N_("Visit me"), N_("Call my worker"), N_("Take me outside")),
    Phase.RED: (N_("Stay with me"), N_("Call my worker or the doctor"), N_("Call 112 if I am in danger")),
}


def _plan_steps() -> tuple[Step, ...]:
    steps: list[Step] = []
    for phase in PHASES:
        steps += [
            Step(
                (phase, "signs_self"), N_("Which signs do you notice yourself?"), Kind.LIST, _SIGNS_SELF[phase], phase
            ),
            Step((phase, "signs_others"), N_("Which signs do others notice?"), Kind.LIST, _SIGNS_OTHERS[phase], phase),
            Step((phase, "what_i_do"), N_("What do you do then?"), Kind.LIST, _WHAT_I_DO[phase], phase),
            Step(
                (phase, "what_others_do"),
                N_("What can others do for you then? And who?"),
                Kind.LIST,
                _WHAT_OTHERS_DO[phase],
                phase,
            ),
        ]
        if phase in (Phase.ORANGE, Phase.RED):
            steps.append(
                Step(
                    (phase, "contacts"),
                    N_("Who do you call then? Type a name and a phone number, like: Mam 06 12345678"),
                    Kind.CONTACTS,
                    (),
                    phase,
                )
            )
    return tuple(steps)


CARD_PART_NAMES = {
    "name": N_("Name"),
    "birth_date": N_("Date of birth"),
    "what_happens": N_("What happens to me in a crisis, and how you can see it"),
    "what_helps": N_("What helps me"),
    "what_does_not_help": N_("What does not help, and what I do not want"),
    "contacts": N_("Contact persons"),
    "care_providers": N_("My care providers"),
    "medication": N_("Medication"),
    "allergies": N_("Allergies"),
    "treatment_preferences": N_("The help I want, and where"),
    "practical": N_("Practical things to arrange"),
    "made_with": N_("Made with"),
}
CARD_STEPS: tuple[Step, ...] = (
    Step(("name",), N_("What is your full name?"), Kind.TEXT),
    Step(("birth_date",), N_("What is your date of birth? Type it like 12-03-1985."), Kind.DATE, when="past"),
    Step(
        ("what_happens",),
        N_("What happens to you in a crisis? How can others see it?"),
        Kind.LIST,
        (N_("I panic"), N_("I withdraw"), N_("I get confused"), N_("I do not eat or sleep")),
    ),
    Step(
        ("what_helps",),
        N_("What helps you in a crisis?"),
        Kind.LIST,
        (N_("A calm voice"), N_("Someone I know"), N_("A quiet room"), N_("Short, clear sentences")),
    ),
    Step(
        ("what_does_not_help",),
        N_("What does not help? What do you not want?"),
        Kind.LIST,
        (
            N_("Many people around me"),
            N_("Being touched"),
            N_("Shouting"),
            N_("Police at the door, if it can be avoided"),
        ),
    ),
    Step(
        ("contacts",),
        N_("Who may be called? Type a name, relation and phone number, like: Anna, zus, 06 12345678"),
        Kind.CONTACTS,
    ),
    Step(
        ("care_providers",),
        N_("Who are your care providers? Type a name, organisation and phone number."),
        Kind.CONTACTS,
    ),
    Step(("medication",), N_("Which medication do you use? Type the name and the dose."), Kind.LIST),
    Step(("allergies",), N_("Do you have allergies?"), Kind.LIST, (N_("No allergies"),)),
    Step(
        ("treatment_preferences",),
        N_("What help do you want in a crisis, and where? And where do you not want to go?"),
        Kind.LIST,
    ),
    Step(
        ("practical",),
        N_("What must be arranged if you cannot be home? Think of children, pets, house, work, bills."),
        Kind.LIST,
        (N_("Children"), N_("Pets"), N_("Plants and mail"), N_("Tell my work"), N_("Pay the bills")),
    ),
    Step(
        ("made_with",),
        N_("With whom did you make this card?"),
        Kind.TEXT,
        (N_("On my own"), N_("With my worker"), N_("With a peer expert")),
    ),
)
PLAN_STEPS = _plan_steps()
STEPS = {Tool.PLAN: PLAN_STEPS, Tool.CARD: CARD_STEPS}
# The safety plans are forms too; their steps live beside their rules.
STEPS.update({Tool(tool): steps for tool, steps in form_steps().items()})


def empty(tool: Tool) -> Document:
    if tool == Tool.PLAN:
        return {phase.value: {} for phase in PHASES}
    return {}


def get(doc: Document, path: tuple[str, ...]) -> Any:
    node: Any = doc
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _with(doc: Document, path: tuple[str, ...], value: Any) -> Document:
    new = copy.deepcopy(doc)
    node = new
    for key in path[:-1]:
        node = node.setdefault(key, {})
    if value in (None, [], ""):
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return new


class Refused(ValueError):
    """An answer we cannot take, with a reason the flow can explain: 'too_long', 'too_many', 'date',
    'date_future', 'duplicate', 'empty'."""


def first_part(text: str, limit: int = MAX_TEXT) -> str:
    """What fits of a too-long answer: up to the last sentence end that fits, else the last whole word."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    ends = [match.start() + 1 for match in _SENTENCE_END.finditer(head)]
    cut = ends[-1] if ends else 0
    if cut < limit // 2:
        cut = head.rfind(" ")
    if cut < limit // 2:
        cut = limit
    return text[:min(cut, limit)].strip()


def add_answer(doc: Document, step: Step, text: str, *, today: date) -> tuple[Document, dict[str, Any]]:
    """Apply one typed answer to the step. Returns the new document and what was understood.

    An answer over MAX_TEXT is refused (the flow keeps its first part as a draft, see `cut`)."""
    text = text.strip()
    if not text:
        raise Refused("empty")
    if len(text) > MAX_TEXT:
        raise Refused("too_long")
    if step.kind == Kind.TEXT:
        return _with(doc, step.path, text), {"text": text}
    if step.kind == Kind.DATE:
        day = parse_day(text, today=today, direction=step.when)
        if day is None:
            raise Refused("date")
        if step.when == "past" and day > today:
            raise Refused("date_future")
        return _with(doc, step.path, day.isoformat()), {"date": day}
    items = list(get(doc, step.path) or [])
    if len(items) >= MAX_ITEMS:
        raise Refused("too_many")
    if step.kind == Kind.LIST and text in items:
        raise Refused("duplicate")  # an example typed out, or the same answer twice
    if step.kind == Kind.CONTACTS:
        contact = parse_contact(text)
        item: Any = {"name": contact.name, "phone": contact.phone, "relation": contact.relation}
        items.append(item)
        return _with(doc, step.path, items), {"contact": contact}
    items.append(text)
    return _with(doc, step.path, items), {"item": text}


def toggle_example(doc: Document, step: Step, text: str | dict[str, Any]) -> Document:
    """An example button: picked once adds it, picked again takes it away (several may be picked). An offered
    contact (a person from the client's crisis card) is a dict like a typed one."""
    if step.kind in (Kind.TEXT,):
        return _with(doc, step.path, None if get(doc, step.path) == text else text)
    items = list(get(doc, step.path) or [])
    if text in items:
        items.remove(text)
    elif len(items) >= MAX_ITEMS:
        raise Refused("too_many")
    else:
        items.append(text)
    return _with(doc, step.path, items)


def clear(doc: Document, step: Step) -> Document:
    return _with(doc, step.path, None)


def _contacts(raw: Any) -> tuple[Contact, ...]:
    return tuple(
        Contact(c.get("name") or "?", c.get("phone"), c.get("relation")) for c in raw or [] if isinstance(c, dict)
    )


def to_plan(doc: Document, owner_name: str, version: int = 0, saved_at: datetime | None = None) -> SignalingPlan:
    phases = {}
    for phase in PHASES:
        part = doc.get(phase.value) or {}
        phases[phase] = PhasePlan(
            signs_self=tuple(part.get("signs_self") or ()),
            signs_others=tuple(part.get("signs_others") or ()),
            what_i_do=tuple(part.get("what_i_do") or ()),
            what_others_do=tuple(part.get("what_others_do") or ()),
            contacts=_contacts(part.get("contacts")),
        )
    return SignalingPlan(owner_name, phases, version, saved_at)


def to_card(doc: Document, fallback_name: str, made_on: date | None = None) -> CrisisCard:
    birth = doc.get("birth_date")
    return CrisisCard(
        name=doc.get("name") or fallback_name,
        birth_date=date.fromisoformat(birth) if birth else None,
        what_happens=tuple(doc.get("what_happens") or ()),
        what_helps=tuple(doc.get("what_helps") or ()),
        what_does_not_help=tuple(doc.get("what_does_not_help") or ()),
        contacts=_contacts(doc.get("contacts")),
        care_providers=_contacts(doc.get("care_providers")),
        medication=tuple(doc.get("medication") or ()),
        allergies=tuple(doc.get("allergies") or ()),
        treatment_preferences=tuple(doc.get("treatment_preferences") or ()),
        practical=tuple(doc.get("practical") or ()),
        made_on=made_on,
        made_with=doc.get("made_with"),
    )
