"""One long-lived Whoosh searcher per index generation, with what every query of that generation shares.

A query used to open a searcher, look twice whether the index exists and read the analysis config from disk;
now those are done once per generation (a commit by any process makes a new one) and `SearchIndex.refresh()`
swaps in the new generation. Stored fields, analysed spans and typo corrections are kept per generation,
bounded, so a query reads them from memory after their first use.
"""

from __future__ import annotations

import threading
from pathlib import Path

from whoosh import index as windex
from whoosh.analysis import Analyzer
from whoosh.query import Query, Term

from knowledge.search.snippets import index_spans
from knowledge.search.whoosh_config import AnalysisConfig, generation_config
from knowledge.search.whoosh_memory import weighting
from knowledge.search.whoosh_schema import index_schema, load_spans

STORED_CACHE = 2_000  # stored documents (with parsed snippet spans) kept per generation
TERMS_CACHE = 50_000  # per-document term sets kept per generation (small)
RESULTS_CACHE = 500  # answers kept per generation: what visitors ask repeats (a few KiB each)
CACHED_QUERY_CHARS = 200  # longer queries (whole mails) seldom come twice: not kept
CACHED_HITS = 20  # answers with more hits (API `limit`) are not kept: bounded memory (~5 MB at most)


class BoundedCache(dict):
    """A dict that empties itself when full: crude but bounded in memory, and cheap on every hit."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: object, value: object) -> None:
        if len(self) >= self.size:
            self.clear()
        self[key] = value


class Generation:
    """The searcher of one index generation; its lock serialises the Whoosh part of a query (files, seeks)."""

    def __init__(self, ix: windex.Index, analysis: AnalysisConfig, path: Path) -> None:
        self.searcher = ix.searcher(weighting=weighting())
        self.reader = self.searcher.reader()
        self.number = self.reader.generation()
        self.valid = set(ix.schema.names()) == set(index_schema().names())
        self.config = generation_config(path, self.number)
        self.analyzer: Analyzer = analysis.analyzer_for(self.config)
        self.lock = threading.RLock()
        self.closed = False  # set under the lock: a query that got this generation just before a refresh retries
        self._stored = BoundedCache(STORED_CACHE)
        self._terms = BoundedCache(TERMS_CACHE)
        self.results = BoundedCache(RESULTS_CACHE)  # (query, limit, category, snippets) -> SearchResult
        self.corrections: dict[str, list[str]] = {}  # bounded by plan_query

    def stored(self, docnum: int) -> dict:
        """The stored fields of one document, spans parsed and indexed once."""
        found = self._stored.get(docnum)
        if found is None:
            found = dict(self.reader.stored_fields(docnum))
            found["spans"] = load_spans(found.get("spans")) or []
            found["span_index"] = index_spans(found["spans"])
            self._stored.put(docnum, found)
        return found

    def terms(self, docnum: int) -> set[str]:
        """The stemmed terms of one document (for the coverage re-rank)."""
        found = self._terms.get(docnum)
        if found is None:
            found = set(self.stored(docnum).get("terms", "").split())
            self._terms.put(docnum, found)
        return found

    def count(self, query: Query, category: str | None) -> int:
        """How many documents match, without scoring them (the posting lists' document numbers only)."""
        docs = set(self.searcher.docs_for_query(query))
        if category:
            docs &= set(self.searcher.docs_for_query(Term("category", category)))
        return len(docs)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.searcher.close()

