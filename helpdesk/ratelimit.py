"""Rate limits in a store shared by every worker and node: the database by default, or the `limits` storage
(Redis, …) named by HELPDESK_RATELIMIT_STORAGE_URI. Fixed windows; each report is one atomic statement: every
sign-in attempt, and the hits of the public pages in small batches per worker (`public_hit`)."""

from __future__ import annotations

import functools
import hashlib
import math
import random
import threading
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
LOCAL_SHARE = 0.05  # of a public limit, what a worker may count before it reports to the shared store
REPORT_SECONDS = 1.0  # a worker reports its hits of a public counter at least this often
MAX_TALLIES = 10_000  # public counters a worker keeps its own tally of


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
    stmt = insert(table).values(key=bindparam("key"), window_start=bindparam("window"), hits=bindparam("amount"))
    return stmt.on_conflict_do_update(index_elements=[table.c.key], set_={
        "hits": case((table.c.window_start == stmt.excluded.window_start, table.c.hits + stmt.excluded.hits),
                     else_=stmt.excluded.hits),
        "window_start": stmt.excluded.window_start,
    }).returning(table.c.hits)


def _db_hit(key: str, expiry: int, now: float, amount: int = 1) -> tuple[int, float]:
    window = int(now // expiry * expiry)
    stmt = _count_statement(db.engine.dialect.name)
    # a transaction of its own, committed before the caller goes on: parallel requests see each other's hits
    with db.engine.begin() as connection:
        count = connection.execute(stmt, {"key": key, "window": window, "amount": amount}).scalar_one()
        if random.random() < _CLEANUP_CHANCE:
            table = RateLimitCounter.__table__
            connection.execute(delete(table).where(table.c.window_start < int(now) - 86400))
    return int(count), float(window + expiry)


def hit(key: str, limit: str | RateLimitItem, amount: int = 1) -> Hit:
    """Count `amount` attempts under `key` against `limit` (e.g. "5 per 5 minutes") and report the state."""
    item = _parsed(limit)
    expiry = int(item.get_expiry())
    store = _storage()
    now = time.time()
    if store is None:
        count, reset_at = _db_hit(key, expiry, now, amount)
    else:
        full = f"helpdesk/{key}/{expiry}"
        count = store.incr(full, expiry, amount=amount)
        reset_at = store.get_expiry(full)
    return Hit(count=count, limit=item.amount, reset_at=reset_at)


@functools.lru_cache(maxsize=64)
def _parse_limit(limit: str) -> RateLimitItem:
    return parse(limit)


def _parsed(limit: str | RateLimitItem) -> RateLimitItem:
    return _parse_limit(limit) if isinstance(limit, str) else limit


@dataclass
class _Tally:
    """One worker's view of one public counter in one window."""

    window: int
    reported_at: float
    shared: int = 0  # the shared store's count at the last report, ours included
    pending: int = 0  # this worker's hits since


class _Tallies(dict):
    lock: threading.Lock

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()


def public_hit(key: str, limit: str | RateLimitItem) -> Hit:
    """Count one request to a public page or API against `limit`, sparing the shared store most round trips.

    A worker reports its hits in batches: when they reach LOCAL_SHARE of the limit, or REPORT_SECONDS after its
    last report. So one address gets at most (batch - 1) requests more per window through each worker than the
    limit; a limit below 2 / LOCAL_SHARE (batch 1), and every sign-in limit (`hit`), is counted exactly."""
    item = _parsed(limit)
    batch = int(item.amount * LOCAL_SHARE)
    if batch <= 1:
        return hit(key, item)
    expiry = int(item.get_expiry())
    now = time.time()
    window = int(now // expiry * expiry)
    tallies: _Tallies = current_app.extensions.setdefault("helpdesk_public_tallies", _Tallies())
    with tallies.lock:
        tally = tallies.get(key)
        if tally is None or tally.window != window:
            if len(tallies) >= MAX_TALLIES:
                tallies.clear()  # bounded: the unreported hits of a forgotten tally (under a batch each) go uncounted
            tally = tallies[key] = _Tally(window, reported_at=now)
        tally.pending += 1
        if tally.pending < batch and now - tally.reported_at < REPORT_SECONDS:
            return Hit(count=tally.shared + tally.pending, limit=item.amount, reset_at=float(window + expiry))
        amount, tally.pending, tally.reported_at = tally.pending, 0, now
    result = hit(key, item, amount)
    tally.shared = result.count
    return result


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
    """Limit a public view per client address to the limit in config[setting] (see `public_hit`); over it, the
    429 page."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            limit = current_app.config.get(setting)
            if limit:
                result = public_hit(counter_key(kind or view.__name__, client_address()), limit)
                if not result.allowed:
                    return too_many(result)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
