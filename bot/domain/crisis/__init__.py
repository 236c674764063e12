"""Spot crisis language in a client's free text: suicide, self-harm, acute danger, danger from others and
harm to others, as a trained listener would, in chat Dutch.

Two steps, both driven by data files a care professional can read and change:
1. terms (data/crisis_nl.txt): phrases per kind, with chat spellings, emoji, word groups and harmless
   look-alikes ("lach me dood"); matched on normalised words, a few words of slack between them;
2. context (data/crisis_context_nl.txt): clinlp's context algorithm decides per phrase whether it is negated
   ("ik denk niet aan zelfmoord"), past and over ("vroeger sneed ik mezelf" - but past *and returning* counts),
   about someone else ("mijn neef wil dood"), or figurative and hypothetical ("haha", "stel dat").

`detect` is the public entry: a hit (with its kind) when the safety message must come first, else None.
How the lists were made and measured: docs/crisis-detector.md (`houvast crisis-eval`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from bot.domain.crisis.context import Context, Qualified, parse_rules
from bot.domain.crisis.terms import CrisisKind, Lexicon, Match, find, normalise, parse

__all__ = ["CrisisHit", "CrisisKind", "detect", "warm_up"]

_SEVERITY = {kind: rank for rank, kind in enumerate(CrisisKind)}
SELF_KINDS = frozenset({CrisisKind.SUICIDE, CrisisKind.SELF_HARM, CrisisKind.ACUTE_DANGER})


@dataclass(frozen=True)
class CrisisHit:
    kind: CrisisKind
    phrase: str  # the list entry that matched, never the client's own words


def _data(name: str) -> str:
    return files("bot.domain").joinpath("data", name).read_text(encoding="utf-8")


@cache
def lexicon() -> Lexicon:
    return parse(_data("crisis_nl.txt"))


@cache
def context() -> Context:
    return Context(parse_rules(_data("crisis_context_nl.txt")))


def warm_up() -> None:
    """Load both lists and the context engine now (about a second), not on the first client's message."""
    lexicon()
    context().warm()


def counts(match: Match, qualified: Qualified) -> bool:
    """Whether a phrase found in a message asks for the safety message."""
    pattern = match.pattern
    if match.negated_inside or qualified.negated or qualified.figurative or qualified.hypothetical:
        return False
    if (qualified.past or match.past_inside) and not qualified.returning:
        return False
    if pattern.about_self:  # "mijn vriend slaat me" names the writer in the phrase itself
        return True
    if qualified.other:  # "mijn zus wil dood", "in de film springt ze"
        return False
    # "hij wil dood" is about him; but in "hij heeft een mes gepakt" he is the danger to the writer, and in
    # "ik ga mijn ex iets aandoen" the one the writer threatens.
    return not (qualified.someone and pattern.kind in SELF_KINDS)


def _key(match: Match) -> tuple[int, int, int, int]:
    """Most fixed letters first, then the fewest words skipped inside the match, then severity, then position."""
    pattern = match.pattern
    assert pattern.kind is not None
    slack = max(0, match.last - match.first + 1 - pattern.words)
    return (-pattern.weight, slack, _SEVERITY[pattern.kind], match.first)


def explain(text: str) -> list[tuple[Match, Qualified]]:
    """Every phrase found with its qualifiers: for `houvast crisis-eval` and for people tuning the lists."""
    lex = lexicon()
    line, vocabulary = normalise(text, lex)
    matches = find(line, vocabulary, lex)
    if not matches:
        return []
    spans = [(m.first, m.last, str(m.pattern.kind)) for m in matches]
    return list(zip(matches, context().qualify(line, spans)))


def detect(text: str) -> CrisisHit | None:
    """The most specific crisis phrase in `text` that counts, or None."""
    found = [match for match, qualified in explain(text) if counts(match, qualified)]
    if not found:
        return None
    best = min(found, key=_key)
    assert best.pattern.kind is not None
    return CrisisHit(kind=best.pattern.kind, phrase=best.pattern.phrase)
