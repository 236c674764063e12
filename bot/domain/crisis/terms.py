"""The term list: crisis phrases per kind, harmless look-alikes, chat spellings, emoji and word groups.

Read from data/crisis_nl.txt (format explained at its top). Patterns are compiled once into regular
expressions over a message's folded words, and an index finds the few patterns whose fixed text occurs in a
message, so most messages cost a few dictionary look-ups and no regex at all.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.crisis.normalise import MARKS, fold, fold_text, prepare
from bot.domain.crisis.termfile import GROUP, emoji_lines, expand, group_lines, sections, spelling_lines

NUMBER = "%"  # a phrase word that stands for a number of two digits or more: "% pillen"
MAX_GAP = 3
GLUED_MIN, GLUED_MAX = 11, 60
# Words typed without spaces are split into known words within these lengths.
GLUED_STARTS = frozenset(fold_text("ik hij zij ze mijn me wij we jij je dit het er"))
# Short everyday words the list does not spell out, so that "ikhoopdatiknietmeerwakkerword" can be split; also
# the other words allowed between two words of a phrase: "wil echt niet meer leven".
COMMON_WORDS = (
    "ik je jij hij zij ze we wij u het de een en of dat die dit is ben bent zijn was heb heeft hebben had wil "
    "wou ga gaat gaan kan kun moet mag zal zou niet geen nooit meer nog al ook maar want dus als dan toen "
    "hoop denk voel weet zeg doe wordt word worden naar van voor met bij op in uit aan om te tot over door "
    "me mij mezelf mijn hem haar ons jullie hun er hier daar nu vandaag morgen gewoon echt heel zo klaar "
    "help hulp pillen genomen leven dood doodgaan sterven slaat slaan snijden krassen wakker plegen zelfmoord"
)
# Words that tie a phrase to the writer: "ik wil dood" is about the writer even after "mijn zus zei:".
SELF_WORDS = frozenset(fold_text("ik me mij mezelf mijn we wij ons onze"))
NEGATIONS = frozenset(fold_text("niet geen nooit niemand niks niets"))
PAST_WORDS = frozenset(fold_text("vroeger ooit destijds"))  # inside a match: "ik heb mij vroeger gesneden"


class CrisisKind(StrEnum):
    """What the message is about; each kind has its own help (see `bot.render.text.safety_text`).
    The order is the order of severity used to break ties between equally specific matches."""

    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    ACUTE_DANGER = "acute_danger"  # danger to self right now: a roof, an overdose taken, bleeding
    DANGER_FROM_OTHERS = "danger_from_others"  # domestic violence, threats, held, hiding; a child at risk
    HARM_TO_OTHERS = "harm_to_others"  # intent or fear of hurting someone else, a weapon ready


@dataclass(frozen=True)
class Pattern:
    kind: CrisisKind | None  # None: an [ignore] entry
    phrase: str  # the line in the list, for the hit and for people who maintain the list
    source: str  # the regular expression, compiled on first use (`regex`): most phrases never meet a message
    head: str  # fixed start of the first word: some message word must start with it
    literals: frozenset[str]  # fixed text of the other words: each must occur in the message
    words: int
    weight: int  # letters of fixed text: "wil me dood" beats "wil dood"; "zelf moord" ties "zelfmoord"
    about_self: bool  # the phrase itself names the writer (ik, me, mijn): "someone else" does not undo it
    negations: int  # negation words inside the phrase itself ("niet meer leven")

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.source)


_COMPILED: dict[str, re.Pattern[str]] = {}


def _compiled(source: str) -> re.Pattern[str]:
    """Compiling all ~2,000 phrases takes most of a second; compiling the few a message needs takes nothing."""
    pattern = _COMPILED.get(source)
    if pattern is None:
        pattern = _COMPILED[source] = re.compile(source)
    return pattern


class Index:
    """Finds the patterns whose fixed text all occurs in a message: dict and substring checks that
    spare almost every regex run, since most messages contain no crisis words at all."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        self.patterns = tuple(patterns)
        self._by_head: dict[str, list[int]] = {}
        self._numbered: list[int] = []  # phrases that start with a number ("% pillen")
        for number, pattern in enumerate(self.patterns):
            if pattern.head:
                self._by_head.setdefault(pattern.head, []).append(number)
            else:
                self._numbered.append(number)
        # Heads by their first two letters, so each message word is compared with a handful of heads.
        self._heads: dict[str, list[str]] = {}
        for head in self._by_head:
            self._heads.setdefault(head[:2], []).append(head)

    def candidates(self, vocabulary: set[str], joined: str) -> list[Pattern]:
        """`vocabulary`: the message's words; `joined`: the same words joined by spaces."""
        numbers: set[int] = set()
        if self._numbered and any(word[:1].isdigit() for word in vocabulary):
            numbers.update(self._numbered)
        for word in vocabulary:
            for head in self._heads.get(word[:2], ()):
                if word.startswith(head):
                    numbers.update(self._by_head[head])
        found: dict[str, bool] = {}
        out = []
        for number in sorted(numbers):  # list order breaks ties between equal hits
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
class Lexicon:
    patterns: Index
    ignores: Index
    respell_one: dict[str, str]  # folded word -> folded word(s), space separated
    respell_two: dict[str, str]  # " word word " -> " word "
    emoji: dict[str, str]  # emoji -> plain words, before folding
    groups: dict[str, list[str]]  # @name -> its phrases
    vocabulary: frozenset[str]  # every whole word of the list, folded: for splitting "ikwilnietmeerleven"


