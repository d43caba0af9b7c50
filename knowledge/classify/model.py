"""Question classifier for helpdesk mail: category, calibrated confidence and a readable reason.

A weighted multinomial Naive Bayes over Dutch/English word, bigram, compound-part, cue and character features, the
main question weighing above the rest of the mail (see `knowledge.classify.text`). An averaged perceptron
(`knowledge.classify.linear`) can join it as an ensemble (`LINEAR_WEIGHT`): both score the same length-capped vector
linearly, so its weights fold into the Naive Bayes table at no cost per mail; measured, it does not pay off on the
held-out sets. A temperature fitted by cross-validation on the training files calibrates the probabilities.

Agents' corrections act as a nearest-neighbour memory on top of the whole ensemble (`with_corrections`): each adds
to its category's score for mails similar to it, in proportion to that similarity and to nothing below a floor,
so a correction moves near duplicates at once and leaves unrelated mail alone.
"""

from __future__ import annotations

import marshal
import math
import os
import re
import sys
import tempfile
import threading
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import mul
from pathlib import Path

from knowledge import categories
from knowledge.classify import logistic
from knowledge.classify.calibration import (
    MIN_SMOOTHING,
    calibrate,
    calibration_key,
    fit_logits,
    stored_logistic,
    stored_temperature,
)
from knowledge.classify.examples import Example, load_examples
from knowledge.classify.text import Extracted, extract, word_features

