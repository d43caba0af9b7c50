"""Result links carry a signed token for the search that produced them, so only that search's log entry can
record the click (an open `?zoek=<id>` let anyone overwrite any row)."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..ids import parse_id

_SALT = "faq-search-click"
MAX_AGE = 24 * 3600  # a results page left open for a day still records its click


def _serializer() -> URLSafeTimedSerializer:
    """One signer per app and secret key (building one is most of the cost of a token)."""
    key = current_app.config["SECRET_KEY"]
    cached = current_app.extensions.get("faq_click_serializer")
    if cached is None or cached[0] != key:
        cached = current_app.extensions["faq_click_serializer"] = (key, URLSafeTimedSerializer(key, salt=_SALT))
    return cached[1]


def click_token(log_id: int) -> str:
    return _serializer().dumps(log_id)


def clicked_search(token: str) -> int | None:
    """The search-log id a result link was made for, or None for a forged, altered or stale token."""
    if len(token) > 200:
        return None
    try:
        value = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature:
        return None
    return parse_id(str(value)) if isinstance(value, int) else None