def _word_regex(word: str, wildcard: bool, first: bool) -> tuple[str, str]:
    """(regex, fixed text) for one folded pattern word."""
    if word == NUMBER:  # a phrase that starts with a number is tried on every message with a digit in it
        return ("(?<![a-z0-9])" if first else "") + "[1-9][0-9]+", ""  # 10 and up: "30 pillen", not "2 paracetamol"
    fixed, rest = word, ""
    if wildcard:
        rest = "[a-z0-9]*"
    elif len(word) >= 4 and word.endswith("en"):  # chat drops the final n: "zitte", "leve"
        fixed, rest = word[:-1], "n?"
    # The first word must start a message word. Checked after the fixed text, not before, so the
    # regex opens with a literal and the engine can jump to candidates instead of trying every position.
    start = rf"(?<![a-z0-9]{re.escape(fixed)})" if first else ""
    return re.escape(fixed) + start + rest, fixed


def _words(text: str, lex_one: dict[str, str], lex_two: dict[str, str]) -> tuple[list[str], list[bool]]:
    """Folded, respelled words of a run of plain words, and which ones end in a wildcard."""
    words: list[str] = []
    wild: list[bool] = []
    for token in text.split():
        if token == NUMBER:
            words.append(NUMBER)
            wild.append(False)
            continue
        stem = token.removesuffix("*")
        prepared = prepare(stem)
        if len(prepared) != 1 or not prepared[0].isalnum():
            raise ValueError(f"crisis list: bad word {token!r} in {text!r}")
        folded = fold(prepared)[0]
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
    return words, wild


@dataclass(frozen=True)
class _Slot:
    regex: str
    fixed: str  # text every match of this slot contains ("" for a group of alternatives)
    weight: int
    words: int
    about_self: bool
    negations: int
    wild_end: bool


def _word_slot(word: str, wild: bool, first: bool) -> _Slot:
    regex, fixed = _word_regex(word, wild, first)
    return _Slot(regex, fixed, len(fixed), 1, word in SELF_WORDS, int(word in NEGATIONS), wild)


