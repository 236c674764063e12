"""After start-up the long-lived objects leave the collector's way (bot/ops/heap.py), in `houvast run` only."""
import gc
from types import SimpleNamespace

import pytest

from bot import app
from bot.ops import heap


@pytest.fixture(autouse=True)
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # a test process must not keep every object of the tests before as permanent


def test_settle_freezes_what_survives_and_settled_gives_it_back():
    heap.settle()
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
    with heap.settled():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("serving", [True, False])
async def test_the_crisis_warm_up_settles_the_heap_only_in_houvast_run(serving):
    context = SimpleNamespace(application=SimpleNamespace(bot_data={heap.AFTER_START: True} if serving else {}))
    await app._warm_up_crisis(context)
    assert (gc.get_freeze_count() > 0) is serving
