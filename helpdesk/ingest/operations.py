"""The store step: raw mail becomes ticket messages (or quarantined items), exactly once.

`ingest_many` commits once per batch and `ingest_raw` once per mail; either way a crash leaves each mail
either wholly stored or not at all, and the IMAP side moves mail away only after the commit.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mail_ingest.mime import ParseLimits

from ..extensions import db
from ..models import QuarantinedMail, TicketMessage, utcnow
from .batch import Batch, IngestOutcome, RawMail
from .prepare import PrepareContext, Prepared, prepare_stream

__all__ = ["IngestOutcome", "RawMail", "ingest_many", "ingest_raw", "reprocess_quarantined"]

log = logging.getLogger(__name__)


def ingest_raw(raw: bytes, *, source: str = "", uid: tuple[int, int] | None = None) -> IngestOutcome:
    """Run one raw mail through parse → filters → thread → store, and commit. Never raises for bad mail."""
    return ingest_many([RawMail(raw, source, uid)])[0]


def ingest_many(mails: Sequence[RawMail]) -> list[IngestOutcome]:
    """Run a batch of raw mails through parse → filters → thread → store; one outcome per mail, in order.
    Never raises for bad mail.

    The batch is stored in one transaction: what it needs from the database is read in a few queries per chunk
    of prepared mail, and each chunk is flushed (one INSERT per table) while the workers prepare the next, so a
    crash leaves either all of the batch stored or none of it (and the caller moves mail out of the mailbox only
    after this returns). If storing it fails for any reason (a bug that one odd mail triggers, another ingester
    that stored the same Message-ID first), it is rolled back and every mail is stored again in a transaction of
    its own: a mail that fails alone is quarantined with its raw bytes and the error, and the others are still
    stored.
    """
    outcomes: list[IngestOutcome | None] = [None] * len(mails)
    ready: list[tuple[int, Prepared]] = []
    unreadable: list[tuple[int, str]] = []
    batch = Batch() if len(mails) > 1 else None
    stored: dict[int, IngestOutcome] = {}
    position = 0
    # Prepared mails come back a chunk at a time (worker processes parse and triage the rest meanwhile).
    for chunk in prepare_stream([m.raw for m in mails], _context()):
        numbered = list(enumerate(chunk, start=position))
        position += len(chunk)
        good = [(n, p) for n, p in numbered if p.error is None]
        unreadable += [(n, p.error) for n, p in numbered if p.error is not None]
        ready += good
        if batch is not None:
            try:
                batch.extend([p.parsed for _n, p in good])
                stored.update((n, batch.store(p, mails[n])) for n, p in good)
                batch.flush()  # now, while the workers prepare: at the end they would wait for it
            except Exception:  # noqa: BLE001 - fall back to one transaction per mail, which isolates the cause
                batch = _give_up(len(mails))
    if batch is not None:
        try:
            batch.finish()
            db.session.commit()
        except Exception:  # noqa: BLE001 - as above
            batch = _give_up(len(mails))
    for n, prepared in ready:
        outcomes[n] = stored[n] if batch is not None else _store_one(prepared, mails[n])
    for n, error in unreadable:
        outcomes[n] = _quarantine(mails[n].raw, mails[n].source, error)
    return outcomes  # type: ignore[return-value] - every mail got its outcome above


def _give_up(size: int) -> None:
    db.session.rollback()
    log.warning("%s mails konden niet samen worden opgeslagen; nu een voor een", size, exc_info=True)


def _store_one(prepared: Prepared, mail: RawMail) -> IngestOutcome:
    """Store one prepared mail in a transaction of its own; quarantine it if that fails."""
    parsed = prepared.parsed
    try:
        batch = Batch()
        batch.extend([parsed])
        outcome = batch.store(prepared, mail)
        batch.finish()
        db.session.commit()
        return outcome
    except IntegrityError:
        # Another ingester stored the same Message-ID between our check and our commit.
        db.session.rollback()
        existing = _message_ticket(parsed.message_id)
        if existing is not None:
            return IngestOutcome("duplicate", existing, parsed.message_id)
        return _quarantine(mail.raw, mail.source, "database weigerde het bericht (integriteitsfout)")
    except Exception as exc:  # noqa: BLE001 - a bug in one step must not lose the mail: quarantine it
        db.session.rollback()
        log.exception("opslaan van mail %s mislukt", parsed.message_id)
        return _quarantine(mail.raw, mail.source, f"{type(exc).__name__}: {exc}")


def _context() -> PrepareContext:
    from ..triage.service import get_triager

    config = current_app.config
    limits = ParseLimits(max_raw_bytes=config["MAX_MAIL_BYTES"], max_attachment_bytes=config["MAX_ATTACHMENT_BYTES"])
    return PrepareContext(limits, config["MESSAGE_ID_DOMAIN"], config["OWN_ADDRESSES"], get_triager(),
                          config["INGEST_WORKERS"], config["INGEST_MAIL_SECONDS"] or None)


def _message_ticket(message_id: str) -> int | None:
    return db.session.scalar(select(TicketMessage.ticket_id).where(TicketMessage.message_id == message_id))


def _quarantine(raw: bytes, source: str, error: str) -> IngestOutcome:
    """Keep the raw bytes and the error for an admin; the same bytes are quarantined only once."""
    digest = hashlib.sha256(raw).hexdigest()
    held = db.session.scalar(select(QuarantinedMail).where(QuarantinedMail.sha256 == digest,
                                                           QuarantinedMail.status != "reprocessed"))
    if held is None:
        held = QuarantinedMail(source=source[:500], sha256=digest, raw=raw, error=error[:5000])
        db.session.add(held)
    else:
        held.error = error[:5000]
    db.session.commit()
    log.warning("mail uit %s in quarantaine: %s", source or "onbekende bron", error)
    return IngestOutcome("quarantined", None, None, "quarantined", error)


def reprocess_quarantined(item: QuarantinedMail) -> IngestOutcome:
    """Run a quarantined mail through the pipeline again; on success it is marked reprocessed.

    A mail over MAX_MAIL_BYTES stays held without its bytes being loaded: the parser would refuse it anyway."""
    from .quarantine import raw_size

    if (raw_size(item.id) or 0) > current_app.config["MAX_MAIL_BYTES"]:
        return IngestOutcome("quarantined", detail="te groot om te verwerken")
    raw, source = item.raw, item.source
    item.status = "reprocessing"
    db.session.commit()
    outcome = ingest_raw(raw, source=source)
    item = db.session.get(QuarantinedMail, item.id)
    if outcome.status == "quarantined":
        item.status = "held"  # ingest_raw refreshed the error on this same row (same bytes)
    else:
        item.status = "reprocessed"
        item.reprocessed_at = utcnow()
    db.session.commit()
    return outcome
