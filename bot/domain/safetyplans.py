"""The safety plans, the hoopbox, the noodbericht and "Wis dit gesprek": pure rules and value types.

Two plans, both well known in Dutch care, both run by the form engine like the signaleringsplan:

- the **veiligheidsplan bij zelfmoordgedachten** (`Tool.SAFETY`), in the Stanley-Brown steps that the Dutch
  guideline on suicidality recommends: warning signs, what I do myself, people and places that distract me,
  people I can ask, professionals, making my surroundings safer, my reasons to live;
- the **thuisplan**, the veiligheidsplan bij huiselijk geweld (`Tool.HOME`): signs that it gets unsafe, safe
  people and a code word, safe places, what I take when I must leave at once, the children's safety; with
  Veilig Thuis (0800-2000) and 112. Discreet by design: only the client and, if they choose, their care team
  ever see it (bot/domain/consent.py); its name on a button says no more than "thuisplan".

Their steps are written here (with bot/domain/steps.py's Step) and handed to bot/domain/forms.py by `form_steps`.

The hoopbox (things that give hope), the noodbericht (one button that tells up to three trusted people) and
"Wis dit gesprek" (the bot deletes the recent messages of both sides) have their rules here too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar
from urllib.parse import quote

from bot.domain.plans import Contact
from bot.domain.steps import Kind, Step
from bot.i18n import N_

SAFETY = "veiligheidsplan"  # the values of forms.Tool and consent.Scope (a look names the version it saw)
HOME = "thuisplan"


# --- the veiligheidsplan bij zelfmoordgedachten ----------------------------------------------------------

SAFETY_PART_NAMES = {
    "warning_signs": N_("My warning signs"),
    "coping": N_("What I can do myself"),
    "distraction": N_("People and places that take my mind off things"),
    "people": N_("People I can ask for help"),
    "professionals": N_("Professionals and help lines"),
    "safe_surroundings": N_("Making my surroundings safer"),
    "reasons": N_("My reasons to live"),
}
SAFETY_PARTS = tuple(SAFETY_PART_NAMES)


# --- the thuisplan (veiligheidsplan bij huiselijk geweld) ----------------------------------------------------

HOME_PART_NAMES = {
    "signs": N_("Signs that it is getting unsafe"),
    "safe_people": N_("My safe people"),
    "code_word": N_("Our code word"),
    "safe_places": N_("Safe places to go"),
    "take_along": N_("What I take if I must leave at once"),
    "children": N_("The children's safety"),
}
HOME_PARTS = tuple(HOME_PART_NAMES)
CONTACT_PARTS = frozenset({"people", "professionals", "safe_people"})

# Offers: answers taken from the client's own plans, shown as buttons next to the fixed examples.
OFFER_SIGNS = "plan_signs"  # the signaleringsplan's signs on orange and red
OFFER_COPING = "own_coping"  # what I do on orange and red (signaleringsplan), what helps me (crisis card)
OFFER_CONTACTS = "card_contacts"  # the crisis card's contacts and the signaleringsplan's people on orange and red
OFFER_CARE = "care"  # my worker, my care providers (crisis card), and the public numbers
OFFERS = (OFFER_SIGNS, OFFER_COPING, OFFER_CONTACTS, OFFER_CARE)


def form_steps() -> dict[str, tuple[Step, ...]]:
    """The steps of both plans, keyed by tool value, for bot/domain/forms.py."""
    safety = (
        Step(("warning_signs",), N_("How do you notice that a crisis may be coming? Think of thoughts, feelings "
                                    "and situations."), Kind.LIST,
             (N_("I cannot sleep"), N_("I feel empty"), N_("I think I am a burden"), N_("I drink more"),
              N_("I stay away from everyone")), label=SAFETY_PART_NAMES["warning_signs"], offer=OFFER_SIGNS),
        Step(("coping",), N_("What can you do yourself to feel a little calmer?"), Kind.LIST,
             (N_("Go for a walk"), N_("Take a shower"), N_("Listen to music"), N_("Breathe slowly"),
              N_("Write down what I feel")), label=SAFETY_PART_NAMES["coping"], offer=OFFER_COPING),
        Step(("distraction",), N_("Which people and places help you think of something else?"), Kind.LIST,
             (N_("Coffee with a friend"), N_("The library"), N_("The park"), N_("My sports club"),
              N_("Visit my family")), label=SAFETY_PART_NAMES["distraction"]),
        Step(("people",), N_("Who can you ask for help? Type a name and a phone number, like: Mam 06 12345678"),
             Kind.CONTACTS, label=SAFETY_PART_NAMES["people"], offer=OFFER_CONTACTS),
        Step(("professionals",), N_("Which professionals or help lines can you call? Type a name and a phone "
                                    "number, or tap one."), Kind.CONTACTS,
             label=SAFETY_PART_NAMES["professionals"], offer=OFFER_CARE),
        Step(("safe_surroundings",), N_("How do you make your surroundings safer? What do you put away or give "
                                        "to someone, and to whom?"), Kind.LIST,
             (N_("Give my pills to someone I trust"), N_("Put sharp things away"),
              N_("No alcohol or drugs when I feel bad"), N_("Not stay alone")),
             label=SAFETY_PART_NAMES["safe_surroundings"]),
        Step(("reasons",), N_("What are your reasons to live? What makes life worth it for you?"), Kind.LIST,
             (N_("My children"), N_("My pet"), N_("My friends"), N_("Things I still want to do")),
             label=SAFETY_PART_NAMES["reasons"]),
    )
    home = (
        Step(("signs",), N_("How do you notice that it is getting unsafe at home?"), Kind.LIST,
             (N_("Shouting"), N_("Drinking or drugs"), N_("Threats"), N_("Breaking things"), N_("Fights about money")),
             label=HOME_PART_NAMES["signs"]),
        Step(("safe_people",), N_("Who are your safe people? Type a name and a phone number, like: Fatima 06 12345678"),
             Kind.CONTACTS, label=HOME_PART_NAMES["safe_people"], offer=OFFER_CONTACTS),
        Step(("code_word",), N_("Which code word did you agree with your safe people? When you send it, they "
                                "know that you need help."), Kind.TEXT, label=HOME_PART_NAMES["code_word"]),
        Step(("safe_places",), N_("Where can you go when it is not safe at home?"), Kind.LIST,
             (N_("A friend"), N_("My family"), N_("A neighbour"), N_("The police station"), N_("A shelter")),
             label=HOME_PART_NAMES["safe_places"]),
        Step(("take_along",), N_("What do you take if you must leave at once? Tap what goes on your list."),
             Kind.LIST,
             (N_("ID card or passport"), N_("Bank card"), N_("Medication"), N_("Keys"), N_("Phone and charger"),
              N_("Papers of the children"), N_("Some cash")), label=HOME_PART_NAMES["take_along"]),
        Step(("children",), N_("If there are children: who picks them up, and what do they do when it is unsafe? "
                               "No children? Tap Skip."), Kind.LIST,
             (N_("They go to their room"), N_("They go to the neighbours"), N_("They call 112"),
              N_("Grandma picks them up")), label=HOME_PART_NAMES["children"]),
    )
    return {SAFETY: safety, HOME: home}


def _items(doc: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(item) for item in doc.get(key) or () if isinstance(item, str))


def _contacts(doc: dict[str, Any], key: str) -> tuple[Contact, ...]:
    return tuple(Contact(c.get("name") or "?", c.get("phone"), c.get("relation"))
                 for c in doc.get(key) or () if isinstance(c, dict))


class _Parts:
    """A saved plan's parts (PARTS, in the order of the steps) and which are still empty."""

    PARTS: ClassVar[tuple[str, ...]]

    @property
    def missing(self) -> tuple[str, ...]:
        """The parts with nothing in them yet, in the order of the steps."""
        return tuple(key for key in self.PARTS if not getattr(self, key))


