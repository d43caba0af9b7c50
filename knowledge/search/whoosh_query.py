"""Turns user text into a Whoosh query (plain words, never syntax), with typo tolerance and suggestions."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import islice

from whoosh.analysis import Analyzer
from whoosh.query import Or, Query, Term
from whoosh.reading import IndexReader

from knowledge.dutch import (
    COMMON_WORD_COUNT,
    STOP_WORDS,
    SYNONYM_GROUPS,
    WORD_RE,
    common_word,
    common_words_among,
    fold,
    word_count,
)
from knowledge.lexicon import COMPOUND_PARTS
from knowledge.search.whoosh_analysis import exact_terms, query_terms, search_stem

FIELD_BOOSTS = (("title", 3.0), ("keywords", 2.0), ("body", 1.0))
STEMMED_FIELDS = tuple(name for name, _ in FIELD_BOOSTS)
EXACT_FIELD = "exact"
EXACT_BOOST = 0.7  # an unstemmed match on top of the stemmed one ranks exact word forms higher
FUZZY_BOOST = 0.8  # the closest correction of an unknown word, relative to the word typed right
FUZZY_ALT_BOOST = 0.4  # a farther one
# A real word counted less than this in the Dutch frequency list is taken for a typo of an article's word one
# edit away that is counted SLIP_ODDS times as often.
SLIP_RARE_BELOW = 10 * COMMON_WORD_COUNT
SLIP_ODDS = 10
MAX_TERMS = 80
COMMON_TERMS_FROM = 6  # queries with more terms than this drop the very common ones from scoring
COMMON_SHARE = 0.5
MAX_SCORED_TERMS = 24
MIN_SCORED_TERMS = 3
MAX_FUZZY_WORDS = 6
MAX_FUZZY_CHARS = 30  # longer words get no fuzzy look-up: its automaton grows with the word (junk input)
MAX_FUZZY_BUDGET = 60  # characters of all fuzzy-looked-up words of one query together: bounded work per query
MAX_FUZZY_CANDIDATES = 4
# Longer words are compounds the Dutch word list hardly has: they skip its look-up (54 strings a letter).
MAX_DUTCH_FIX_CHARS = 14
FUZZY_MAX_WORDS = 25  # a search-box question up to this long gets typo look-ups; a longer text is a mail
SUGGEST_MAX_WORDS = 12  # "Bedoelde u …?" only for queries up to this long
MAX_CACHED_CORRECTIONS = 4_096
# A search-box query is read up to this many words: analysis costs per word (each can add compound parts and
# synonyms), while a whole question is 6-25 words and a pasted mail a few hundred.
MAX_QUERY_WORDS = 200
COVERAGE_WEIGHT = 0.9  # how strongly covering more of the query's words lifts an article (see Coverage)


@dataclass
class QueryPlan:
    """The query to run plus what the snippet should highlight and which words looked misspelt."""

    query: Query | None
    highlight_terms: set[str] = field(default_factory=set)
    weights: dict[str, float] = field(default_factory=dict)  # stemmed query term -> weight, for coverage
    unknown: list[tuple[str, list[str]]] = field(default_factory=list)  # (word, corrections best first)
    fuzzy: bool = False
    long: bool = False  # a mail rather than a search box: rarest terms only, no exact or fuzzy clauses
    # every analysed query term, known or not -> weight x idf, for `match`
    asked: dict[str, float] = field(default_factory=dict)
    corrected: str | None = None  # the text with each misspelt word replaced by its closest fix


def _stemmed_frequency(reader: IndexReader, term: str) -> int:
    """The most documents any stemmed field has the term in; a memory snapshot keeps these per generation."""
    return _frequencies(reader)(term)


def _frequencies(reader: IndexReader) -> Callable[[str], int]:
    """`_stemmed_frequency` of one reader, to ask it for many terms."""
    kept = getattr(reader, "stemmed_frequency", None)
    return kept if kept is not None else lambda term: max(reader.doc_frequency(f, term) for f in STEMMED_FIELDS)


def _in_index(reader: IndexReader, term: str) -> bool:
    return _stemmed_frequency(reader, term) > 0


def _term_clauses(term: str, boost: float) -> list[Query]:
    return [Term(f, term, boost=b * boost) for f, b in FIELD_BOOSTS]


def _corrections(reader: IndexReader, word: str, cache: dict | None = None) -> list[str]:
    # Closest words of the exact vocabulary and the lexicon, nearest first, then the most common; remembered
    # per generation.
    if cache is not None:
        found_before = cache.get(word)
        if found_before is None:
            found_before = _corrections(reader, word)
            if len(cache) >= MAX_CACHED_CORRECTIONS:
                cache.clear()  # bounded: a flood of made-up words costs look-ups again, never memory
            cache[word] = found_before
        return list(found_before)
    maxdist = 1 if len(word) <= 5 else 2
    found = {_text(c) for c in reader.terms_within(EXACT_FIELD, word, maxdist, prefix=1)}
    if maxdist < 2:
        # Whoosh's automaton counts two swapped letters as two edits: in a short word that slip is never found.
        found |= {v for v in _swaps(word) if reader.doc_frequency(EXACT_FIELD, v)}
    # Words the analysis knows without any article using them ("rekenen" means kosten) compete on distance too;
    # among equally close words the one most articles use wins (an index word before a lexicon-only one).
    found |= {c for c in _LEXICON.get((word[:1], len(word)), ()) if edit_distance(word, c, maxdist) <= maxdist}
    found |= _LEXICON_SET.intersection(_swaps(word))
    # A common Dutch word one slip away ("momnet" -> moment) is what was meant even when no article has it:
    # the classifier and "Bedoelde u …?" read it, and its stem may still be in the index. Last among equals.
    dutch = common_words_among(_one_edit(word)) - found if len(word) <= MAX_DUTCH_FIX_CHARS else set()
    # Then a slip of the finger before a letter swapped for one far away on the keyboard, then the most-used word.
    # A Dutch word SLIP_ODDS times as common as every index word equally close is the likelier one ("andres":
    # anders before adres), as a rare real word is a slip for a far more common one (`_likely_slips`).
    scored = [(typo_distance(word, c), typo_distance(word, c, keyboard=True), c) for c in found | dutch]
    known_count: dict[tuple[float, float], int] = {}
    for d, keys, c in scored:
        if c in found:
            known_count[d, keys] = max(known_count.get((d, keys), 0), word_count(c))

    def tier(d: float, keys: float, c: str) -> int:  # 0: a far likelier Dutch word, 1: a known word, 2: Dutch
        if c not in dutch:
            return 1
        return 0 if (d, keys) in known_count and word_count(c) >= SLIP_ODDS * max(known_count[d, keys], 1) else 2

    ranked = [c for d, _keys, _tier, _f, _n, c in sorted(
        (d, keys, tier(d, keys, c), -reader.doc_frequency(EXACT_FIELD, c), -word_count(c), c)
        for d, keys, c in scored) if d <= maxdist]
    # The nearest words, and the nearest the index or the analysis knows even when Dutch words are nearer.
    best = ranked[:MAX_FUZZY_CANDIDATES]
    known_more = [c for c in ranked[MAX_FUZZY_CANDIDATES:] if c in found]
    return best + known_more[:MAX_FUZZY_CANDIDATES - len(found.intersection(best))]


def _text(term: str | bytes) -> str:
    """A term as Whoosh yields it (bytes from a segment, str from a memory snapshot) as text."""
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _swaps(word: str) -> list[str]:
    """The word with each pair of neighbouring letters swapped (the first letter stays, as for the automaton)."""
    return [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1) if word[i] != word[i + 1]]


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_edit(word: str) -> set[str]:
    """Every string one edit (drop, add, change or swap a letter) from the word, its first letter kept:
    about 54 x its length, cheap to look up in a set."""
    head, out = word[:1], set(_swaps(word))
    for i in range(1, len(word) + 1):
        left, right = word[:i], word[i:]
        out.update(left + c + right for c in _LETTERS)  # a dropped letter
        if right:
            out.add(left + right[1:])  # a doubled or extra letter
            out.update(left + c + right[1:] for c in _LETTERS)  # a wrong letter
    out.discard(word)
    return {w for w in out if w.startswith(head)}


_DUTCH_SOUND = ((re.compile(r"ij|ei|y"), "y"), (re.compile(r"(?:dt|d)\b"), "t"), (re.compile(r"(\w)\1+"), r"\1"))


def _sound_key(word: str) -> str:
    """The word as it sounds: ij/ei/y alike, a final d or dt as t, doubled letters single. Spellings that
    only differ there are the errors Dutch writers make most ("tyd", "word", "begrooting")."""
    for pattern, repl in _DUTCH_SOUND:
        word = pattern.sub(repl, word)
    return word


def typo_distance(typed: str, word: str, keyboard: bool = False) -> float:
    """How far a typed word is from a vocabulary word: edits, a swap of neighbouring letters counting as one,
    and half an edit less when both sound alike in Dutch (so "vrydag" finds "vrijdag" before "vandag").
    With `keyboard`, a letter typed for one that is not its neighbour on the keyboard costs FAR_KEY more: a
    finger slips to the next key, drops, doubles or swaps letters far more often than it lands across the board
    ("probemen" is problemen missing an l before it is proberen with an m for an r)."""
    d = float(_osa_distance(typed, word, FAR_KEY if keyboard else 0.0))
    return d - 0.5 if d and _sound_key(typed) == _sound_key(word) else d


FAR_KEY = 0.25
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _key_neighbours() -> frozenset[tuple[str, str]]:
    """Pairs of letters next to each other on a QWERTY keyboard (same row, or the staggered row above/below)."""
    pairs = set()
    for r, row in enumerate(_KEY_ROWS):
        for j, c in enumerate(row):
            near = [row[k] for k in (j - 1, j + 1) if 0 <= k < len(row)]
            if r > 0:
                near += [_KEY_ROWS[r - 1][k] for k in (j, j + 1) if k < len(_KEY_ROWS[r - 1])]
            if r < len(_KEY_ROWS) - 1:
                near += [_KEY_ROWS[r + 1][k] for k in (j - 1, j) if 0 <= k < len(_KEY_ROWS[r + 1])]
            pairs.update((c, n) for n in near)
            pairs.update((n, c) for n in near)
    return frozenset(pairs)


_NEAR_KEYS = _key_neighbours()


def _osa_distance(a: str, b: str, far_key: float = 0.0) -> float:
    """Edit distance where swapping two neighbouring letters is one edit (optimal string alignment); a letter
    replaced by one that is no keyboard neighbour costs `far_key` extra."""
    prev2: list[float] = []
    prev: list[float] = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur: list[float] = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            x, y = a[i - 1], b[j - 1]
            sub = 0.0 if x == y else 1.0 if not far_key or (x, y) in _NEAR_KEYS else 1.0 + far_key
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + sub)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _lexicon_words() -> dict[tuple[str, int], list[str]]:
    """The single words of the synonym phrases and the compound parts, by first letter and every length within
    two of their own, so a typo's candidates are a short list."""
    words = {w for _emit, phrases in SYNONYM_GROUPS for p in phrases for w in WORD_RE.findall(fold(p))}
    words |= set(COMPOUND_PARTS)
    out: dict[tuple[str, int], list[str]] = {}
    for w in sorted(words):
        if len(w) >= 4 and w.isalpha() and w not in STOP_WORDS:
            for n in range(len(w) - 2, len(w) + 3):
                out.setdefault((w[0], n), []).append(w)
    return out


