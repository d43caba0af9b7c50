"""Reply drafts: an article turned into a personal mail, placeholders, and which canned replies an agent sees
(saving them and macros: macros.py)."""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import or_, select

from knowledge.render import markdown_to_text

from ..extensions import db
from ..models import Article, CannedReply, Requester, User

PLACEHOLDER = "{naam}"
NO_NAME = "heer/mevrouw"


def requester_name(requester: Requester) -> str:
    """The name to greet with; 'heer/mevrouw' when the mail carried no name."""
    return (requester.name or "").strip() or NO_NAME


def personalise(text: str, requester: Requester) -> str:
    """Fill the `{naam}` placeholder with the requester's name."""
    return text.replace(PLACEHOLDER, requester_name(requester))


def published_article(slug: str) -> Article | None:
    """A published article with its live revision, or None."""
    if "\x00" in slug:  # from a link's query string; PostgreSQL cannot compare text with a NUL byte
        return None
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None or article.status != "published" or article.published_revision is None:
        return None
    return article


def article_block(article: Article) -> str:
    """An article as the middle of a reply: title, the text as plain text and the link to the FAQ page."""
    revision = article.published_revision
    assert revision is not None
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    body = markdown_to_text(revision.body, base_url=base).strip()
    return f"{revision.title}\n\n{body}\n\nU leest dit antwoord ook op onze website: {base}/faq/{article.slug}"


def article_draft(slug: str, name: str, agent_name: str) -> str | None:
    """A reply built from an article: greeting, the article as plain text, a link to the FAQ, a signature."""
    article = published_article(slug)
    if article is None:
        return None
    return (f"Beste {name},\n\n"
            f"Dank voor uw vraag. Hieronder vindt u het antwoord.\n\n"
            f"{article_block(article)}\n\n"
            f"Met vriendelijke groet,\n{agent_name}\nHelpdesk IPO\n")


_CLOSING = re.compile(r"^\s*(met vriendelijke groet|vriendelijke groet|met groet|groet(en)?|kind regards|"
                      r"best regards)\b", re.IGNORECASE | re.MULTILINE)


def insert_article(typed: str, slug: str, name: str, agent_name: str) -> str | None:
    """The reply with an article added to what the agent typed (the whole draft when nothing was typed yet).

    Without JavaScript there is no cursor to go by: the article goes above the closing greeting, else at the end.
    None when the article is not published."""
    article = published_article(slug)
    if article is None:
        return None
    if not typed.strip():
        return article_draft(slug, name, agent_name)
    block = article_block(article)
    closing = _CLOSING.search(typed)
    if closing is None:
        return typed.rstrip() + "\n\n" + block + "\n"
    head, tail = typed[:closing.start()].rstrip(), typed[closing.start():].lstrip()
    return (head + "\n\n" if head else "") + block + "\n\n" + tail


def visible_canned_replies(user: User) -> list[CannedReply]:
    """The agent's own snippets and macros and the shared ones, by title."""
    query = select(CannedReply).where(or_(CannedReply.shared.is_(True), CannedReply.owner_id == user.id))
    return list(db.session.scalars(query.order_by(CannedReply.title, CannedReply.id)))


def add_canned_text(typed: str, body: str, requester: Requester) -> str:
    """The reply text with a canned text (personalised) added below what the agent typed."""
    if not body.strip():
        return typed
    typed = typed.rstrip()
    return (typed + "\n\n" if typed else "") + personalise(body, requester)


def insert_canned(typed: str, canned_id: str | None, requester: Requester, user: User) -> str:
    """The reply text with the chosen canned reply added below what the agent typed."""
    canned = next((c for c in visible_canned_replies(user) if str(c.id) == canned_id), None)
    return typed if canned is None else add_canned_text(typed, canned.body, requester)


def wave_draft(slug: str, agent_name: str) -> str:
    """A wave's reply: the article as a draft with the {naam} placeholder, or an empty letter."""
    return article_draft(slug, PLACEHOLDER, agent_name) or (
        f"Beste {PLACEHOLDER},\n\n\n\nMet vriendelijke groet,\n{agent_name}\nHelpdesk IPO\n")


def can_use_canned(reply: CannedReply, user: User) -> bool:
    """Shared snippets are the team's; personal ones only their owner's."""
    return reply.shared or reply.owner_id == user.id


def can_edit_canned(reply: CannedReply, user: User) -> bool:
    """Only the owner changes a snippet; a shared one (it may change every agent's tickets) an admin too."""
    return reply.owner_id == user.id or (reply.shared and user.has_role("admin"))