@dataclass(frozen=True)
class SafetyPlan(_Parts):
    """The veiligheidsplan bij zelfmoordgedachten, as saved."""

    owner_name: str
    warning_signs: tuple[str, ...] = ()
    coping: tuple[str, ...] = ()
    distraction: tuple[str, ...] = ()
    people: tuple[Contact, ...] = ()
    professionals: tuple[Contact, ...] = ()
    safe_surroundings: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    version: int = 0
    saved_at: datetime | None = None
    PARTS: ClassVar[tuple[str, ...]] = SAFETY_PARTS


@dataclass(frozen=True)
class HomePlan(_Parts):
    """The thuisplan (veiligheidsplan bij huiselijk geweld), as saved."""

    owner_name: str
    signs: tuple[str, ...] = ()
    safe_people: tuple[Contact, ...] = ()
    code_word: str | None = None
    safe_places: tuple[str, ...] = ()
    take_along: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    version: int = 0
    saved_at: datetime | None = None
    PARTS: ClassVar[tuple[str, ...]] = HOME_PARTS


def to_safety_plan(doc: dict[str, Any], owner_name: str, version: int = 0,
                   saved_at: datetime | None = None) -> SafetyPlan:
    return SafetyPlan(
        owner_name, _items(doc, "warning_signs"), _items(doc, "coping"), _items(doc, "distraction"),
        _contacts(doc, "people"), _contacts(doc, "professionals"), _items(doc, "safe_surroundings"),
        _items(doc, "reasons"), version, saved_at,
    )


