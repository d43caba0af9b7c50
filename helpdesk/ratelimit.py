"""Rate limits in a store shared by every worker and node: the database by default, or the `limits` storage
(Redis, …) named by HELPDESK_RATELIMIT_STORAGE_URI. Fixed windows; each hit is one atomic statement."""

from __future__ import annotations

import functools
import hashlib
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, request
from limits import RateLimitItem, parse
from sqlalchemy import bindparam, case, delete
from werkzeug.wrappers import Response

from .extensions import db
from .models import RateLimitCounter

F = TypeVar("F", bound=Callable[..., Any])
_CLEANUP_CHANCE = 0.01  # now and then a hit also removes counters whose window is long over


@dataclass(frozen=True)
class Hit:
    """The outcome of counting one attempt: how many in this window, the limit, and when the window ends."""

    count: int
    limit: int
    reset_at: float

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

    @property
    def wait_seconds(self) -> int:
        return max(1, math.ceil(self.reset_at - time.time()))


def counter_key(kind: str, *parts: str) -> str:
    """A short key that does not store addresses or e-mail addresses in the clear."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"{kind}:{digest}"


def _storage() -> Any | None:
    """The `limits` storage when a URI is configured; None means the database."""
    uri = current_app.config.get("RATELIMIT_STORAGE_URI")
    if not uri:
        return None
    store = current_app.extensions.get("helpdesk_ratelimit_storage")
    if store is None:
        from limits.storage import storage_from_string

        store = current_app.extensions["helpdesk_ratelimit_storage"] = storage_from_string(uri)
    return store


@functools.cache
def _count_statement(dialect: str) -> Any:
    """The one-statement upsert of a hit, built once per dialect (only its values change from hit to hit)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = RateLimitCounter.__table__
    stmt = insert(table).values(key=bindparam("key"), window_start=bindparam("window"), hits=1)
    return stmt.on_conflict_do_update(index_elements=[table.c.key], set_={
        "hits": case((table.c.window_start == stmt.excluded.window_start, table.c.hits + 1), else_=1),
        "window_start": stmt.excluded.window_start,
    }).returning(table.c.hits)


def _db_hit(key: str, expiry: int, now: float) -> tuple[int, float]:
    window = int(now // expiry * expiry)
    stmt = _count_statement(db.engine.dialect.name)
    # a transaction of its own, committed before the caller goes on: parallel requests see each other's hits
    with db.engine.begin() as connection:
        count = connection.execute(stmt, {"key": key, "window": window}).scalar_one()
        if random.random() < _CLEANUP_CHANCE:
            table = RateLimitCounter.__table__
            connection.execute(delete(table).where(table.c.window_start < int(now) - 86400))
    return int(count), float(window + expiry)


def hit(key: str, limit: str | RateLimitItem) -> Hit:
    """Count one attempt under `key` against `limit` (e.g. "5 per 5 minutes") and report the state."""
    item = parse(limit) if isinstance(limit, str) else limit
    expiry = int(item.get_expiry())
    store = _storage()
    now = time.time()
    if store is None:
        count, reset_at = _db_hit(key, expiry, now)
    else:
        full = f"helpdesk/{key}/{expiry}"
        count = store.incr(full, expiry)
        reset_at = store.get_expiry(full)
    return Hit(count=count, limit=item.amount, reset_at=reset_at)


def clear(key: str, limit: str | RateLimitItem) -> None:
    """Forget the attempts under `key` (after a successful sign-in)."""
    item = parse(limit) if isinstance(limit, str) else limit
    store = _storage()
    if store is None:
        with db.engine.begin() as connection:
            connection.execute(delete(RateLimitCounter.__table__).where(RateLimitCounter.__table__.c.key == key))
    else:
        store.clear(f"helpdesk/{key}/{int(item.get_expiry())}")


def client_address() -> str:
    """The client's address (ProxyFix has put the real one here when HELPDESK_TRUST_PROXY is set)."""
    return request.remote_addr or "-"


def wait_text(seconds: int) -> str:
    """A wait in Dutch: '45 seconden', '1 minuut', '4 minuten'."""
    if seconds < 60:
        return f"{seconds} seconde{'n' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minu{'ten' if minutes != 1 else 'ut'}"


def too_many(result: Hit, text: str | None = None) -> tuple[Response | str, int]:
    """The Dutch 429 page (or JSON under /api/) with the real wait, and a Retry-After header."""
    from .web import render_error

    wait = result.wait_seconds
    body, status = render_error(429, text or f"U hebt dit te vaak gedaan in korte tijd. Probeer het over "
                                             f"{wait_text(wait)} opnieuw.")
    response = current_app.make_response((body, status))
    response.headers["Retry-After"] = str(wait)
    return response, status


def rate_limited(setting: str, kind: str | None = None) -> Callable[[F], F]:
    """Limit a public view per client address to the limit in config[setting]; over it, the 429 page."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            limit = current_app.config.get(setting)
            if limit:
                result = hit(counter_key(kind or view.__name__, client_address()), limit)
                if not result.allowed:
                    return too_many(result)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
