"""Reading the queue: filters, full-text search, keyset pagination, and small display helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from flask_babel import format_timedelta
from sqlalchemy import Integer, and_, any_, column, exists, literal, or_, select, table
from sqlalchemy.orm import joinedload, selectinload

from knowledge.categories import CATEGORY_LABELS

from ..extensions import db
from ..models import KINDS, STATUSES, Requester, Ticket, TicketSearchDocument, User, utcnow

PAGE_SIZE = 50
ACTIVE = ("new", "open")  # pending ("Wacht op aanvrager", "Later oppakken tot") leaves the open queue
STATUS_FILTERS = {"actief": "Nieuw en open", "new": "Nieuw", "open": "Open", "pending": "Wacht op aanvrager",
                  "solved": "Opgelost", "closed": "Gesloten", "alle": "Alle statussen"}
AGE_FILTERS = {"": "Alle", "1": "Langer dan 1 dag", "3": "Langer dan 3 dagen", "7": "Langer dan een week"}
KIND_FILTERS = {"question": "Vragen", "overig": "Automatische berichten en apart gezet", "autoreply":
                "Automatische antwoorden", "bounce": "Onbestelbaar", "bulk": "Massamail", "held": "Apart gezet"}
SORTS = {"oudste": "langst wachtend eerst", "nieuwste": "nieuwste eerst", "termijn": "eerst te beantwoorden"}
_NUMBER = re.compile(r"^(?:ipo-?)?(\d{1,9})$", re.IGNORECASE)


def _id_text(value: str | None) -> str:
    """A database id as text ('12'), or '' for anything else."""
    value = (value or "").strip()
    return value if value.isascii() and value.isdigit() and len(value) <= 12 else ""  # not "²"


def parse_ticket_number(value: str) -> int | None:
    """12 from 'IPO-12', 'ipo12' or '12'; None for anything else."""
    match = _NUMBER.match((value or "").strip())
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters as parsed from the query string (bad values fall back to defaults)."""

    status: str = "actief"
    category: str = ""
    assignee: str = ""
    age: str = ""
    kind: str = "question"
    q: str = ""
    sort: str = "oudste"
    after: str = ""
    before: str = ""
    organisation: str = ""  # an organisation id (its requesters' tickets)

    @classmethod
    def from_args(cls, args: Any) -> QueueFilter:
        def pick(name: str, allowed: Any, default: str) -> str:
            value = (args.get(name) or "").strip()
            return value if value in allowed else default

        return cls(
            status=pick("status", STATUS_FILTERS, "actief"),
            category=pick("categorie", [*CATEGORY_LABELS, "onzeker"], ""),
            assignee=pick("behandelaar", ("mij", "niemand"), ""),
            age=pick("leeftijd", AGE_FILTERS, ""),
            kind=pick("soort", KIND_FILTERS, "question"),
            q=(args.get("q") or "").replace("\x00", "").strip()[:200],  # PostgreSQL cannot compare NUL
            sort=pick("sorteer", SORTS, "oudste"),
            after=(args.get("na") or "")[:80],
            before=(args.get("voor") or "")[:80],
            organisation=_id_text(args.get("organisatie")),
        )

    def args(self, **changes: str) -> dict[str, str]:
        """Query-string arguments for a link (empty and default values left out)."""
        f = replace(self, **changes)
        out = {"status": f.status, "categorie": f.category, "behandelaar": f.assignee, "leeftijd": f.age,
               "soort": f.kind, "q": f.q, "sorteer": f.sort, "na": f.after, "voor": f.before,
               "organisatie": f.organisation}
        defaults = {"status": "actief", "soort": "question", "sorteer": "oudste"}
        return {k: v for k, v in out.items() if v and defaults.get(k) != v}


@dataclass
class QueuePage:
    tickets: list[Ticket]
    next_cursor: str = ""
    prev_cursor: str = ""
    filters: QueueFilter = field(default_factory=QueueFilter)


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


SMALL_SET = 2000  # up to this many matching tickets are passed as ids; beyond, each queue row is checked
TRIGRAM = 3  # FTS5's trigram index finds words of at least this many characters; shorter ones are scanned for
_FTS = table("ticket_search_fts", column("rowid"), column("document"))  # SQLite only (migration 0009)


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'  # an FTS5 string: every character literal


def _matches(words: list[str], sqlite: bool) -> Any:
    """The ids of the tickets whose search document contains every word (case-insensitive), from the index."""
    if not sqlite:  # the GIN trigram index answers each ILIKE
        return select(TicketSearchDocument.ticket_id).where(
            *[TicketSearchDocument.document.ilike(_like(w), escape="\\") for w in words])
    long_words = [w for w in words if len(w) >= TRIGRAM]
    conds = [_FTS.c.document.like(_like(w), escape="\\") for w in words if len(w) < TRIGRAM]
    if long_words:
        conds.insert(0, _FTS.c.document.match(" AND ".join(map(_phrase, long_words))))
    return select(_FTS.c.rowid).where(*conds)


