"""Spot Dutch crisis language (suicide, self-harm, acute danger) in a client's free text.

Pure: the word list in data/crisis_nl.txt is parsed and compiled once; `detect` normalises the
message and runs only the patterns whose words occur in it. It leans towards a hit, because a
missed crisis costs far more than an unneeded pointer to 113 or 112.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files


class CrisisKind(StrEnum):
    """What the message is about; each kind has its own help (see `bot.render.text.safety_text`).
    The order is the order of severity used to break ties between equally specific matches."""

    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    ACUTE_DANGER = "acute_danger"  # danger to self right now: a roof, an overdose taken, bleeding
    DANGER_FROM_OTHERS = "danger_from_others"  # domestic violence, threats, held, hiding; a child at risk
    HARM_TO_OTHERS = "harm_to_others"  # intent or fear of hurting someone else, a weapon ready


@dataclass(frozen=True)
class CrisisHit:
    kind: CrisisKind
    phrase: str  # the list entry that matched, never the client's own words


_SEVERITY = {kind: rank for rank, kind in enumerate(CrisisKind)}
MAX_GAP = 3  # other words allowed between two words of a pattern: "wil echt niet meer leven"
_LOOKBACK = 3  # words before a match searched for a negation
# "nee" is left out on purpose: it answers a question ("nee, ik wil gewoon dood") rather than
# negating what follows, and chat often drops the subject ("nee wil dood").
_NEGATION_WORDS = "niet geen nooit"
# A negation does not reach across a new subject or conjunction: "ik kan niet meer ik wil dood".
_CLAUSE_WORDS = "ik jij je hij zij ze wij we jullie maar want dus omdat en"
_CLAUSE_MARK = "."  # a word of its own for , . ! ? ; : and line breaks (_CHARS and _MARKS spell it out)

_COMBINING = "".join(map(chr, range(0x300, 0x370)))  # accents once NFKD has split them off
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_HYPHEN = re.compile(r"-(?<=[a-z0-9]-)(?=[a-z0-9])")  # literal first: the engine skips ahead to each "-"
_MARKS = re.compile(r" \. \.(?: \.)*")  # literal first, for speed
_FINAL_DT = re.compile(r"dt\b")
_SECTION = re.compile(r"\[(\w+)\]")
_DOUBLES = tuple(letter * 2 for letter in "abcdefghijklmnopqrstuvwxyz")
# One-to-one (or deleting) ASCII tables keep str.translate on its fast path.
_CHARS = str.maketrans(
    {chr(c): "." if chr(c) in ".!?,;:\n" else " " for c in range(128) if not chr(c).isalnum()}
    | {"'": None, "`": None}
)
# ’ and ´ for an apostrophe, ‐ and ‑ for a hyphen.
_UNICODE_QUIRKS = {"\u2018": "", "\u2019": "", "\u00b4": "", "\u2010": "-", "\u2011": "-"}


def _prepare(text: str) -> str:
    """Lower case, no accents, y/ij as ei, punctuation as spaces and clause marks; words not yet folded."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)  # suïcide -> suici\u0308de, "…" -> "..."
        for quirk, plain in _UNICODE_QUIRKS.items():
            if quirk in text:
                text = text.replace(quirk, plain)
        # Accents go; emoji and other scripts separate words.
        text = _NON_ASCII.sub(lambda run: " " if run[0].strip(_COMBINING) else "", text)
    if "-" in text:
        text = _HYPHEN.sub("", text)  # zelfmoord-gedachten
    # m'n -> mn; y, ij and ei sound alike and chat mixes them.
    text = text.replace("y", "ij").replace("ij", "ei").translate(_CHARS).replace(".", f" {_CLAUSE_MARK} ")
    return _MARKS.sub(f" {_CLAUSE_MARK}", " ".join(text.split()))


def _fold_words(words: Iterable[str]) -> list[str]:
    """Any run of one letter counts once and a final dt is d, on the list and the message alike.

    Folding both sides the same way matches "doooood" to "dood" (both "dod") without a dictionary
    and keeps Dutch double letters comparable; "wordt" for "word" is the commonest dt slip.
    """
    text = " ".join(words)
    for double in _DOUBLES:  # str.replace beats a backreference regex by about 2x here
        while double in text:
            text = text.replace(double, double[0])
    return _FINAL_DT.sub("d", text).split(" ")


def _fold_text(text: str) -> list[str]:
    return _fold_words(_prepare(text).split())


_NEGATIONS = frozenset(_fold_text(_NEGATION_WORDS))


@dataclass(frozen=True)
class _Pattern:
    kind: CrisisKind | None  # None: an [ignore] entry
    phrase: str
    regex: re.Pattern[str]
    head: str  # fixed start of the first word: some message word must start with it
    literals: frozenset[str]  # fixed text of the other words: each must occur in the message
    words: int
    weight: int  # letters of fixed text: "wil me dood" beats "wil dood"; "zelf moord" ties "zelfmoord"
    negations: int  # negation words inside the pattern itself ("niet meer leven")


