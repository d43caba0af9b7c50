"""An in-memory copy of one index generation's statistics, for scoring whole mails without Whoosh's matchers.

Triage searches with the whole text of a mail: dozens of terms against a few hundred articles at most. Whoosh
opens a searcher, decodes posting blocks and builds an array matcher for each such query; the same BM25F sums
over postings held in dictionaries skip all of that (bench/faq_search.py measures both). The snapshot is read
from the index itself (so it stays rebuildable from the database like the index) and answers exactly what
Whoosh would: same terms (the query plan is made by `plan_query` against this snapshot), same weights, same
field lengths, same BM25F formula and parameters, same order of ties.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from whoosh.query import Or, Term
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F

from knowledge.search.snippets import index_spans
from knowledge.search.whoosh_query import EXACT_FIELD, STEMMED_FIELDS, QueryPlan, edit_distance
from knowledge.search.whoosh_schema import load_spans

K1 = 1.2
B = 0.75
FIELD_B = {"title": 0.5, "keywords": 0.3}
MAX_DOCS = 20_000  # beyond this a snapshot would cost more memory than the search saves
# `top`: clauses whose term is in more than this share of the documents are only looked up for the candidates
# the other clauses find (their postings are the long ones, and they add little to any score).
DEAR_SHARE = 0.2
PRUNE_MARGIN = 1e-9  # relative: a bound must be below the k-th score by more than rounding before it prunes


def weighting() -> BM25F:
    """The BM25F model of every search: the snapshot's own scoring uses the same parameters."""
    return BM25F(B=B, K1=K1, **{f"{name}_B": value for name, value in FIELD_B.items()})


@dataclass
class _Field:
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)  # term -> (docnum, weight)
    df: dict[str, int] = field(default_factory=dict)  # as Whoosh counts it: deleted documents too, until a merge
    lengths: dict[int, float] = field(default_factory=dict)  # docnum -> field length as Whoosh stores it
    average: float = 1.0
    # `top`'s look-ups, made on a term's first use: term -> {docnum: weight}, term -> {docnum: BM25 tf part}
    by_doc: dict[str, dict[int, float]] = field(default_factory=dict)
    parts: dict[str, dict[int, float]] = field(default_factory=dict)
    best: dict[str, float] = field(default_factory=dict)  # term -> its largest tf part: the most it adds to a score
    # term -> (idf, [(docnum, weight x (K1 + 1), weight + length norm)]): the parts of BM25F that do not depend
    # on the query, worked out once per generation; a clause's score is then boost x idf x num / den per posting.
    scored: dict[str, tuple[float, list[tuple[int, float, float]]]] = field(default_factory=dict)


