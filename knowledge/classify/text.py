"""Turn a mail (subject + cleaned body) into weighted features for the question classifier."""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from operator import mul
from typing import NamedTuple

from knowledge import dutch
from knowledge.classify.lexicon import CUE_PATTERNS, EN_STOP, NL_STOP, PHRASES
from knowledge.question import MAX_QUESTION_SENTENCES, asking_sentences

# Feature weights per kind; char n-grams are many and correlated, so each counts little.
W_WORD = 1.0
W_PART = 0.4
W_BIGRAM = 0.5
W_CUE = 1.6
W_GRAM = 0.08
W_OFF_TOPIC = 4.0  # "no eHerkenning word at all" is strong evidence for a general question
OFF_TOPIC_WORDS = 12.0  # content words at which that evidence counts in full
SUBJECT_WEIGHT = 1.5
# Extra weight of the main question (the asking sentences, see `knowledge.question`) when the body has more than
# that: the label is the main question's, so context paragraphs and quoted text should not outvote it. The whole
# body is scaled down to at most CONTEXT_RATIO times the question's L2 mass, however long the context goes on.
# Chosen by cross-validation on the training files, among the settings under which a question after paragraphs of
# other business still decides and a one-sentence context still counts (tests/knowledge_classify, tests/triage).
MAIN_QUESTION_WEIGHT = 2.0
CONTEXT_RATIO = 0.5
# Where quoted history or a forward starts in text that survived cleaning; the question is asked above it.
_QUOTE_START_RE = re.compile(
    r"^[ \t]*(?:op .{0,120} schreef.{0,80}:|on .{0,120} wrote:|am .{0,120} schrieb.{0,80}:|>>>.*"
    r"|(?:van|from|von)\s*:.*|-{2,}\s*(?:oorspronkelijk bericht|original message|doorgestuurd bericht"
    r"|forwarded message|urspr.ngliche nachricht).*)$",
    re.IGNORECASE | re.MULTILINE,
)

_TOKEN_RE = re.compile(r"[a-z0-9]+")


def _precheck(pattern: str) -> re.Pattern[str]:
    """A looser pattern that must match whenever `pattern` does, used as a cheap first test."""
    # Without the leading \b, re can scan for the literal start, which is what makes it cheap on long mails.
    loose = pattern.removeprefix(r"\b").replace("(?:betrouwbaarheids)?", "")
    return re.compile(loose)


_PHRASE_RES = [(_precheck(p), re.compile(p), r) for p, r in PHRASES]


def _split_alternatives(pattern: str) -> list[str]:
    """Top-level alternatives of a `\\b(?:a|b|c)\\b` cue pattern (nested groups kept whole)."""
    body = pattern[len(r"\b(?:") : -len(r")\b")]
    parts, depth, cur = [], 0, []
    for ch in body:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def _compile_cues() -> tuple[list[tuple[str, re.Pattern[str]]], list[tuple[str, re.Pattern[str], re.Pattern[str]]]]:
    """Split cue patterns into one-word cues (checked once per distinct word) and multi-word phrases."""
    words, phrases = [], []
    for name, pattern in CUE_PATTERNS:
        alts = _split_alternatives(pattern)
        single = [a for a in alts if "\\s" not in a and "'" not in a]
        multi = [a for a in alts if a not in single]
        if single:
            words.append((name, re.compile("(?:" + "|".join(single) + ")")))
        if multi:
            full = r"\b(?:" + "|".join(multi) + r")\b"
            phrases.append((name, _precheck(full), re.compile(full)))
    return words, phrases


_CUE_WORD_RES, _CUE_PHRASE_RES = _compile_cues()
# Header lines of a forwarded or quoted mail ("Datum: di 14 dec.") say nothing about the question asked.
_HEADER_RE = re.compile(
    r"^[ \t>]*(?:van|aan|datum|onderwerp|cc|bcc|verzonden|from|to|sent|date|subject)\s*:.*$",
    re.IGNORECASE | re.MULTILINE,
)
# A mail that never mentions eHerkenning or logging in is almost always a general DUO question ("other").
_TOPIC_RE = re.compile(
    r"eherkenning|niveau|level|token|login|inlog|ingelogd|aanbieder|leverancier|supplier|provider|middel"
    r"|upgrade|machtig|pincode|sms|digid|\beh\b"
)
# Only the first part of a long mail matters for its category; capping keeps classify fast on huge input.
MAX_CHARS = 6000


