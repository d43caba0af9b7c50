"""Who an internal note mentions.

The rule (also in the README): `@` followed by a handle, at the start of the note or after a space or
punctuation (so the `@` inside an e-mail address such as piet@school.nl is no mention). A handle names an active
staff account when it equals, ignoring case, accents and the characters `.`, `-` and `_`:
- the part of the account's mail address before the `@` (`@jan` for jan@duo.nl, `@j.devries` for j.devries@duo.nl),
- or the account's full name without spaces (`@JandeVries` or `@jan.de.vries` for "Jan de Vries").
A handle that fits several accounts mentions each of them; the note's author is never mentioned.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from knowledge.dutch import fold

from ..extensions import db
from ..models import User

_MENTION = re.compile(r"(?<![\w@.+-])@(\w[\w.-]{0,99})")
MAX_MENTIONS = 20  # a note naming more handles than this is a list, not a call to colleagues


def handle(text: str) -> str:
    """The comparable form of a handle or name: folded, letters and digits only ("Jan de Vries" -> "jandevries")."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def mentioned_handles(text: str) -> set[str]:
    """The handles a note's text mentions, in comparable form (at most MAX_MENTIONS)."""
    found = {handle(m.group(1)) for m in _MENTION.finditer(text or "")} - {""}
    return set(sorted(found)[:MAX_MENTIONS])


def account_handles(user: User) -> set[str]:
    """The handles that name `user`: the mail address's local part and the full name."""
    return {handle(user.email.rpartition("@")[0]), handle(user.name or "")} - {""}


def mentioned_staff(text: str, author: User) -> list[User]:
    """The active staff accounts other than `author` that the text mentions."""
    handles = mentioned_handles(text)
    if not handles:
        return []
    staff = db.session.scalars(select(User).where(User.active.is_(True), User.id != author.id).order_by(User.id))
    return [user for user in staff if account_handles(user) & handles]
