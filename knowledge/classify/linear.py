"""The linear half of the classifier: an averaged multiclass perceptron with a margin over the Naive Bayes features.

Pure Python, because the model is small and `flask triage` start-up should not pay for importing numpy. Training
is deterministic (a fixed shuffle seed) and only visits the classes an example gets wrong, so it takes a fraction of
a second per epoch. The input is the Naive Bayes vector with the same length cap (`logistic.cap`), so the linear
scores are linear in the same scaled vector and the two models fold into one table (see `Classifier._build`):
classifying an ensemble costs what classifying the Naive Bayes alone does, and a mail with few known words has a
small vector and so small scores, which keeps its confidence low.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from operator import mul

EPOCHS = 12
MARGIN = 2.0  # an example counts as wrong until its own class leads by this much (chosen by cross-validation)
SEED = 13
PRUNE = 1e-3  # weights closer to zero than this are dropped: they change no score visibly and fill the cache
DIGITS = 4  # stored precision, so the cache compresses well


def train(data: Sequence[tuple[dict[str, float], int]], n_classes: int) -> dict[str, list[float]]:
    """Averaged perceptron weights, feature -> one weight per class (pruned and rounded).

    Updates on a margin violation move the gold class towards the example and the best wrong class away from it;
    the average over all steps is returned, which generalises like a regularised linear SVM.
    """
    weights: list[dict[str, float]] = [{} for _ in range(n_classes)]
    summed: list[dict[str, float]] = [{} for _ in range(n_classes)]  # step-weighted updates, for the average
    order = list(range(len(data)))
    rng = random.Random(SEED)
    step = 1
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for i in order:
            feats, gold = data[i]
            keys, values = list(feats), list(feats.values())
            scores = [sum(map(mul, values, map(w.get, keys, [0.0] * len(keys)))) for w in weights]
            rival = max((c for c in range(n_classes) if c != gold), key=scores.__getitem__)
            if scores[gold] - scores[rival] < MARGIN:
                for cls, sign in ((gold, 1.0), (rival, -1.0)):
                    w, s = weights[cls], summed[cls]
                    for k, v in zip(keys, values, strict=True):
                        w[k] = w.get(k, 0.0) + sign * v
                        s[k] = s.get(k, 0.0) + sign * step * v
            step += 1
    out: dict[str, list[float]] = {}
    for cls in range(n_classes):
        w, s = weights[cls], summed[cls]
        for k, v in w.items():
            avg = v - s[k] / step
            if abs(avg) >= PRUNE:
                out.setdefault(k, [0.0] * n_classes)[cls] = round(avg, DIGITS)
    return out


def scores(weights: dict[str, list[float]], feats: dict[str, float], n_classes: int) -> list[float]:
    """Linear scores of an (already capped) vector."""
    total = [0.0] * n_classes
    for k, v in feats.items():
        row = weights.get(k)
        if row is not None:
            for c in range(n_classes):
                total[c] += v * row[c]
    return total
