"""What an agent checks before a wave goes out: each ticket's question, confidence and language."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.triage import language

from ..models import Article, Ticket
from .snippets import first_words, opening_texts

LANGUAGES = {"nl": "Nederlands", "en": "Engels"}


@dataclass(frozen=True)
class WaveEntry:
    ticket: Ticket
    question: str  # the opening mail's first lines
    language: str  # "nl" or "en"
    trusted: bool  # ticked when the page opens
    why_not: str = ""  # in Dutch, when not ticked

    @property
    def language_label(self) -> str:
        return LANGUAGES.get(self.language, self.language)

    @property
    def confidence_label(self) -> str:
        if self.ticket.category_source == "agent":
            return "categorie gekozen door een medewerker"
        confidence = self.ticket.category_confidence
        return "zekerheid onbekend" if confidence is None else f"zekerheid {round(confidence * 100)}%"


def article_language(article: Article | None) -> str:
    """The language of an article's live text, told the same way as a mail's."""
    revision = article.published_revision if article else None
    return language(f"{revision.title}\n{revision.summary}\n{revision.body}") if revision else "nl"


def review_wave(tickets: list[Ticket], article: Article | None, threshold: float) -> list[WaveEntry]:
    """Each ticket with its question; only a sure category in the article's own language is ticked."""
    texts = opening_texts([t.id for t in tickets])
    answer_language = article_language(article)
    entries = []
    for ticket in tickets:
        text = texts.get(ticket.id, "")
        lang = language(f"{ticket.subject}\n{text}")
        reasons = []
        if ticket.is_uncertain(threshold):
            reasons.append("de categorie is onzeker")
        if lang != answer_language:
            reasons.append(f"de vraag is in het {LANGUAGES.get(lang, lang)}, het artikel in het "
                           f"{LANGUAGES.get(answer_language, answer_language)}")
        entries.append(WaveEntry(ticket, first_words(text, 300), lang, not reasons, " en ".join(reasons)))
    return entries