# An agent's correction adds up to this much to its category's (uncalibrated) score of a mail, times how far the
# mail's similarity to the corrected one lies above CORRECTION_FLOOR: a near duplicate moves, a mail that merely
# shares the domain words does not. Corrections of one category add up to at most CORRECTION_CAP times that, so a
# burst of misclicks cannot outweigh everything else either.
CORRECTION_LOGITS = 15
CORRECTION_FLOOR = 0.15
CORRECTION_FULL = 0.4
CORRECTION_CAP = 3.0
# Besides, a correction counts as this many training examples in the Naive Bayes counts: that teaches words the
# training files never had (a new category, a new term) to mail that is not a near duplicate, and is too little
# mass to shift unrelated mail.
CORRECTION_EXAMPLES = 1.0
MIN_IDF = math.log(4)  # features in more than a quarter of the training mails do not count for similarity
# The logistic regression's share in the ensemble score (the Naive Bayes log-probabilities count NB_WEIGHT); 0 ships
# the Naive Bayes alone. Both score the same capped vector linearly, so the ensemble is one table (`_build`).
LINEAR_WEIGHT = 1.0
NB_WEIGHT = 1.0
# The logistic regression sees some features scaled: under the same L2 penalty a feature with a smaller value needs a
# larger weight, so this regularises cues harder, and leaves out the "no eHerkenning word" cue, which a
# discriminative model over-trusts: in our training files nearly every mail without the topic words is `other`,
# in other writers' mail a short "wat gaat dit kosten?" is not (measured on the cross-file split).
LINEAR_FEATURE_SCALE = {"c:geen_eherkenning": 0.0, "c:": 0.5}
ALPHA = 0.5  # additive smoothing per feature (chosen by seed cross-validation)
LENGTH_CAP = 4.0  # long mails are scaled down to this L2 evidence mass, so length alone adds no confidence
FOLDS = 5
# Class prior damped towards uniform: the training files are balanced by design, real mail is not, and a new
# category with few examples must not lose on its prior alone (measured: no change on held-out or CV).
PRIOR_POWER = 0.5
COUNT_DIGITS = 4
_FORMAT = 3


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
    """Naive Bayes + perceptron category model; train, classify, add corrections, serialise."""

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
        self.doc_freq: dict[str, int] = {}  # feature -> training examples having it
        self.doc_count = 0
        self.linear_weight = 0.0
        self.nb_weight = NB_WEIGHT
        self._linear: dict[str, list[float]] = {}  # feature -> logistic regression weight per category (see `fit`)
        self._linear_bias: list[float] = [0.0] * len(self.categories)
        # Agents' corrections: (category index, weight) per correction, and feature -> [(correction, value)].
        self._corrections: list[tuple[int, float]] = []
        self._postings: dict[str, list[tuple[int, float]]] = {}

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
                if model._table is None:  # a loaded model comes with its table
                    model._build()  # build now, so threads sharing the default never race on the lazy build
                cls._default = model
            return cls._default

    @classmethod
    def _build_default(cls) -> Classifier:
        examples = load_examples()
        # The logistic regression is fitted by `python -m knowledge.classify` and shipped (training/logistic.bin):
        # fitting it here would cost every process without a cache seconds of start-up.
        model = cls.fit(examples, linear_model=stored_logistic() if LINEAR_WEIGHT > 0 else None)
        model.temperature, model.smoothing = stored_temperature() or fit_temperature(examples)
        return model

    @classmethod
    def fit(cls, examples: Sequence[Example], temperature: float = 1.0, smoothing: float = 0.0,
            *, linear_weight: float = LINEAR_WEIGHT, nb_weight: float = NB_WEIGHT,
            linear_model: tuple[dict[str, list[float]], list[float]] | None = None) -> Classifier:
        """The full model on `examples`: Naive Bayes counts, document frequencies and, with a `linear_weight`
        above 0, the logistic regression with that share in the scores (`linear_model`: its already fitted
        weights and biases, for these very examples).

        Deterministic: the same examples in the same order give the same model.
        """
        model = cls(temperature, smoothing)
        model.linear_weight, model.nb_weight = linear_weight, nb_weight
        data: list[tuple[dict[str, float], int]] = []
        for ex in examples:
            if ex.category not in model.categories:
                raise ValueError(f"onbekende categorie {ex.category!r}; kies uit {', '.join(model.categories)}")
            vec = vectorise(ex.text, ex.subject).feats
            cat = model.categories.index(ex.category)
            model.learn_vector(vec, cat, ex.weight)
            data.append((vec, cat))
        if linear_weight > 0:
            model._linear, model._linear_bias = linear_model or _train_logistic(data, len(model.categories))
        # Rounded, so the cached model compresses well (scaled context gives long fractions); the cached and the
        # freshly built model are both this one.
        model._counts = {k: [round(x, COUNT_DIGITS) for x in row] for k, row in model._counts.items()}
        return model

    @classmethod
    def _load_cache(cls, path: Path | None) -> Classifier | None:
        if path is None or not path.is_file():
            return None
        try:
            model = cls.from_bytes(path.read_bytes())
        except (OSError, ValueError):
            return None  # unreadable or from another version: rebuild and overwrite
        return model

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
        feature (as rare as a feature can be)."""
        if not self.doc_count:
            raise ValueError("documentfrequenties zijn pas bekend na training")
        n = self.doc_count + 1
        return {k: math.log(n / (1 + c)) for k, c in self.doc_freq.items()}, math.log(n)

    def train(self, examples: Iterable[Example]) -> None:
        """Add examples to the model (counting is additive, so this also extends a trained model)."""
        for ex in examples:
            self.learn(ex)

    def learn(self, example: Example) -> None:
        """Add one training example to the Naive Bayes counts (agents' corrections go to `add_correction`)."""
        if example.category not in self.categories:
            raise ValueError(f"onbekende categorie {example.category!r}; kies uit {', '.join(self.categories)}")
        if example.weight <= 0:
            return
        feats = vectorise(example.text, example.subject).feats
        self.learn_vector(feats, self.categories.index(example.category), example.weight)

    def learn_vector(self, feats: dict[str, float], cat: int, weight: float = 1.0) -> None:
        """Add one already vectorised example for category index `cat`."""
        n = len(self.categories)
        doc_freq = self.doc_freq
        self.doc_count += 1
        for key, value in feats.items():
            doc_freq[key] = doc_freq.get(key, 0) + 1
            row = self._counts.get(key)
            if row is None:
                row = self._counts[key] = [0.0] * n
            row[cat] += value * weight
            self._totals[cat] += value * weight
        self._docs[cat] += weight
        self._table = None
        self._word_gain.clear()

    def with_corrections(self, corrections: Iterable[Example]) -> Classifier:
        """A new model: this model plus agents' corrections; self is unchanged.

        Each correction counts as CORRECTION_EXAMPLES training examples and adds to its category's score of a mail
        `correction_weight() * ex.weight * kernel(sim)`, where sim is the cosine similarity of the two mails
        (idf-weighted features) and the kernel rises from 0 at CORRECTION_FLOOR to 1 at CORRECTION_FULL.
        `ex.weight` (at most 1) is the caller's decay of old corrections. The memory acts on the whole model
        (ensemble included), and mail unlike every correction only sees the one example's worth of counts.
        Corrections naming a category that no longer exists are skipped, so one stale row cannot block the rest.
        """
        model = self.copy()
        for ex in corrections:
            if ex.category in self.categories:
                model.add_correction(ex)
        return model

    def add_correction(self, example: Example) -> None:
        """Remember one agent correction (in place; `with_corrections` is the copying form)."""
        if example.category not in self.categories:
            raise ValueError(f"onbekende categorie {example.category!r}; kies uit {', '.join(self.categories)}")
        weight = min(max(example.weight, 0.0), 1.0)
        feats = vectorise(example.text, example.subject).feats
        vec = self._similarity_vector(feats)
        if weight <= 0 or not vec:
            return
        cat = self.categories.index(example.category)
        self.learn_vector(feats, cat, weight * CORRECTION_EXAMPLES)
        index = len(self._corrections)
        self._corrections.append((cat, weight))
        for key, value in vec.items():
            self._postings.setdefault(key, []).append((index, value))

    def correction_weight(self) -> float:
        """Score added by one fresh correction to a duplicate of the corrected mail (uncalibrated logit units)."""
        return CORRECTION_LOGITS

    def _similarity_vector(self, feats: dict[str, float]) -> dict[str, float]:
        """Unit vector of a mail's features weighted by rarity in the training files (idf), for corrections.

        Features most training mails have (the domain words) say nothing about which mails are alike and would
        make every lookup touch every correction, so they are left out.
        """
        n = self.doc_count + 1
        df = self.doc_freq
        vec = {}
        for key, value in feats.items():
            weight = math.log(n / (1 + df.get(key, 0)))
            if weight >= MIN_IDF:
                vec[key] = value * weight
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {k: v / norm for k, v in vec.items()} if norm else {}

    def _correction_scores(self, feats: dict[str, float]) -> list[float] | None:
        """Per category what the corrections add to a mail's scores; None without corrections."""
        if not self._corrections:
            return None
        sims: dict[int, float] = {}
        for key, value in self._similarity_vector(feats).items():
            for index, other in self._postings.get(key, ()):
                sims[index] = sims.get(index, 0.0) + value * other
        bonus = [0.0] * len(self.categories)
        for index, sim in sims.items():
            if sim > CORRECTION_FLOOR:
                cat, weight = self._corrections[index]
                bonus[cat] += weight * min(1.0, (sim - CORRECTION_FLOOR) / (CORRECTION_FULL - CORRECTION_FLOOR))
        return [CORRECTION_LOGITS * min(b, CORRECTION_CAP) for b in bonus]

    def copy(self) -> Classifier:
        """An independent copy (counts and corrections duplicated, so learning on it leaves this model alone)."""
        model = Classifier(self.temperature, self.smoothing, self.categories)
        model._counts = {k: list(v) for k, v in self._counts.items()}
        model._totals = list(self._totals)
        model._docs = list(self._docs)
        model._linear, model._linear_bias = self._linear, self._linear_bias  # never changed in place
        model.linear_weight, model.nb_weight = self.linear_weight, self.nb_weight
        model.doc_freq, model.doc_count = dict(self.doc_freq), self.doc_count
        model._corrections = list(self._corrections)
        model._postings = {k: list(v) for k, v in self._postings.items()}
        model._table, model._prior = self._table, self._prior  # same counts, same table; learning resets it
        return model

    def _build(self) -> dict[str, tuple[float, ...]]:
        vocab = len(self._counts) or 1
        denoms = [t + ALPHA * vocab for t in self._totals]
        n = len(self.categories)
        zero = (0.0,) * n
        lin, share, nb = self._linear, self.linear_weight, self.nb_weight
        if not lin:
            share = 0.0
        # The logistic regression scores the same capped vector linearly, so its weights fold into the same table.
        self._table = {
            k: tuple(nb * math.log((row[c] + ALPHA) / denoms[c]) + share * lin.get(k, zero)[c] for c in range(n))
            for k, row in self._counts.items()
        }
        # Smoothed class prior: balanced seeds give a near-uniform start; corrections may shift it a little.
        total_docs = sum(self._docs) + len(self.categories)
        self._prior = [nb * PRIOR_POWER * math.log((d + 1) / total_docs) + share * b
                       for d, b in zip(self._docs, self._linear_bias or [0.0] * n, strict=True)]
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
        scores = [p + scale * s for p, s in zip(self._prior, sums, strict=True)]
        if self._corrections:
            vec = {k: log1p(v) for k, v in feats.items()} if raw else feats
            scores = [s + b for s, b in zip(scores, self._correction_scores(vec) or (), strict=True)]
        return scores, known

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

    def category_scores(self, text: str, subject: str = "") -> dict[str, float]:
        """The `scores` of `classify` without its reason: for a text only weighed, never shown (triage's main
        question), the reason's look-ups are wasted."""
        vec = extract(text if isinstance(text, str) else "", subject if isinstance(subject, str) else "")
        probs = self._calibrated(self.logits(vec.feats, raw=True)[0])
        return {c: p for c, p in zip(self.categories, probs, strict=True)}

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
        """Serialise the trained counts, temperature and the built table (marshal and packed floats, no pickle).

        The table of log-probabilities is stored as built, so a process that loads the model classifies without
        building it again (it is what `_build` makes of these very counts: the same floats). Counts and table are
        columns of machine floats beside one list of features, which loads in a few milliseconds; marshal
        version 2 has no back-references, so the same model always gives the same bytes."""
        table = self._table if self._table is not None else self._build()
        features = list(self._counts)
        payload = {"format": _FORMAT, "categories": list(self.categories), "temperature": self.temperature,
                   "smoothing": self.smoothing, "totals": self._totals, "docs": self._docs,
                   "linear": self._linear, "linear_bias": self._linear_bias, "linear_weight": self.linear_weight,
                   "nb_weight": self.nb_weight, "doc_freq": self.doc_freq, "doc_count": self.doc_count,
                   "prior": self._prior, "features": features, "counts": _packed(self._counts[k] for k in features),
                   "table": _packed(table[k] for k in features)}
        return _MAGIC + marshal.dumps(payload, 2)

    @classmethod
    def from_bytes(cls, data: bytes) -> Classifier:
        """Load a model written by `to_bytes`; raise ValueError on anything else."""
        try:
            if not data.startswith(_MAGIC):
                raise ValueError("onbekend modelformaat")
            payload = marshal.loads(memoryview(data)[len(_MAGIC):])
            if payload.get("format") != _FORMAT or payload.get("categories") != list(categories.CATEGORIES):
                raise ValueError("onbekend modelformaat")
            model = cls(float(payload["temperature"]), float(payload["smoothing"]))
            n = len(model.categories)
            features = payload["features"]
            counts, table = _unpacked(payload["counts"], n), _unpacked(payload["table"], n)
            if not (isinstance(features, list) and len(counts) == len(table) == len(features)):
                raise ValueError("onbekend modelformaat")
            model._counts = dict(zip(features, map(list, counts), strict=True))
            model._table = dict(zip(features, table, strict=True))
            model._totals = [float(v) for v in payload["totals"]]
            model._docs = [float(v) for v in payload["docs"]]
            model._prior = [float(v) for v in payload["prior"]]
            model._linear = {str(k): [float(x) for x in v] for k, v in payload["linear"].items()}
            model._linear_bias = [float(x) for x in payload["linear_bias"]]
            model.linear_weight = float(payload["linear_weight"])
            model.nb_weight = float(payload["nb_weight"])
            model.doc_freq, model.doc_count = payload["doc_freq"], int(payload["doc_count"])
            rows = (model._totals, model._docs, model._prior, *model._linear.values(), model._linear_bias)
            if not isinstance(model.doc_freq, dict) or any(len(v) != n for v in rows):
                raise ValueError("onbekend modelformaat")
        except (EOFError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"ongeldig classificatiemodel: {exc}") from exc
        return model


_MAGIC = f"ipo-classifier {sys.byteorder}\n".encode()  # the packed floats are the machine's own


def _packed(rows: Iterable[Sequence[float]]) -> bytes:
    return array("d", [x for row in rows for x in row]).tobytes()


def _unpacked(data: bytes, width: int) -> list[tuple[float, ...]]:
    """Rows of `width` floats from `_packed` bytes (ValueError when they do not divide into such rows)."""
    values = array("d")
    values.frombytes(data)
    if len(values) % width:
        raise ValueError("onbekend modelformaat")
    column = iter(values.tolist())
    return list(zip(*[column] * width, strict=True))


def fit_logistic(examples: Sequence[Example]) -> tuple[dict[str, list[float]], list[float]]:
    """The logistic regression that `Classifier.fit` trains on `examples` (what `python -m knowledge.classify`
    stores in training/logistic.bin)."""
    keys = categories.CATEGORIES
    return _train_logistic([(vectorise(ex.text, ex.subject).feats, keys.index(ex.category)) for ex in examples],
                           len(keys))


def _linear_scale(key: str) -> float:
    return LINEAR_FEATURE_SCALE.get(key, LINEAR_FEATURE_SCALE.get(key[:2], 1.0))


def _train_logistic(data: Sequence[tuple[dict[str, float], int]],
                    n_classes: int) -> tuple[dict[str, list[float]], list[float]]:
    """Weights over the capped vector: trained on the feature-scaled one, the scales folded back in."""
    scaled = [({k: v * _linear_scale(k) for k, v in logistic.cap(feats, LENGTH_CAP).items() if _linear_scale(k)}, cat)
              for feats, cat in data]
    weights, bias = logistic.train(scaled, n_classes)
    return {k: [round(w * _linear_scale(k), logistic.DIGITS) for w in row] for k, row in weights.items()}, bias


def stratified_folds(examples: Sequence[Example], k: int = FOLDS) -> list[int]:
    """Deterministic fold number per example, dealing each category round-robin over the folds."""
    seen: dict[str, int] = {}
    folds = []
    for ex in examples:
        n = seen.get(ex.category, 0)
        folds.append(n % k)
        seen[ex.category] = n + 1
    return folds


def cross_val_logits(examples: Sequence[Example], k: int = FOLDS, *, linear_weight: float = LINEAR_WEIGHT,
                     nb_weight: float = NB_WEIGHT) -> list[list[float]]:
    """Uncalibrated scores for each example from a model (as `Classifier.fit`) trained on the other folds."""
    vectors = [vectorise(ex.text, ex.subject).feats for ex in examples]
    folds = stratified_folds(examples, k)
    out: list[list[float]] = [[] for _ in examples]
    for fold in range(k):
        model = Classifier.fit([ex for ex, f in zip(examples, folds, strict=True) if f != fold],
                               linear_weight=linear_weight, nb_weight=nb_weight)
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
