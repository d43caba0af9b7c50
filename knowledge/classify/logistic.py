"""L2-regularised multinomial logistic regression over the classifier's features, fitted in pure Python.

Stochastic gradient descent with a fixed shuffle seed and a decaying step (Bottou's schedule for L2 SGD): the same
examples in the same order give bit for bit the same weights on every machine, and `flask triage` never imports
numpy. The weight decay is applied lazily through one scale factor, so a step costs only the example's features.
The input is the capped Naive Bayes vector, so its scores are linear in the same vector and its weights fold into
the Naive Bayes table (see `Classifier._build`): classifying with it costs nothing extra.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from operator import mul

EPOCHS = 12
L2 = 1e-4  # per-example regularisation strength (chosen by cross-validation on the training files)
ETA0 = 0.5  # first step size
SEED = 13
INTERCEPT = False
PRUNE = 1e-3  # weights closer to zero than this change no score visibly and only fill the stored file
DIGITS = 4  # stored precision, so the file stays small and compresses well


def cap(feats: dict[str, float], length_cap: float) -> dict[str, float]:
    """The vector scaled down to L2 mass `length_cap` when longer (as the Naive Bayes scores it)."""
    norm = math.sqrt(sum(v * v for v in feats.values()))
    if norm <= length_cap:
        return feats
    scale = length_cap / norm
    return {k: v * scale for k, v in feats.items()}


def train(data: Sequence[tuple[dict[str, float], int]], n_classes: int, *, l2: float = L2, epochs: int = EPOCHS,
          eta0: float = ETA0, intercept: bool = INTERCEPT) -> tuple[dict[str, list[float]], list[float]]:
    """(weights feature -> one weight per class, bias per class), pruned and rounded."""
    weights: dict[str, list[float]] = {}
    bias = [0.0] * n_classes
    scale = 1.0  # true weights are scale * stored ones (lazy weight decay)
    order = list(range(len(data)))
    rng = random.Random(SEED)
    classes = range(n_classes)
    exp = math.exp
    t = 0
    # Each example's feature rows, created once: the loop then touches only lists (map/zip/sum run in C).
    rows_of = []
    for feats, gold in data:
        rows = [weights.setdefault(k, [0.0] * n_classes) for k in feats]
        rows_of.append((rows, list(feats.values()), gold))
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            rows, values, gold = rows_of[i]
            eta = eta0 / (1.0 + l2 * eta0 * t)
            t += 1
            columns = zip(*rows, strict=True) if rows else ((),) * n_classes
            scores = [b + scale * sum(map(mul, values, col)) for b, col in zip(bias, columns, strict=True)]
            top = max(scores)
            exps = [exp(s - top) for s in scores]
            total = sum(exps)
            grad = [e / total for e in exps]
            grad[gold] -= 1.0
            scale *= 1.0 - eta * l2
            step = [eta * g / scale for g in grad]
            for row, v in zip(rows, values, strict=True):
                for c in classes:
                    row[c] -= step[c] * v
            if intercept:
                for c in classes:
                    bias[c] -= eta * grad[c]
            if scale < 1e-6:  # fold the scale in before the stored weights grow too large
                for row in weights.values():
                    row[:] = [w * scale for w in row]
                scale = 1.0
    out: dict[str, list[float]] = {}
    for k, row in weights.items():
        true = [round(scale * w, DIGITS) for w in row]
        if max(abs(w) for w in true) >= PRUNE:
            out[k] = true
    return out, [round(b, DIGITS) for b in bias]


def scores(weights: dict[str, list[float]], bias: Sequence[float], feats: dict[str, float]) -> list[float]:
    """Linear scores of an (already capped) vector."""
    total = list(bias)
    for k, v in feats.items():
        row = weights.get(k)
        if row is not None:
            for c in range(len(total)):
                total[c] += v * row[c]
    return total
