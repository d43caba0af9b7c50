"""Change counters for each node's caches: `kb` (the search index) and `triage` (the triage model).

A commit that changes what a cache is built from bumps its counter in the same transaction. The counter row is
locked until that commit, so counter values are in commit order on PostgreSQL too; with `kb` the changed article
slugs are logged at the new value, so a node that is a few changes behind applies just those.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from .models import ChangeCounter, IndexChange

KEEP_CHANGES = 1000  # logged kb changes kept; a node further behind than this rebuilds its index
_counters = ChangeCounter.__table__
_changes = IndexChange.__table__


def bump_counter(session: Session, name: str) -> int:
    """Add one to a counter inside the session's transaction; returns the new value."""
    value = session.execute(update(_counters).where(_counters.c.name == name)
                            .values(value=_counters.c.value + 1).returning(_counters.c.value)).scalar()
    if value is None:  # a database made without the migrations' rows
        session.execute(insert(_counters).values(name=name, value=1))
        value = 1
    return int(value)


def record_kb_change(session: Session, slugs: Iterable[str]) -> int:
    """Bump `kb` and log the articles whose index entries changed; returns the new value."""
    seq = bump_counter(session, "kb")
    rows = [{"seq": seq, "slug": slug[:200]} for slug in sorted(set(slugs))]
    if rows:
        session.execute(insert(_changes), rows)
    session.execute(delete(_changes).where(_changes.c.seq <= seq - KEEP_CHANGES))
    return seq


def read_counters(session: Session) -> dict[str, int]:
    """Every counter's value now."""
    return {name: int(value) for name, value in session.execute(select(_counters.c.name, _counters.c.value))}


def kb_changes(session: Session, after: int, upto: int) -> set[str] | None:
    """Slugs changed after counter value `after` up to `upto`; None when the log no longer reaches back."""
    if upto - after >= KEEP_CHANGES:
        return None
    return set(session.scalars(select(_changes.c.slug).where(_changes.c.seq > after, _changes.c.seq <= upto)))
