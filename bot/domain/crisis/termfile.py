"""Reading the crisis term file (data/crisis_nl.txt): its [sections], and the emoji, spelling and group lines
in them, with a clear error for a line that does not fit. Compiling the phrases is bot/domain/crisis/terms.py.
"""
from __future__ import annotations

import itertools
import re

from bot.domain.crisis.normalise import data_lines, fold_text

MAX_EXPANSIONS = 400  # phrases one line may expand to through @groups
SECTION = re.compile(r"\[(\w+)\]")
GROUP = re.compile(r"@(\w+)")


def expand(phrase: str, groups: dict[str, list[str]]) -> list[str]:
    """A phrase that starts with a group, "@dood is het enige", becomes one phrase per option, so every
    phrase starts with fixed text the index can look up; groups later in a phrase stay alternations."""
    for name in GROUP.findall(phrase):
        if name not in groups:
            raise ValueError(f"crisis list: unknown group @{name} in {phrase!r}")
    first = GROUP.match(phrase)
    if first is None:
        return [phrase]
    return [f"{option}{phrase[first.end():]}" for option in groups[first[1]]]


def _flatten(option: str, groups: dict[str, list[str]]) -> list[str]:
    """A group that uses groups defined above it holds their options spelled out."""
    names = GROUP.findall(option)
    if not names:
        return [option]
    pieces = GROUP.split(option)
    for name in names:
        if name not in groups:
            raise ValueError(f"crisis list: unknown group @{name} in {option!r}")
    out = []
    for choice in itertools.product(*(groups[name] for name in pieces[1::2])):
        if len(out) > MAX_EXPANSIONS:
            raise ValueError(f"crisis list: group option {option!r} expands to too many phrases")
        out.append(" ".join((pieces[0] + "".join(v + rest for v, rest in zip(choice, pieces[2::2]))).split()))
    return out


def sections(text: str, kinds: list[str]) -> dict[str, list[str]]:
    """The data file's lines per [section]: spelling, emoji, groups, ignore and one per crisis kind."""
    sections: dict[str, list[str]] = {"spelling": [], "emoji": [], "groups": [], "ignore": [], **{k: [] for k in kinds}}
    current: list[str] | None = None
    for number, line in data_lines(text):
        header = SECTION.fullmatch(line)
        if header:
            if header[1] not in sections:
                raise ValueError(f"crisis list line {number}: unknown section [{header[1]}]")
            current = sections[header[1]]
        elif current is None:
            raise ValueError(f"crisis list line {number}: entry before any [section]")
        else:
            current.append(line)
    return sections


def emoji_lines(entries: list[str]) -> dict[str, str]:
    emoji: dict[str, str] = {}
    for entry in entries:
        sign, sep, words = entry.partition("=")
        if not sep or not sign.strip() or not words.strip():
            raise ValueError(f"crisis list: bad emoji line {entry!r}: 'emoji = words'")
        emoji[sign.strip()] = words.strip()
    return emoji


def spelling_lines(entries: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Respellings of one word (to one or two) and of two words (to one)."""
    one: dict[str, str] = {}
    two: dict[str, str] = {}
    for entry in entries:
        variant, sep, standard = entry.partition("=")
        source, target = fold_text(variant), fold_text(standard)
        if not sep or not 1 <= len(source) <= 2 or not 1 <= len(target) <= 3 - len(source):
            raise ValueError(f"crisis list: bad spelling {entry!r}: 'word = word(s)' or 'two words = word'")
        if len(source) == 1:
            one[source[0]] = " ".join(target)
        else:
            two[f" {source[0]} {source[1]} "] = f" {target[0]} "
    return one, two


def group_lines(entries: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for entry in entries:
        name, sep, values = entry.partition("=")
        name = name.strip().removeprefix("@")
        options = [" ".join(v.split()) for v in values.split("|") if v.strip()]
        if not sep or not name.isidentifier() or not options:
            raise ValueError(f"crisis list: bad group {entry!r}: '@name = words | words | ...'")
        groups[name] = [o for option in options for o in _flatten(option, groups)]
    return groups
