"""The editor's save: a form's fields become a draft, and maybe the live version, in one operation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError

from knowledge.dutch import fold

from ..extensions import db
from ..models import Article, User
from .operations import KbError, check_base, publish_article, save_draft

RACE_MESSAGE = ("Iemand anders sloeg op hetzelfde moment iets op. Er is niets opgeslagen; controleer de gegevens "
                "en sla opnieuw op.")

SaveKind = Literal["published", "draft", "unchanged", "already_live"]


@dataclass(frozen=True)
class SaveOutcome:
    article: Article
    kind: SaveKind


def slugify(title: str) -> str:
    """A slug proposal from a title: "Wat kost EH3?" -> "wat-kost-eh3"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(title or "")).strip("-")[:120].strip("-")


def save_article(article: Article | None, fields: dict[str, Any], base: int | None, *, publish: bool,
                 author: User | None) -> SaveOutcome:
    """Save an editor's form as a draft (a new article when `article` is None) and publish it when asked.

    Adds and flushes; the caller commits. A form filled from an older revision than the head is an
    EditConflict. A save that another one beat to the same version number or slug (SQLite has no row lock
    to wait on) is rolled back and becomes an EditConflict when the head moved, otherwise a KbError.
    """
    try:
        if article is not None:
            check_base(article, base)
        before = (article.draft_revision_id, article.published_revision_id) if article else ()
        saved = save_draft(article, fields, author).article
        if not publish:
            return SaveOutcome(saved, "draft" if saved.draft_revision_id not in before else "unchanged")
        if saved.draft_revision_id is None and saved.status == "published":
            return SaveOutcome(saved, "already_live")
        publish_article(saved, author)
        return SaveOutcome(saved, "published")
    except IntegrityError:
        db.session.rollback()
        if article is not None:
            check_base(article, base)  # raises EditConflict: the head has moved
        raise KbError(RACE_MESSAGE) from None
