"""Knowledge-base search: neutral types and backend protocol, and the Whoosh backend (the only Whoosh code).

The Whoosh backend (Whoosh, Markdown and nh3: ~60 ms to import) loads on first use of a name that needs it
(PEP 562 module `__getattr__`), so a process that only imports the types — every `flask` command, the web app
before its first search — does not pay for it.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.search.language import text_language
from knowledge.search.types import MAX_QUERY_CHARS, Hit, LockError, SearchBackend, SearchDoc, SearchResult

if TYPE_CHECKING:
    from knowledge.search.whoosh_index import SearchIndex, question_prior
    from knowledge.search.whoosh_schema import content_fingerprint

_BACKEND = {"SearchIndex": "whoosh_index", "question_prior": "whoosh_index", "content_fingerprint": "whoosh_schema"}


def __getattr__(name: str) -> Any:
    module = _BACKEND.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups are plain module attributes
    return value


def open_index(path: str | Path) -> SearchBackend:
    """The search backend of an index folder (created on the first write)."""
    from knowledge.search.whoosh_index import SearchIndex

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
