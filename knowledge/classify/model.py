"""Question classifier for helpdesk mail: category, calibrated confidence and a readable reason.

A weighted multinomial Naive Bayes over Dutch/English word, bigram, compound-part, cue and character
features (see `knowledge.classify.text`). It trains in one pass of counting, so rebuilding it with agent corrections
is cheap; a temperature fitted by cross-validation on the seed examples calibrates its probabilities.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import mul
from pathlib import Path

from knowledge import categories
from knowledge.classify.calibration import (
    MIN_SMOOTHING,
    calibrate,
    calibration_key,
    fit_logits,
    stored_temperature,
)
from knowledge.classify.examples import Example, load_examples
from knowledge.classify.text import Extracted, extract, word_features

# An agent's correction counts as a share of an average category's training mass, so it moves similar mail as
# much with 2,000 training examples as it did with 470; bounded, so one misclick cannot flip a whole topic.
CORRECTION_SHARE = 0.05
MIN_CORRECTION_WEIGHT = 5.0
MAX_CORRECTION_WEIGHT = 25.0
ALPHA = 0.5  # additive smoothing per feature (chosen by seed cross-validation)
LENGTH_CAP = 4.0  # long mails are scaled down to this L2 evidence mass, so length alone adds no confidence
FOLDS = 5
# Class prior damped towards uniform: the training files are balanced by design, real mail is not, and a new
# category with few examples must not lose on its prior alone (measured: no change on held-out or CV).
PRIOR_POWER = 0.5
_FORMAT = 1


@dataclass
class Classification:
    """Result of classifying one mail; `scores` holds a probability per category (summing to 1)."""

    category: str
    confidence: float
    reason: str
    scores: dict[str, float] = field(default_factory=dict)


def vectorise(text: str, subject: str = "") -> Extracted:
    """Features with sublinear counts (log1p), as Naive Bayes on raw counts over-trusts repeated words."""
    ex = extract(text or "", subject or "")
    return Extracted({k: math.log1p(v) for k, v in ex.feats.items()}, ex.shown, ex.words)


_DISPLAY = {"mijnduo": "Mijn DUO", "eherkenning": "eHerkenning", "zlogin": "Z-login", "email": "e-mail"}


def _display(words: str) -> str:
    """Undo the spelling normalisation for people (2plus -> 2+, mijnduo -> Mijn DUO)."""
    return " ".join(_DISPLAY.get(w, re.sub(r"^([1-4])plus$", r"\1+", w)) for w in words.split(" "))


class Classifier:
    """Naive Bayes category model; train, classify, add corrections, serialise."""

    _default: Classifier | None = None
    _default_lock = threading.Lock()

    def __init__(self, temperature: float = 1.0, smoothing: float = 0.0,
                 category_keys: Sequence[str] | None = None) -> None:
        # The category list is read when a model is made, not at import, so a new category needs no code here.
        self.categories: tuple[str, ...] = tuple(category_keys or categories.CATEGORIES)
        self.temperature = temperature
        self.smoothing = smoothing
        self._counts: dict[str, list[float]] = {}  # feature -> weighted count per category
        self._totals = [0.0] * len(self.categories)
        self._docs = [0.0] * len(self.categories)
        self._table: dict[str, tuple[float, ...]] | None = None  # feature -> log P(f|c), built lazily
        self._prior: list[float] = []
        self._word_gain: dict[tuple[str, bool, int], float] = {}  # reason cache, valid for the current table
        self.doc_freq: dict[str, int] | None = None  # feature -> training examples having it (default model)
        self.doc_count = 0

    # -- training ---------------------------------------------------------------------------------------
    @classmethod
    def default(cls, cache_dir: Path | str | None = None) -> Classifier:
        """The model trained on the bundled training files, calibrated; built once per process.

        With `cache_dir` the built model is kept there in a file named by the hash of the training data and code
        (`flask setup` writes it), so a fresh process loads it in a fraction of the training time; the build is
        deterministic, so a cached and a rebuilt model are the same.
        """
        with cls._default_lock:
            if cls._default is None:
                path = Path(cache_dir) / f"classifier-{calibration_key()[:20]}.bin" if cache_dir else None
                model = cls._load_cache(path)
                if model is None:
                    model = cls._build_default()
                    if path is not None:
                        model._write_cache(path)
                model._build()  # build now, so threads sharing the default never race on the lazy build
                cls._default = model
            return cls._default

    @classmethod
    def _build_default(cls) -> Classifier:
        examples = load_examples()
        model = cls()
        doc_freq: dict[str, int] = {}
        for ex in examples:
            raw = extract(ex.text or "", ex.subject or "").feats
            for key in raw:
                doc_freq[key] = doc_freq.get(key, 0) + 1
            model.learn_vector({k: math.log1p(v) for k, v in raw.items()}, model.categories.index(ex.category),
                               ex.weight)
        model.doc_freq, model.doc_count = doc_freq, len(examples)
        model.temperature, model.smoothing = stored_temperature() or fit_temperature(examples)
        return model

    @classmethod
    def _load_cache(cls, path: Path | None) -> Classifier | None:
        if path is None or not path.is_file():
            return None
        try:
            model = cls.from_bytes(path.read_bytes())
        except (OSError, ValueError):
            return None  # unreadable or from another version: rebuild and overwrite
        return model if model.doc_freq is not None else None

    def _write_cache(self, path: Path) -> None:
        """Write atomically (temp file + rename), so concurrent processes never read half a model."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".classifier-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(self.to_bytes())
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only data dir only costs start-up time

    def idf(self) -> tuple[dict[str, float], float]:
        """Inverse document frequency of features over the training examples, and the value for an unseen
        feature (as rare as a feature can be); only for the default model, which keeps document counts."""
        if self.doc_freq is None:
            raise ValueError("documentfrequenties zijn alleen bekend voor het standaardmodel")
        n = self.doc_count + 1
        return {k: math.log(n / (1 + c)) for k, c in self.doc_freq.items()}, math.log(n)

    def train(self, examples: Iterable[Example]) -> None:
        """Add examples to the model (counting is additive, so this also extends a trained model)."""
        for ex in examples:
            self.learn(ex)

    def learn(self, example: Example) -> None:
        """Add one example incrementally (e.g. one agent correction)."""
        if example.category not in self.categories:
            raise ValueError(f"onbekende categorie {example.category!r}; kies uit {', '.join(self.categories)}")
        if example.weight <= 0:
            return
        feats = vectorise(example.text, example.subject).feats
        self.learn_vector(feats, self.categories.index(example.category), example.weight)

    def learn_vector(self, feats: dict[str, float], cat: int, weight: float = 1.0) -> None:
        """Add one already vectorised example for category index `cat`."""
        n = len(self.categories)
        for key, value in feats.items():
            row = self._counts.get(key)
            if row is None:
                row = self._counts[key] = [0.0] * n
            row[cat] += value * weight
            self._totals[cat] += value * weight
        self._docs[cat] += weight
        self._table = None
        self._word_gain.clear()

    def with_corrections(self, corrections: Iterable[Example]) -> Classifier:
        """A new model: this model's knowledge plus agent corrections, weighted higher; self is unchanged.

        Corrections naming a category that no longer exists are skipped, so one stale row cannot block the rest.
        """
        model = self.copy()
        unit = self.correction_weight()
        for ex in corrections:
            if ex.category not in self.categories:
                continue
            # `ex.weight` (at most 1) is the caller's decay of old corrections; it can only lower the weight.
            model.learn(Example(ex.text, ex.subject, ex.category, min(max(ex.weight, 0.0), 1.0) * unit))
        return model

    def correction_weight(self) -> float:
        """Weight of one fresh agent correction: a share of the mean category's examples, within fixed bounds."""
        mean_docs = sum(self._docs) / len(self.categories)
        return min(MAX_CORRECTION_WEIGHT, max(MIN_CORRECTION_WEIGHT, CORRECTION_SHARE * mean_docs))

    def copy(self) -> Classifier:
        """An independent copy (counts duplicated, so learning on it leaves this model alone)."""
        model = Classifier(self.temperature, self.smoothing, self.categories)
        model._counts = {k: list(v) for k, v in self._counts.items()}
        model._totals = list(self._totals)
        model._docs = list(self._docs)
        return model

    def _build(self) -> dict[str, tuple[float, ...]]:
        vocab = len(self._counts) or 1
        denoms = [t + ALPHA * vocab for t in self._totals]
        self._table = {
            k: tuple(math.log((row[c] + ALPHA) / denoms[c]) for c in range(len(self.categories)))
            for k, row in self._counts.items()
        }
        # Smoothed class prior: balanced seeds give a near-uniform start; corrections may shift it a little.
        total_docs = sum(self._docs) + len(self.categories)
        self._prior = [PRIOR_POWER * math.log((d + 1) / total_docs) for d in self._docs]
        return self._table

    # -- prediction -------------------------------------------------------------------------------------
    def logits(self, feats: dict[str, float], raw: bool = False) -> tuple[list[float], dict[str, float]]:
        """Uncalibrated class scores for a vector, plus its known features with their (unscaled) weights.

        `raw=True` takes plain counts from `extract` and applies the log1p of `vectorise` on the fly.
        """
        table = self._table if self._table is not None else self._build()
        known: dict[str, float] = {}
        values: list[float] = []
        rows: list[tuple[float, ...]] = []
        log1p = math.log1p
        for key, value in feats.items():
            row = table.get(key)
            if row is None:
                continue
            if raw:
                value = log1p(value)
            known[key] = value
            values.append(value)
            rows.append(row)
        # Per category one sum over the known features' column: map/zip/sum run in C, so this loop over the
        # category row stays cheap however many categories there are (classify is the hot path of triage).
        columns = zip(*rows, strict=True) if rows else ((),) * len(self.categories)
        sums = [sum(map(mul, values, column)) for column in columns]
        sumsq = sum(map(mul, values, values))
        norm = math.sqrt(sumsq)
        scale = LENGTH_CAP / norm if norm > LENGTH_CAP else 1.0
        return [p + scale * s for p, s in zip(self._prior, sums, strict=True)], known

    def probabilities(self, feats: dict[str, float]) -> list[float]:
        """Calibrated probabilities per category (in the order of `self.categories`)."""
        return self._calibrated(self.logits(feats)[0])

    def classify(self, text: str, subject: str = "") -> Classification:
        """Classify one mail (cleaned body text plus subject); never raises on odd text."""
        vec = extract(text if isinstance(text, str) else "", subject if isinstance(subject, str) else "")
        scores, known = self.logits(vec.feats, raw=True)
        probs = self._calibrated(scores)
        best = max(range(len(self.categories)), key=lambda c: (probs[c], -c))
        return Classification(
            category=self.categories[best],
            confidence=probs[best],
            reason=self._reason(best, known, vec),
            scores={c: p for c, p in zip(self.categories, probs, strict=True)},
        )

    def _calibrated(self, scores: list[float]) -> list[float]:
        return calibrate(scores, self.temperature, self.smoothing)

    def _reason(self, best: int, known: dict[str, float], vec: Extracted, top: int = 4) -> str:
        """Dutch text naming the input words that pushed most towards the chosen category."""
        table = self._table or self._build()

        def margin(key: str) -> float:
            row = table.get(key)
            if row is None:
                return 0.0
            return row[best] - max(row[:best] + row[best + 1 :])

        gains: dict[str, float] = {}
        cache = self._word_gain
        for (word, english), count in vec.words.items():
            unit = cache.get((word, english, best))
            if unit is None:
                if len(cache) > 200_000:  # bounded: a long-running worker sees an open-ended vocabulary
                    cache.clear()
                unit = cache[(word, english, best)] = sum(w * margin(k) for k, w in word_features(word, english)[1])
            gain = count * unit
            if gain > 0:
                gains[word] = gains.get(word, 0.0) + gain
        for key, text in vec.shown.items():
            if key in known and text:
                gain = known[key] * margin(key)
                if gain > 0:
                    gains[text] = gains.get(text, 0.0) + gain
        picked: list[str] = []
        for w in sorted(gains, key=lambda w: (-gains[w], w)):
            # A bigram already names its words; skip single words it contains, and vice versa.
            if any(set(w.split()) & set(p.split()) for p in picked):
                continue
            picked.append(w)
            if len(picked) == top:
                break
        label = categories.label(self.categories[best])
        if "c:geen_eherkenning" in known and margin("c:geen_eherkenning") > 0:
            picked.append("(eHerkenning wordt niet genoemd)")
        if not picked:
            return f"{label}: geen duidelijke aanwijzingen in de tekst"
        return f"{label}. Woorden: " + ", ".join(_display(w) for w in picked)

    # -- persistence ------------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """Serialise the trained counts and temperature (compressed JSON, no pickle)."""
        payload = {"format": _FORMAT, "categories": list(self.categories), "temperature": self.temperature,
                   "smoothing": self.smoothing,
                   "totals": self._totals, "docs": self._docs, "counts": self._counts}
        if self.doc_freq is not None:
            payload |= {"doc_freq": self.doc_freq, "doc_count": self.doc_count}
        return zlib.compress(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))

    @classmethod
    def from_bytes(cls, data: bytes) -> Classifier:
        """Load a model written by `to_bytes`; raise ValueError on anything else."""
        try:
            payload = json.loads(zlib.decompress(data).decode("utf-8"))
            if payload.get("format") != _FORMAT or payload.get("categories") != list(categories.CATEGORIES):
                raise ValueError("onbekend modelformaat")
            model = cls(float(payload["temperature"]), float(payload["smoothing"]))
            model._totals = [float(v) for v in payload["totals"]]
            model._docs = [float(v) for v in payload["docs"]]
            model._counts = {str(k): [float(x) for x in v] for k, v in payload["counts"].items()}
            if "doc_freq" in payload:
                model.doc_freq = {str(k): int(v) for k, v in payload["doc_freq"].items()}
                model.doc_count = int(payload["doc_count"])
        except (zlib.error, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"ongeldig classificatiemodel: {exc}") from exc
        return model


