"""The Whoosh schema of the knowledge-base index, its content fingerprint and the in-process writer lock."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterable, Sequence

from whoosh.analysis import Analyzer, SpaceSeparatedTokenizer
from whoosh.fields import ID, STORED, TEXT, Schema

from knowledge.lexicon import ANALYZER_VERSION
from knowledge.render import markdown_to_text
from knowledge.search.language import text_language
from knowledge.search.snippets import SNIPPET_SCAN, search_text, snippet_text
from knowledge.search.types import LockError, SearchDoc
from knowledge.search.whoosh_analysis import exact_terms, term_spans

# kb-4: search stems keep weten/meten/heten apart from wet/met/het; body text without list markers or link targets
# kb-5: verb forms of a listed synonym verb ("besteld", "aangeschaft") emit its concept; -lijk(s) words their noun
SCHEMA_VERSION = "kb-5"
WRITE_TIMEOUT = 20.0


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
        lang=STORED(),
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


def doc_fields(doc: SearchDoc, analyzer: Analyzer) -> dict:
    """The Whoosh fields of one document: pre-analysed terms, stored texts and snippet spans."""
    body_text = search_text(markdown_to_text(doc.body or ""))
    keywords_text = ", ".join(doc.keywords)

    def terms(text: str) -> str:
        return " ".join(t.text for t in analyzer(text, mode="index"))

    exact = " ".join(exact_terms(" ".join([doc.title, keywords_text, body_text])))
    # Snippet spans are computed once here, so a query never re-analyses a whole article; for all but
    # huge articles the same analysis also gives the body terms.
    short = snippet_text(body_text)
    spans = [[t, s, e] for t, s, e in term_spans(short, analyzer)]
    body = " ".join(t for t, _s, _e in spans) if len(body_text) <= SNIPPET_SCAN else terms(body_text)
    title, keywords = terms(doc.title), terms(keywords_text)
    return dict(
        spans=json.dumps(spans, ensure_ascii=False, separators=(",", ":")),
        slug=doc.slug,
        category=doc.category,
        title=title,
        keywords=keywords,
        body=body,
        exact=exact,
        terms=" ".join(sorted(set(f"{title} {keywords} {body}".split()))),
        title_text=doc.title,
        keywords_text=keywords_text,
        body_text=body_text,
        summary=doc.summary,
        lang=text_language(f"{doc.title}\n{body_text}"),
        synonyms=json.dumps([list(g) for g in doc.synonyms]),
    )


def stored_doc(stored: dict) -> SearchDoc:
    """The document back from its stored fields (for re-analysing it with new synonyms)."""
    return SearchDoc(
        slug=stored["slug"],
        title=stored.get("title_text", ""),
        category=stored.get("category", ""),
        keywords=[k.strip() for k in stored.get("keywords_text", "").split(",") if k.strip()],
        body=stored.get("body_text", ""),
        summary=stored.get("summary", ""),
        synonyms=[tuple(g) for g in json.loads(stored.get("synonyms") or "[]")],
    )
