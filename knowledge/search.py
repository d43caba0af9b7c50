"""The Whoosh search index of the knowledge base: build, update and query with Dutch analysis."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from whoosh import index as windex
from whoosh.index import IndexError as WhooshIndexError
from whoosh.index import LockError
from whoosh.query import Term
from whoosh.writing import CLEAR

from knowledge.analysis import build_analyzer, exact_terms, fold, term_spans
from knowledge.render import markdown_to_text
from knowledge.search_memory import MAX_DOCS, MemorySnapshot, weighting
from knowledge.search_query import QueryPlan, plan_query, rerank_factor, suggest_correction
from knowledge.search_schema import (
    WRITE_TIMEOUT,
    Hit,
    SearchDoc,
    SearchResult,
    WriteLock,
    content_fingerprint,
    index_schema,
    load_spans,
)
from knowledge.snippets import SNIPPET_SCAN, SpanCache, highlight, snippet_text

MAX_QUERY_CHARS = 4000
RERANK_DEPTH = 30
_CONFIG_FILE = "kb-config.json"
_CONFIG_PREFIX = "kb-analysis-"
KEEP_GENERATIONS = 5  # analysis configs kept for readers still searching an older snapshot
_write_locks: dict[str, threading.Lock] = {}
_write_locks_guard = threading.Lock()


class SearchIndex:
    """A Whoosh index in one folder: safe for concurrent readers and one writer at a time."""

    def __init__(self, path: str | Path, extra_synonyms: Iterable[Sequence[str]] = ()) -> None:
        self.path = Path(path)
        self.extra_synonyms = [tuple(g) for g in extra_synonyms]
        self._ix: windex.Index | None = None
        self._analyzer_state: tuple[str | None, object] = (None, build_analyzer(self.extra_synonyms))
        self._lock = threading.Lock()
        self._spans = SpanCache()
        self._memory: MemorySnapshot | None = None

    # ---- state -------------------------------------------------------------------------------------
    def exists(self) -> bool:
        """True when the folder holds an index with the current schema."""
        for attempt in range(3):
            try:
                return windex.exists_in(str(self.path)) and set(self._open().schema.names()) == set(
                    index_schema().names()
                )
            except FileNotFoundError:
                # A concurrent commit removed the table of contents we were about to read: look again.
                time.sleep(0.02 * (attempt + 1))
            except Exception:  # a damaged index counts as missing: the caller rebuilds it
                return False
        return False

    def fingerprint(self) -> str | None:
        """The fingerprint stored with the last full rebuild, or None."""
        return self._config().get("fingerprint") if self.exists() else None

    def doc_count(self) -> int:
        """Number of indexed articles (0 when there is no index)."""
        if not self.exists():
            return 0
        return self._open().doc_count()

    def close(self) -> None:
        """Releases the open index handle."""
        with self._lock:
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
            writer = self._open().writer(timeout=WRITE_TIMEOUT, delay=0.05)
            self._save_config(config, writer.generation)
            try:
                for n, doc in enumerate(docs, start=1):
                    writer.add_document(**self._fields(doc))
                    if progress:
                        progress(n)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=CLEAR)
        return len(docs)

    def upsert(self, doc: SearchDoc, fingerprint: str | None = None) -> None:
        """Adds or replaces one article; new synonyms or keywords re-analyse the stored articles too."""
        self._ensure()
        with self._write_lock():
            config = self._config()
            synonyms = {tuple(s) for s in config.get("synonyms", [])}
            words = set(config.get("words", []))
            new_syn = synonyms | {tuple(g) for g in doc.synonyms}
            new_words = words | {fold(k) for k in doc.keywords if k.isalpha()}
            reanalyse = new_syn != synonyms or new_words != words
            config.update(fingerprint=fingerprint, synonyms=sorted(new_syn), words=sorted(new_words))
            writer = self._open().writer(timeout=WRITE_TIMEOUT, delay=0.05)
            self._save_config(config, writer.generation)
            try:
                if reanalyse:
                    for stored in self._stored_docs():
                        if stored.slug != doc.slug:
                            writer.update_document(**self._fields(stored))
                writer.update_document(**self._fields(doc))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def delete(self, slug: str, fingerprint: str | None = None) -> None:
        """Removes one article from the index (no error when it is not there)."""
        if not self.exists():
            return
        with self._write_lock():
            config = self._config()
            config["fingerprint"] = fingerprint
            writer = self._open().writer(timeout=WRITE_TIMEOUT, delay=0.05)
            self._save_config(config, writer.generation)
            writer.delete_by_term("slug", slug)
            writer.commit()

    # ---- searching ---------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10, category: str | None = None,
               snippets: int | None = None) -> SearchResult:
        """Searches with plain words (never Whoosh syntax); never raises on any user input.

        `snippets` limits highlighting to the first that many hits (the rest get an empty snippet)."""
        text = query if isinstance(query, str) else ""
        text = text[:MAX_QUERY_CHARS]
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

    def search_mail(self, text: str, limit: int = 10, snippets: int | None = None) -> SearchResult:
        """Search with the whole text of a mail: the same hits and scores as `search` (without the "Bedoelde
        u …?" suggestion), computed from an in-memory snapshot of the index: several times cheaper than a
        Whoosh search, which matters when every incoming mail is searched."""
        text = (text if isinstance(text, str) else "")[:MAX_QUERY_CHARS]
        limit = max(1, min(int(limit or 10), 100))
        memory = self._snapshot() if text.strip() else None
        if memory is None:
            return self.search(text, limit, snippets=snippets)  # empty query, no index or a huge one
        analyzer = memory.analyzer
        plan = plan_query(text, analyzer, memory)
        if plan.query is None:
            return SearchResult(query=text, hits=[], total=0)
        results = memory.score(plan)
        ranked = sorted(
            ((score * rerank_factor(plan, memory.terms[docnum]), docnum)
             for score, docnum in results[: max(limit * 3, RERANK_DEPTH)]),
            key=lambda pair: -pair[0],
        )
        hits = [self._hit(memory.stored[docnum], plan, score, analyzer, snippets is None or n < snippets)
                for n, (score, docnum) in enumerate(ranked[:limit])]
        return SearchResult(query=text, hits=hits, total=len(results), suggestion=None)

    def _snapshot(self) -> MemorySnapshot | None:
        """The in-memory snapshot of the newest index generation (rebuilt after each commit), or None when
        the index is too big to hold."""
        for attempt in range(3):
            try:
                memory = self._memory
                if memory is not None and self._open().latest_generation() == memory.generation:
                    return memory
                if not self.exists():
                    return None
                ix = self._open()
                with ix.reader() as reader:
                    if reader.doc_count_all() > MAX_DOCS:
                        return None
                    memory = MemorySnapshot(reader, reader.generation())
                memory.analyzer = self._snapshot_analyzer(memory.generation)
                self._memory = memory
                return memory
            except (OSError, WhooshIndexError):
                if attempt == 2:
                    raise
                time.sleep(0.02 * (attempt + 1))  # a commit removed files we were reading: look again
        return None

    def _search(self, text: str, limit: int, category: str | None, snippets: int | None) -> SearchResult:
        with self._open().searcher(weighting=weighting()) as searcher:
            analyzer = self._snapshot_analyzer(searcher.reader().generation())
            plan = plan_query(text, analyzer, searcher.reader())
            if plan.query is None:
                return SearchResult(query=text, hits=[], total=0, suggestion=None)
            filt = Term("category", category) if category else None
            # limit=None scores every match once, which also gives the exact total without a second run.
            results = searcher.search(plan.query, limit=None, filter=filt, terms=False)
            # The best candidates are re-ranked by how much of the query they cover (long mails!).
            ranked = sorted(
                (
                    (r.score * rerank_factor(plan, set(r.get("terms", "").split())), r)
                    for r in results[: max(limit * 3, RERANK_DEPTH)]
                ),
                key=lambda pair: -pair[0],
            )
            hits = [self._hit(r, plan, score, analyzer, snippets is None or n < snippets)
                    for n, (score, r) in enumerate(ranked[:limit])]
            suggestion = suggest_correction(text, plan, searcher.reader())
            return SearchResult(query=text, hits=hits, total=len(results), suggestion=suggestion)

    # ---- helpers -----------------------------------------------------------------------------------
    def _hit(self, r: dict, plan: QueryPlan, score: float, analyzer,  # noqa: ANN001 - a Whoosh analyzer
             with_snippet: bool = True) -> Hit:
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
        )

    def _fields(self, doc: SearchDoc) -> dict:
        analyzer = self._current_analyzer()
        body_text = markdown_to_text(doc.body or "")
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
            synonyms=json.dumps([list(g) for g in doc.synonyms]),
        )

    def _stored_docs(self) -> list[SearchDoc]:
        with self._open().searcher() as s:
            return [
                SearchDoc(
                    slug=f["slug"],
                    title=f.get("title_text", ""),
                    category=f.get("category", ""),
                    keywords=[k.strip() for k in f.get("keywords_text", "").split(",") if k.strip()],
                    body=f.get("body_text", ""),
                    summary=f.get("summary", ""),
                    synonyms=[tuple(g) for g in json.loads(f.get("synonyms") or "[]")],
                )
                for f in s.all_stored_fields()
            ]

    def _current_analyzer(self):  # noqa: ANN202 - a Whoosh analyzer
        return self._analyzer_for(self._config())

    def _snapshot_analyzer(self, generation: int):  # noqa: ANN202 - a Whoosh analyzer
        """The analyzer the searched snapshot was written with, so a concurrent commit that changes the
        synonyms never makes a reader analyse its query differently from the terms it reads."""
        try:
            config = json.loads((self.path / f"{_CONFIG_PREFIX}{generation}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            config = self._config()
        return self._analyzer_for(config)

    def _analyzer_for(self, config: dict):  # noqa: ANN202 - a Whoosh analyzer
        key = json.dumps([config.get("synonyms", []), config.get("words", [])])
        cached_key, analyzer = self._analyzer_state  # one tuple, so threads never see a mixed pair
        if key != cached_key:
            groups = self.extra_synonyms + [tuple(g) for g in config.get("synonyms", [])]
            analyzer = build_analyzer(groups, config.get("words", []))
            self._analyzer_state = (key, analyzer)
        return analyzer

    def _config(self) -> dict:
        try:
            return json.loads((self.path / _CONFIG_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _save_config(self, config: dict, generation: int) -> None:
        # Written before the Whoosh commit (under the write lock) and replaced atomically, so a reader never
        # sees half a file; a copy per index generation lets each reader use its own snapshot's analysis.
        data = json.dumps(config, ensure_ascii=False)
        for name in (_CONFIG_FILE, f"{_CONFIG_PREFIX}{generation}.json"):
            tmp = self.path / f".{name}.{os.getpid()}.{threading.get_ident()}"
            tmp.write_text(data, encoding="utf-8")
            os.replace(tmp, self.path / name)
        for old in self.path.glob(f"{_CONFIG_PREFIX}*.json"):
            suffix = old.stem[len(_CONFIG_PREFIX):]
            if suffix.isdigit() and int(suffix) < generation - KEEP_GENERATIONS:
                old.unlink(missing_ok=True)

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


__all__ = ["Hit", "LockError", "SearchDoc", "SearchIndex", "SearchResult", "content_fingerprint"]
