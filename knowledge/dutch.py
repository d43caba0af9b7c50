"""The one Dutch analysis of search and classifier: fold, stem, compound splitting, synonyms and stop words."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.resources import files

from knowledge.lexicon import COMPOUND_PARTS, KEEP_WORDS, SNOWBALL_STOP_EN, SNOWBALL_STOP_NL, SYNONYM_GROUPS
from knowledge.stemmers import dutch_stem, porter_stem

# A word, optionally hyphenated or with an apostrophe ("e-Herkenning", "collega's"), optionally ending in
# "+" so that "2+" and "eh2+" survive as tokens.
WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*\+?")
STOP_WORDS: frozenset[str] = frozenset((SNOWBALL_STOP_NL | SNOWBALL_STOP_EN) - KEEP_WORDS)
LINKERS = ("s", "en", "e")
_CACHE_LIMIT = 50_000  # bounded: junk input must not grow memory forever
# Longer "words" are not compounds but junk (a pasted hash, a held-down key): not split, so that splitting costs
# at most MAX_COMPOUND_CHARS x the longest lexicon part per word, and a query costs time linear in its length.
MAX_COMPOUND_CHARS = 60
# A word counted this often in pyspellchecker's Dutch frequency list (subtitles) is a word people write on
# purpose; rarer entries include common misspellings ("gewon", "julie").
COMMON_WORD_COUNT = 200

__all__ = [
    "KEEP_WORDS",
    "STOP_WORDS",
    "SYNONYM_GROUPS",
    "WORD_RE",
    "CompoundSplitter",
    "common_word",
    "common_words_among",
    "editor_synonym_groups",
    "fold",
    "parse_synonym_line",
    "phrase_stems",
    "split_compound",
    "stem",
    "word_count",
]


@lru_cache(maxsize=_CACHE_LIMIT)
def fold(word: str) -> str:
    """Lower-case and strip accents and apostrophes ("Café's" -> "cafes")."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "'’")


@lru_cache(maxsize=_CACHE_LIMIT)
def stem(word: str, english: bool = False) -> str:
    """Dutch snowball (or English Porter) stem of a folded word; words with digits or '+' are kept as they are."""
    if any(c.isdigit() or c == "+" for c in word):
        return word
    return porter_stem(word) if english else dutch_stem(word)


@lru_cache(maxsize=1)
def _common_words() -> dict[str, int]:
    # Read on the first typo look-up (about 0.25 s CPU), not at import: most processes never need it. Folded
    # without fold's cache, which is for query words (plain lower-case letters need no folding).
    counts = json.loads(gzip.decompress((files("spellchecker") / "resources" / "nl.json.gz").read_bytes()))
    return {w.lower() if w.isascii() and w.isalpha() else fold.__wrapped__(w): n
            for w, n in counts.items() if n >= COMMON_WORD_COUNT}


def common_word(word: str) -> bool:
    """True when a folded word is a common Dutch word: spelt on purpose, even when no article uses it."""
    return word in _common_words()


def word_count(word: str) -> int:
    """How often a folded common Dutch word occurs in the frequency list (0 for any other word)."""
    return _common_words().get(word, 0)


def common_words_among(words: Iterable[str]) -> set[str]:
    """The common Dutch words among `words` (see `common_word`)."""
    counts = _common_words()
    return {w for w in words if w in counts}


class CompoundSplitter:
    """Splits Dutch compounds on a lexicon of known parts, with linking -s-/-en-/-e-."""

    def __init__(self, lexicon: Iterable[str] = ()) -> None:
        self.lexicon = frozenset(COMPOUND_PARTS) | frozenset(fold(w) for w in lexicon)
        self.longest = max((len(w) for w in self.lexicon), default=0)
        self._cache: dict[str, tuple[str, ...]] = {}
        self._known: dict[str, bool] = {}

    def is_known(self, word: str) -> bool:
        """True when the word is in the lexicon or splits fully into lexicon parts."""
        known = self._known.get(word)
        if known is None:
            known = word in self.lexicon or (len(word) <= MAX_COMPOUND_CHARS and len(self._full_split(word)) >= 2)
            if len(self._known) < _CACHE_LIMIT:
                self._known[word] = known
        return known

    def split(self, word: str) -> tuple[str, ...]:
        """Parts of a compound ("eherkenningsmiddel" -> ("eherkenning", "middel")), or () if none."""
        if len(word) > MAX_COMPOUND_CHARS:
            return ()
        cached = self._cache.get(word)
        if cached is None:
            cached = self._full_split(word) or self._partial_split(word)
            if len(self._cache) < _CACHE_LIMIT:
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
            for j in range(i + 3, min(n, i + self.longest) + 1):
                piece = word[i:j]
                if piece not in self.lexicon:
                    continue
                cand = best[i] + (piece,)
                ends = [j] + [j + len(lk) for lk in LINKERS if j < n and word.startswith(lk, j)]
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
                for lk in LINKERS:
                    if rest.startswith(lk) and len(rest) - len(lk) >= 4:
                        rest = rest[len(lk) :]
                        break
                return (head, rest)
        for cut in range(4, len(word) - 4):
            tail = word[cut:]
            if tail in self.lexicon:
                return (word[:cut], tail)
        return ()


_SPLITTER = CompoundSplitter()


def split_compound(word: str) -> tuple[str, ...]:
    """Parts of a folded compound on the domain lexicon alone (no editor keywords), or ()."""
    return _SPLITTER.split(word)


def phrase_stems(phrase: str) -> tuple[str, ...]:
    """The folded, stemmed words of a synonym phrase (hyphens joined: "e-herkenning" is one word)."""
    return tuple(stem(fold(w)) for w in WORD_RE.findall(phrase.replace("-", "")))


def parse_synonym_line(line: str) -> tuple[str, ...]:
    """Parses an editor synonym line "eh3 = eherkenning niveau 3" into its phrases."""
    return tuple(p.strip() for p in line.split("=") if p.strip())


def editor_synonym_groups(groups: Iterable[Sequence[str]]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Editor groups as (emitted terms, phrases): all phrases emit one concept, the first phrase's words joined."""
    out = []
    for phrases in groups:
        phrases = tuple(p for p in phrases if p.strip())
        if len(phrases) >= 2:
            concept = "".join(fold(w) for w in WORD_RE.findall(phrases[0].replace("-", "")))
            if concept:
                out.append(((concept,), phrases))
    return out
