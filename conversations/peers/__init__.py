"""Peer support through the bot: a client asks for a peer expert (ervaringsdeskundige), they talk through
Houvast without seeing each other's Telegram details, and fill in the crisis card or signaleringsplan together.

- asking.py: a client's /maatje: theme, a proposal (first name and story), yes or someone else; the rating.
- relay.py: /praten and the relay, a handler of its own that must run before group 0 (`relay_handler()`).
- contacts.py: the peer expert's /mijnpeers, with only what each client shares; hand over, end.
- profile.py: the peer expert's /profiel (story, themes, pause).
- misuse.py: "Share my worry", misuse reports, suspending, the waiting list; a worker's /maatjevoorstel.
- together.py: /samen, a helper proposes the text of one step; the client confirms, changes or rejects it.
- keyboards.py: their buttons; flow.py registers them.
"""
from conversations.peers.flow import conversation, handlers
from conversations.peers.relay import relay_handler

__all__ = ["conversation", "handlers", "relay_handler"]
