"""The IMAP side of ingest: mailbox config from the app, state in the database, the handler that stores."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from mail_ingest.fetch import FetchedMail, MailboxConfig
from mail_ingest.loop import MailboxState as LoopState

from ..extensions import db
from ..models import MailboxState, utcnow
from .operations import IngestOutcome, RawMail, ingest_many

log = logging.getLogger(__name__)


class MailboxNotConfigured(RuntimeError):
    """HELPDESK_IMAP_HOST is not set."""


def mailbox_config() -> MailboxConfig:
    """The helpdesk mailbox from HELPDESK_IMAP_*; raises MailboxNotConfigured when ingest is off."""
    c = current_app.config
    if not c.get("IMAP_HOST"):
        raise MailboxNotConfigured("Geen mailbox ingesteld: zet HELPDESK_IMAP_HOST (en _USER, _PASSWORD).")
    ssl = bool(c.get("IMAP_SSL"))
    return MailboxConfig(host=c["IMAP_HOST"], port=int(c.get("IMAP_PORT") or (993 if ssl else 143)),
                         user=c.get("IMAP_USER") or "", password=c.get("IMAP_PASSWORD") or "",
                         folder=c.get("IMAP_FOLDER") or "INBOX", ssl=ssl, starttls=bool(c.get("IMAP_STARTTLS")),
                         processed_folder=c.get("IMAP_PROCESSED_FOLDER") or "Verwerkt")


def mailbox_key(config: MailboxConfig) -> str:
    return f"{config.user}@{config.host}:{config.port}/{config.folder}"[:300]


class MailboxStore:
    """State callbacks and the per-message handler for `mail_ingest.loop.drain`."""

    def __init__(self, config: MailboxConfig) -> None:
        self.config = config
        self.key = mailbox_key(config)
        self.outcomes: dict[str, int] = {}

    def _row(self) -> MailboxState:
        row = db.session.scalar(select(MailboxState).where(MailboxState.mailbox == self.key))
        if row is None:
            row = MailboxState(mailbox=self.key, last_uid=0)
            db.session.add(row)
            db.session.flush()
        return row

    def get_state(self) -> LoopState | None:
        row = self._row()
        db.session.commit()
        return LoopState(row.uidvalidity, row.last_uid) if row.uidvalidity is not None else None

    def set_state(self, state: LoopState) -> None:
        row = self._row()
        row.uidvalidity, row.last_uid, row.last_run_at = state.uidvalidity, state.last_uid, utcnow()
        db.session.commit()

    def handle(self, mail: FetchedMail) -> IngestOutcome:
        """Store one fetched message (committed) on its own."""
        return self.handle_batch([mail])[0]

    def handle_batch(self, mails: list[FetchedMail]) -> list[IngestOutcome]:
        """Store a fetched batch (committed together; see `ingest_many`)."""
        outcomes = ingest_many([RawMail(m.raw, self._source(m), (m.uidvalidity, m.uid)) for m in mails])
        for outcome in outcomes:
            self.outcomes[outcome.status] = self.outcomes.get(outcome.status, 0) + 1
        return outcomes

    def _source(self, mail: FetchedMail) -> str:
        return f"imap:{self.config.folder}:{mail.uidvalidity}:{mail.uid}"

    def record_error(self, error: str | None) -> None:
        """Remember the last mailbox error (None after a good drain) for the admin page and `mail status`."""
        db.session.rollback()  # whatever the failed step left in the session is not ours to commit
        row = self._row()
        if row.last_error != error:
            row.last_error = error[:2000] if error else None
            db.session.commit()
