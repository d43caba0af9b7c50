"""Dutch text analysis for the knowledge base: a Whoosh analyzer chain with compounds and domain synonyms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from whoosh.analysis import Analyzer, Filter, Token, Tokenizer
from whoosh.lang import stemmer_for_language, stopwords_for_language

from knowledge.lexicon import COMPOUND_PARTS, KEEP_WORDS, SYNONYM_GROUPS

# A word, optionally hyphenated or with an apostrophe ("e-Herkenning", "collega's"), optionally ending in
# "+" so that "2+" and "eh2+" survive as tokens.
WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*\+?")
_WORD_RE = WORD_RE
_HYPHEN_RE = re.compile(r"-")
_LINKERS = ("s", "en", "e")
_MAX_TOKEN_LEN = 48
STOP_WORDS: frozenset[str] = frozenset(
    (stopwords_for_language("nl") | stopwords_for_language("en")) - KEEP_WORDS
)

_snowball_nl = stemmer_for_language("nl")


@lru_cache(maxsize=50000)
def fold(word: str) -> str:
    """Lower-case and strip accents and apostrophes ("Café's" -> "cafes")."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "'’")


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """Dutch snowball stem of a folded word; words with digits or '+' are kept as they are."""
    if any(c.isdigit() or c == "+" for c in word):
        return word
    return _snowball_nl(word)


class DutchTokenizer(Tokenizer):
    """Splits text into words; a hyphenated word becomes one token that remembers its parts."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        for slot, m in enumerate(_WORD_RE.finditer(value)):
            raw = m.group()
            t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
            parts = _HYPHEN_RE.split(raw)
            t.text = "".join(parts)
            t.parts = tuple(parts) if len(parts) > 1 else ()
            t.slot = start_pos + slot
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = t.slot
            if chars:
                t.startchar, t.endchar = start_char + m.start(), start_char + m.end()
            if keeporiginal:
                t.original = raw
            yield t


class FoldFilter(Filter):
    """Lower-cases and removes accents (also on hyphen parts)."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            t.parts = tuple(fold(p) for p in getattr(t, "parts", ()))
            yield t