_LEXICON = _lexicon_words()
_LEXICON_SET = frozenset(w for words in _LEXICON.values() for w in words)
_UNKNOWN, _COMMON, _COVERED = range(3)  # kinds of words without an exact match, in the order they are looked up
_SENTENCE_END_RE = re.compile(r"[.!?\n]")


def _question_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence that ends in '?', in one pass (a pattern like `[^.!?]+\\?` searched
    through text without a '?' retries from every position: quadratic in the query length)."""
    spans, start = [], 0
    for m in _SENTENCE_END_RE.finditer(text):
        if m.group() == "?" and m.start() > start:
            spans.append((start, m.end()))
        start = m.end()
    return spans


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance of a and b; with `limit`, stops early and returns limit + 1 once it is exceeded."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if limit is not None and min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def analysed_terms(text: str, analyzer: Analyzer) -> tuple[tuple[str, int, int, float], ...]:
    """(term, start, end, boost) of every term the analyzer makes of a query, in its order."""
    return tuple(query_terms(text, analyzer))


def plan_query(text: str, analyzer: Analyzer, reader: IndexReader, corrections: dict | None = None,
               terms_of_text: Sequence[tuple[str, int, int, float]] | None = None) -> QueryPlan:
    """Builds an OR query over title, keywords, body and exact words, with fuzzy terms for unknown words.

    Misspelt words are replaced by their closest fix and the text is analysed again, so a fix takes part in
    synonym phrases and compounds as the right word would, at FUZZY_BOOST; farther fixes are alternatives.
    For a long query (a mail) only `doc_frequency` and `doc_count` of the reader are used. `corrections`
    remembers typo look-ups (word -> corrections) for the reader's generation. `terms_of_text` is the text's
    `analysed_terms` when the caller has them already."""
    weights, terms, known_spans = _analysed(text, analyzer, reader, terms_of_text=terms_of_text)
    unknown, alternatives = _typo_fixes(text, known_spans, reader, corrections)
    fixed_text, fixed_spans = _apply_fixes(text, unknown)
    if fixed_spans:
        weights, terms, _known = _analysed(fixed_text, analyzer, reader, fixed_spans)
    plan, clauses = _term_plan(fixed_text, weights, terms, reader, fixed_spans)
    plan.unknown = unknown
    plan.corrected = corrected_text(text, plan)
    for fixes, boost in alternatives:
        clauses += _fix_clauses(plan, fixes, analyzer, reader, boost)
    plan.fuzzy = bool(fixed_spans or alternatives)
    if clauses:
        # One flat OR, scored through Whoosh's array matcher: its cost grows with the postings read, not
        # with clauses x documents as nested unions and Whoosh's own coordination matcher do.
        plan.query = Or(clauses)
        plan.query.matcher_type = Or.ARRAY_MATCHER
    return plan


def _analysed(text: str, analyzer: Analyzer, reader: IndexReader, fixed: list[tuple[int, int]] = (),
              terms_of_text: Sequence[tuple[str, int, int, float]] | None = None,
              ) -> tuple[dict[str, float], list[str], list[tuple[int, int]]]:
    """Every analysed term of the text with its weight (terms of the `fixed` spans weigh FUZZY_BOOST less),
    those the index has (at most MAX_TERMS), and the spans of the words the index knows."""
    weights: dict[str, float] = {}
    spans = []
    for term, start, end, boost in analysed_terms(text, analyzer) if terms_of_text is None else terms_of_text:
        if any(s < end and e > start for s, e in fixed):
            boost *= FUZZY_BOOST
        weights[term] = max(weights.get(term, 0.0), boost)
        spans.append((term, start, end))
    frequency = _frequencies(reader)
    terms = [t for t in weights if frequency(t) > 0][:MAX_TERMS]
    kept = set(terms)
    return weights, terms, [(s, e) for term, s, e in spans if term in kept]


def _term_plan(text: str, weights: dict[str, float], terms: list[str], reader: IndexReader,
               fixed: list[tuple[int, int]]) -> tuple[QueryPlan, list[Query]]:
    """The plan of the analysed terms and their clauses: all of them, or in a long query (a mail) the rarest."""
    kept_for_coverage = {t: weights[t] for t in terms}
    long_query = len(terms) > COMMON_TERMS_FROM
    if long_query:
        # In long queries (mails) words found in most articles barely change BM25 but cost the most
        # postings; the rarest words carry the meaning. All of them still count for coverage.
        limit = COMMON_SHARE * max(reader.doc_count(), 1)
        frequency = _frequencies(reader)
        dfs = {t: frequency(t) for t in terms}
        rare = sorted((t for t in terms if dfs[t] <= limit), key=lambda t: dfs[t])[:MAX_SCORED_TERMS]
        # A query never loses all its terms: when every word occurs in most articles, the rarest few still score.
        terms = rare if len(rare) >= MIN_SCORED_TERMS else sorted(terms, key=lambda t: dfs[t])[:MIN_SCORED_TERMS]
    plan = QueryPlan(query=None, highlight_terms=set(kept_for_coverage), weights=kept_for_coverage,
                     long=long_query, asked=_rarity_weights(weights, reader))
    clauses: list[Query] = [c for t in terms for c in _term_clauses(t, weights[t])]
    if not long_query:
        fixed_words = {fold(text[s:e]) for s, e in fixed}
        words = list(dict.fromkeys(exact_terms(text)))
        clauses += [Term(EXACT_FIELD, w, boost=EXACT_BOOST * (FUZZY_BOOST if w in fixed_words else 1.0))
                    for w in words[:MAX_TERMS] if reader.doc_frequency(EXACT_FIELD, w)]
    return plan, clauses


def _typo_fixes(text: str, known_spans: list[tuple[int, int]], reader: IndexReader, corrections: dict | None
                ) -> tuple[list[tuple[str, list[str]]], list[tuple[list[str], float]]]:
    """(misspelt word, fixes best first) for the words no index term covers, and (fixes, boost) of
    the fixes that only search as alternatives: the second-best of a misspelt word, another form of a real
    word that no article has.

    A word is unknown when neither it nor anything the analyzer made of it (stem, compound part, synonym)
    occurs in the index: those get fuzzy alternatives and feed "Bedoelde u …?". Whole mails have words enough
    that the index knows; fuzzy look-ups there cost far more than they add (they are mostly names and
    signatures), so only what fits a search box gets them (bounded by the budget)."""
    budget, looked_up = MAX_FUZZY_BUDGET, set()
    unknown: list[tuple[str, list[str]]] = []
    alternatives: list[tuple[list[str], float]] = []
    n_words = len(text.split())
    questions = _question_spans(text) if n_words <= FUZZY_MAX_WORDS else []
    candidates = []
    for word, start, end in [] if n_words > FUZZY_MAX_WORDS else _word_offsets(text):
        if not 4 <= len(word) <= MAX_FUZZY_CHARS or not word.isalpha() or word in STOP_WORDS \
                or reader.doc_frequency(EXACT_FIELD, word):
            continue
        if word in _LEXICON_SET:
            continue  # a word the analysis knows, only no article uses it: no typo
        covered = any(s < end and e > start for s, e in known_spans)
        common = common_word(word)
        if common and covered:
            continue  # spelt right and understood
        # An understood word only gets a spelling fix for "Bedoelde u …?", which longer queries never show.
        if not covered or (len(word) >= 6 and n_words <= SUGGEST_MAX_WORDS):
            asked = any(s <= start < e for s, e in questions)
            candidates.append((_COVERED if covered else _COMMON if common else _UNKNOWN, not asked, word))
    # The budget goes where a fix changes the results: words nothing in the index matches, those of the
    # question sentences first.
    for kind, _context, word in sorted(candidates, key=lambda c: c[:2]):
        if len(looked_up) >= MAX_FUZZY_WORDS or budget < 4:
            break
        if word in looked_up or len(word) > budget:
            continue
        looked_up.add(word)
        budget -= len(word)
        fixes = _corrections(reader, word, corrections)
        slips = _likely_slips(word, fixes, reader) if kind == _COMMON else []
        if slips:
            # A real word read as a slip is a slip for the article's word that made it one, not for another
            # word as close ("shoppen" is no slip for "schoppen").
            kind, fixes = _UNKNOWN, slips
        if kind == _COVERED:
            # Understood through a stem or compound part: only a close spelling fix is worth suggesting.
            unknown.append((word, [f for f in fixes if edit_distance(word, f) <= (1 if len(word) < 8 else 2)][:1]))
        elif kind == _COMMON:
            # A real word no article uses: no typo to fix or suggest, but an article may have another form
            # of it ("veiliger" -> veilig), which counts as a farther correction.
            forms = [f for f in fixes if reader.doc_frequency(EXACT_FIELD, f) and _same_start(word, f)]
            if forms:
                alternatives.append((forms, FUZZY_ALT_BOOST))
        else:
            unknown.append((word, fixes))
            if len(fixes) > 1:
                alternatives.append((fixes[1:], FUZZY_ALT_BOOST))
    return unknown, alternatives


def _apply_fixes(text: str, unknown: list[tuple[str, list[str]]]) -> tuple[str, list[tuple[int, int]]]:
    """The text with each misspelt word replaced by its best fix, and where the fixes stand in it."""
    fixes = {word: cands[0] for word, cands in unknown if cands}
    if not fixes:
        return text, []
    out, spans, cursor, length = [], [], 0, 0
    for word, start, end in _word_offsets(text):
        if word in fixes:
            fix = fixes[word].capitalize() if text[start].isupper() and text[start + 1:end].islower() else fixes[word]
            out.append(text[cursor:start])
            length += start - cursor
            out.append(fix)
            spans.append((length, length + len(fix)))
            length += len(fix)
            cursor = end
    out.append(text[cursor:])
    return "".join(out), spans


def _likely_slips(word: str, fixes: list[str], reader: IndexReader) -> list[str]:
    """The articles' words a rare real word is more likely a slip for (best first): one easy slip away (a
    neighbouring key, a dropped, doubled or swapped letter) and used far more often by Dutch writers ("kotsen"
    for kosten): the odds of the two words outweigh those of a typo. Empty when it is no slip."""
    count = word_count(word)
    if count >= SLIP_RARE_BELOW:
        return []
    return [f for f in fixes if typo_distance(word, f, keyboard=True) <= 1 and reader.doc_frequency(EXACT_FIELD, f)
            and word_count(f) >= SLIP_ODDS * count]


def _same_start(word: str, form: str) -> bool:
    """True when two words differ only in their last two letters or an ending: forms of one word."""
    return len(os.path.commonprefix([word, form])) >= max(4, min(len(word), len(form)) - 2)


def _fix_clauses(plan: QueryPlan, fixes: list[str], analyzer: Analyzer, reader: IndexReader,
                 boost: float) -> list[Query]:
    """Clauses for alternative fixes of a word (the best one is in the re-analysed text), added to the plan."""
    clauses: list[Query] = []
    for fix in (f for f in fixes if f not in STOP_WORDS):  # "moeeten" -> "moeten" says nothing to search
        if reader.doc_frequency(EXACT_FIELD, fix):
            clauses.append(Term(EXACT_FIELD, fix, boost=boost * EXACT_BOOST))
        # The fix as the analyzer reads it: its stem, and a synonym's concept ("rekennen" -> kosten).
        for stemmed in dict.fromkeys([search_stem(fix), *(t for t, *_where in query_terms(fix, analyzer))]):
            if stemmed not in plan.weights and stemmed not in STOP_WORDS and _in_index(reader, stemmed):
                clauses.extend(_term_clauses(stemmed, boost))
                plan.weights[stemmed] = boost
                plan.highlight_terms.add(stemmed)
    return clauses


def _rarity_weights(weights: dict[str, float], reader: IndexReader) -> dict[str, float]:
    # Words most articles have (eHerkenning, kosten) say little about whether one answers; a word none has says most.
    n = reader.doc_count()
    frequency = _frequencies(reader)
    return {t: w * (math.log((n + 1) / (frequency(t) + 1)) + 1) for t, w in islice(weights.items(), MAX_TERMS)}


class Coverage:
    """How much of a finished plan's query an article covers: its re-rank factor and its match, with the sums
    over the query worked out once per query instead of once per article (the same floats)."""

    def __init__(self, plan: QueryPlan) -> None:
        self._weights = tuple(plan.weights.items())
        self._total = sum(plan.weights.values())
        self._asked = tuple(plan.asked.items())
        self._asked_total = sum(plan.asked.values())
        # BM25 already favours the article with both words of a two-word query; coordination matters more
        # the more words there are (a mail), so its weight grows with the number of query terms.
        self._weight = COVERAGE_WEIGHT * min(1.0, max(0, len(plan.weights) - 1) / 8)

    def coverage(self, doc_terms: set[str]) -> float:
        """Weighted share of the query's terms that an article contains (0..1)."""
        if not self._total:
            return 0.0
        return sum(w for t, w in self._weights if t in doc_terms) / self._total

    def rerank_factor(self, doc_terms: set[str]) -> float:
        """Score multiplier that rewards covering more of the query, as a coordination bonus does."""
        return 1.0 + self._weight * self.coverage(doc_terms)

    def match(self, doc_terms: set[str]) -> float:
        """Share of all the query's terms, also those no article has, that an article contains (0..1), weighted
        by rarity: how much of a question the article speaks about, comparable between queries (unlike a search
        score)."""
        total = self._asked_total
        return sum(w for t, w in self._asked if t in doc_terms) / total if total else 0.0


