"""Triage: category, calibrated confidence and reason from the classifier, plus suggested articles.

Suggestions combine three signals per candidate article: how well the Dutch search matches the question, how
likely the question is about the article's category, and how similar it is to earlier questions that agents
answered with that article (their feedback). No Flask here; the app passes the index and the feedback.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from knowledge.classify import Classification, Classifier
from knowledge.classify.text import extract, is_english, normalise
from knowledge.question import main_question
from knowledge.search.types import MAX_QUERY_CHARS, Hit, SearchBackend, TextAnalysis

MAX_SUGGESTIONS = 5
SEARCH_DEPTH = 12
# Weights of the three signals (chosen on our own cases in tests/triage, never on the dev mails).
W_SEARCH = 0.55
W_CATEGORY = 0.35
W_MEMORY = 1.2
# Share of the main question in the search and category signals, the rest is the whole mail's: the article that
# answers what is asked comes before the one that shares the most vocabulary with the context (set a priori).
W_QUESTION = 0.6
MEMORY_FLOOR = 0.1  # similarity that any two questions about eHerkenning reach; only what is above counts
REPLY_OWN_WORDS = 6  # a reply with at least this many words of its own is judged on those words


@dataclass
class Suggestion:
    slug: str
    title: str
    score: float
    snippet: str = ""
    match: float = 0.0  # share of the main question's terms the article contains: low for a question no article covers


@dataclass
class TriageResult:
    category: str
    confidence: float
    reason: str
    suggestions: list[Suggestion] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class UsedArticle:
    """An agent answered a question with this article: a lesson for later suggestions."""

    slug: str
    text: str
    subject: str = ""


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float]:
    """Inverse document frequency over the training examples: words every mail has count little."""
    return Classifier.default().idf()


_WORD_RE = re.compile(r"[a-z0-9]+")


def language(text: str) -> str:
    """"en" when English function words clearly dominate the text, else "nl" (mail and articles alike)."""
    return "en" if is_english(_WORD_RE.findall(normalise(text or "")[:20_000])) else "nl"


def _vector(text: str, subject: str) -> dict[str, float]:
    idf, default = _idf()
    feats = {k: v * idf.get(k, default) for k, v in extract(text, subject).feats.items() if not k.startswith("g:")}
    norm = math.sqrt(sum(v * v for v in feats.values())) or 1.0
    return {k: v / norm for k, v in feats.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


class ArticleMemory:
    """Earlier questions per article (from agent feedback), for a nearest-neighbour similarity."""

    def __init__(self, used: Iterable[UsedArticle] = ()) -> None:
        self._items: list[tuple[str, dict[str, float]]] = []
        for item in used:
            self.add(item)

    def add(self, item: UsedArticle) -> None:
        vector = _vector(item.text, item.subject)
        if vector:
            self._items.append((item.slug, vector))

    def __len__(self) -> int:
        return len(self._items)

    def similarities(self, text: str, subject: str) -> dict[str, float]:
        """Best similarity per article slug, 0..1."""
        if not self._items:
            return {}
        query = _vector(text, subject)
        best: dict[str, float] = {}
        for slug, vector in self._items:
            sim = _cosine(query, vector)
            if sim > best.get(slug, 0.0):
                best[slug] = sim
        return best


class Triager:
    """Categorise and suggest; build once per process and reuse (the classifier and index are loaded once)."""

    def __init__(self, classifier: Classifier, index: SearchBackend, article_categories: dict[str, str],
                 article_titles: dict[str, str] | None = None, memory: ArticleMemory | None = None,
                 article_languages: dict[str, str] | None = None) -> None:
        self.classifier = classifier
        self.index = index
        self.article_categories = article_categories  # published articles only: slug -> category
        self.article_titles = article_titles or {}
        # slug -> "nl"/"en"; an article missing here is judged by its title
        self.article_languages = article_languages or {}
        self.memory = memory or ArticleMemory()

    def classify(self, text: str, subject: str = "") -> Classification:
        return self.classifier.classify(text, subject)

    def triage(self, text: str, subject: str = "", *, reply: bool = False, snippets: bool = True) -> TriageResult:
        """Triage a question. In a reply with text of its own, the subject names the thread's topic, which
        the new question may have left: it then weighs no more than a line of the body. Without `snippets` the
        suggestions get none (a caller that does not show them saves highlighting the articles)."""
        if reply and subject and len(text.split()) >= REPLY_OWN_WORDS:
            text, subject = f"{subject}\n{text}", ""
        result = self.classify(text, subject)
        suggestions = self.suggest(text, subject, result.scores, snippets=snippets)
        return TriageResult(result.category, result.confidence, result.reason, suggestions, result.scores)

    def suggest(self, text: str, subject: str, category_scores: dict[str, float],
                limit: int = MAX_SUGGESTIONS, *, snippets: bool = True) -> list[Suggestion]:
        """Rank published articles for a question: search match, category fit and agents' earlier choices.

        For Dutch mail an article in another language is left out; see `_by_language` for English mail. Without
        `snippets` every suggestion's snippet is empty; the ranking is the same.
        """
        shown_snippets = limit if snippets else 0
        query = f"{subject}\n{text}"[:MAX_QUERY_CHARS]
        question = main_question(text, subject)[:MAX_QUERY_CHARS]
        asks = bool(question.strip()) and " ".join(question.split()) != " ".join(query.split())
        # One run of the search analyzer over the mail; the main question's terms are taken from it.
        analysis = self.index.analyse(query) if query.strip() else None
        # With a main question, its search gives the snippets (they highlight what is asked) and the match.
        found = self._search(query, 0 if asks else shown_snippets, analysis)
        search_score = {slug: rel for slug, (rel, _hit) in found.items()}
        shown = {slug: hit for slug, (_rel, hit) in found.items()}
        matched = {slug: hit.match for slug, hit in shown.items()}
        if asks:
            asked = self._search(question, shown_snippets,
                                 analysis.of(question) if analysis is not None else None)
            search_score = {slug: W_QUESTION * asked.get(slug, (0.0, None))[0]
                            + (1 - W_QUESTION) * search_score.get(slug, 0.0)
                            for slug in set(search_score) | set(asked)}
            shown = {slug: hit for slug, (_rel, hit) in asked.items()}
            matched = {slug: hit.match for slug, hit in shown.items()}
            shown.update({slug: hit for slug, (_rel, hit) in found.items() if slug not in shown})
            # What the question asks about weighs as much as the topic of the whole mail.
            asked_topic = self.classifier.category_scores(question)
            category_scores = {c: W_QUESTION * asked_topic.get(c, 0.0) + (1 - W_QUESTION) * p
                               for c, p in category_scores.items()}
        memory = self.memory.similarities(text, subject)
        candidates = set(search_score) | {s for s in memory if s in self.article_categories}
        ranked = []
        for slug in candidates:
            score = (W_SEARCH * search_score.get(slug, 0.0)
                     + W_CATEGORY * category_scores.get(self.article_categories[slug], 0.0)
                     + W_MEMORY * max(0.0, memory.get(slug, 0.0) - MEMORY_FLOOR) / (1 - MEMORY_FLOOR))
            hit = shown.get(slug)
            ranked.append(Suggestion(slug, hit.title if hit else self.article_titles.get(slug, slug), round(score, 4),
                                     (hit.snippet or html.escape(hit.summary)) if hit and snippets else "",
                                     matched.get(slug, 0.0)))
        ranked.sort(key=lambda s: (-s.score, s.slug))
        return self._by_language(ranked, language(f"{subject}\n{text}"))[:limit]

    def _search(self, query: str, limit: int, analysis: TextAnalysis | None = None) -> dict[str, tuple[float, Hit]]:
        """Search score relative to the best (0..1) and the hit, per published article found for a text."""
        found = self.index.search_mail(query, limit=SEARCH_DEPTH, snippets=limit,
                                       analysis=analysis) if query.strip() else None
        hits = [h for h in (found.hits if found else []) if h.slug in self.article_categories]
        top = max((h.score for h in hits), default=0.0) or 1.0
        return {h.slug: (h.score / top, h) for h in hits}

    def _by_language(self, ranked: list[Suggestion], mail_lang: str) -> list[Suggestion]:
        """Dutch mail gets only Dutch articles. English mail gets the English ones second, right after the article
        that answers the question in detail (they are summaries, the detailed answers are Dutch)."""
        own = [s for s in ranked if (self.article_languages.get(s.slug) or language(s.title)) == mail_lang]
        other = [s for s in ranked if s not in own]
        if mail_lang == "nl":
            return own
        moved = other[:1] + own + other[1:]
        for before, item in zip(moved, moved[1:], strict=False):
            item.score = min(item.score, before.score)  # the order shown is the order of the scores
        return moved