def to_home_plan(doc: dict[str, Any], owner_name: str, version: int = 0,
                 saved_at: datetime | None = None) -> HomePlan:
    code = doc.get("code_word")
    return HomePlan(
        owner_name, _items(doc, "signs"), _contacts(doc, "safe_people"),
        code.strip() if isinstance(code, str) and code.strip() else None, _items(doc, "safe_places"),
        _items(doc, "take_along"), _items(doc, "children"), version, saved_at,
    )


# --- in a crisis: what can I do now, who can I call --------------------------------------------------------

# The public numbers, always with the help: spelled out once here (the safety message has its own lines).
HELP_LINES = (
    Contact(N_("113 Zelfmoordpreventie (free, day and night; chat at 113.nl)"), "0800-0113"),
    Contact(N_("Emergency (police, ambulance, fire brigade)"), "112"),
)
HOME_HELP_LINES = (
    Contact(N_("Veilig Thuis (free, day and night)"), "0800-2000"),
    Contact(N_("Is it happening now? Emergency"), "112"),
)
GP_POST = Contact(N_("Huisartsenpost, outside office hours (the number is on your GP's website)"))


def unique_contacts(*groups: tuple[Contact, ...] | list[Contact]) -> tuple[Contact, ...]:
    """Contacts in order, each person once: the same name and number from two plans is one line."""
    seen: set[tuple[str, str]] = set()
    out: list[Contact] = []
    for group in groups:
        for contact in group:
            key = (contact.name.casefold().strip(), "".join(ch for ch in contact.phone or "" if ch.isdigit()))
            if key in seen:
                continue
            seen.add(key)
            out.append(contact)
    return tuple(out)


# --- the hoopbox -----------------------------------------------------------------------------------------

class HopeKind(StrEnum):
    PHOTO = "photo"
    TEXT = "text"
    VOICE = "voice"
    LINK = "link"


MAX_HOPE_ITEMS = 50
# A bot may fetch files up to 20 MB from Telegram (telegram.constants.FileSizeLimit.FILESIZE_DOWNLOAD); the
# hoopbox keeps what Houvast could fetch, so a bigger picture is asked as a photo (Telegram makes it smaller).
MAX_HOPE_FILE_BYTES = 20_000_000
MAX_HOPE_TEXT = 4000  # like an answer in a plan: a little under Telegram's 4096 for one message
MAX_CAPTION = 1024  # Telegram's longest caption (telegram.constants.MessageLimit.CAPTION_LENGTH)
_LINK = re.compile(r"^(?:https?://|www\.)[^\s<>\"]+\.[^\s<>\"]+$", re.IGNORECASE)


