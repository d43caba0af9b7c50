"""Data shapes of the search index: documents, hits, results, schema, fingerprint and the writer lock."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.index import LockError

from knowledge.lexicon import ANALYZER_VERSION

SCHEMA_VERSION = "kb-3"
WRITE_TIMEOUT = 20.0


@dataclass
class SearchDoc:
    """An article as the index sees it; body may be Markdown or plain text."""

    slug: str
    title: str
    category: str
    keywords: list[str] = field(default_factory=list)
    body: str = ""
    summary: str = ""
    synonyms: list[tuple[str, ...]] = field(default_factory=list)


@dataclass
class Hit:
    """One search result; snippet is safe HTML (escaped text with <mark> around matches)."""

    slug: str
    title: str
    category: str
    snippet: str
    score: float
    summary: str = ""


@dataclass
class SearchResult:
    """The answer to one query; suggestion is a corrected query for "Bedoelde u …?" or None."""

    query: str
    hits: list[Hit]
    total: int
    suggestion: str | None = None


def index_schema() -> Schema:
    """The Whoosh schema of the knowledge-base index."""

    # Fields hold pre-analysed terms separated by spaces, so the stored schema only references Whoosh
    # classes and never breaks when our analyzer code changes (the fingerprint forces a rebuild instead).
    def pre() -> TEXT:
        return TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False)

    return Schema(
        slug=ID(stored=True, unique=True),
        category=ID(stored=True),
        title=pre(),
        keywords=pre(),
        body=pre(),
        exact=pre(),
        title_text=STORED(),
        keywords_text=STORED(),
        body_text=STORED(),
        summary=STORED(),
        spans=STORED(),
        synonyms=STORED(),
        terms=STORED(),
    )


def content_fingerprint(docs: Iterable[SearchDoc], extra_synonyms: Iterable[Sequence[str]] = ()) -> str:
    """A stable hash of the indexed content and analysis settings; equal hash means no rebuild needed."""
    h = hashlib.sha256(f"{SCHEMA_VERSION}|{ANALYZER_VERSION}".encode())
    h.update(json.dumps([list(g) for g in extra_synonyms], ensure_ascii=False).encode())
    for d in sorted(docs, key=lambda d: d.slug):
        row = [
            d.slug,
            d.title,
            d.category,
            list(d.keywords),
            d.body,
            d.summary,
            [list(g) for g in d.synonyms],
        ]
        h.update(json.dumps(row, ensure_ascii=False).encode())
    return h.hexdigest()


def load_spans(raw: str | list | None) -> list | None:
    """The stored snippet spans (JSON text, or already a list when read from an in-memory snapshot)."""
    if isinstance(raw, list):
        return raw
    try:
        return json.loads(raw) if raw else None
    except ValueError:  # an unreadable stored value only costs a re-analysis
        return None


class WriteLock:
    """Serialises writers inside this process; Whoosh's file lock (with timeout) covers other processes."""

    def __init__(self, lock: threading.Lock) -> None:
        self.lock = lock

    def __enter__(self) -> None:
        deadline = time.monotonic() + WRITE_TIMEOUT
        while not self.lock.acquire(timeout=0.1):
            if time.monotonic() > deadline:
                raise LockError("Zoekindex is bezet: een andere schrijfactie duurt te lang.")

    def __exit__(self, *exc: object) -> None:
        self.lock.release()
