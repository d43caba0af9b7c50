"""The Whoosh search backend of the knowledge base: build, update and query an index with Dutch analysis."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from whoosh import index as windex
from whoosh.analysis import Analyzer
from whoosh.index import IndexError as WhooshIndexError
from whoosh.index import LockError as WhooshLockError
from whoosh.query import Term
from whoosh.writing import CLEAR, IndexWriter

from knowledge.dutch import fold
from knowledge.search.language import text_language
from knowledge.search.snippets import SpanCache, highlight
from knowledge.search.types import MAX_QUERY_CHARS, Hit, LockError, SearchDoc, SearchResult, TextAnalysis
from knowledge.search.whoosh_config import AnalysisConfig
from knowledge.search.whoosh_memory import MAX_DOCS, MemorySnapshot
from knowledge.search.whoosh_query import (
    Coverage,
    QueryPlan,
    analysed_terms,
    bounded_query,
    plan_query,
    suggest_correction,
)
from knowledge.search.whoosh_reader import CACHED_HITS, CACHED_QUERY_CHARS, Generation
from knowledge.search.whoosh_schema import (
    WRITE_TIMEOUT,
    WriteLock,
    doc_fields,
    index_schema,
    load_spans,
    stored_doc,
)

RERANK_DEPTH = 30
RECENT_WRITE = 1.0  # seconds: a folder changed this recently is looked at on every query (coarse mtimes)
_write_locks: dict[str, threading.Lock] = {}
_write_locks_guard = threading.Lock()


class SearchIndex:
    """A Whoosh index in one folder: safe for concurrent readers and one writer at a time."""

    def __init__(self, path: str | Path, extra_synonyms: Iterable[Sequence[str]] = ()) -> None:
        self.path = Path(path)
        self.extra_synonyms = [tuple(g) for g in extra_synonyms]
        self._ix: windex.Index | None = None
        self._analysis = AnalysisConfig(self.path, self.extra_synonyms)
        self._lock = threading.Lock()
        self._spans = SpanCache()
        self._memory: MemorySnapshot | None = None
        self._gen: Generation | None = None
        self._seen: int | None = None  # the folder's mtime when the generation was last checked

    # ---- state -------------------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Reopens the searcher when the index on disk has another generation than the one open (a commit
        by this or any other process); True when it did. Cheap when nothing changed: call it whenever the
        index may have changed (queries call it through a stat of the folder)."""
        for attempt in range(3):
            try:
                return self._reopen()
            except FileNotFoundError:
                # A concurrent commit removed the table of contents we were about to read: look again.
                time.sleep(0.02 * (attempt + 1))
            except Exception:  # a damaged index counts as missing: the caller rebuilds it
                self._drop()
                return True
        return False

    def _reopen(self) -> bool:
        with self._lock:
            seen = _mtime(self.path)
            if seen is None or not windex.exists_in(str(self.path)):
                return self._drop_locked()
            if self._ix is None:
                self._ix = windex.open_dir(str(self.path))
            old = self._gen
            if old is not None and old.number == self._ix.latest_generation():
                self._seen = seen
                return False
            self._gen = Generation(self._ix, self._analysis, self.path)
            self._seen = seen
        if old is not None:
            old.close()
        return True

    def _drop(self) -> None:
        with self._lock:
            self._drop_locked()

    def _drop_locked(self) -> bool:
        old, self._gen, self._seen = self._gen, None, None
        if old is not None:
            old.close()
        return old is not None

    def _current(self) -> Generation | None:
        """The open generation, refreshed when the folder changed since it was checked."""
        seen = _mtime(self.path)
        if seen is None or seen != self._seen or time.time_ns() - seen < RECENT_WRITE * 1e9:
            self.refresh()
        gen = self._gen
        return gen if gen is not None and gen.valid else None

    def exists(self) -> bool:
        """True when the folder holds an index with the current schema."""
        return self._current() is not None

    def fingerprint(self) -> str | None:
        """The fingerprint stored with the last full rebuild, or None."""
        gen = self._current()
        return gen.config.get("fingerprint") if gen is not None else None

    def doc_count(self) -> int:
        """Number of indexed articles (0 when there is no index)."""
        gen = self._current()
        return gen.reader.doc_count() if gen is not None else 0

    def generation(self) -> int | None:
        """The number of the index generation searched now (None when there is no index)."""
        gen = self._current()
        return gen.number if gen is not None else None

    def close(self) -> None:
        """Releases the open index handle."""
        with self._lock:
            self._drop_locked()
            if self._ix is not None:
                self._ix.close()
            self._ix = None
            self._memory = None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing -----------------------------------------------------------------------------------
    def rebuild(
        self,
        docs: Iterable[SearchDoc],
        fingerprint: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Replaces the whole index with `docs` in one atomic commit; returns the number indexed."""
        docs = list(docs)
        config = {
            "fingerprint": fingerprint,
            "synonyms": sorted({tuple(g) for d in docs for g in d.synonyms}),
            "words": sorted({fold(k) for d in docs for k in d.keywords if k.isalpha()}),
        }
        with self._write_lock():
            self.path.mkdir(parents=True, exist_ok=True)
            if not self.exists():
                self.close()
                windex.create_in(str(self.path), index_schema())
            writer = self._writer()
            self._analysis.save(config, writer.generation)
            analyzer = self._analysis.current_analyzer()
            try:
                for n, doc in enumerate(docs, start=1):
                    writer.add_document(**doc_fields(doc, analyzer))
                    if progress:
                        progress(n)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=CLEAR)
        self.refresh()
        return len(docs)

    def upsert(self, doc: SearchDoc, fingerprint: str | None = None) -> None:
        """Adds or replaces one article; new synonyms or keywords re-analyse the stored articles too."""
        self._ensure()
        with self._write_lock():
            config = self._analysis.read()
            synonyms = {tuple(s) for s in config.get("synonyms", [])}
            words = set(config.get("words", []))
            new_syn = synonyms | {tuple(g) for g in doc.synonyms}
            new_words = words | {fold(k) for k in doc.keywords if k.isalpha()}
            reanalyse = new_syn != synonyms or new_words != words
            config.update(fingerprint=fingerprint, synonyms=sorted(new_syn), words=sorted(new_words))
            writer = self._writer()
            self._analysis.save(config, writer.generation)
            analyzer = self._analysis.current_analyzer()
            try:
                if reanalyse:
                    for stored in self._stored_docs():
                        if stored.slug != doc.slug:
                            writer.update_document(**doc_fields(stored, analyzer))
                writer.update_document(**doc_fields(doc, analyzer))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
        self.refresh()

    def delete(self, slug: str, fingerprint: str | None = None) -> None:
        """Removes one article from the index (no error when it is not there)."""
        if not self.exists():
            return
        with self._write_lock():
            config = self._analysis.read()
            config["fingerprint"] = fingerprint
            writer = self._writer()
            self._analysis.save(config, writer.generation)
            writer.delete_by_term("slug", slug)
            writer.commit()
        self.refresh()

    # ---- searching ---------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10, category: str | None = None,
               snippets: int | None = None) -> SearchResult:
        """Searches with plain words (never Whoosh syntax); never raises on any user input.

        `snippets` limits highlighting to the first that many hits (the rest get an empty snippet)."""
        text = query if isinstance(query, str) else ""
        text = bounded_query(text[:MAX_QUERY_CHARS])
        limit = max(1, min(int(limit or 10), 100))
        if not text.strip() or not self.exists():
            return SearchResult(query=text, hits=[], total=0)
        for attempt in range(3):
            try:
                return self._search(text, limit, category, snippets)
            except (OSError, WhooshIndexError):
                # A commit can remove segment files between reading the table of contents and opening
                # them; a fresh look at the index is the fix.
                if attempt == 2:
                    raise
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")

    def analyse(self, text: str) -> TextAnalysis | None:
        """The terms `search_mail` finds in `text`, to search with it and parts of it (`TextAnalysis.of`) after one
        run of the analyzer; None when `search_mail` would not analyse it itself (empty, no or a huge index)."""
        text = (text if isinstance(text, str) else "")[:MAX_QUERY_CHARS]
        memory = self._snapshot() if text.strip() else None
        if memory is None:
            return None
        return TextAnalysis(text, analysed_terms(text, memory.analyzer), memory.generation)

    def search_mail(self, text: str, limit: int = 10, snippets: int | None = None,
                    analysis: TextAnalysis | None = None) -> SearchResult:
        """Search with the whole text of a mail: the same hits and scores as `search` (without the "Bedoelde
        u …?" suggestion), computed from an in-memory snapshot of the index: cheaper than a Whoosh search,
        which matters when every incoming mail is searched. `analysis` (from `analyse`) is used when it is of
        this text and of the snapshot's generation, which is then searched without looking at the folder again;
        otherwise the text is analysed here."""
        text = (text if isinstance(text, str) else "")[:MAX_QUERY_CHARS]
        limit = max(1, min(int(limit or 10), 100))
        memory = self._memory
        shared = (analysis is not None and memory is not None and analysis.text == text
                  and analysis.generation == memory.generation)
        if not shared:  # an analysis just made of this generation searches it: one mail, one generation
            memory = self._snapshot() if text.strip() else None
        if memory is None:
            return self.search(text, limit, snippets=snippets)  # empty query, no index or a huge one
        analyzer = memory.analyzer
        shared = analysis is not None and analysis.text == text and analysis.generation == memory.generation
        plan = plan_query(text, analyzer, memory, corrections=memory.corrections,
                          terms_of_text=analysis.terms if shared else None)
        if plan.query is None:
            return SearchResult(query=text, hits=[], total=0)
        results = memory.score(plan)
        covered = Coverage(plan)
        ranked = language_first(
            [(score * covered.rerank_factor(memory.terms[docnum]), docnum)
             for score, docnum in results[: max(limit * 3, RERANK_DEPTH)]],
            lambda docnum: memory.stored[docnum].get("lang", "nl"), text_language(text))
        hits = [self._hit(memory.stored[docnum], plan, score, analyzer, snippets is None or n < snippets,
                          covered.match(memory.terms[docnum])) for n, (score, docnum) in enumerate(ranked[:limit])]
        return SearchResult(query=text, hits=hits, total=len(results), suggestion=None)

    def search_many(self, queries: Iterable[str], limit: int = 10) -> Iterator[SearchResult]:
        """The answer `search` gives each query, in turn, without snippets, total or "Bedoelde u …?" (`total` is
        the number of hits): for many queries in a row, such as an article's related questions for every article.

        Scored in one in-memory snapshot of the index (built once for all of them), where each query's best
        candidates are found without scoring every article that shares a common word with it (`MemorySnapshot.
        top`); without a snapshot (a huge index) each query is a Whoosh search."""
        limit = max(1, min(int(limit or 10), 100))
        for query in queries:
            text = bounded_query((query if isinstance(query, str) else "")[:MAX_QUERY_CHARS])
            memory = self._snapshot() if text.strip() else None
            if memory is None:
                found = self.search(text, limit, snippets=0)
                yield replace(found, total=len(found.hits), suggestion=None)
                continue
            plan = plan_query(text, memory.analyzer, memory, corrections=memory.corrections)
            if plan.query is None:
                yield SearchResult(query=text, hits=[], total=0)
                continue
            best = memory.top(plan, max(limit * 3, RERANK_DEPTH))
            stored = memory.stored
            covered = Coverage(plan)
            ranked = language_first(
                [(score * covered.rerank_factor(memory.terms[docnum]), docnum) for score, docnum in best],
                lambda docnum, stored=stored: stored[docnum].get("lang", "nl"), text_language(text))
            hits = [self._hit(memory.stored[docnum], plan, score, memory.analyzer, False,
                              covered.match(memory.terms[docnum])) for score, docnum in ranked[:limit]]
            yield SearchResult(query=text, hits=hits, total=len(hits), corrected=plan.corrected)

    def _snapshot(self) -> MemorySnapshot | None:
        """The in-memory snapshot of the newest index generation (rebuilt after each commit), or None when
        the index is too big to hold."""
        for attempt in range(3):
            try:
                memory = self._memory
                gen = self._current()
                if gen is None:
                    return None
                if memory is not None and gen.number == memory.generation:
                    return memory
                with gen.lock:
                    if gen.closed:  # replaced by another thread's refresh after _current: take the new one
                        continue
                    if gen.reader.doc_count_all() > MAX_DOCS:
                        return None
                    memory = MemorySnapshot(gen.reader, gen.number)
                memory.analyzer = gen.analyzer
                self._memory = memory
                return memory
            except (OSError, WhooshIndexError):
                if attempt == 2:
                    raise
                time.sleep(0.02 * (attempt + 1))  # a commit removed files we were reading: look again
        return None

    def _search(self, text: str, limit: int, category: str | None, snippets: int | None) -> SearchResult:
        gen = self._current()
        if gen is None:
            return SearchResult(query=text, hits=[], total=0, suggestion=None)
        key = (text, limit, category, snippets)
        found = gen.results.get(key)
        if found is None:
            try:
                with gen.lock:
                    if gen.closed:  # another thread's refresh replaced it after _current: search the new one
                        return self._search(text, limit, category, snippets)
                    found = self._search_in(gen, text, limit, category, snippets)
            except (OSError, WhooshIndexError):
                self._drop()  # files of the open generation went away under it: the next try opens the newest
                raise
            if len(text) <= CACHED_QUERY_CHARS and limit <= CACHED_HITS:
                gen.results.put(key, found)
        # The same question within one generation has the same answer; callers get their own copy to trim.
        return replace(found, hits=list(found.hits))

    def _search_in(self, gen: Generation, text: str, limit: int, category: str | None,
                   snippets: int | None) -> SearchResult:
        plan = plan_query(text, gen.analyzer, gen.reader, corrections=gen.corrections)
        if plan.query is None:
            return SearchResult(query=text, hits=[], total=0, suggestion=None)
        filt = Term("category", category) if category else None
        # Only the best candidates are scored into a top list; the total counts matches without scoring them.
        depth = max(limit * 3, RERANK_DEPTH)
        results = gen.searcher.search(plan.query, limit=depth, filter=filt, terms=False)
        # The best candidates are re-ranked by how much of the query they cover (long mails!); articles in
        # the query's language always come before the others (the English summary never tops Dutch search).
        covered = Coverage(plan)
        ranked = language_first(
            [(score * covered.rerank_factor(gen.terms(docnum)), docnum) for score, docnum in results.top_n],
            lambda docnum: gen.stored(docnum).get("lang", "nl"), text_language(text))
        hits = [self._hit(gen.stored(docnum), plan, score, gen.analyzer, snippets is None or n < snippets,
                          covered.match(gen.terms(docnum))) for n, (score, docnum) in enumerate(ranked[:limit])]
        total = len(results.top_n) if len(results.top_n) < depth else gen.count(plan.query, category)
        return SearchResult(query=text, hits=hits, total=total, suggestion=suggest_correction(text, plan),
                            corrected=plan.corrected)

    # ---- helpers -----------------------------------------------------------------------------------
    def _hit(self, r: dict, plan: QueryPlan, score: float, analyzer: Analyzer, with_snippet: bool = True,
             matched: float = 0.0) -> Hit:
        body = r.get("body_text", "")
        summary = r.get("summary", "")
        snippet = highlight(
            body,
            plan.highlight_terms,
            analyzer=analyzer,
            fallback=lambda: summary,
            cache=self._spans,
            spans=load_spans(r.get("spans")),
            span_index=r.get("span_index"),
        ) if with_snippet else ""
        return Hit(
            slug=r["slug"],
            title=r.get("title_text", ""),
            category=r.get("category", ""),
            snippet=snippet,
            score=round(float(score), 4),
            summary=summary,
            lang=r.get("lang", "nl"),
            match=round(matched, 4),
        )

    def _stored_docs(self) -> list[SearchDoc]:
        with self._open().searcher() as s:  # a writer's own look at the newest generation
            return [stored_doc(f) for f in s.all_stored_fields()]

    def _writer(self) -> IndexWriter:
        try:
            return self._open().writer(timeout=WRITE_TIMEOUT, delay=0.05)
        except WhooshLockError as exc:
            raise LockError("Zoekindex is bezet: een andere schrijfactie duurt te lang.") from exc

    def _ensure(self) -> None:
        if not self.exists():
            self.rebuild([])

    def _open(self) -> windex.Index:
        with self._lock:
            if self._ix is None:
                self._ix = windex.open_dir(str(self.path))
            return self._ix

    def _write_lock(self) -> WriteLock:
        key = str(self.path.resolve())
        with _write_locks_guard:
            lock = _write_locks.setdefault(key, threading.Lock())
        return WriteLock(lock)


T = TypeVar("T")


def _mtime(path: Path) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def language_first(pairs: list[tuple[float, T]], lang_of: Callable[[T], str], lang: str) -> list[tuple[float, T]]:
    """(score, hit) best first, hits in `lang` before all others; another language's scores are capped just
    below the last same-language score, so the scores shown still fall from the top down."""
    pairs = sorted(pairs, key=lambda pair: -pair[0])
    same = [p for p in pairs if lang_of(p[1]) == lang]
    other = [p for p in pairs if lang_of(p[1]) != lang]
    if same and other:
        cap = same[-1][0]
        other = [(min(score, cap * (0.99 ** (n + 1))), hit) for n, (score, hit) in enumerate(other)]
    return same + other


def question_prior(hits: list[Hit], query: str, probabilities: dict[str, float], weight: float = 1.0,
                   min_words: int = 6) -> list[Hit]:
    """Hits of a whole question (`min_words` or more) re-ranked by what the question asks about: each hit's
    score relative to the best plus `weight` times the probability of its category (from the question
    classifier). Articles in the query's language stay first; scores are rescaled so they still fall."""
    if len(query.split()) < min_words or len(hits) < 2 or not probabilities:
        return hits
    top = max(h.score for h in hits) or 1.0
    lang = text_language(query)
    combined = [(top * (h.score / top + weight * probabilities.get(h.category, 0.0)) / (1 + weight), h)
                for h in hits]
    ranked = language_first(combined, lambda h: h.lang, lang)
    return [replace(h, score=round(score, 4)) for score, h in ranked]
