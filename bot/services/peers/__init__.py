"""Peer support (ervaringsdeskundigen): profiles, matching, proposals, the relay, safety, reports, reminders.

A client and a peer expert talk through Houvast: each message is copied to the other side, so neither sees
the other's Telegram id, username or phone number. A contact is proposed first and starts only when the
client says yes (also when a worker or the peer expert handing over proposed it). While a contact is active,
the peer expert is "close" to the client for the consent check (services/consent.relation_of), so the client
can tick in /privacy what the peer expert may see; by default nothing.

By topic: views.py (what the services hand back), core.py (what every part uses), facts.py (what the
notices say, read when they are sent), profile.py, finding.py (match and proposal), contacts.py (relay, ending,
rating, handing over), safety.py (Zorg melden, misuse, suspending) and waiting.py (the waiting list, reminders,
retention). Callers use the package: `from bot.services import peers; peers.find_peer(...)`.
"""

from __future__ import annotations

from bot.services.peers.contacts import (
    contact,
    end_contact,
    give_feedback,
    handover_options,
    my_contacts,
    propose_handover,
    rate,
    relay,
    relay_state,
    start_talking,
    stop_talking,
    talking_ids,
)
from bot.services.peers.core import (
    ACTIVE,
    PROPOSED,
    RED_POLICIES,
    RELAY_KINDS,
)
from bot.services.peers.facts import ContactFacts, PeerNotice, contact_facts, misuse_facts, peer_notice
from bot.services.peers.finding import accept, decline, find_peer, open_proposal, someone_else, worker_propose
from bot.services.peers.profile import (
    come_back,
    pause,
    profile,
    set_availability,
    set_max_peers,
    set_story,
    set_themes,
    toggle_theme,
)
from bot.services.peers.safety import red_policy, report_misuse, report_worry, suspend_peer
from bot.services.peers.views import ContactView, FindResult, Profile, Proposal, RelayOut, WaitRow, WorryResult
from bot.services.peers.waiting import offer_waiting, purge_relay, remind_quiet_contacts, waiting_list

__all__ = [
    "ACTIVE",
    "PROPOSED",
    "RED_POLICIES",
    "RELAY_KINDS",
    "ContactFacts",
    "ContactView",
    "FindResult",
    "PeerNotice",
    "Profile",
    "Proposal",
    "RelayOut",
    "WaitRow",
    "WorryResult",
    "accept",
    "come_back",
    "contact",
    "contact_facts",
    "decline",
    "end_contact",
    "find_peer",
    "give_feedback",
    "handover_options",
    "misuse_facts",
    "my_contacts",
    "offer_waiting",
    "open_proposal",
    "pause",
    "peer_notice",
    "profile",
    "propose_handover",
    "purge_relay",
    "rate",
    "red_policy",
    "relay",
    "relay_state",
    "remind_quiet_contacts",
    "report_misuse",
    "report_worry",
    "set_availability",
    "set_max_peers",
    "set_story",
    "set_themes",
    "someone_else",
    "start_talking",
    "stop_talking",
    "suspend_peer",
    "talking_ids",
    "toggle_theme",
    "waiting_list",
    "worker_propose",
]