class DomainStopFilter(Filter):
    """Drops Dutch and English stop words, single letters and junk-long tokens; keeps numbers."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            text = t.text
            if len(text) > _MAX_TOKEN_LEN:
                continue
            if text in KEEP_WORDS or text[:1].isdigit():
                yield t
            elif text not in STOP_WORDS and len(text) > 1:
                yield t


class CompoundSplitter:
    """Splits Dutch compounds on a lexicon of known parts, with linking -s-/-en-/-e-."""

    def __init__(self, lexicon: Iterable[str] = ()) -> None:
        self.lexicon = frozenset(COMPOUND_PARTS) | frozenset(fold(w) for w in lexicon)
        self._cache: dict[str, tuple[str, ...]] = {}
        self._known: dict[str, bool] = {}

    def is_known(self, word: str) -> bool:
        """True when the word is in the lexicon or splits fully into lexicon parts."""
        known = self._known.get(word)
        if known is None:
            known = word in self.lexicon or len(self._full_split(word)) >= 2
            if len(self._known) < 50000:  # bounded, as the split cache
                self._known[word] = known
        return known

    def split(self, word: str) -> tuple[str, ...]:
        """Parts of a compound ("eherkenningsmiddel" -> ("eherkenning", "middel")), or () if none."""
        cached = self._cache.get(word)
        if cached is None:
            cached = self._full_split(word) or self._partial_split(word)
            if len(self._cache) < 50000:  # bounded: junk queries must not grow memory forever
                self._cache[word] = cached
        return cached

    def _full_split(self, word: str) -> tuple[str, ...]:
        if len(word) < 6 or not word.isalpha():
            return ()
        best: dict[int, tuple[str, ...]] = {0: ()}
        n = len(word)
        for i in range(n):
            if i not in best:
                continue
            for j in range(i + 3, n + 1):
                piece = word[i:j]
                if piece not in self.lexicon:
                    continue
                cand = best[i] + (piece,)
                ends = [j] + [j + len(lk) for lk in _LINKERS if j < n and word.startswith(lk, j)]
                for k in ends:
                    if k not in best or len(best[k]) > len(cand):
                        best[k] = cand
        parts = best.get(n, ())
        return parts if len(parts) >= 2 else ()

    def _partial_split(self, word: str) -> tuple[str, ...]:
        # A known head or tail with an unknown rest: "eherkenningsbeleid" -> eherkenning + beleid.
        if len(word) < 9 or not word.isalpha():
            return ()
        for cut in range(len(word) - 4, 4, -1):
            head = word[:cut]
            if head in self.lexicon:
                rest = word[cut:]
                for lk in _LINKERS:
                    if rest.startswith(lk) and len(rest) - len(lk) >= 4:
                        rest = rest[len(lk) :]
                        break
                return (head, rest)
        for cut in range(4, len(word) - 4):
            tail = word[cut:]
            if tail in self.lexicon:
                return (word[:cut], tail)
        return ()


class CompoundFilter(Filter):
    """Adds compound parts after each word, and joins adjacent words that form a known compound."""

    def __init__(self, splitter: CompoundSplitter) -> None:
        self.splitter = splitter

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        prev_text, prev_start = "", 0  # the previous word (text and start), for joining compounds
        for t in tokens:
            text = t.text  # read before yielding: a later filter may change the token
            start = t.startchar if t.chars else 0
            yield t
            extra = [p for p in t.parts if len(p) > 1] + list(self.splitter.split(text))
            for part in dict.fromkeys(extra):
                if part != text:
                    yield _variant(t, part)
            # Joining "token generator" into "tokengenerator" is for queries: documents that contain the
            # compound are indexed with it, and documents with two loose words need no join.
            if t.mode == "query" and prev_text.isalpha() and text.isalpha():
                for joined in (prev_text + text, prev_text + "s" + text):
                    if self.splitter.is_known(joined):
                        v = _variant(t, joined)
                        if t.chars:
                            v.startchar = prev_start
                        yield v
                        break
            prev_text, prev_start = text, start


class SynonymFilter(Filter):
    """Emits the canonical terms of domain synonym groups when one of their phrases occurs."""

    def __init__(self, groups: Sequence[tuple[Sequence[str], Sequence[str]]]) -> None:
        self.index: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for emit, phrases in groups:
            emitted = tuple(fold(e) for e in emit)
            for phrase in phrases:
                words = tuple(stem(fold(w)) for w in _WORD_RE.findall(phrase.replace("-", "")))
                if words:
                    self.index.setdefault(words[0], []).append((words, emitted))

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        slots: list[list[Token]] = []
        # Every token that reaches this filter is its own object (the tokenizer makes one per word, the
        # compound filter copies for its variants), so they are collected as they are, without copies.
        for t in tokens:
            if slots and slots[-1][0].slot == t.slot:
                slots[-1].append(t)
            else:
                slots.append([t])
        stems = [{stem(t.text) for t in slot} for slot in slots]
        extra: list[list[Token]] = [[] for _ in slots]
        for i, slot in enumerate(slots):
            seen = {t.text for t in slot}
            for first in stems[i]:
                for words, emitted in self.index.get(first, ()):
                    end = i + len(words)
                    if end > len(slots) or any(words[k] not in stems[i + k] for k in range(1, len(words))):
                        continue
                    if len(words) > 1:
                        # A matched phrase is one concept: its words weigh as parts, the concept as a word,
                        # so "niveau 3" does not outweigh "kosten" by being three terms.
                        for k in range(i, end):
                            for t in slots[k]:
                                t.boost = min(t.boost, PART_BOOST)
                    for word in emitted:
                        if word not in seen:
                            seen.add(word)
                            v = _variant(slot[0], word, 1.0 if len(words) > 1 else SYNONYM_BOOST)
                            if v.chars:
                                v.endchar = slots[end - 1][0].endchar
                            extra[i].append(v)
        for slot, more in zip(slots, extra, strict=True):
            yield from slot
            yield from more


class DutchStemFilter(Filter):
    """Stems every token with the Dutch snowball stemmer and drops duplicates within a position."""

    is_morph = True

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        seen: set[tuple[int, str]] = set()
        for t in tokens:
            t.text = stem(t.text)
            key = (t.slot, t.text)
            if key not in seen:
                seen.add(key)
                yield t


# Derived terms count less than the words a person typed: a synonym says the same thing, a compound part
# only part of it.
PART_BOOST = 0.6
SYNONYM_BOOST = 0.8


def _variant(t: Token, text: str, boost: float = PART_BOOST) -> Token:
    v = Token.__new__(Token)  # Token.copy() goes through __init__ and a keyword dict: this is 3x cheaper
    v.__dict__.update(t.__dict__)
    v.text = text
    v.parts = ()
    v.boost = boost
    return v


def parse_synonym_line(line: str) -> tuple[str, ...]:
    """Parses an editor synonym line "eh3 = eherkenning niveau 3" into its phrases."""
    return tuple(p.strip() for p in line.split("=") if p.strip())


def _editor_groups(groups: Iterable[Sequence[str]]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    # An editor group "a = b c" makes all phrases emit one concept term: the words of the first phrase joined.
    out = []
    for phrases in groups:
        phrases = tuple(p for p in phrases if p.strip())
        if len(phrases) >= 2:
            concept = "".join(fold(w) for w in _WORD_RE.findall(phrases[0].replace("-", "")))
            if concept:
                out.append(((concept,), phrases))
    return out


def build_analyzer(extra_synonyms: Iterable[Sequence[str]] = (), extra_words: Iterable[str] = ()) -> Analyzer:
    """The stemmed analyzer: tokenize, fold, compounds, synonyms, stop words, Dutch stemming."""
    splitter = CompoundSplitter(w for w in extra_words if w.isalpha())
    groups = list(SYNONYM_GROUPS) + _editor_groups(extra_synonyms)
    return (
        DutchTokenizer()
        | FoldFilter()
        | CompoundFilter(splitter)
        | SynonymFilter(groups)
        | DomainStopFilter()
        | DutchStemFilter()
    )


def build_exact_analyzer() -> Analyzer:
    """The exact analyzer: tokenize, fold and drop stop words, no stemming or expansion."""
    return DutchTokenizer() | FoldFilter() | DomainStopFilter()


_DEFAULT = build_analyzer()
_EXACT = build_exact_analyzer()


def analyze_terms(text: str, analyzer: Analyzer | None = None, mode: str = "query") -> list[str]:
    """Normalised search terms of a text (stemmed, with compound parts and synonym concepts)."""
    return [t.text for t in (analyzer or _DEFAULT)(text or "", mode=mode)]


def exact_terms(text: str) -> list[str]:
    """Folded, unstemmed words of a text without stop words."""
    return [t.text for t in _EXACT(text or "")]


def weighted_terms(text: str, analyzer: Analyzer | None = None) -> dict[str, float]:
    """Each distinct term of a query with its weight: 1.0 when typed, lower when only derived."""
    out: dict[str, float] = {}
    for t in (analyzer or _DEFAULT)(text or "", mode="query"):
        out[t.text] = max(out.get(t.text, 0.0), t.boost)
    return out


def term_spans(text: str, analyzer: Analyzer | None = None) -> list[tuple[str, int, int]]:
    """(term, start, end) for every analysed term, used to highlight matches in the original text."""
    return [(t.text, t.startchar, t.endchar) for t in (analyzer or _DEFAULT)(text or "", chars=True)]
