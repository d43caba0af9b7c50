"""An in-memory copy of one index generation's statistics, for scoring whole mails without Whoosh's matchers.

Triage searches with the whole text of a mail: dozens of terms against a few hundred articles at most. Whoosh
opens a searcher, decodes posting blocks and builds an array matcher for each such query; the same BM25F sums
over postings held in dictionaries skip all of that (bench/faq_search.py measures both). The snapshot is read
from the index itself (so it stays rebuildable from the database like the index) and answers exactly what
Whoosh would: same terms (the query plan is made by `plan_query` against this snapshot), same weights, same
field lengths, same BM25F formula and parameters, same order of ties.
"""

from __future__ import annotations

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


def weighting() -> BM25F:
    """The BM25F model of every search: the snapshot's own scoring uses the same parameters."""
    return BM25F(B=B, K1=K1, **{f"{name}_B": value for name, value in FIELD_B.items()})


@dataclass
class _Field:
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)  # term -> (docnum, weight)
    df: dict[str, int] = field(default_factory=dict)  # as Whoosh counts it: deleted documents too, until a merge
    lengths: dict[int, float] = field(default_factory=dict)  # docnum -> field length as Whoosh stores it
    average: float = 1.0
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


def _term_clauses(plan: QueryPlan) -> list[Term]:
    query = plan.query
    if isinstance(query, Term):
        return [query]
    if isinstance(query, Or) and all(isinstance(q, Term) for q in query.subqueries):
        return list(query.subqueries)
    raise ValueError("alleen een platte OF-vraag van termen kan in het geheugen worden gescoord")