def _group_slot(name: str, options: list[str], lex_one: dict[str, str], lex_two: dict[str, str]) -> _Slot:
    """@name inside a phrase: one regex alternation of its phrases (each a run of adjacent words)."""
    runs = []
    for option in options:
        words, wild = _words(option, lex_one, lex_two)
        parts = [_word_regex(word, is_wild, False) for word, is_wild in zip(words, wild)]
        runs.append((" ".join(regex for regex, _ in parts) + ("" if wild[-1] else "(?![a-z0-9])"),
                     sum(len(fixed) for _, fixed in parts), len(words), any(w in SELF_WORDS for w in words)))
    runs.sort(key=lambda run: -len(run[0]))  # longer alternatives first: "dood gaan" before "dood"
    return _Slot(
        regex="(?:" + "|".join(run[0] for run in runs) + ")",
        fixed="",
        weight=min(run[1] for run in runs),
        words=min(run[2] for run in runs),
        about_self=all(run[3] for run in runs),
        negations=0,
        wild_end=True,  # each alternative carries its own word end
    )


def _compile(
    kind: CrisisKind | None, phrase: str, lex_one: dict[str, str], lex_two: dict[str, str],
    groups: dict[str, list[str]],
) -> Pattern:
    slots: list[_Slot] = []
    for i, piece in enumerate(GROUP.split(phrase)):  # text, group name, text, group name, ...
        if i % 2:
            if not slots:
                raise ValueError(f"crisis list: {phrase!r} must start with a word, not a @group")
            slots.append(_group_slot(piece, groups[piece], lex_one, lex_two))
        elif piece.strip():
            words, wild = _words(piece, lex_one, lex_two)
            slots += [_word_slot(w, is_wild, not slots and j == 0) for j, (w, is_wild) in enumerate(zip(words, wild))]
    if not slots or (len(slots[0].fixed) < 2 and slots[0].regex != _word_regex(NUMBER, False, True)[0]):
        raise ValueError(f"crisis list: {phrase!r} must start with a word of two letters or more")
    gap = 0 if kind is None else MAX_GAP
    # Between words: no space (typed together), one space, or a few other words (lazily: tight spans).
    # Words typed together are split before matching (`split_glued`), so a phrase never matches inside a word:
    # "de zee in" must not be found in "de therapie zijn ze" ("zijn" folds to "zein").
    # The skipped words never include a sentence end: "... stoppen met leven. ik stop met roken" is two thoughts.
    sep = " " if gap == 0 else rf" (?:[^ .]+ ){{0,{gap}}}?"
    tail = "" if slots[-1].wild_end else "(?![a-z0-9])"
    return Pattern(
        kind=kind,
        phrase=phrase,
        source=sep.join(slot.regex for slot in slots) + tail,
        head=slots[0].fixed,
        literals=frozenset(slot.fixed for slot in slots[1:] if slot.fixed),
        words=sum(slot.words for slot in slots),
        weight=sum(slot.weight for slot in slots),
        about_self=any(slot.about_self for slot in slots),
        negations=sum(slot.negations for slot in slots),
    )


def parse(text: str) -> Lexicon:
    sections_ = sections(text, [kind.value for kind in CrisisKind])
    emoji = emoji_lines(sections_["emoji"])
    one, two = spelling_lines(sections_["spelling"])
    groups = group_lines(sections_["groups"])

    def compiled(kind: CrisisKind | None, lines: list[str]) -> list[Pattern]:
        seen: set[str] = set()
        out = []
        for line in lines:
            for phrase in expand(line, groups):
                if phrase not in seen:
                    seen.add(phrase)
                    out.append(_compile(kind, phrase, one, two, groups))
        return out

    texts = [*sections_["ignore"], *(line for kind in CrisisKind for line in sections_[kind.value])]
    texts += [option for options in groups.values() for option in options] + list(one.values()) + [COMMON_WORDS]
    vocabulary = {
        word for text in texts for token in GROUP.sub(" ", text).split()
        if not token.endswith("*") and token != NUMBER for word in fold(prepare(token))
    }
    return Lexicon(
        patterns=Index(p for kind in CrisisKind for p in compiled(kind, sections_[kind.value])),
        ignores=Index(compiled(None, sections_["ignore"])),
        respell_one=one,
        respell_two=two,
        emoji=emoji,
        groups=groups,
        vocabulary=frozenset(w for w in vocabulary if len(w) >= 2 and w.isalpha()),
    )


