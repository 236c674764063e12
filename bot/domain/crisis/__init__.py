"""Spot crisis language in a client's free text: suicide, self-harm, acute danger, danger from others and
harm to others, as a trained listener would, in chat Dutch.

First two steps driven by data files a care professional can read and change:
1. terms (data/crisis_nl.txt): phrases per kind, with chat spellings, emoji, word groups and harmless
   look-alikes ("lach me dood"); matched on normalised words, a few words of slack between them;
2. context (data/crisis_context_nl.txt): clinlp's context algorithm decides per phrase whether it is negated
   ("ik denk niet aan zelfmoord"), past and over ("vroeger sneed ik mezelf" - but past *and returning* counts),
   about someone else ("mijn neef wil dood"), or figurative and hypothetical ("haha", "stel dat").
Then, when no phrase counts, a model learned from the labelled set (data/crisis_model.json.gz) gives a
second opinion for phrasings the lists do not cover yet.

`detect` is the public entry: a hit (with its kind) when the safety message must come first, else None.
How the lists were made and measured: docs/crisis-detector.md (`houvast crisis-eval`).
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from bot.domain.crisis.context import Context, Qualified, parse_rules
from bot.domain.crisis.model import Model
from bot.domain.crisis.model import load as load_model
from bot.domain.crisis.normalise import SENTENCE
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


@cache
def model() -> Model:
    return load_model(files("bot.domain").joinpath("data", "crisis_model.json.gz").read_bytes())


def warm_up() -> None:
    """Load the lists, the model and the context engine now (about a second), not on a client's message."""
    lexicon()
    model()
    context().warm()


def counts(match: Match, qualified: Qualified, *, returning: bool = False) -> bool:
    """Whether a phrase found in a message asks for the safety message. `returning`: the message says
    elsewhere that it is coming back ("... maar nu is het er weer")."""
    pattern = match.pattern
    if match.negated_inside or qualified.negated or qualified.figurative or qualified.hypothetical:
        return False
    if (qualified.past or match.past_inside) and not (qualified.returning or returning):
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
    matches, _ = find(line, vocabulary, lex)
    if not matches:
        return []
    spans = [(m.first, m.last, str(m.pattern.kind)) for m in matches]
    return list(zip(matches, context().qualify(line, spans)))


CONTEXT_WORDS = 30
MODEL_PHRASE = "(model)"  # the phrase of a hit found by the learned second opinion, not by a list entry
MODEL_MIN_WORDS = 4  # shorter messages are judged by the lists alone: the model has too little to go on
MODEL_OVERRULES = 0.95  # the model's certainty needed to overrule the context ("niet", "vroeger", "mijn zus")


def detect(text: str) -> CrisisHit | None:
    """A hit when the safety message must come first, else None.

    First the lists: the most specific phrase that counts in its context. When none counts, the learned model
    gives a second opinion for phrasings the lists do not cover yet; but where the lists did find a phrase and
    its context ruled it out (negated, past, someone else, a joke), the model must be very sure to overrule.
    """
    hit, ruled_out = _by_terms(text)
    if hit is not None:
        return hit
    if len(text.split()) < MODEL_MIN_WORDS:
        return None
    probability, kind = model().judge(text)
    if probability >= (MODEL_OVERRULES if ruled_out else model().threshold):
        return CrisisHit(kind=CrisisKind(kind), phrase=MODEL_PHRASE)
    return None


def detect_by_terms(text: str) -> CrisisHit | None:
    """The lists alone (for people tuning them): the most specific phrase that counts in context."""
    return _by_terms(text)[0]


def _by_terms(text: str) -> tuple[CrisisHit | None, bool]:
    """The most specific crisis phrase in `text` that counts, and whether phrases were found at all.

    Phrases are tried most specific first and the first that counts is the answer. The context algorithm runs
    per phrase on the sentence around it (at most CONTEXT_WORDS either side), and a repeated sentence is
    judged once (`Context.qualify` caches): a long message full of crisis words costs a few short runs.
    """
    lex = lexicon()
    line, vocabulary = normalise(text, lex)
    matches, ignored = find(line, vocabulary, lex)
    if not matches:
        return None, ignored
    ends = [i for i, word in enumerate(line) if word == SENTENCE] + [len(line)]
    returning = context().anywhere("returning", line)
    verdicts: dict[tuple[int, int, str], Qualified] = {}
    for match in sorted(matches, key=_key):
        span = (match.first, match.last, str(match.pattern.kind))
        qualified = verdicts.get(span)  # the same words found by several phrases: one context run for all
        if qualified is None:
            # The sentence around the phrase, but no more than CONTEXT_WORDS either side: a run-on message of
            # hundreds of words is judged near the phrase, where its context words are.
            start = max(_sentence_start(ends, match.first), match.first - CONTEXT_WORDS)
            end = min(_sentence_end(ends, match.last), match.last + CONTEXT_WORDS + 1)
            qualified = context().qualify(line[start:end], [(match.first - start, match.last - start, span[2])])[0]
            verdicts[span] = qualified
        if counts(match, qualified, returning=returning):
            assert match.pattern.kind is not None
            return CrisisHit(kind=match.pattern.kind, phrase=match.pattern.phrase), True
    return None, True


def _sentence_start(ends: list[int], word: int) -> int:
    before = bisect_left(ends, word)  # ends[before - 1] < word
    return ends[before - 1] + 1 if before else 0


def _sentence_end(ends: list[int], word: int) -> int:
    """One past the sentence mark that closes the sentence holding `word` (or the end of the message)."""
    return min(ends[bisect_left(ends, word)] + 1, ends[-1])
