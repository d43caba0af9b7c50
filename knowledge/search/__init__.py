"""Knowledge-base search: neutral types and backend protocol, and the Whoosh backend (the only Whoosh code)."""

from pathlib import Path

from knowledge.search.snippets import text_language
from knowledge.search.types import MAX_QUERY_CHARS, Hit, LockError, SearchBackend, SearchDoc, SearchResult
from knowledge.search.whoosh_index import SearchIndex, question_prior
from knowledge.search.whoosh_schema import content_fingerprint


def open_index(path: str | Path) -> SearchBackend:
    """The search backend of an index folder (created on the first write)."""
    return SearchIndex(path)


__all__ = [
    "MAX_QUERY_CHARS",
    "Hit",
    "LockError",
    "SearchBackend",
    "SearchDoc",
    "SearchIndex",
    "SearchResult",
    "content_fingerprint",
    "open_index",
    "question_prior",
    "text_language",
]
