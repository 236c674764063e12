"""Wording a client reads, as found in the demo: plain Dutch (B1), one spelling per thing, one icon per button."""
import tomllib
from pathlib import Path

import pytest

from bot.domain.roles import Role
from bot.i18n import translator
from conversations.keyboards import main_menu
from tests.test_catalog import catalog

ROOT = Path(__file__).resolve().parent.parent


def dutch_texts() -> list[str]:
    texts = []
    for message in catalog("nl"):
        if message.id:
            texts += [message.string] if isinstance(message.string, str) else list(message.string)
    return texts


@pytest.mark.parametrize("phrase", [
    "maakte zich zorgen",  # a peer expert who is worried now: "maakt zich zorgen"
    "Acuut probleem",  # the self-scan's 1: "Het gaat heel slecht"
    "een tijd open waren",  # the monthly report's first line
    "voor behandeling en plek",  # the crisis card's question about the help one wants
    "Rood: Crisis",  # one spelling: "Rood: crisis"
    "Ik wil praten met iemand",  # the bot does not speak as if it were the client
])
def test_wording_found_in_the_demo_is_gone(phrase):
    assert not [text for text in dutch_texts() if phrase in text]


@pytest.mark.parametrize("has_worker", [False, True])
def test_no_two_buttons_of_the_client_menu_share_an_icon(has_worker):
    labels = [
        b.text for row in main_menu(translator("nl"), Role.CLIENT, has_worker=has_worker).inline_keyboard for b in row
    ]
    icons = [label.split(" ", 1)[0] for label in labels]
    assert len(icons) == len(set(icons)), labels


def test_the_licence_is_an_spdx_string_so_setuptools_does_not_warn():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert isinstance(project["license"], str)
