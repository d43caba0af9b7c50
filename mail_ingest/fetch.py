"""IMAP access with imapclient: select, fetch new mail unseen by UID, move processed mail, IDLE/NOOP waits."""

from __future__ import annotations

import imaplib
import logging
import socket
import ssl as ssl_module
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError

__all__ = ["CONNECTION_ERRORS", "FetchedMail", "MailboxClient", "MailboxConfig", "format_uid_set"]

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

# Servers drop IDLE after ~29 minutes (RFC 2177) and NAT boxes often sooner; renew well before that.
MAX_IDLE_SECONDS = 9 * 60


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
        self.idle_renew_seconds = MAX_IDLE_SECONDS
        self.idle_commands = 0  # IDLE commands issued, for logs and tests

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

    def fetch_batches(
        self, after_uid: int, batch_size: int = 500, batch_bytes: int = 32 * 1024 * 1024
    ) -> Iterator[list[FetchedMail]]:
        """Yield lists of messages with UID > after_uid (BODY.PEEK[], so they stay unseen), in UID order.

        A batch holds at most `batch_size` messages and about `batch_bytes` bytes (a bigger message comes
        alone), so a mailbox full of large attachments never has to fit in memory at once.
        """
        if self.uidvalidity is None:
            self.select()
        uidvalidity = int(self.uidvalidity or 0)
        uids = self.new_uids(after_uid)
        if not uids:
            return
        sizes = self.imap.fetch(uids, [b"RFC822.SIZE"])
        for batch in _size_batches(uids, sizes, batch_size, batch_bytes):
            response = self.imap.fetch(batch, [b"BODY.PEEK[]"])
            found: list[FetchedMail] = []
            for uid in batch:
                data = response.get(uid)
                if data is None or b"BODY[]" not in data:
                    log.warning("UID %s verdween tijdens het ophalen (door iemand anders verplaatst?)", uid)
                    continue
                found.append(FetchedMail(uid=uid, raw=bytes(data[b"BODY[]"]), uidvalidity=uidvalidity))
            if found:
                yield found

    def fetch_new(self, after_uid: int, batch_size: int = 500) -> Iterator[FetchedMail]:
        """Yield messages with UID > after_uid one by one (see fetch_batches)."""
        for batch in self.fetch_batches(after_uid, batch_size=batch_size):
            yield from batch

    def _ensure_processed_folder(self) -> None:
        if not self._processed_ready:
            if not self.imap.folder_exists(self.config.processed_folder):
                self.imap.create_folder(self.config.processed_folder)
                log.info("IMAP-map %r aangemaakt", self.config.processed_folder)
            self._processed_ready = True

    def mark_processed(self, uids: list[int]) -> None:
        """Flag \\Seen and move to the processed folder (MOVE, or COPY + \\Deleted + (UID) EXPUNGE).

        One command each for the whole set: per-message commands cost a round trip and a server fsync each.
        """
        if not uids:
            return
        self._ensure_processed_folder()
        imap = self.imap
        uid_set = format_uid_set(uids)
        imap.add_flags(uid_set, [b"\\Seen"], silent=True)
        caps = self.capabilities()
        use_move = (b"MOVE" in caps) if self._use_move is None else self._use_move
        if use_move:
            imap.move(uid_set, self.config.processed_folder)
            return
        imap.copy(uid_set, self.config.processed_folder)
        imap.add_flags(uid_set, [b"\\Deleted"], silent=True)
        if b"UIDPLUS" in caps:
            imap.uid_expunge(uid_set)  # only ours: a plain EXPUNGE would also purge others' \Deleted mail
        else:
            imap.expunge()

    def wait_for_new(
        self, timeout: float, poll_interval: float = 30.0, stop: threading.Event | None = None
    ) -> bool:
        """Wait up to `timeout` s for new mail: IDLE when offered, else NOOP polling; True if mail came.

        IDLE is ended and re-issued every `idle_renew_seconds`, before servers drop it (RFC 2177: 29 min).
        A set `stop` event ends the wait within about a second.
        """
        stop = stop or threading.Event()
        deadline = time.monotonic() + timeout
        imap = self.imap
        if _has_new(imap.noop()[1]):  # mail that arrived since the last command
            return True
        use_idle = (b"IDLE" in self.capabilities()) if self._use_idle is None else self._use_idle
        while not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if not use_idle:
                stop.wait(min(poll_interval, remaining))
                if not stop.is_set() and _has_new(imap.noop()[1]):
                    return True
                continue
            if self._idle_once(min(remaining, self.idle_renew_seconds), stop):
                return True
        return False

    def _idle_once(self, seconds: float, stop: threading.Event) -> bool:
        """One IDLE command of at most `seconds`, checked every second for new mail or a stop request."""
        imap = self.imap
        imap.idle()
        self.idle_commands += 1
        end = time.monotonic() + seconds
        new = False
        early_empty = 0
        try:
            while not new and not stop.is_set():
                remaining = end - time.monotonic()
                if remaining <= 0:
                    break
                step = min(1.0, remaining)
                checked = time.monotonic()
                responses = imap.idle_check(timeout=step)
                new = _has_new(responses)
                # idle_check swallows EOF: a socket that is "readable" but yields nothing, again and again,
                # is a connection the server (or a NAT box) dropped without BYE.
                if not responses and time.monotonic() - checked < step / 2:
                    early_empty += 1
                    if early_empty >= 3:
                        raise IMAPClientAbortError("IMAP-verbinding gesloten tijdens IDLE")
                else:
                    early_empty = 0
        finally:
            done = imap.idle_done()
        return new or _has_new(done[1] if isinstance(done, tuple) else [])


def format_uid_set(uids: list[int]) -> str:
    """A compact IMAP sequence set: [1, 2, 3, 7, 9, 10] -> "1:3,7,9:10"."""
    ordered = sorted(set(uids))
    parts: list[str] = []
    start = prev = ordered[0]
    for uid in ordered[1:]:
        if uid != prev + 1:
            parts.append(f"{start}:{prev}" if prev != start else str(start))
            start = uid
        prev = uid
    parts.append(f"{start}:{prev}" if prev != start else str(start))
    return ",".join(parts)


def _size_batches(
    uids: list[int], sizes: dict[int, dict[bytes, object]], max_count: int, max_bytes: int
) -> Iterator[list[int]]:
    """Split UIDs into batches of at most max_count messages and about max_bytes bytes."""
    batch: list[int] = []
    total = 0
    for uid in uids:
        size = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0) or 0)  # type: ignore[call-overload]
        if batch and (len(batch) >= max_count or total + size > max_bytes):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += size
    if batch:
        yield batch


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