class _Index:
    """Finds the patterns whose fixed text all occurs in a message: dict and substring checks that
    spare almost every regex run, since most messages contain no crisis words at all."""

    def __init__(self, patterns: Iterable[_Pattern]) -> None:
        self.patterns = tuple(patterns)
        self._by_head: dict[str, list[int]] = {}
        for number, pattern in enumerate(self.patterns):
            self._by_head.setdefault(pattern.head, []).append(number)
        # Heads by their first two letters, so each message word is compared with a handful of heads.
        self._heads: dict[str, list[str]] = {}
        for head in self._by_head:
            self._heads.setdefault(head[:2], []).append(head)

    def candidates(self, vocabulary: set[str], joined: str) -> list[_Pattern]:
        """`vocabulary`: the message's words; `joined`: the same words joined by spaces."""
        numbers: list[int] = []
        for word in vocabulary:
            for head in self._heads.get(word[:2], ()):
                if word.startswith(head):
                    numbers.extend(self._by_head[head])
        found: dict[str, bool] = {}
        out = []
        for number in sorted(set(numbers)):  # list order breaks ties between equal hits
            pattern = self.patterns[number]
            for literal in pattern.literals:
                present = found.get(literal)
                if present is None:
                    present = found[literal] = literal in joined
                if not present:
                    break
            else:
                out.append(pattern)
        return out


@dataclass(frozen=True)
class _Lexicon:
    patterns: _Index
    ignores: _Index
    respell_one: dict[str, str]  # folded word -> folded word(s), space separated
    respell_two: dict[str, str]  # " word word " -> " word "
    clause_words: frozenset[str]


def _word_regex(word: str, wildcard: bool, first: bool) -> tuple[str, str]:
    """(regex, fixed text) for one folded pattern word."""
    fixed, rest = word, ""
    if wildcard:
        rest = "[a-z0-9]*"
    elif len(word) >= 4 and word.endswith("en"):  # chat drops the final n: "zitte", "leve"
        fixed, rest = word[:-1], "n?"
    # The first word must start a message word. Checked after the fixed text, not before, so the
    # regex opens with a literal and the engine can jump to candidates instead of trying every position.
    start = rf"(?<![a-z0-9]{re.escape(fixed)})" if first else ""
    return re.escape(fixed) + start + rest, fixed


def _compile(
    kind: CrisisKind | None, phrase: str, lex_one: dict[str, str], lex_two: dict[str, str]
) -> _Pattern:
    words: list[str] = []
    wild: list[bool] = []
    for token in phrase.split():
        stem = token.removesuffix("*")
        prepared = _prepare(stem).split()
        if len(prepared) != 1 or not prepared[0].isalnum():
            raise ValueError(f"crisis list: bad word {token!r} in {phrase!r}")
        folded = _fold_words(prepared)[0]
        spelled = [folded] if stem != token else lex_one.get(folded, folded).split()
        words.extend(spelled)
        wild.extend([False] * (len(spelled) - 1) + [stem != token])
    # Respell the list like the message, so "slaat mij" and "slaat me" meet in the middle.
    i = 0
    while i < len(words) - 1:
        joined = None if wild[i] or wild[i + 1] else lex_two.get(f" {words[i]} {words[i + 1]} ")
        if joined is not None:
            words[i : i + 2] = [joined.strip()]
            del wild[i + 1]
        i += 1
    parts = [_word_regex(word, is_wild, i == 0) for i, (word, is_wild) in enumerate(zip(words, wild))]
    if len(parts[0][1]) < 2:
        raise ValueError(f"crisis list: {phrase!r} must start with a word of two letters or more")
    gap = 0 if kind is None else MAX_GAP
    # Between words: no space (typed together), one space, or a few other words (lazily: tight spans).
    sep = " ?" if gap == 0 else rf"(?: ?| (?:[^ ]+ ){{1,{gap}}}?)"
    tail = "" if wild[-1] else "(?![a-z0-9])"
    return _Pattern(
        kind=kind,
        phrase=phrase,
        regex=re.compile(sep.join(regex for regex, _ in parts) + tail),
        head=parts[0][1],
        literals=frozenset(fixed for _, fixed in parts[1:]),
        words=len(words),
        weight=sum(len(fixed) for _, fixed in parts),
        negations=sum(word in _NEGATIONS for word in words),
    )


