"""A second opinion learned from examples: for crisis messages the term list does not cover.

A logistic regression over character and word n-grams (TF-IDF), trained with scikit-learn by
`houvast crisis-train` on the development part of the labelled set (tests/crisis/dev.tsv, never the test
part) and stored as plain numbers in data/crisis_model.json.gz. Scoring needs only NumPy: the n-grams are
counted exactly as scikit-learn's TfidfVectorizer counts them (analyzer "char_wb" and "word"), so the
probabilities here are the trained model's own.

The text is normalised with the detector's own steps (lower case, no accents, folded letters), not with the
term list's spellings, so the list can change without retraining.
"""
from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bot.domain.crisis.normalise import fold, prepare

if TYPE_CHECKING:
    import numpy as np  # imported where a model is read or scores: NumPy loads with the detector, not at start-up

_WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


def model_text(text: str) -> str:
    """What the model reads: the normalised words and marks, one space apart."""
    return " ".join(fold(prepare(text)))


def char_wb_ngrams(text: str, low: int, high: int) -> Counter:
    """Character n-grams inside word boundaries, each word padded with a space (scikit-learn's "char_wb").
    Counted once per distinct word and multiplied: a long message repeats its words a lot."""
    grams: Counter = Counter()
    for word, times in Counter(text.split()).items():
        for gram, count in _word_grams(word, low, high).items():
            grams[gram] += count * times
    return grams


@lru_cache(maxsize=20_000)
def _word_grams(word: str, low: int, high: int) -> Counter:
    grams: Counter = Counter()
    padded = f" {word} "
    size = len(padded)
    for n in range(low, high + 1):
        offset = 0
        grams[padded[offset : offset + n]] += 1
        while offset + n < size:
            offset += 1
            grams[padded[offset : offset + n]] += 1
        if offset == 0:  # a word shorter than n counts once
            break
    return grams


def word_ngrams(text: str, low: int, high: int) -> Counter:
    tokens = _WORD.findall(text)
    grams: Counter = Counter()
    for n in range(low, high + 1):
        for i in range(len(tokens) - n + 1):
            grams[" ".join(tokens[i : i + n])] += 1
    return grams


@dataclass
class _Vectorizer:
    analyzer: str  # "char_wb" or "word"
    low: int
    high: int
    index: dict[str, int]  # n-gram -> row in `idf` and `weights`
    idf: np.ndarray
    weights: np.ndarray  # rows: features, columns: classes

    def grams(self, text: str) -> Counter:
        if self.analyzer == "char_wb":
            return char_wb_ngrams(text, self.low, self.high)
        return word_ngrams(text, self.low, self.high)

    def scores(self, text: str) -> np.ndarray:
        """This vectorizer's share of the class scores: TF-IDF with 1 + log(tf), L2-normalised, times weights."""
        import numpy as np

        rows, counts = [], []
        for gram, count in self.grams(text).items():
            row = self.index.get(gram)
            if row is not None:
                rows.append(row)
                counts.append(count)
        if not rows:
            return np.zeros(self.weights.shape[1])
        values = (1.0 + np.log(np.asarray(counts, dtype=float))) * self.idf[rows]
        return values @ self.weights[rows] / math.sqrt(float(values @ values))


@dataclass
class Model:
    classes: list[str]  # "none" and the crisis kinds
    intercepts: np.ndarray
    vectorizers: list[_Vectorizer]
    threshold: float  # P(crisis) from which the model alone flags a message
    trained_on: str
    checks: list[tuple[str, float]] = field(default_factory=list)  # (text, P(none) by scikit-learn)

    def probabilities(self, text: str) -> dict[str, float]:
        import numpy as np

        normalised = model_text(text)
        scores = self.intercepts + sum(v.scores(normalised) for v in self.vectorizers)
        scores = np.exp(scores - scores.max())
        return dict(zip(self.classes, (scores / scores.sum()).tolist()))

    def judge(self, text: str) -> tuple[float, str]:
        """(probability that the message needs the safety message, the most likely crisis kind)."""
        probabilities = self.probabilities(text)
        crisis = 1.0 - probabilities["none"]
        kind = max((c for c in self.classes if c != "none"), key=probabilities.__getitem__)
        return crisis, kind


def to_json(model: Model) -> dict[str, Any]:
    return {
        "format": 1,
        "trained_on": model.trained_on,
        "threshold": model.threshold,
        "classes": model.classes,
        "intercepts": [float(x) for x in model.intercepts],
        "checks": [[text, p] for text, p in model.checks],
        "vectorizers": [
            {
                "analyzer": v.analyzer, "ngram_range": [v.low, v.high],
                "features": {gram: [round(float(v.idf[row]), 6), *(round(float(w), 6) for w in v.weights[row])]
                             for gram, row in sorted(v.index.items())},
            }
            for v in model.vectorizers
        ],
    }


def from_json(data: dict[str, Any]) -> Model:
    if data.get("format") != 1:
        raise ValueError("crisis model: unknown format")
    import numpy as np

    vectorizers = []
    for raw in data["vectorizers"]:
        grams = list(raw["features"])
        table = np.asarray([raw["features"][g] for g in grams], dtype=float).reshape(len(grams), -1)
        vectorizers.append(_Vectorizer(raw["analyzer"], raw["ngram_range"][0], raw["ngram_range"][1],
                                       {g: i for i, g in enumerate(grams)}, table[:, 0].copy(), table[:, 1:].copy()))
    return Model(list(data["classes"]), np.asarray(data["intercepts"], dtype=float), vectorizers,
                 float(data["threshold"]), str(data.get("trained_on", "")),
                 [(str(t), float(p)) for t, p in data.get("checks", [])])


def load(raw: bytes) -> Model:
    return from_json(json.loads(gzip.decompress(raw)))


def dump(model: Model) -> bytes:
    return gzip.compress(json.dumps(to_json(model), ensure_ascii=False, separators=(",", ":")).encode(), mtime=0)