def _among(ids: list[int], sqlite: bool) -> Any:
    """Ticket.id is one of a few ids: an IN list on SQLite, one array parameter on PostgreSQL."""
    if sqlite:
        return Ticket.id.in_(ids)
    from sqlalchemy.dialects.postgresql import ARRAY  # the dialect module is loaded by a PostgreSQL engine anyway

    return Ticket.id == any_(literal(ids, ARRAY(Integer)))


def _holds_here(words: list[str], sqlite: bool) -> Any:
    """EXISTS: this queue row's own document contains every word (one primary-key look-up and a LIKE)."""
    pattern = [_contains(TicketSearchDocument.document, _like(w), sqlite) for w in words]
    return exists(_per_row(select(TicketSearchDocument.ticket_id).where(
        TicketSearchDocument.ticket_id == Ticket.id, *pattern), sqlite))


def _contains(column: Any, pattern: str, sqlite: bool) -> Any:
    # SQLite's LIKE is already case-insensitive (ASCII) and much cheaper than lower(x) LIKE lower(y).
    return column.like(pattern, escape="\\") if sqlite else column.ilike(pattern, escape="\\")


def _per_row(subquery: Any, sqlite: bool) -> Any:
    """Keep an EXISTS correlated, checked per queue row until the page is full.

    Under OR, PostgreSQL plans such an EXISTS as a hashed subplan when it expects many outer rows (it does not
    count the LIMIT): it then reads every matching document first, which is slow for a common word (bench/inbox.py).
    OFFSET 0 stops it from turning EXISTS into a hashable IN; SQLite checks per row anyway."""
    return subquery if sqlite else subquery.offset(0)


def search_clause(query: str, sqlite: bool = False) -> Any:
    """Every word must occur in the subject, the requester or a message's own text; `IPO-12` finds ticket 12.

    Those parts are one document per ticket (TicketSearchDocument, kept by triggers; a message counts with its
    clean text, the new text without quoted history and signature, or its full text when there is none),
    indexed by trigrams. The index is asked once: up to SMALL_SET matching ids go to each queue query as one
    parameter; more (a common word) are checked per queue row instead, which stops as soon as a page is full.
    """
    words = query.split()[:6]
    if not words:
        return None
    ids = db.session.scalars(_matches(words, sqlite).limit(SMALL_SET + 1)).all()
    found = _among(list(ids), sqlite) if len(ids) <= SMALL_SET else _holds_here(words, sqlite)
    numbers = {w: int(m.group(1)) for w in words if (m := _NUMBER.match(w))}
    if not numbers:
        return found
    # a word like 'IPO-12' may also be met by the ticket's number: check those few tickets word by word
    by_number = [or_(Ticket.id == numbers[w], _holds_here([w], sqlite)) if w in numbers else _holds_here([w], sqlite)
                 for w in words]
    return or_(found, and_(_among(sorted(set(numbers.values())), sqlite), *by_number))


def _statuses(f: QueueFilter) -> tuple[str, ...]:
    if f.status == "actief":
        return ACTIVE
    return STATUSES if f.status == "alle" else (f.status,)


def _conditions(f: QueueFilter, user: User, threshold: float, sqlite: bool, now: datetime | None = None) -> list[Any]:
    """Every filter except the status as WHERE clauses (the status is split per query, see queue_page)."""
    conds: list[Any] = []
    if f.kind == "overig":
        conds.append(Ticket.kind != "question")
    else:
        conds.append(Ticket.kind == (f.kind if f.kind in KINDS else "question"))
    if f.category == "onzeker":
        conds.append(Ticket.is_uncertain(threshold))
    elif f.category:
        conds.append(Ticket.category == f.category)
    if f.assignee == "mij":
        conds.append(Ticket.assignee_id == user.id)
    elif f.assignee == "niemand":
        conds.append(Ticket.assignee_id.is_(None))
    if f.age:
        conds.append(Ticket.waiting_since <= (now or utcnow()) - timedelta(days=int(f.age)))
    if f.organisation:
        conds.append(Ticket.requester_id.in_(select(Requester.id).where(
            Requester.organisation_id == int(f.organisation))))
    if f.q:
        conds.append(search_clause(f.q, sqlite))
    return conds


def _encode(stamp: datetime | None, ident: int) -> str:
    return f"{stamp.isoformat() if stamp else '-'}_{ident}"


def _decode(cursor: str) -> tuple[datetime | None, int] | None:
    stamp, _, ident = cursor.rpartition("_")
    try:
        when = None if stamp == "-" else datetime.fromisoformat(stamp).replace(tzinfo=None)
        number = int(ident)
    except ValueError:
        return None
    return (when, number) if 0 <= number < 2**62 else None  # a tampered cursor must not overflow the database


