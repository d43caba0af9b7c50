"""Highlighted, HTML-safe snippets: the best window of a text with <mark> around matched words."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Sequence

from whoosh.analysis import Analyzer

from knowledge.search.whoosh_analysis import term_spans

SNIPPET_SCAN = 20_000  # only the start of a very long text is scanned for the snippet


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _window(text: str, spans: list[tuple[int, int]], terms_at: dict[int, str], width: int) -> tuple[int, int]:
    # Slide over the matches and keep the window that covers the most distinct terms, then the most matches.
    # Spans are merged, so sorted with rising ends: one pass with a window [i, j) that only moves forward.
    best, best_key = (0, min(len(text), width)), (-1, -1)
    reach = width * 4 // 5
    counts: dict[str, int] = {}
    j = 0
    for i, (start, _end) in enumerate(spans):
        if j < i:
            j = i
        while j < len(spans) and spans[j][1] - start <= reach:
            term = terms_at[spans[j][0]]
            counts[term] = counts.get(term, 0) + 1
            j += 1
        key = (len(counts), j - i)
        if key > best_key:
            best_key, best = key, (max(0, start - width // 5), 0)
        if j > i:  # the span at i leaves the window
            term = terms_at[start]
            if counts[term] == 1:
                del counts[term]
            else:
                counts[term] -= 1
    begin = best[0]
    if begin > 0:
        space = text.rfind(" ", 0, begin + 1)
        begin = space + 1 if space >= 0 and begin - space < 30 else begin
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin + width // 2 else end
    return begin, end


def index_spans(spans: Sequence[Sequence]) -> dict[str, list[int]]:
    """Positions in `spans` per term, for `highlight(span_index=…)`."""
    index: dict[str, list[int]] = {}
    for n, span in enumerate(spans):
        index.setdefault(span[0], []).append(n)
    return index


class SpanCache:
    """Remembers the analysed spans of article texts, so a snippet costs no re-analysis per query."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._data: dict[tuple[int, str], list[tuple[str, int, int]]] = {}

    def spans(self, text: str, analyzer: Analyzer | None) -> list[tuple[str, int, int]]:
        """term_spans(text) from the cache, analysed on first use."""
        key = (id(analyzer), text)
        found = self._data.get(key)
        if found is None:
            if len(self._data) >= self.size:
                self._data.clear()  # crude but bounded; articles are re-analysed on the next query
            found = self._data[key] = term_spans(text, analyzer)
        return found


_NO_CACHE = SpanCache(0)


_LIST_MARKER = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_LINK_TARGET = re.compile(r" \((?:https?://|mailto:)?[^\s()]+[./@][^\s()]+\)")
_END = (".", "?", "!", ":", ";", "…")


def search_text(plain: str) -> str:
    """Plain article text (from `markdown_to_text`) as running text for search and snippets: no list markers,
    no "(https://…)" after a link's own text, and every heading or item closed so it never runs into the next."""
    lines = []
    for line in plain.splitlines():
        line = _LINK_TARGET.sub("", _LIST_MARKER.sub("", line)).strip()
        if line:
            lines.append(line if line.endswith(_END) else line + ".")
    return "\n".join(lines)


def snippet_text(text: str) -> str:
    """The whitespace-normalised start of a text that snippets are cut from (and spans point into)."""
    return " ".join((text or "")[:SNIPPET_SCAN].split())


def highlight(
    text: str,
    terms: Collection[str],
    width: int = 220,
    analyzer: Analyzer | None = None,
    fallback: Callable[[], str] | None = None,
    cache: SpanCache | None = None,
    spans: Sequence[Sequence] | None = None,
    span_index: dict[str, list[int]] | None = None,
) -> str:
    """Escaped snippet of `text` around the best cluster of `terms`, with <mark> around each match.

    `spans` are precomputed (term, start, end) of snippet_text(text), as the index stores them; `span_index`
    (from `index_spans`) finds a query's terms among them without reading them all.
    """
    text = snippet_text(text)
    if not text:
        return html.escape(fallback()) if fallback else ""
    wanted = terms if isinstance(terms, set | frozenset) else set(terms)
    hits: list[tuple[int, int]] = []
    terms_at: dict[int, str] = {}
    if spans is None:
        spans = (cache or _NO_CACHE).spans(text, analyzer)
    if span_index is not None:
        # The terms the text has among those wanted (a mail's plan has dozens, an article a few hundred).
        matched = [spans[i] for i in sorted(i for term in span_index.keys() & wanted for i in span_index[term])]
    else:
        matched = [span for span in spans if span[0] in wanted]
    for term, start, end in matched:
        hits.append((start, end))
        terms_at.setdefault(start, term)
    spans = _merge(hits)
    for s, _e in spans:
        terms_at.setdefault(s, str(s))
    begin, end = _window(text, spans, terms_at, width) if spans else (0, min(len(text), width))
    if not spans and end < len(text):
        space = text.rfind(" ", 0, end)
        end = space if space > width // 2 else end
    parts = ["… " if begin > 0 else ""]
    cursor = begin
    for s, e in spans:
        if e <= begin or s >= end:
            continue
        s, e = max(s, begin), min(e, end)
        parts.append(html.escape(text[cursor:s]))
        parts.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    parts.append(html.escape(text[cursor:end]))
    if end < len(text):
        parts.append(" …")
    return "".join(parts)