def _parse(text: str) -> _Lexicon:
    sections: dict[str, list[str]] = {"spelling": [], "ignore": [], **{kind.value: [] for kind in CrisisKind}}
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        header = _SECTION.fullmatch(line)
        if header:
            if header[1] not in sections:
                raise ValueError(f"crisis list line {number}: unknown section [{header[1]}]")
            current = sections[header[1]]
        elif current is None:
            raise ValueError(f"crisis list line {number}: entry before any [section]")
        else:
            current.append(line)

    one: dict[str, str] = {}
    two: dict[str, str] = {}
    for entry in sections["spelling"]:
        variant, sep, standard = entry.partition("=")
        source, target = _fold_text(variant), _fold_text(standard)
        if not sep or not 1 <= len(source) <= 2 or not 1 <= len(target) <= 3 - len(source):
            raise ValueError(f"crisis list: bad spelling {entry!r}: 'word = word(s)' or 'two words = word'")
        if len(source) == 1:
            one[source[0]] = " ".join(target)
        else:
            two[f" {source[0]} {source[1]} "] = f" {target[0]} "

    return _Lexicon(
        patterns=_Index(_compile(kind, phrase, one, two) for kind in CrisisKind for phrase in sections[kind]),
        ignores=_Index(_compile(None, phrase, one, two) for phrase in sections["ignore"]),
        respell_one=one,
        respell_two=two,
        # Respelled too: the message's words are, by the time negation is checked.
        clause_words=frozenset(one.get(word, word) for word in _fold_text(_CLAUSE_WORDS)),
    )


@cache
def _lexicon() -> _Lexicon:
    return _parse(files("bot.domain").joinpath("data", "crisis_nl.txt").read_text(encoding="utf-8"))


def _normalise(text: str, lex: _Lexicon) -> tuple[str, set[str]]:
    """The message as folded, respelled words joined by single spaces, and the set of those words."""
    tokens = _prepare(text).split(" ")
    unique = list(set(tokens))  # fold each distinct word once: chat repeats words a lot
    spelled = {word: lex.respell_one.get(folded, folded) for word, folded in zip(unique, _fold_words(unique))}
    line = " ".join(map(spelled.__getitem__, tokens))
    vocabulary = set(spelled.values())
    for words in [words for words in vocabulary if " " in words]:  # "ikwil" -> "ik wil"
        vocabulary.update(words.split(" "))
    padded = f" {line} "
    for pair, joined in lex.respell_two.items():
        if pair in padded:  # "me zelf" -> "mezelf"
            vocabulary.add(joined.strip())
        while pair in padded:  # a loop, as replace() skips pairs that share a space: "me zelf me zelf"
            padded = padded.replace(pair, joined)
    return padded.strip(), vocabulary


def _negated(lex: _Lexicon, pattern: _Pattern, words: list[str], first: int, last: int) -> bool:
    """A negation just before or inside the match cancels it, unless the pattern has its own.

    Not one right after it: "ik kan het krassen niet laten" is still a crisis, so "hij slaat me niet"
    gets a needless crisis reply instead.
    """
    inside = sum(word in _NEGATIONS for word in words[first : last + 1])
    if inside > pattern.negations:  # "ik wil niet dood" against "wil dood"
        return True
    if pattern.negations:  # "ik wil niet meer leven": the negation is the crisis
        return False
    at = first
    for _ in range(_LOOKBACK):  # "ik denk niet aan zelfmoord", but not across "," or a new subject
        if words[at] in lex.clause_words:
            return False
        at -= 1
        if at < 0 or words[at] == _CLAUSE_MARK:
            return False
        if words[at] in _NEGATIONS:
            return True
    return False


def detect(text: str) -> CrisisHit | None:
    """The most specific crisis phrase in `text`, or None.

    Whole sentences are searched, so "ik wil... gewoon dood" matches "wil dood" across the dots;
    only negation stops at punctuation.

    Preference: the entry with the most fixed letters, then the fewest words skipped inside the
    match, then the order of CrisisKind (suicide first), then the earliest position.
    """
    lex = _lexicon()
    line, vocabulary = _normalise(text, lex)
    joined = " ".join(vocabulary)
    candidates = lex.patterns.candidates(vocabulary, joined)
    if not candidates:
        return None
    ignored = [m.span() for p in lex.ignores.candidates(vocabulary, joined) for m in p.regex.finditer(line)]
    words: list[str] = []  # split only once something matched
    best: tuple[tuple[int, int, int, int], CrisisKind, str] | None = None
    for pattern in candidates:
        assert pattern.kind is not None
        for match in pattern.regex.finditer(line):
            begin, end = match.span()
            if any(begin < stop and start < end for start, stop in ignored):
                continue  # "zelfmoordpreventie", "lach me dood"
            words = words or line.split(" ")
            first, last = line.count(" ", 0, begin), line.count(" ", 0, end)  # words are one space apart
            if _negated(lex, pattern, words, first, last):
                continue
            key = (-pattern.weight, max(0, last - first + 1 - pattern.words), _SEVERITY[pattern.kind], first)
            if best is None or key < best[0]:
                best = (key, pattern.kind, pattern.phrase)
    return None if best is None else CrisisHit(kind=best[1], phrase=best[2])