def sort_column(f: QueueFilter) -> Any:
    """The time the queue is ordered by: the answer's deadline, or when the requester started waiting."""
    return Ticket.due_at if f.sort == "termijn" else Ticket.waiting_since


def _segment_range(cursor: tuple[datetime | None, int] | None, after: bool, descending: bool,
                   with_time: bool, ws: Any) -> Any:
    """The WHERE for one segment (tickets with or without a waiting time) relative to the cursor.

    The order is: tickets with a waiting time by (waiting_since, id), then those without by id; both ascending
    or both descending. Returns None when the whole segment lies on the wrong side of the cursor, True for all.
    """
    ident = Ticket.id
    if cursor is None:
        return True
    stamp, last = cursor
    forward = after != descending  # compare upwards?

    def beyond(column: Any, value: Any) -> Any:
        return column > value if forward else column < value

    def reach(column: Any, value: Any) -> Any:
        return column >= value if forward else column <= value

    if with_time:
        if stamp is None:
            return None if after else True
        # `reach` on the indexed column gives the database a range to scan; the OR settles ties on id.
        return and_(reach(ws, stamp), or_(beyond(ws, stamp), beyond(ident, last)))
    if stamp is None:
        return beyond(ident, last)
    return True if after else None


def queue_page(f: QueueFilter, user: User, threshold: float, size: int = PAGE_SIZE) -> QueuePage:
    """One page of the queue with keyset pagination on (waiting_since or due_at, id), fast at any depth.

    A single ORDER BY over `status IN (...)` makes the database sort every matching row. Instead each status
    and each segment (with / without a waiting time) is read in index order (kind, status, waiting_since / due_at)
    with its own LIMIT, and the few candidates are merged here: a handful of tiny index scans per page.
    """
    sqlite = db.engine.dialect.name == "sqlite"
    descending = f.sort == "nieuwste"
    before = _decode(f.before) if f.before else None
    after = _decode(f.after) if f.after and not before else None
    cursor, going_after = (before, False) if before else (after, True)
    reverse_scan = descending == going_after  # read each segment in the direction away from the cursor
    conds = _conditions(f, user, threshold, sqlite)
    ws = sort_column(f)
    timed: list[tuple[datetime, int]] = []
    untimed: list[int] = []
    for status in _statuses(f):
        for with_time in (True, False):
            where = _segment_range(cursor, going_after, descending, with_time, ws)
            if where is None:
                continue
            query = select(Ticket.id, ws).where(*conds, Ticket.status == status,
                                                ws.is_not(None) if with_time else ws.is_(None))
            if where is not True:
                query = query.where(where)
            # Also the segment without a waiting time orders by (waiting_since, id): that matches the index
            # (kind, status, waiting_since), so an empty segment costs nothing instead of a primary-key walk.
            order = [ws.desc(), Ticket.id.desc()] if reverse_scan else [ws.asc(), Ticket.id.asc()]
            rows = db.session.execute(query.order_by(*order).limit(size + 1)).all()
            if with_time:
                timed.extend((row[1], row[0]) for row in rows)
            else:
                untimed.extend(row[0] for row in rows)
    keys = [(stamp, ident) for stamp, ident in sorted(timed, reverse=descending)]
    keys += [(None, ident) for ident in sorted(untimed, reverse=descending)]
    if going_after:
        window, more = keys[:size], len(keys) > size
    else:
        window, more = keys[-size:], len(keys) > size
    tickets = _load([ident for _s, ident in window])
    page = QueuePage(tickets, filters=f)
    if window:
        first, last = window[0], window[-1]
        if going_after:
            page.next_cursor = _encode(*last) if more else ""
            page.prev_cursor = _encode(*first) if after else ""
        else:
            page.prev_cursor = _encode(*first) if more else ""
            page.next_cursor = _encode(*last)
    return page


def _load(ids: list[int]) -> list[Ticket]:
    """The tickets for a page, with requester and assignee, in the given order."""
    if not ids:
        return []
    query = select(Ticket).where(Ticket.id.in_(ids)).options(joinedload(Ticket.requester),
                                                            selectinload(Ticket.assignee))
    by_id = {t.id: t for t in db.session.scalars(query).unique()}
    return [by_id[i] for i in ids if i in by_id]


def waiting_label(since: datetime | None, now: datetime | None = None) -> str:
    """'3 dagen', '5 uur', 'minder dan een uur': how long the requester has been waiting (in the page's locale)."""
    if since is None:
        return "—"
    waited = max((now or utcnow()) - since, timedelta(0))
    if waited < timedelta(hours=1):
        return "minder dan een uur"
    # threshold 2: a bigger unit only from two of it on ('36 uur', '13 dagen', '2 weken'): short waits stay exact
    return format_timedelta(waited, granularity="hour", threshold=2)