def split_glued(token: str, vocabulary: frozenset[str]) -> list[str] | None:
    """"ikwilnietmeerleven" -> ik wil niet meer leven: the fewest known words that spell the whole token, or
    None. Only whole coverage from a subject on counts, so a compound ("zelfverwonding") stays one word."""
    n = len(token)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(2, n + 1):
        for start in range(max(0, end - 16), end - 1):
            before = best[start]
            shorter = best[end] is None or (before is not None and len(before) + 1 < len(best[end]))
            if before is not None and token[start:end] in vocabulary and shorter:
                best[end] = before + [token[start:end]]
    found = best[n]
    # Chat typed without spaces starts with a subject ("ikwil...", "hijslaatme"); a compound never does.
    return found if found is not None and len(found) >= 3 and found[0] in GLUED_STARTS else None


def normalise(text: str, lex: Lexicon) -> tuple[list[str], set[str]]:
    """The message as folded, respelled words (marks included), and the set of those words."""
    tokens = prepare(text, lex.emoji)
    unique = list(set(tokens))  # fold each distinct word once: chat repeats words a lot
    spelled = {word: lex.respell_one.get(folded, folded) for word, folded in zip(unique, fold(unique))}
    for word, folded in spelled.items():
        if GLUED_MIN <= len(folded) <= GLUED_MAX and folded.isalpha():
            split = split_glued(folded, lex.vocabulary)
            if split is not None:
                spelled[word] = " ".join(lex.respell_one.get(part, part) for part in split)
    words = " ".join(map(spelled.__getitem__, tokens))
    padded = f" {words} "
    for pair, joined in lex.respell_two.items():
        while pair in padded:  # a loop, as replace() skips pairs that share a space: "me zelf me zelf"
            padded = padded.replace(pair, joined)
    line = padded.split()
    return line, set(line) - MARKS


@dataclass(frozen=True)
class Match:
    pattern: Pattern
    first: int  # word positions in the normalised message, both included
    last: int
    negated_inside: bool  # a negation among the skipped words: "ik wil niet dood" against "wil dood"
    past_inside: bool  # "ik heb mij vroeger gesneden"


def find(line: list[str], vocabulary: set[str], lex: Lexicon) -> tuple[list[Match], bool]:
    """Every crisis phrase in the message that no harmless look-alike overlaps; and whether the message holds
    a look-alike at all ("ik lach me dood", "kraslot"), which makes the learned model's guess less likely."""
    joined = " ".join(vocabulary)
    candidates = lex.patterns.candidates(vocabulary, joined)
    look_alikes = lex.ignores.candidates(vocabulary, joined)
    if not candidates and not look_alikes:
        return [], False
    text = " ".join(line)
    ignored = sorted(m.span() for p in look_alikes for m in p.regex.finditer(text))
    if not candidates:
        return [], bool(ignored)  # "ik heb een kraslot gekocht": harmless, and the model need not guess
    ignored_starts = [start for start, _ in ignored]
    longest_ignored = max((stop - start for start, stop in ignored), default=0)
    starts = [0]
    for word in line[:-1]:
        starts.append(starts[-1] + len(word) + 1)
    # Running counts of negation and past words, so each match counts its own in constant time.
    negations, pasts = [0], [0]
    for word in line:
        negations.append(negations[-1] + (word in NEGATIONS))
        pasts.append(pasts[-1] + (word in PAST_WORDS))
    out = []
    for pattern in candidates:
        for match in pattern.regex.finditer(text):
            begin, end = match.span()
            # An [ignore] span that overlaps starts before `end` and no earlier than `begin - longest_ignored`.
            lo, hi = bisect_left(ignored_starts, begin - longest_ignored), bisect_left(ignored_starts, end)
            if any(ignored[i][1] > begin for i in range(lo, hi)):
                continue  # "zelfmoordpreventie", "lach me dood"
            first = bisect_right(starts, begin) - 1
            last = bisect_right(starts, end - 1) - 1
            out.append(Match(pattern, first, last, negations[last + 1] - negations[first] > pattern.negations,
                             pasts[last + 1] > pasts[first]))
    return out, bool(ignored)
