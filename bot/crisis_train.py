"""`houvast crisis-train`: train the crisis detector's second opinion (bot/domain/crisis/model.py).

Needs scikit-learn (`pip install -e '.[train]'`); the bot itself does not. Reads the development part of the
labelled set only. The threshold is chosen by cross-validation across writers: the set is written by
several independent writers (`# writer: x` lines in the file), and each writer's messages are scored by a
model trained on the others, which is how well the model does on phrasings it has never seen.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.crisis_eval import Example, read
from bot.domain.crisis.model import Model, _Vectorizer, model_text

CHAR_RANGE = (2, 5)
WORD_RANGE = (1, 2)
C = 4.0
MIN_PRECISION = 0.94  # the model alone: the term list adds recall and some false alarms of its own
CHECKS = 12
THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(13)]  # 0.30 ... 0.90


def writers(path: Path) -> list[str]:
    """The writer of each example, from the `# writer: x` lines that start each writer's block."""
    out, current = [], "?"
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("# writer:"):
            current = raw.split(":", 1)[1].strip()
        elif raw.strip() and not raw.startswith("#"):
            out.append(current)
    return out


def _label(example: Example) -> str:
    return example.label.value if example.label is not None else "none"


def fit(examples: Sequence[Example], *, threshold: float, trained_on: str = "") -> Model:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [model_text(e.text) for e in examples]
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_RANGE, min_df=2, sublinear_tf=True)
    word = TfidfVectorizer(analyzer="word", ngram_range=WORD_RANGE, min_df=2, sublinear_tf=True)
    from scipy.sparse import hstack

    matrix = hstack([char.fit_transform(texts), word.fit_transform(texts)]).tocsr()
    labels = [_label(e) for e in examples]
    classifier = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(matrix, labels)
    classes = [str(c) for c in classifier.classes_]
    coef = classifier.coef_  # (classes, features)
    vectorizers = []
    offset = 0
    for vectorizer, analyzer, (low, high) in ((char, "char_wb", CHAR_RANGE), (word, "word", WORD_RANGE)):
        vocabulary = vectorizer.vocabulary_
        size = len(vocabulary)
        vectorizers.append(_Vectorizer(
            analyzer, low, high, {str(g): int(i) for g, i in vocabulary.items()},
            np.asarray(vectorizer.idf_, dtype=float), np.asarray(coef[:, offset : offset + size].T, dtype=float),
        ))
        offset += size
    model = Model(classes, np.asarray(classifier.intercept_, dtype=float), vectorizers, threshold, trained_on)
    # scikit-learn's own probabilities for a few messages: tests check that NumPy scoring gives the same.
    samples = [e.text for e in examples[:: max(1, len(examples) // CHECKS)]][:CHECKS]
    sample_matrix = hstack(
        [char.transform([model_text(t) for t in samples]), word.transform([model_text(t) for t in samples])]
    )
    model.checks = [
        (t, float(p)) for t, p in zip(samples, classifier.predict_proba(sample_matrix)[:, classes.index("none")])
    ]
    return model


@dataclass(frozen=True)
class Fold:
    threshold: float
    recall: float
    precision: float


def cross_validate(examples: Sequence[Example], groups: Sequence[str]) -> list[Fold]:
    """Leave one writer out: P(crisis) of every message from a model that never saw its writer."""
    scores = np.zeros(len(examples))
    for writer in sorted(set(groups)):
        train = [e for e, g in zip(examples, groups) if g != writer]
        model = fit(train, threshold=0.5)
        for i, (example, group) in enumerate(zip(examples, groups)):
            if group == writer:
                scores[i] = model.judge(example.text)[0]
    truth = np.asarray([e.label is not None for e in examples])
    folds = []
    for threshold in THRESHOLDS:
        flagged = scores >= threshold
        hits = int((flagged & truth).sum())
        folds.append(Fold(threshold, hits / max(int(truth.sum()), 1), hits / max(int(flagged.sum()), 1)))
    return folds


def choose(folds: Sequence[Fold]) -> Fold:
    """The lowest threshold at which the model alone keeps MIN_PRECISION across writers."""
    good = [f for f in folds if f.precision >= MIN_PRECISION]
    return min(good, key=lambda f: f.threshold) if good else max(folds, key=lambda f: f.precision)


def train(dev: Path) -> tuple[Model, list[Fold], Fold]:
    examples = read(dev)
    groups = writers(dev)
    if len(groups) != len(examples):
        raise ValueError(f"{dev}: every example needs a '# writer:' line above its block")
    folds = cross_validate(examples, groups)
    chosen = choose(folds)
    return fit(examples, threshold=chosen.threshold, trained_on=f"{dev.name}: {len(examples)} messages"), folds, chosen
