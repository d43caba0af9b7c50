"""IMAP access with imapclient: select, fetch new mail unseen by UID, move processed mail, IDLE/NOOP waits."""

from __future__ import annotations

import imaplib
import logging
import socket
import ssl as ssl_module
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError

__all__ = ["CONNECTION_ERRORS", "FetchedMail", "MailboxClient", "MailboxConfig"]

log = logging.getLogger(__name__)

# Errors that mean "the connection is gone": reconnect and try again later.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    socket.timeout,
    ssl_module.SSLError,
    imaplib.IMAP4.abort,
    IMAPClientAbortError,
    EOFError,
)

# Servers drop IDLE after ~29 minutes (RFC 2177); renew well before that.
MAX_IDLE_SECONDS = 25 * 60


@dataclass
class MailboxConfig:
    """Where the helpdesk mailbox lives."""

    host: str
    port: int = 993
    user: str = ""
    password: str = ""
    folder: str = "INBOX"
    ssl: bool = True
    starttls: bool = False
    processed_folder: str = "Verwerkt"
    timeout: float = 30.0


@dataclass(frozen=True)
class FetchedMail:
    """One message as fetched: its UID, raw RFC 822 bytes and the UIDVALIDITY the UID belongs to."""

    uid: int
    raw: bytes
    uidvalidity: int


class MailboxClient:
    """A connection to the helpdesk mailbox; use as a context manager."""

    def __init__(self, config: MailboxConfig, *, use_move: bool | None = None, use_idle: bool | None = None) -> None:
        self.config = config
        self.client: IMAPClient | None = None
        self.uidvalidity: int | None = None
        # None: use MOVE/IDLE when the server offers them; False forces the fallback (COPY+EXPUNGE / NOOP polling).
        self._use_move = use_move
        self._use_idle = use_idle
        self._processed_ready = False

    def __enter__(self) -> MailboxClient:
        if self.client is None:
            self.connect()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def connect(self) -> None:
        """Open the connection and log in (STARTTLS first when configured)."""
        cfg = self.config
        client = IMAPClient(cfg.host, port=cfg.port, ssl=cfg.ssl, timeout=cfg.timeout)
        try:
            if cfg.starttls and not cfg.ssl:
                client.starttls(ssl_module.create_default_context())
            client.login(cfg.user, cfg.password)
        except BaseException:
            _quietly_close(client)
            raise
        self.client = client
        self._processed_ready = False
        log.info("IMAP verbonden met %s:%s als %s", cfg.host, cfg.port, cfg.user)

    def close(self) -> None:
        """Log out, ignoring a connection that is already gone."""
        if self.client is not None:
            client, self.client = self.client, None
            _quietly_close(client)

    @property
    def imap(self) -> IMAPClient:
        """The live IMAPClient; raises when not connected."""
        if self.client is None:
            raise ConnectionError("niet verbonden met de IMAP-server")
        return self.client

    def capabilities(self) -> set[bytes]:
        """Server capabilities as upper-case bytes."""
        return {bytes(c).upper() for c in self.imap.capabilities()}

    def select(self) -> tuple[int, int]:
        """Select the configured folder read-write; return (uidvalidity, uidnext)."""
        info = self.imap.select_folder(self.config.folder)
        self.uidvalidity = int(info[b"UIDVALIDITY"])
        uidnext = info.get(b"UIDNEXT")
        if uidnext is None:  # not every server sends UIDNEXT on SELECT
            uidnext = self.imap.folder_status(self.config.folder, [b"UIDNEXT"])[b"UIDNEXT"]
        return self.uidvalidity, int(uidnext)

    def new_uids(self, after_uid: int) -> list[int]:
        """UIDs above after_uid, ascending; `N:*` also returns the last message even if its UID < N."""
        found = self.imap.search(["UID", f"{after_uid + 1}:*"])
        return sorted(uid for uid in found if uid > after_uid)

    def fetch_new(self, after_uid: int, batch_size: int = 100) -> Iterator[FetchedMail]:
        """Yield messages with UID > after_uid using BODY.PEEK[] (they stay unseen), in UID order."""
        if self.uidvalidity is None:
            self.select()
        uidvalidity = int(self.uidvalidity or 0)
        uids = self.new_uids(after_uid)
        for start in range(0, len(uids), batch_size):
            batch = uids[start : start + batch_size]
            response = self.imap.fetch(batch, [b"BODY.PEEK[]"])
            for uid in batch:
                data = response.get(uid)
                if data is None or b"BODY[]" not in data:
                    log.warning("UID %s verdween tijdens het ophalen (door iemand anders verplaatst?)", uid)
                    continue
                yield FetchedMail(uid=uid, raw=bytes(data[b"BODY[]"]), uidvalidity=uidvalidity)

    def _ensure_processed_folder(self) -> None:
        if not self._processed_ready:
            if not self.imap.folder_exists(self.config.processed_folder):
                self.imap.create_folder(self.config.processed_folder)
                log.info("IMAP-map %r aangemaakt", self.config.processed_folder)
            self._processed_ready = True

    def mark_processed(self, uids: list[int]) -> None:
        """Flag \\Seen and move to the processed folder (MOVE, or COPY + \\Deleted + (UID) EXPUNGE)."""
        if not uids:
            return
        self._ensure_processed_folder()
        imap = self.imap
        imap.add_flags(uids, [b"\\Seen"])
        caps = self.capabilities()
        use_move = (b"MOVE" in caps) if self._use_move is None else self._use_move
        if use_move:
            imap.move(uids, self.config.processed_folder)
            return
        imap.copy(uids, self.config.processed_folder)
        imap.add_flags(uids, [b"\\Deleted"])
        if b"UIDPLUS" in caps:
            imap.uid_expunge(uids)  # only ours: a plain EXPUNGE would also purge others' \Deleted mail
        else:
            imap.expunge()

    def wait_for_new(self, timeout: float, poll_interval: float = 30.0) -> bool:
        """Wait up to `timeout` s for new mail: IDLE when offered, else NOOP polling; True if mail came."""
        timeout = min(timeout, MAX_IDLE_SECONDS)
        imap = self.imap
        if _has_new(imap.noop()[1]):  # mail that arrived since the last command
            return True
        use_idle = (b"IDLE" in self.capabilities()) if self._use_idle is None else self._use_idle
        if not use_idle:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                time.sleep(max(0.0, min(poll_interval, deadline - time.monotonic())))
                if _has_new(imap.noop()[1]):
                    return True
            return False
        imap.idle()
        try:
            responses = imap.idle_check(timeout=timeout)
        finally:
            done = imap.idle_done()
        return _has_new(responses) or _has_new(done[1] if isinstance(done, tuple) else [])


def _has_new(responses: object) -> bool:
    """True when untagged responses announce new messages (EXISTS/RECENT)."""
    if not isinstance(responses, list):
        return False
    for item in responses:
        if isinstance(item, tuple) and len(item) >= 2 and item[1] in (b"EXISTS", b"RECENT"):
            return True
        if isinstance(item, tuple) and item and item[0] == b"BYE":
            raise IMAPClientAbortError("server sloot de verbinding (BYE)")
    return False


def _quietly_close(client: IMAPClient) -> None:
    """Log out or at least shut the socket, ignoring errors of a dead connection."""
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the connection may already be gone
        try:
            client.shutdown()
        except Exception:  # noqa: BLE001
            pass
