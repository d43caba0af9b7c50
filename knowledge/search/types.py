"""The search seam: neutral documents, hits and results, and the protocol every search backend implements."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

MAX_QUERY_CHARS = 4000  # longer queries and mails are cut to this many characters before analysis


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


@dataclass(frozen=True)
class TextAnalysis:
    """A text's search terms with where they are and their weight, from one run of an index's analyzer. The
    analysis of a text made of lines of it (a mail's main question) is taken from here (`of`) instead of
    analysing those words again; `generation` says which analysis of the index it is (its synonyms, compounds)."""

    text: str
    terms: tuple[tuple[str, int, int, float], ...]  # (term, start, end, boost) in the order the analyzer gave them
    generation: int = 0

    def of(self, text: str) -> TextAnalysis | None:
        """The analysis of `text` when each of its lines occurs in this text, in order; None otherwise. A term
        whose span crosses the start or end of a line (a compound joined with the word before, a synonym phrase
        running on) is not the line's; everything else is as an analysis of the line alone would find it."""
        terms: list[tuple[str, int, int, float]] = []
        cursor = offset = 0
        for line in text.split("\n"):
            at = self.text.find(line, cursor)
            if at < 0:
                return None
            end = at + len(line)
            terms += [(term, start - at + offset, stop - at + offset, boost)
                      for term, start, stop, boost in self.terms if at <= start and stop <= end]
            cursor, offset = end, offset + len(line) + 1
        return TextAnalysis(text, tuple(terms), self.generation)


@dataclass
class Hit:
    """One search result; snippet is safe HTML (escaped text with <mark> around matches)."""

    slug: str
    title: str
    category: str
    snippet: str
    score: float
    summary: str = ""
    lang: str = "nl"  # the article's language ("nl" or "en")
    match: float = 0.0  # share of the query's terms the article contains (whoosh_query.match), 0..1


@dataclass
class SearchResult:
    """The answer to one query; suggestion is a corrected query for "Bedoelde u …?" or None."""

    query: str
    hits: list[Hit]
    total: int
    suggestion: str | None = None
    # The query with every misspelt word fixed, also when it is too long for "Bedoelde u …?": what the
    # question classifier should read (typos make it guess "other").
    corrected: str | None = None


class LockError(Exception):
    """The index is being written by someone else for longer than the write timeout."""


class SearchBackend(Protocol):
    """What the app and triage need from a search index; rebuildable from the documents at any time."""

    def exists(self) -> bool:
        """True when the index is there and readable."""
        ...

    def fingerprint(self) -> str | None:
        """The fingerprint passed to the last write, or None."""
        ...

    def doc_count(self) -> int:
        """Number of indexed documents."""
        ...

    def generation(self) -> int | None:
        """The index generation searched now (changes with every write), or None without an index."""
        ...

    def refresh(self) -> bool:
        """Reopen the searcher when the index on disk changed; True when it did."""
        ...

    def rebuild(self, docs: Iterable[SearchDoc], fingerprint: str | None = None,
                progress: Callable[[int], None] | None = None) -> int:
        """Replace the whole index with `docs`; returns the number indexed."""
        ...

    def upsert(self, doc: SearchDoc, fingerprint: str | None = None) -> None:
        """Add or replace one document."""
        ...

    def delete(self, slug: str, fingerprint: str | None = None) -> None:
        """Remove one document (no error when it is not there)."""
        ...

    def search(self, query: str, limit: int = 10, category: str | None = None,
               snippets: int | None = None) -> SearchResult:
        """Search with plain words; never raises on user input."""
        ...

    def search_many(self, queries: Iterable[str], limit: int = 10) -> Iterator[SearchResult]:
        """`search`'s hits for each query in turn (no snippets, total or suggestion), cheaper per query when
        there are many."""
        ...

    def analyse(self, text: str) -> TextAnalysis | None:
        """The analysis `search_mail` would make of `text` (None when there is nothing to search), to share."""
        ...

    def search_mail(self, text: str, limit: int = 10, snippets: int | None = None,
                    analysis: TextAnalysis | None = None) -> SearchResult:
        """Search with the whole text of a mail (no "Bedoelde u …?" suggestion); `analysis` of this text from
        `analyse` (or its `of`) saves analysing it again."""
        ...

    def close(self) -> None:
        """Release open handles."""
        ...