class HopeRefusal(StrEnum):
    FULL = "full"
    TOO_BIG = "too_big"
    DUPLICATE = "duplicate"
    EMPTY = "empty"


def hope_refusal(*, count: int, size: int | None = None, duplicate: bool = False,
                 empty: bool = False) -> HopeRefusal | None:
    """Why an item cannot go into the hoopbox, or None: it can."""
    if empty:
        return HopeRefusal.EMPTY
    if count >= MAX_HOPE_ITEMS:
        return HopeRefusal.FULL
    if size is not None and size > MAX_HOPE_FILE_BYTES:
        return HopeRefusal.TOO_BIG
    if duplicate:
        return HopeRefusal.DUPLICATE
    return None


def as_link(text: str) -> str | None:
    """The text as a link when it is one link and nothing else ("www.x.nl" gets https://), else None."""
    text = text.strip()
    if not _LINK.match(text):
        return None
    return text if text.lower().startswith("http") else f"https://{text}"


# --- the noodbericht ---------------------------------------------------------------------------------------

MAX_TRUSTED = 3
MAX_SOS_TEXT = 500  # short: it is read in a hurry, and it travels in a share link
SOS_GAP = timedelta(minutes=1)  # at most one noodbericht a minute: a second press shows who got the first
SOS_TEXTS = (
    N_("Things are not going well with me. Will you call me?"),
    N_("I need help. Can you come to me?"),
)


class Route(StrEnum):
    HOUVAST = "houvast"  # a message from the bot (someone in Houvast who may get it)
    SHARE = "share"  # a ready message the client forwards with one tap (a Telegram share link)


def route(*, in_houvast: bool, consented: bool, reachable: bool, home_plan_in_household: bool) -> Route:
    """How a trusted person gets the noodbericht. From the bot only when they use Houvast, the client agreed to
    that, they can be reached, and nobody in the household has a thuisplan (then a message from the bot could
    reach the person someone fears); everyone else through a ready message the client sends themselves.
    `in_houvast` is today a member of the client's household; later also a naaste the client invited."""
    if in_houvast and consented and reachable and not home_plan_in_household:
        return Route.HOUVAST
    return Route.SHARE


def may_send(last_sent_at: datetime | None, now: datetime) -> bool:
    return last_sent_at is None or not timedelta() <= now - last_sent_at < SOS_GAP


def share_url(text: str) -> str:
    """A Telegram share link: one tap opens the chat list with `text` ready to send. Telegram needs the `url`
    parameter; the message itself goes there, so nothing else (no link, no preview) is added to it."""
    return "https://t.me/share/url?url=" + quote(text, safe="")


# --- "Wis dit gesprek" --------------------------------------------------------------------------------------

# In a private chat a bot may delete both sides' messages, up to 48 hours old; 100 ids per call
# (telegram.constants.BulkRequestLimit.MAX_LIMIT).
WIPE_WINDOW = timedelta(hours=48)
WIPE_BATCH = 100
WIPE_REACH = 2000  # messages back at most: ten minutes of calls is not worth a chat that long


def wipe_batches(newest_id: int, reach: int = WIPE_REACH, batch: int = WIPE_BATCH) -> list[list[int]]:
    """Message ids to delete, newest first, in batches: a private chat numbers both sides' messages in one
    row, so everything recent is just below the newest id."""
    oldest = max(1, newest_id - reach + 1)
    ids = list(range(newest_id, oldest - 1, -1))
    return [ids[i:i + batch] for i in range(0, len(ids), batch)]


def halves(ids: list[int]) -> tuple[list[int], list[int]]:
    """A batch Telegram refused (some message in it is too old): the newer half first, then the older."""
    middle = (len(ids) + 1) // 2
    return ids[:middle], ids[middle:]


def kept_before(now: datetime) -> datetime:
    """Messages from before this moment stay: Telegram lets nobody but the person delete them."""
    return now - WIPE_WINDOW
