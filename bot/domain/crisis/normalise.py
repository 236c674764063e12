"""Chat Dutch to comparable words: the same steps for the word lists and for a client's message.

Lower case, no accents, y = ij = ei, leetspeak inside words (z3lfm00rd), spaced or dotted letters joined
(d o o d, z.e.l.f), any run of one letter counted once (doooood = dod = dood), a final dt as d
(wordt = word). Punctuation becomes two marks: SENTENCE for . ! and line breaks, PAUSE for , ; : ? (a question mark is a
pause: "of ik dood wil? nee" is one thought, and the "nee" answers it).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

SENTENCE = "."
PAUSE = ","
MARKS = frozenset((SENTENCE, PAUSE))

_COMBINING = "".join(map(chr, range(0x300, 0x370)))  # accents once NFKD has split them off
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_HYPHEN = re.compile(r"-(?<=[a-z0-9]-)(?=[a-z0-9])")  # literal first: the engine skips ahead to each "-"
_FINAL_DT = re.compile(r"dt\b")
_LEET = str.maketrans("013457@$", "oieastas")
_MIXED = re.compile(r"[a-z]*[0-9@$][a-z0-9@$]*")  # a word with a digit in it: leetspeak only beside letters
_DOUBLES = tuple(letter * 2 for letter in "abcdefghijklmnopqrstuvwxyz")
# One-to-one (or deleting) ASCII tables keep str.translate on its fast path.
_CHARS = str.maketrans(
    {chr(c): (" . " if chr(c) in ".!\n" else " , " if chr(c) in ",;:?" else " ")
     for c in range(128) if not chr(c).isalnum() and chr(c) not in "@$"}
    | {"'": None, "`": None}
)
# ’ and ´ for an apostrophe, ‐ and ‑ for a hyphen.
_UNICODE_QUIRKS = {"\u2018": "", "\u2019": "", "\u00b4": "", "\u2010": "-", "\u2011": "-"}


def _unleet(word: str) -> str:
    """z3lfm00rd -> zelfmoord, but 113, 0800 and 2e stay: digits count as letters only amid letters."""
    if word.isdigit() or sum(ch.isalpha() for ch in word) < 2:
        return word
    return word.translate(_LEET)


def prepare(text: str, emoji: dict[str, str] | None = None) -> list[str]:
    """Words and marks, lower case and without accents; not yet folded (see `fold`)."""
    text = text.casefold()
    if "..." in text:
        text = text.replace("...", ",")  # a pause, not the end of a thought: "ik wil... gewoon dood"
    if not text.isascii():
        if emoji:
            for sign, words in emoji.items():  # 🔪 -> mes, before the other symbols are dropped
                if sign in text:
                    text = text.replace(sign, f" {words} ")
        text = unicodedata.normalize("NFKD", text).replace("...", ",")  # suïcide -> suici\u0308de, "…" -> ","
        for quirk, plain in _UNICODE_QUIRKS.items():
            if quirk in text:
                text = text.replace(quirk, plain)
        # Accents go; emoji and other scripts separate words.
        text = _NON_ASCII.sub(lambda run: " " if run[0].strip(_COMBINING) else "", text)
    if "-" in text:
        text = _HYPHEN.sub("", text)  # zelfmoord-gedachten
    text = text.replace("y", "ij").replace("ij", "ei")  # y, ij and ei sound alike and chat mixes them
    if any(ch.isdigit() or ch in "@$" for ch in text):
        text = _MIXED.sub(lambda m: _unleet(m[0]), text)
    return _join_spelled_out(_collapse_marks(text.translate(_CHARS).split()))


def _collapse_marks(tokens: list[str]) -> list[str]:
    """"!!!" or ", ." count as one mark: the strongest of the run."""
    out: list[str] = []
    for token in tokens:
        if token in MARKS and (not out or out[-1] in MARKS):
            if out and token == SENTENCE:
                out[-1] = SENTENCE
            continue
        out.append(token)
    return out


def _join_spelled_out(tokens: list[str]) -> list[str]:
    """"d o o d" and "z.e.l.f.m.o.o.r.d" are one word: runs of three or more single letters, with or
    without marks between them, are joined."""
    if not any(len(token) == 1 and token.isalpha() for token in tokens):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        j, letters = i, []
        while j < len(tokens) and len(tokens[j]) == 1 and tokens[j].isalpha():
            letters.append(tokens[j])
            if j + 2 < len(tokens) and tokens[j + 1] in MARKS and len(tokens[j + 2]) == 1 and tokens[j + 2].isalpha():
                j += 2
            else:
                j += 1
        if len(letters) >= 3:
            out.append("".join(letters))
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return out


def fold(words: Iterable[str]) -> list[str]:
    """Any run of one letter counts once and a final dt is d, on the list and the message alike.

    Folding both sides the same way matches "doooood" to "dood" (both "dod") without a dictionary
    and keeps Dutch double letters comparable; "wordt" for "word" is the commonest dt slip.
    """
    text = " ".join(words)
    for double in _DOUBLES:  # str.replace beats a backreference regex by about 2x here
        while double in text:
            text = text.replace(double, double[0])
    return _FINAL_DT.sub("d", text).split(" ")


def fold_text(text: str, emoji: dict[str, str] | None = None) -> list[str]:
    return fold(prepare(text, emoji))


def data_lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of a word-list data file that say something: (line number, the line without its # comment),
    blank lines skipped."""
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if line:
            yield number, line
