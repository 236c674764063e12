"""Qualifiers for each crisis phrase found: negated, in the past, returning, about someone else, not meant.

This is clinlp's context algorithm (ConText, as in clinical Dutch NLP): trigger phrases with a direction
(preceding, following, both), a reach in words, pseudo-triggers that look like one but are not, and
terminations that end a trigger's reach. clinlp's own trigger lists are written for medical records; ours,
in data/crisis_context_nl.txt, are written for chat Dutch and folded like every other word here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from bot.domain.crisis.normalise import SENTENCE, data_lines, fold_text

# Our qualifier classes, value lists and defaults, in clinlp's format. Priorities settle conflicts at equal
# distance: the value that keeps a message a crisis wins (a missed crisis costs more than a false alarm).
QUALIFIERS = [
    {"name": "Presence", "values": ["Absent", "Present"], "default": "Present",
     "priorities": {"Present": 1, "Absent": 0}},
    {"name": "Temporality", "values": ["Historical", "Current"], "default": "Current",
     "priorities": {"Current": 1, "Historical": 0}},
    {"name": "Recurrence", "values": ["Returning", "Once"], "default": "Once",
     "priorities": {"Returning": 1, "Once": 0}},
    {"name": "Experiencer", "values": ["Other", "Self"], "default": "Self",
     "priorities": {"Self": 1, "Other": 0}},
    {"name": "Subject", "values": ["Someone", "Writer"], "default": "Writer",
     "priorities": {"Writer": 1, "Someone": 0}},
    {"name": "Mode", "values": ["Figurative", "Hypothetical", "Literal"], "default": "Literal",
     "priorities": {"Literal": 2, "Hypothetical": 1, "Figurative": 0}},
]
# Section names in the data file -> the qualifier value they set.
SECTIONS = {
    "negation": "Presence.Absent",
    "past": "Temporality.Historical",
    "returning": "Recurrence.Returning",
    "other": "Experiencer.Other",
    "someone": "Subject.Someone",  # hij, zij, mijn man: someone else, or the one who threatens the writer
    "figurative": "Mode.Figurative",
    "fiction": "Mode.Figurative",  # a film, a song, a game, the news: never about the writer's own life now
    "hypothetical": "Mode.Hypothetical",
    "literal": "Mode.Literal",  # "ik meen het", "geen grap": undoes a nearby joke marker
}
DIRECTIONS = ("preceding", "following", "bidirectional", "pseudo", "termination", "anywhere")
_HEADER = re.compile(r"\[(\w+)(?: (\w+))?(?: (\d+))?\]")


@dataclass(frozen=True)
class Qualified:
    negated: bool
    past: bool
    returning: bool
    other: bool
    someone: bool
    figurative: bool
    hypothetical: bool


def parse_rules(text: str) -> dict:
    """The data file as clinlp's rules dictionary. A header is [name direction reach]: the reach in words is
    optional (default: to the end of the sentence); [name termination] and [name pseudo] have none;
    [termination] ends the reach of every qualifier."""
    rules: dict[tuple[str, str, int | None], list[str]] = {}
    current: list[tuple[str, str, int | None]] | None = None  # the rules the next lines belong to
    for number, line in data_lines(text):
        header = _HEADER.fullmatch(line)
        if header:
            name, direction, reach = header[1], header[2], header[3]
            if name == "termination" and direction is None:
                direction, names = "termination", list(SECTIONS)
            elif name in SECTIONS and direction in DIRECTIONS:
                names = [name]
            else:
                raise ValueError(f"crisis context line {number}: bad section {line}")
            if reach is not None and direction in ("pseudo", "termination", "anywhere"):
                raise ValueError(f"crisis context line {number}: {direction} has no reach")
            current = [(name, direction, int(reach) if reach else None) for name in names]
        elif current is None:
            raise ValueError(f"crisis context line {number}: entry before any [section]")
        else:
            words = fold_text(line)
            if not words:
                raise ValueError(f"crisis context line {number}: {line!r} has no words")
            for key in current:
                rules.setdefault(key, []).append(" ".join(words))
    out = []
    anywhere: dict[str, list[str]] = {}
    for (name, direction, reach), patterns in rules.items():
        if not patterns:
            continue
        if direction == "anywhere":  # not ConText: anywhere in the message, across sentences
            anywhere.setdefault(name, []).extend(patterns)
            continue
        rule: dict = {"qualifier": SECTIONS[name], "direction": direction, "patterns": sorted(set(patterns))}
        if reach is not None:
            rule["max_scope"] = reach
        out.append(rule)
    return {"name": "houvast crisis context", "qualifiers": QUALIFIERS, "rules": out, "anywhere": anywhere}


class Context:
    """The clinlp context algorithm on a whitespace-tokenised spaCy pipeline. spaCy and clinlp load here,
    once, so that importing the detector stays cheap until it is first used (or warmed up at start)."""

    def __init__(self, rules: dict) -> None:
        self._rules = {key: value for key, value in rules.items() if key != "anywhere"}
        # [name anywhere] phrases, padded with spaces so that they match whole words of the normalised line.
        self._anywhere = {name: [f" {p} " for p in patterns] for name, patterns in rules.get("anywhere", {}).items()}

    def anywhere(self, name: str, line: list[str]) -> bool:
        """Whether a [name anywhere] phrase occurs in the message: "sinds de scheiding is het er weer" makes
        every past crisis in it a returning one, whichever sentence it is in."""
        padded = f" {' '.join(line)} "
        return any(phrase in padded for phrase in self._anywhere.get(name, ()))

    @cached_property
    def _engine(self):
        import spacy
        from clinlp.ie.qualifier.context_algorithm import ContextAlgorithm
        from spacy.tokenizer import Tokenizer

        nlp = spacy.blank("xx")
        nlp.tokenizer = Tokenizer(nlp.vocab)  # split on spaces only: words are normalised already
        return nlp, ContextAlgorithm(nlp, phrase_matcher_attr="ORTH", rules=self._rules)

    def warm(self) -> None:
        self._engine  # noqa: B018

    def qualify(self, line: list[str], spans: list[tuple[int, int, str]]) -> list[Qualified]:
        """`spans`: (first word, last word, label) of each phrase found in the normalised `line`."""
        return list(self._qualify(tuple(line), tuple(spans)))

    @lru_cache(maxsize=256)  # noqa: B019 - one Context for the process; a repeated sentence costs one run
    def _qualify(self, line: tuple[str, ...], spans: tuple[tuple[int, int, str], ...]) -> tuple[Qualified, ...]:
        from spacy.tokens import Doc, Span

        nlp, algorithm = self._engine
        starts = [True] + [line[i - 1] == SENTENCE for i in range(1, len(line))]
        doc = Doc(nlp.vocab, words=list(line), sent_starts=starts)
        ents = [Span(doc, first, last + 1, label=label) for first, last, label in spans]
        doc.spans["ents"] = ents
        algorithm(doc)
        out = []
        for ent in ents:
            values = {f"{q.name}.{q.value}" for q in ent._.qualifiers}
            out.append(Qualified(
                negated="Presence.Absent" in values,
                past="Temporality.Historical" in values,
                returning="Recurrence.Returning" in values,
                other="Experiencer.Other" in values,
                someone="Subject.Someone" in values,
                figurative="Mode.Figurative" in values,
                hypothetical="Mode.Hypothetical" in values,
            ))
        return tuple(out)
