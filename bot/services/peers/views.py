"""What the peer services hand back to the chat: profiles, proposals, contacts, results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.consent import Scope
from bot.domain.plans import Contact

# ---- what the services hand back ---------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    person_id: int
    name: str
    story: str | None
    themes: frozenset[str]
    availability: str | None
    max_peers: int
    paused_until: date | None
    suspended: bool
    active_contacts: int


@dataclass(frozen=True)
class Proposal:
    contact_id: int
    peer_name: str  # first name only
    story: str | None
    theme: str | None
    handover_from: str | None = None  # the peer expert who proposes to hand over


@dataclass(frozen=True)
class ContactView:
    contact_id: int
    client_id: int
    client_name: str  # first names only
    peer_id: int
    peer_name: str
    theme: str | None
    status: str
    started_at: datetime | None
    last_message_at: datetime | None
    shared: frozenset[Scope] = frozenset()  # what the client shares with the peer expert (the peer's view)


@dataclass(frozen=True)
class FindResult:
    """outcome: proposed (a proposal is on the table), waiting (nobody free: on the waiting list),
    active (the client already has a peer expert: `contact`), none (nobody free; nothing recorded)."""

    outcome: str
    proposal: Proposal | None = None
    contact: ContactView | None = None


@dataclass(frozen=True)
class RelayOut:
    """What the flow needs to copy one message to the other side."""

    contact_id: int
    from_client: bool
    sender_name: str  # first name of the sender
    other_name: str  # first name of the recipient
    to_chat_id: int
    to_locale: str
    recipient_talking: bool  # the recipient is talking in this contact right now (no "answer" button needed)
    crisis: bool
    safety_contacts: tuple[
        Contact, ...
    ] = ()  # the client's own contacts, when the client wrote crisis language


@dataclass(frozen=True)
class WorryResult:
    """outcome: told (the workers and the client are told; worker_names holds who), ask_client (no consent: ask
    the client first), away (whoever may be told is away now; worker_names holds who), no_worker (the client has
    no coordinating or backup worker in Houvast)."""

    outcome: str
    client_name: str  # and worker_names: who is told or away; the chat joins them ("Anna en Bram")
    worker_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class WaitRow:
    """What an admin sees of a client on the waiting list: the first name and the theme, nothing more."""

    wait_id: int
    client_name: str
    theme: str | None
    since: datetime