class MemorySnapshot:
    """Postings, lengths and stored fields of one index generation; quacks like the reader `plan_query` uses."""

    def __init__(self, reader: IndexReader, generation: int) -> None:
        self.generation = generation
        self.analyzer: object = None  # the analysis this generation was written with (set by its index)
        # Typo look-ups of this generation (word -> corrections), as the Whoosh generation keeps its own: names
        # and slips recur across mails, and each look-up scans the vocabulary. Bounded by plan_query.
        self.corrections: dict[str, list[str]] = {}
        self._doc_count = reader.doc_count()
        self._doc_count_all = reader.doc_count_all()
        self.stored: dict[int, dict] = dict(reader.iter_docs())
        for stored in self.stored.values():
            stored["spans"] = load_spans(stored.get("spans")) or []  # parsed and indexed once, not per hit
            stored["span_index"] = index_spans(stored["spans"])
        self.terms: dict[int, set[str]] = {n: set(s.get("terms", "").split()) for n, s in self.stored.items()}
        self.fields: dict[str, _Field] = {}
        for name in (*STEMMED_FIELDS, EXACT_FIELD):
            info = _Field(average=reader.field_length(name) / (self._doc_count_all or 1) or 1)
            for docnum in self.stored:
                info.lengths[docnum] = reader.doc_field_length(docnum, name, 1)
            for raw in reader.lexicon(name):
                term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                matcher = reader.postings(name, term)
                found = []
                while matcher.is_active():
                    if matcher.id() in self.stored:  # deleted documents keep postings until a merge
                        found.append((matcher.id(), matcher.weight()))
                    matcher.next()
                if found:
                    info.postings[term] = found
                    info.df[term] = reader.doc_frequency(name, term)
            b = FIELD_B.get(name, B)
            for term, found in info.postings.items():
                idf = math.log(self._doc_count_all / (info.df[term] + 1)) + 1.0
                norms = [K1 * ((1 - b) + b * info.lengths.get(docnum, 1) / info.average) for docnum, _w in found]
                info.scored[term] = (idf, [(docnum, weight * (K1 + 1), weight + norm)
                                           for (docnum, weight), norm in zip(found, norms, strict=True)])
            self.fields[name] = info
        # Per stemmed term the most documents one stemmed field has it in: asked for every term of every mail.
        self._stemmed_df: dict[str, int] = {}
        for name in STEMMED_FIELDS:
            for term, df in self.fields[name].df.items():
                self._stemmed_df[term] = max(df, self._stemmed_df.get(term, 0))
        self._by_first: dict[str, list[str]] = {}  # the exact vocabulary by first letter, for typo look-ups
        for term in self.fields[EXACT_FIELD].postings:
            self._by_first.setdefault(term[:1], []).append(term)

    # ---- the part of IndexReader that plan_query needs for long queries -------------------------------
    def doc_frequency(self, fieldname: str, text: str) -> int:
        info = self.fields.get(fieldname)
        return info.df.get(text, 0) if info else 0

    def stemmed_frequency(self, text: str) -> int:
        """`max(doc_frequency(f, text) for f in STEMMED_FIELDS)`, from one dictionary."""
        return self._stemmed_df.get(text, 0)

    def doc_count(self) -> int:
        return self._doc_count

    def terms_within(self, fieldname: str, text: str, maxdist: int, prefix: int = 0) -> list[str]:
        """Words of the exact vocabulary within `maxdist` edits of `text` that share its first `prefix`
        letters: Whoosh's Levenshtein automaton, as a scan of the (small) vocabulary."""
        if fieldname != EXACT_FIELD or prefix < 1 or not text:
            raise ValueError("alleen woorden van het exacte veld met een vaste beginletter")
        start = text[:prefix]
        return [term for term in self._by_first.get(text[:1], ())
                if term.startswith(start) and abs(len(term) - len(text)) <= maxdist
                and edit_distance(text[prefix:], term[prefix:], maxdist) <= maxdist]

    # ---- scoring ------------------------------------------------------------------------------------
    def score(self, plan: QueryPlan) -> list[tuple[float, int]]:
        """(score, docnum) of every matching document, best first, ties in document order as in Whoosh."""
        totals: dict[int, float] = {}
        get = totals.get
        for clause in _term_clauses(plan):
            info = self.fields.get(clause.fieldname)
            scored = info.scored.get(clause.text) if info else None
            if not scored:
                continue
            idf, postings = scored
            factor = clause.boost * idf  # evaluated in the order of the formula before: the same floats
            for docnum, num, den in postings:
                totals[docnum] = get(docnum, 0.0) + factor * num / den
        return sorted(((s, d) for d, s in totals.items()), key=lambda pair: (-pair[0], pair[1]))

    def top(self, plan: QueryPlan, k: int) -> list[tuple[float, int]]:
        """The first `k` of `score(plan)`, the same scores in the same order, without scoring every match.

        The clauses of common terms (in more than DEAR_SHARE of the documents: long postings, small weights) are
        left out of a first pass over the others' postings; each candidate's bound is what it has so far plus
        the most the common clauses can add. Candidates are scored in full, best bound first, until no bound
        reaches the k-th score; a document only the common clauses match can at most reach their sum. When
        that sum reaches the k-th score (a query of common words only), every match is scored after all."""
        cheap_under = DEAR_SHARE * self._doc_count_all
        clauses = []  # (postings by document, boost, idf, b, lengths, average) in the order `score` sums them
        common = 0.0  # the most the common clauses add to any one score
        partial: dict[int, float] = {}  # candidate -> its score from the other clauses (a bound, not the score)
        cheap = dear = 0
        for clause in _term_clauses(plan):
            info = self.fields.get(clause.fieldname)
            postings = info.postings.get(clause.text) if info else None
            if not postings:
                continue
            term, boost, b = clause.text, clause.boost, FIELD_B.get(clause.fieldname, B)
            idf = math.log(self._doc_count_all / (info.df[term] + 1)) + 1.0
            parts = self._parts(info, term, b)
            if len(postings) > cheap_under:
                dear += 1
                common += boost * idf * info.best[term]
            else:
                cheap += 1
                scale = boost * idf
                for docnum, part in parts.items():
                    partial[docnum] = partial.get(docnum, 0.0) + scale * part
            clauses.append((info.by_doc[term], boost, idf, b, info.lengths, info.average))
        if not dear or not cheap or len(partial) < k:
            return self.score(plan)[:k]
        found: list[tuple[float, int]] = []  # a min-heap of the k best full scores so far (score, -docnum)
        scored = []

        def add(docnum: int) -> None:
            full = _full_score(docnum, clauses)
            scored.append((full, docnum))
            if len(found) < k:
                heapq.heappush(found, (full, -docnum))
            elif (full, -docnum) > found[0]:
                heapq.heapreplace(found, (full, -docnum))

        first = heapq.nlargest(k, partial, key=partial.__getitem__)
        for docnum in first:
            add(docnum)
        # Only a candidate whose bound reaches the k-th score so far can still get in, best bound first.
        need = found[0][0] * (1 - PRUNE_MARGIN) - common
        taken = set(first)
        for docnum in sorted((d for d in partial if partial[d] >= need and d not in taken),
                             key=partial.__getitem__, reverse=True):
            if common + partial[docnum] < found[0][0] * (1 - PRUNE_MARGIN):
                break  # every later candidate has less so far: none can reach the k best
            add(docnum)
        if common >= found[0][0] * (1 - PRUNE_MARGIN):
            return self.score(plan)[:k]
        return sorted(scored, key=lambda pair: (-pair[0], pair[1]))[:k]

    def _parts(self, info: _Field, term: str, b: float) -> dict[int, float]:
        """docnum -> BM25's length-normalised tf part of the term in the field (made once per term); the
        term's postings by document are kept beside it for `_full_score`."""
        found = info.parts.get(term)
        if found is None:
            found = info.parts[term] = {
                docnum: (weight * (K1 + 1)) / (weight + K1 * ((1 - b) + b * info.lengths.get(docnum, 1) / info.average))
                for docnum, weight in info.postings[term]}
            info.by_doc[term] = dict(info.postings[term])
            info.best[term] = max(found.values())
        return found


def _full_score(docnum: int, clauses: list[tuple[dict[int, float], float, float, float, dict, float]]) -> float:
    """One document's score, summed clause by clause as `MemorySnapshot.score` sums them (the very same float)."""
    total = 0.0
    for by_doc, boost, idf, b, lengths, average in clauses:
        weight = by_doc.get(docnum)
        if weight is not None:
            norm = K1 * ((1 - b) + b * lengths.get(docnum, 1) / average)
            total += boost * idf * (weight * (K1 + 1)) / (weight + norm)
    return total


def _term_clauses(plan: QueryPlan) -> list[Term]:
    query = plan.query
    if isinstance(query, Term):
        return [query]
    if isinstance(query, Or) and all(isinstance(q, Term) for q in query.subqueries):
        return list(query.subqueries)
    raise ValueError("alleen een platte OF-vraag van termen kan in het geheugen worden gescoord")