def bounded_query(text: str) -> str:
    """The query up to the end of its MAX_QUERY_WORDS-th word (the same word boundaries as the analyzer)."""
    last = next(islice(WORD_RE.finditer(text), MAX_QUERY_WORDS - 1, None), None)
    return text if last is None else text[: last.end()]


def _word_offsets(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) of the words a typo may be in: the parts of a hyphenated word on their own
    ("DUO-diesnt": diesnt; "PO-Raad": an acronym and a word, no "poraad"), unless a part is a prefix like the
    e of "e-Herkenning"."""
    out = []
    for m in islice(WORD_RE.finditer(text), MAX_TERMS):  # the same word boundaries as the analyzer
        pieces = m.group().split("-")
        if len(pieces) > 1 and all(len(piece) >= 3 or piece.isupper() for piece in pieces):
            start = m.start()
            for piece in pieces:
                out.append((fold(piece), start, start + len(piece)))
                start += len(piece) + 1
        else:
            out.append((fold(m.group()).replace("-", ""), m.start(), m.end()))
    return out


def corrected_text(text: str, plan: QueryPlan) -> str | None:
    """The text with misspelt words replaced by their closest fix, or None when nothing changes."""
    corrected = " ".join(_apply_fixes(text, plan.unknown)[0].split())
    return corrected if corrected.lower() != " ".join(text.split()).lower() else None


def suggest_correction(text: str, plan: QueryPlan) -> str | None:
    """The corrected query for "Bedoelde u …?" (a search box query only), or None when nothing changes."""
    return plan.corrected if len(text.split()) <= SUGGEST_MAX_WORDS else None