def normalise(text: str) -> str:
    """Lowercase, strip accents and rewrite domain spellings (e-Herkenning, EH3, niveau2+) to one form."""
    text = text[:MAX_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    for quick, rx, repl in _PHRASE_RES:
        if quick.search(text):
            text = rx.sub(repl, text)
    return text


def _number_token(tok: str) -> str:
    """Keep small numbers (levels 1-4), fold years and other numbers into classes."""
    if len(tok) <= 1:
        return tok
    if len(tok) == 4 and tok.startswith("20"):
        return "jaartal"
    return "getal"


def is_english(tokens: list[str]) -> bool:
    """Guess the language from function words; mails are Dutch unless English clearly dominates."""
    en = sum(1 for t in tokens if t in EN_STOP)
    nl = sum(1 for t in tokens if t in NL_STOP)
    return en > nl + 1


@lru_cache(maxsize=50_000)
def stem(word: str, english: bool = False) -> str:
    """Stem one normalised word (Dutch snowball, or Porter for English mails)."""
    if word.isdigit():
        return _number_token(word)
    return dutch.stem(word, english)


@lru_cache(maxsize=50_000)
def word_features(word: str, english: bool) -> tuple[str, tuple[tuple[str, float], ...]]:
    """Stem plus (feature, weight) pairs of one word: stem, compound parts, one-word cues, 4-grams."""
    s = stem(word, english)
    pairs = [("w:" + s, W_WORD)]
    pairs += [("w:" + stem(part, english), W_PART) for part in dutch.split_compound(word)]
    pairs += [("c:" + name, W_CUE) for name, rx in _CUE_WORD_RES if rx.fullmatch(word)]
    if len(word) >= 5 and not word.isdigit():
        padded = f"<{word}>"
        pairs += [("g:" + padded[i : i + 4], W_GRAM) for i in range(len(padded) - 3)]
    return s, tuple(pairs)


def _add(feats: dict[str, float], key: str, weight: float) -> None:
    feats[key] = feats.get(key, 0.0) + weight


class Extracted(NamedTuple):
    """Features of one mail, plus what the reason needs: display text per bigram/cue and the words used."""

    feats: dict[str, float]
    shown: dict[str, str]  # bigram/cue feature -> the input text that produced it
    words: dict[tuple[str, bool], float]  # (word, english) -> field-weighted occurrence count


def _field_features(text: str, scale: float, out: Extracted, english: bool | None = None) -> tuple[bool, bool]:
    """Add the features of one field (subject, body or main question) with a field weight; (names the topic,
    is English). `english` given: use that language instead of guessing it from this field alone."""
    norm = normalise(_HEADER_RE.sub(" ", text))
    words = _TOKEN_RE.findall(norm)
    if english is None:
        english = is_english(words)
    feats, shown = out.feats, out.shown
    content: list[tuple[str, str]] = []  # (stem, surface) of non-stopwords, for bigrams
    counts: dict[str, int] = {}
    for w in words:
        if w in NL_STOP or w in EN_STOP:
            continue
        counts[w] = counts.get(w, 0) + 1
        content.append((word_features(w, english)[0], w))
    for w, n in counts.items():
        factor = scale * n
        for key, weight in word_features(w, english)[1]:
            feats[key] = feats.get(key, 0.0) + weight * factor
        out.words[(w, english)] = out.words.get((w, english), 0.0) + scale * n
    for (s1, w1), (s2, w2) in zip(content, content[1:], strict=False):
        key = f"b:{s1}_{s2}"
        _add(feats, key, W_BIGRAM * scale)
        shown.setdefault(key, f"{w1} {w2}")
    for name, quick, rx in _CUE_PHRASE_RES:
        if not quick.search(norm):
            continue
        for m in rx.finditer(norm):
            _add(feats, "c:" + name, W_CUE * scale)
            shown.setdefault("c:" + name, m.group(0).strip())
    return _TOPIC_RE.search(norm) is not None, english


def main_question_text(text: str) -> str:
    """The asking sentences of a body when the body says more than them, else "".

    Sentences above quoted history or a forward come first: that is where a reply asks its question; only when
    nothing asks there are the sentences below used (a forward with a bare "zie onder").
    """
    text = text[:MAX_CHARS]
    start = _QUOTE_START_RE.search(text)
    asked = asking_sentences(text[: start.start()]) if start else []
    if not asked:
        asked = asking_sentences(text)
    question = "\n".join(asked[-MAX_QUESTION_SENTENCES:])
    return question if len(question) < 0.8 * len(" ".join(text.split())) else ""


def extract(text: str, subject: str = "") -> Extracted:
    """Features of a mail (subject weighted higher than body, the main question above the rest of the body) with
    the words that produced them."""
    out = Extracted({}, {}, {})
    on_topic = False
    content = 0.0  # content words of subject and body as written, for the off-topic evidence
    if text:
        on_topic, english = _field_features(text, 1.0, out)
        content = sum(out.words.values())
        question = main_question_text(text) if MAIN_QUESTION_WEIGHT else ""
        if question:
            asked = Extracted({}, {}, {})
            _field_features(question, 1.0, asked, english)
            # The body may weigh at most CONTEXT_RATIO times the question, however long the context goes on.
            scale = CONTEXT_RATIO * _mass(asked.feats) / (_mass(out.feats) or 1.0)
            if scale < 1.0:
                _scale(out.feats, scale)
                _scale(out.words, scale)
            _merge(out, asked, MAIN_QUESTION_WEIGHT)
    if subject:
        before = sum(out.words.values())
        on_topic |= _field_features(subject, SUBJECT_WEIGHT, out)[0]
        content += sum(out.words.values()) - before
    if out.feats and not on_topic and content >= OFF_TOPIC_WORDS / 2:
        # Scaled by length: a long mail without the topic is telling, a two-word one is not.
        _add(out.feats, "c:geen_eherkenning", W_OFF_TOPIC * min(1.0, content / OFF_TOPIC_WORDS))
    return out


def _mass(feats: dict[str, float]) -> float:
    values = feats.values()
    return math.sqrt(sum(map(mul, values, values)))


def _scale(values: dict, factor: float) -> None:
    """Multiply every value in place (cheaper than building a scaled copy on the hot path)."""
    for key, value in values.items():
        values[key] = value * factor


def _merge(out: Extracted, part: Extracted, scale: float) -> None:
    """Add a part's features and word counts, scaled, to `out`."""
    for key, value in part.feats.items():
        out.feats[key] = out.feats.get(key, 0.0) + value * scale
    for word, count in part.words.items():
        out.words[word] = out.words.get(word, 0.0) + count * scale
    for key, shown in part.shown.items():
        out.shown.setdefault(key, shown)
