"""The Whoosh analyzer chain over the Dutch analysis of `knowledge.dutch`: tokens, compounds, synonyms, stems."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from whoosh.analysis import Analyzer, Filter, Token, Tokenizer

from knowledge.dutch import (
    KEEP_WORDS,
    STOP_WORDS,
    SYNONYM_GROUPS,
    WORD_RE,
    CompoundSplitter,
    editor_synonym_groups,
    fold,
    phrase_stems,
    stem,
)

_HYPHEN_RE = re.compile(r"-")
_MAX_TOKEN_LEN = 48


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
        for slot, m in enumerate(WORD_RE.finditer(value)):
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


# Adjective and adverb endings that make a word of a noun: jaar -> jaarlijks, persoon -> persoonlijk, wet -> wettelijk.
DERIVATION_SUFFIXES = ("elijks", "elijk", "lijks", "lijk")


def derived_head(word: str, splitter: CompoundSplitter) -> list[str]:
    """[the noun] of a word derived from a lexicon noun with -(e)lijk(s) ("jaarlijks" -> jaar, "wettelijk" -> wet,
    the doubled consonant of a short vowel undone), else []: a yearly amount is about the year."""
    for suffix in DERIVATION_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            head = word[: -len(suffix)]
            if len(head) >= 4 and head[-1] == head[-2] and head[-1] not in "aeiou":
                head = head[:-1]
            return [head] if head in splitter.lexicon else []
    return []


class CompoundFilter(Filter):
    """Adds compound parts after each word, and joins adjacent words that form a known compound."""

    def __init__(self, splitter: CompoundSplitter) -> None:
        self.splitter = splitter
        # For query_terms: what each word as typed makes, and the compound (or None) each pair of words forms.
        self.forms: dict[str, _Form] = {}
        self.joins: dict[tuple[str, str], _Join | None] = {}

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        prev_text, prev_start = "", 0  # the previous word (text and start), for joining compounds
        for t in tokens:
            text = t.text  # read before yielding: a later filter may change the token
            start = t.startchar if t.chars else 0
            yield t
            extra = [p for p in t.parts if len(p) > 1] + list(self.splitter.split(text))
            extra += derived_head(text, self.splitter)
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
        infinitives = set()
        for emit, phrases in groups:
            emitted = tuple(fold(e) for e in emit)
            for phrase in phrases:
                words = phrase_stems(phrase)
                if words:
                    self.index.setdefault(words[0], []).append((words, emitted))
                infinitives.update(w for w in WORD_RE.findall(fold(phrase.replace("-", ""))) if w.endswith("en"))
        self.verbs = VerbForms(infinitives)
        # For query_terms: the stems that start a phrase, and per word's forms the phrases they may start.
        self.firsts = frozenset(self.index)
        self.candidates: dict[tuple[str, ...], tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {}

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        slots: list[list[Token]] = []
        # Every token that reaches this filter is its own object (the tokenizer makes one per word, the
        # compound filter copies for its variants), so they are collected as they are, without copies.
        for t in tokens:
            if slots and slots[-1][0].slot == t.slot:
                slots[-1].append(t)
            else:
                slots.append([t])
        stems = [{search_stem(t.text) for t in slot} | self.verbs.stems(slot[0].text) for slot in slots]
        extra: list[list[Token]] = [[] for _ in slots]
        for i, slot in enumerate(slots):
            seen = {t.text for t in slot}
            # A stop word is no synonym on its own, even when it stems like one ("dat" like "date", "reeds" like
            # "reden"); it may still start a phrase ("voor wanneer").
            stop = slot[0].text in STOP_WORDS
            # In a fixed order: the first phrase to emit a word sets its boost, whatever the process's hash seed.
            for first in sorted(stems[i]):
                for words, emitted in self.index.get(first, ()):
                    if stop and len(words) == 1:
                        continue
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


# Separable prefixes that come before the ge- of a past participle ("aangeschaft", "opgehoogd", "omgezet").
SEPARABLE_PREFIXES = ("aan", "af", "bij", "door", "in", "mee", "na", "neer", "om", "op", "over", "terug", "toe", "uit",
                      "vast", "voor", "weg")
_VOWELS = frozenset("aeiouy")
_VERB_CACHE_LIMIT = 50_000


def infinitive_candidates(word: str) -> set[str]:
    """The infinitives a folded Dutch word may be a regular form of: the first person ("bestel", "betaal"), the
    present tense in -t ("bestelt", "kiest"), the past participle in -d/-t with ge- after an optional separable
    prefix ("besteld", "aangeschaft", "omgezet") or in -en ("uitgegeven"), with Dutch spelling put back: a long
    vowel in a closed syllable is written single before -en ("betaal" -> betalen), a short one doubles the
    consonant ("bestel" -> bestellen), f/s become v/z ("kies" -> kiezen). Guesses: only useful against a list of
    real infinitives."""
    if len(word) < 4 or not word.isalpha():
        return set()
    bases = {word}
    if word[-1] in "td":
        bases.add(word[:-1])
    for base in list(bases):
        for prefix in ("", *SEPARABLE_PREFIXES):
            if base.startswith(prefix + "ge") and len(base) - len(prefix) >= 5:
                bases.add(prefix + base[len(prefix) + 2:])
    out = set()
    if word.endswith("en"):  # a strong verb's participle is often ge- before the infinitive ("uitgegeven")
        out.update(prefix + word[len(prefix) + 2:] for prefix in ("", *SEPARABLE_PREFIXES)
                   if word.startswith(prefix + "ge") and len(word) - len(prefix) >= 6)
    for b in bases:
        if len(b) < 3 or b[-1] in _VOWELS:
            continue
        long_vowel = b[-2] in _VOWELS and b[-3] == b[-2]
        stems = [b[:-2] + b[-1] if long_vowel else b]
        if not long_vowel and b[-2] in _VOWELS and b[-3] not in _VOWELS:
            stems.append(b + b[-1])  # a short vowel keeps its sound by a doubled consonant
        for st in stems:
            out.add(st + "en")
            if st[-1] in "fs":
                out.add(st[:-1] + ("ven" if st[-1] == "f" else "zen"))
    out.discard(word)
    return out


class VerbForms:
    """Finds, for a word, the stems of the listed infinitives it is a form of ("besteld" -> the stem of
    "bestellen"), so that a synonym listed as a verb also matches its conjugated forms. Only infinitives on the
    list count: "geldt" is no form of "geld", which is no verb there. Remembered per word (bounded)."""

    def __init__(self, infinitives: Iterable[str]) -> None:
        self.infinitives = frozenset(infinitives)
        self.found: dict[str, frozenset[str]] = {}

    def stems(self, word: str) -> frozenset[str]:
        found = self.found.get(word)
        if found is None:
            found = frozenset(search_stem(w) for w in infinitive_candidates(word) if w in self.infinitives)
            if len(self.found) < _VERB_CACHE_LIMIT:
                self.found[word] = found
        return found


# Irregular verb forms the snowball stemmer folds onto an unrelated word ("weten", "weet" -> "wet", the law;
# "meten" -> "met"; "heten" -> "het"): searching "wij willen weten" must not match articles about a law.
STEM_EXCEPTIONS = {
    "weten": "weet", "weet": "weet", "wist": "weet", "wisten": "weet", "geweten": "weet", "weetje": "weet",
    "meten": "meet", "meet": "meet", "gemeten": "meet",
    "heten": "heet", "heet": "heet", "heette": "heet",
}


def search_stem(word: str) -> str:
    """The stem the search index uses: the Dutch stem, except for the collisions in STEM_EXCEPTIONS."""
    return STEM_EXCEPTIONS.get(word) or stem(word)


class DutchStemFilter(Filter):
    """Stems every token with the Dutch snowball stemmer and drops duplicates within a position."""

    is_morph = True

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        seen: set[tuple[int, str]] = set()
        for t in tokens:
            t.text = search_stem(t.text)
            key = (t.slot, t.text)
            if key not in seen:
                seen.add(key)
                yield t


# Derived terms count less than the words a person typed: a synonym says the same thing, a compound part
# only part of it.
PART_BOOST = 0.6
SYNONYM_BOOST = 0.8


def _variant(t: Token, text: str, boost: float = PART_BOOST) -> Token:
    v = Token.__new__(Token)  # Token.copy() goes through __init__ and a keyword dict; a variant needs neither
    v.__dict__.update(t.__dict__)
    v.text = text
    v.parts = ()
    v.boost = boost
    return v


def build_analyzer(extra_synonyms: Iterable[Sequence[str]] = (), extra_words: Iterable[str] = ()) -> Analyzer:
    """The stemmed analyzer: tokenize, fold, compounds, synonyms, stop words, Dutch stemming."""
    splitter = CompoundSplitter(w for w in extra_words if w.isalpha())
    groups = list(SYNONYM_GROUPS) + editor_synonym_groups(extra_synonyms)
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


_CHAIN = (DutchTokenizer, FoldFilter, CompoundFilter, SynonymFilter, DomainStopFilter, DutchStemFilter)
_FORMS_LIMIT = 50_000  # words whose forms are remembered per analyzer (bounded: junk must not grow memory)


def query_terms(text: str, analyzer: Analyzer) -> list[tuple[str, int, int, float]]:
    """(term, start, end, boost) of what `analyzer(text, chars=True, mode="query")` yields, in its order: for the
    chain of `build_analyzer` the same steps on plain tuples, with what each word and each pair of words makes
    (folded form, compound parts, stems, the terms the stop words leave) remembered per analyzer, instead of a
    Whoosh token through six generators per term (the largest share of searching with a whole mail). Only the
    words that may start a synonym phrase are looked at as a phrase. Any other analyzer is run as it is."""
    items = getattr(analyzer, "items", None)
    if items is None or tuple(map(type, items)) != _CHAIN:
        return [(t.text, t.startchar, t.endchar, t.boost) for t in analyzer(text, chars=True, mode="query")]
    compounds, synonyms = items[2], items[3]
    slots = _compound_slots(text, compounds)
    lowered, extra = _synonym_terms(slots, synonyms)
    out: list[tuple[str, int, int, float]] = []
    append = out.append
    for i, (form, start, end, join, join_start) in enumerate(slots):
        word_boost = PART_BOOST if i in lowered else 1.0
        more = extra.get(i)
        if join is None and more is None:
            for term, is_word in form.terms:
                append((term, start, end, word_boost if is_word else PART_BOOST))
            continue
        seen = {term for term, _is_word in form.terms}
        for term, is_word in form.terms:
            append((term, start, end, word_boost if is_word else PART_BOOST))
        if join is not None and join.term is not None and join.term not in seen:
            seen.add(join.term)
            append((join.term, join_start, end, PART_BOOST))
        for word, w_start, w_end, boost in more or ():
            term = _kept_term(word)
            if term is not None and term not in seen:
                seen.add(term)
                append((term, w_start, w_end, boost))
    return out


class _Form(NamedTuple):
    """What the analysis makes of one word as typed (DutchTokenizer, FoldFilter, CompoundFilter)."""

    word: str  # folded, hyphens removed
    variants: tuple[str, ...]  # hyphen and compound parts
    alpha: bool
    stems: frozenset[str]  # search stems of the word and its variants (what a synonym phrase is matched on)
    terms: tuple[tuple[str, bool], ...]  # (term, is the word itself) after stop words and stemming, each once


class _Join(NamedTuple):
    """A compound that a word forms with the word before it ("token generator" -> tokengenerator)."""

    word: str
    stem: str
    term: str | None  # what is left after stop words and stemming


def _kept_term(word: str) -> str | None:
    """The term a word becomes after DomainStopFilter and DutchStemFilter, or None when it is dropped."""
    if len(word) > _MAX_TOKEN_LEN:
        return None
    if not (word in KEEP_WORDS or word[:1].isdigit() or (word not in STOP_WORDS and len(word) > 1)):
        return None
    return search_stem(word)


def _form(raw: str, splitter: CompoundSplitter) -> _Form:
    parts = _HYPHEN_RE.split(raw)
    word = fold("".join(parts))
    folded = [fold(p) for p in parts] if len(parts) > 1 else []
    variants = tuple(p for p in dict.fromkeys([p for p in folded if len(p) > 1] + list(splitter.split(word))
                                              + derived_head(word, splitter))
                     if p != word)
    terms: dict[str, bool] = {}
    for n, text in enumerate((word, *variants)):
        term = _kept_term(text)
        if term is not None and term not in terms:
            terms[term] = n == 0
    return _Form(word, variants, word.isalpha(), frozenset(search_stem(t) for t in (word, *variants)),
                 tuple(terms.items()))


_Slot = tuple[_Form, int, int, "_Join | None", int]  # form, start, end, compound with the word before, its start


def _compound_slots(text: str, compounds: CompoundFilter) -> list[_Slot]:
    """Per word (DutchTokenizer, FoldFilter, CompoundFilter in query mode): its form, where it is, and a compound
    it forms with the word before."""
    forms, joins, splitter = compounds.forms, compounds.joins, compounds.splitter
    slots: list[_Slot] = []
    prev: _Form | None = None
    prev_start = 0
    for m in WORD_RE.finditer(text):
        raw = m.group()
        form = forms.get(raw)
        if form is None:
            form = _form(raw, splitter)
            if len(forms) < _FORMS_LIMIT:
                forms[raw] = form
        start = m.start()
        join = None
        if prev is not None and prev.alpha and form.alpha:
            pair = (prev.word, form.word)
            join = joins.get(pair, _NO_JOIN)
            if join is _NO_JOIN:
                joined = next((j for j in (prev.word + form.word, prev.word + "s" + form.word)
                               if splitter.is_known(j)), None)
                join = _Join(joined, search_stem(joined), _kept_term(joined)) if joined is not None else None
                if len(joins) < _FORMS_LIMIT:
                    joins[pair] = join
        slots.append((form, start, m.end(), join, prev_start))
        prev, prev_start = form, start
    return slots


_NO_JOIN = _Join("", "", None)


def _slot_stems(slot: _Slot, verbs: VerbForms) -> frozenset[str]:
    """The stems SynonymFilter matches a slot's phrases on: its tokens' stems and the listed verbs it is a form of."""
    form, join = slot[0], slot[3]
    stems = form.stems if join is None else form.stems | {join.stem}
    verb = verbs.stems(form.word)
    return stems | verb if verb else stems


def _synonym_terms(slots: list[_Slot], synonyms: SynonymFilter
                   ) -> tuple[set[int], dict[int, list[tuple[str, int, int, float]]]]:
    """SynonymFilter on the slots: the slots whose word weighs as a part of a matched phrase, and the concepts
    (word, start, end, boost) each slot emits. Only slots with a stem that starts a phrase are looked at."""
    firsts, index, candidates = synonyms.firsts, synonyms.index, synonyms.candidates
    lowered: set[int] = set()
    extra: dict[int, list[tuple[str, int, int, float]]] = {}
    stems = [_slot_stems(slot, synonyms.verbs) for slot in slots]
    for i, slot in enumerate(slots):
        form, join = slot[0], slot[3]
        if stems[i].isdisjoint(firsts):
            continue
        texts = (form.word, *form.variants) if join is None else (form.word, *form.variants, join.word)
        phrases = candidates.get(texts)  # the verb stems follow from the word itself, texts[0]
        if phrases is None:
            stop = form.word in STOP_WORDS
            phrases = tuple((words, emitted)
                            for first in sorted(stems[i])  # as SynonymFilter tries them: the same order
                            for words, emitted in index.get(first, ()) if not (stop and len(words) == 1))
            if len(candidates) < _FORMS_LIMIT:
                candidates[texts] = phrases
        seen = set(texts)
        emitted_here: list[tuple[str, int, int, float]] = []
        for words, emitted in phrases:
            end = i + len(words)
            if len(words) > 1:
                if end > len(slots) or any(words[k] not in stems[i + k] for k in range(1, len(words))):
                    continue
                lowered.update(range(i, end))
            for word in emitted:
                if word not in seen:
                    seen.add(word)
                    emitted_here.append((word, slot[1], slots[end - 1][2],
                                         1.0 if len(words) > 1 else SYNONYM_BOOST))
        if emitted_here:
            extra[i] = emitted_here
    return lowered, extra


def analyze_terms(text: str, analyzer: Analyzer | None = None, mode: str = "query") -> list[str]:
    """Normalised search terms of a text (stemmed, with compound parts and synonym concepts)."""
    return [t.text for t in (analyzer or _DEFAULT)(text or "", mode=mode)]


def exact_terms(text: str) -> list[str]:
    """Folded, unstemmed words of a text without stop words: what the exact analyzer yields, each word's answer
    remembered (no Whoosh token per word)."""
    out = []
    for m in WORD_RE.finditer(text or ""):
        raw = m.group()
        kept = _EXACT_FORMS.get(raw, _MISSING)
        if kept is _MISSING:
            word = fold(raw.replace("-", ""))  # DutchTokenizer joins a hyphenated word's parts, then FoldFilter
            kept = word if len(word) <= _MAX_TOKEN_LEN and (word in KEEP_WORDS or word[:1].isdigit() or (
                word not in STOP_WORDS and len(word) > 1)) else None  # DomainStopFilter
            if len(_EXACT_FORMS) < _FORMS_LIMIT:
                _EXACT_FORMS[raw] = kept
        if kept is not None:
            out.append(kept)
    return out


_EXACT_FORMS: dict[str, str | None] = {}
_MISSING = object()


def term_spans(text: str, analyzer: Analyzer | None = None) -> list[tuple[str, int, int]]:
    """(term, start, end) for every analysed term, used to highlight matches in the original text."""
    return [(t.text, t.startchar, t.endchar) for t in (analyzer or _DEFAULT)(text or "", chars=True)]
