"""The collector and a long-running bot.

Python's full (generation 2) collection walks every object that survived the younger ones. After start-up
that is mostly what lives as long as the process: modules, catalogs, the crisis detector's model. A full
collection then held the event loop up for 40-150 ms, and the outbox pays for each such stall with its
length (it never bunches sends to catch up, bot/outbox/delivery.py): 97% of Telegram's limit instead of 98%
in a 300-message run. `settle` collects once after start-up and freezes what is left (`gc.freeze`), so later
full collections walk only what was made since.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

AFTER_START = "settle_heap_after_start"  # in bot_data: `houvast run` sets it; an app built in a test does not


def settle() -> None:
    """Once start-up is done: collect, then move every surviving object out of the collector's way."""
    gc.collect()
    gc.freeze()


@contextmanager
def settled() -> Iterator[None]:
    """`settle` for a while (the benchmark's parts that stand for a running bot), then give the objects back."""
    settle()
    try:
        yield
    finally:
        gc.unfreeze()