def stratified_folds(examples: Sequence[Example], k: int = FOLDS) -> list[int]:
    """Deterministic fold number per example, dealing each category round-robin over the folds."""
    seen: dict[str, int] = {}
    folds = []
    for ex in examples:
        n = seen.get(ex.category, 0)
        folds.append(n % k)
        seen[ex.category] = n + 1
    return folds


def cross_val_logits(examples: Sequence[Example], k: int = FOLDS) -> list[list[float]]:
    """Uncalibrated scores for each example from a model trained on the other folds."""
    vectors = [vectorise(ex.text, ex.subject).feats for ex in examples]
    folds = stratified_folds(examples, k)
    out: list[list[float]] = [[] for _ in examples]
    for fold in range(k):
        model = Classifier()
        for vec, ex, f in zip(vectors, examples, folds, strict=True):
            if f != fold:
                model.learn_vector(vec, model.categories.index(ex.category), ex.weight)
        for i, (vec, f) in enumerate(zip(vectors, folds, strict=True)):
            if f == fold:
                out[i] = model.logits(vec)[0]
    return out


def fit_temperature(examples: Sequence[Example], k: int = FOLDS) -> tuple[float, float]:
    """(temperature, smoothing) minimising cross-validated NLL on the examples; (1, MIN) if too few."""
    if len({ex.category for ex in examples}) < 2 or len(examples) < 2 * k:
        return 1.0, MIN_SMOOTHING
    keys = categories.CATEGORIES
    return fit_logits(cross_val_logits(examples, k), [keys.index(ex.category) for ex in examples])
