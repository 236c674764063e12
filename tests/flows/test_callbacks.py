import pytest

from conversations import callbacks
from conversations.callbacks import BadCallback


def test_round_trip():
    data = callbacks.make("inv", "member", 42)
    assert data == "inv:member:42"
    parsed = callbacks.parse(data, "inv")
    assert (parsed.flow, parsed.action, parsed.int_arg()) == ("inv", "member", 42)


@pytest.mark.parametrize(
    "data", ["", "x", "inv", "inv:", ":member", "inv:member:<script>", "inv:member:" + "1" * 60, "INV:member", "é:a"]
)
def test_forged_data_is_refused(data):
    with pytest.raises(BadCallback):
        callbacks.parse(data)


def test_a_number_argument_must_be_a_number():
    with pytest.raises(BadCallback):
        callbacks.parse("inv:member:abc").int_arg()
    with pytest.raises(BadCallback):
        callbacks.parse("inv:member").int_arg()


def test_other_flow_is_refused():
    with pytest.raises(BadCallback):
        callbacks.parse("menu:show", "inv")


def test_making_too_long_data_fails_loudly():
    with pytest.raises(ValueError):
        callbacks.make("inv", "member", "x" * 70)


def test_numbers_joined_by_dots():
    assert callbacks.ints("12.0.3", 3) == [12, 0, 3]
    for bad in ("12.0", "1.x.3", "", "1..3", "1.2.3.4", "-1.2.3"):
        with pytest.raises(BadCallback):
            callbacks.ints(bad, 3)


def test_the_payload_limit_is_telegrams():
    """conversations/callbacks.py checks payloads against Telegram's own limit."""
    from telegram.constants import InlineKeyboardButtonLimit

    assert callbacks.MAX_CALLBACK_DATA == InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
