"""The ingest loop: drain new mail through a handler (which commits) before marking it processed."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from mail_ingest.fetch import CONNECTION_ERRORS, FetchedMail, MailboxClient, MailboxConfig

__all__ = ["DrainResult", "MailboxState", "drain", "run_forever"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailboxState:
    """Bookkeeping kept by the caller (in its database): the UIDVALIDITY and the last fully handled UID."""

    uidvalidity: int
    last_uid: int


@dataclass
class DrainResult:
    """What one drain did."""

    fetched: int = 0
    processed: int = 0
    failed: int = 0
    uidvalidity_changed: bool = False
    state: MailboxState | None = None


def drain(
    client: MailboxClient,
    get_state: Callable[[], MailboxState | None],
    handle: Callable[[FetchedMail], None],
    set_state: Callable[[MailboxState], None],
    *,
    batch_size: int = 100,
    on_uidvalidity_change: Callable[[MailboxState | None, int], None] | None = None,
) -> DrainResult:
    """Fetch new mail, call `handle` (which must store and commit), then mark it processed and save state.

    A handler that raises leaves its message unmarked in the folder; `last_uid` never passes it, so the next
    drain retries it. Handled messages are moved away, so a retry never hands them over twice; a crash between
    commit and move re-delivers one message, which the caller dedupes by Message-ID.
    """
    uidvalidity, _uidnext = client.select()
    state = get_state()
    result = DrainResult()
    if state is None or state.uidvalidity != uidvalidity:
        if state is not None:
            # UIDs from before mean nothing now: rescan the folder; the caller dedupes by Message-ID.
            log.warning(
                "UIDVALIDITY veranderd van %s naar %s: map wordt opnieuw gelezen",
                state.uidvalidity,
                uidvalidity,
            )
            result.uidvalidity_changed = True
            if on_uidvalidity_change is not None:
                on_uidvalidity_change(state, uidvalidity)
        state = MailboxState(uidvalidity, 0)
        set_state(state)
    blocked = False  # once a message failed, last_uid stays below it
    for mail in client.fetch_new(state.last_uid, batch_size=batch_size):
        result.fetched += 1
        try:
            handle(mail)
        except Exception:  # noqa: BLE001 - one bad message must not stop the rest; it is retried next time
            log.exception(
                "verwerken van UID %s mislukt; bericht blijft in %s", mail.uid, client.config.folder
            )
            result.failed += 1
            blocked = True
            continue
        client.mark_processed([mail.uid])
        result.processed += 1
        if not blocked:
            state = MailboxState(uidvalidity, mail.uid)
            set_state(state)
    result.state = state
    return result


def run_forever(
    config: MailboxConfig,
    get_state: Callable[[], MailboxState | None],
    handle: Callable[[FetchedMail], None],
    set_state: Callable[[MailboxState], None],
    *,
    stop: threading.Event | None = None,
    idle_timeout: float = 20 * 60,
    backoff_initial: float = 1.0,
    backoff_max: float = 300.0,
    client_factory: Callable[[MailboxConfig], MailboxClient] = MailboxClient,
    on_uidvalidity_change: Callable[[MailboxState | None, int], None] | None = None,
    stop_check_seconds: float = 30.0,
) -> None:
    """Drain, wait for new mail (IDLE), repeat; reconnect with exponential backoff on connection loss."""
    stop = stop or threading.Event()
    backoff = backoff_initial
    while not stop.is_set():
        client = client_factory(config)
        try:
            client.connect()
            while not stop.is_set():
                result = drain(
                    client, get_state, handle, set_state, on_uidvalidity_change=on_uidvalidity_change
                )
                backoff = backoff_initial  # a full drain worked: the connection is healthy again
                if result.fetched:
                    log.info(
                        "IMAP: %s opgehaald, %s verwerkt, %s mislukt",
                        result.fetched,
                        result.processed,
                        result.failed,
                    )
                if result.failed:
                    stop.wait(min(backoff_max, 5.0))  # failures are retried; don't spin on them
                _wait(client, stop, idle_timeout, stop_check_seconds)
        except CONNECTION_ERRORS as exc:
            log.warning(
                "IMAP-verbinding met %s:%s verbroken (%s); opnieuw over %.0f s",
                config.host,
                config.port,
                exc,
                backoff,
            )
        except Exception:  # noqa: BLE001 - login or server errors: keep the worker alive, retry later
            log.exception("IMAP-fout bij %s:%s; opnieuw over %.0f s", config.host, config.port, backoff)
        finally:
            client.close()
        if stop.wait(backoff):
            break
        backoff = min(backoff_max, backoff * 2)


def _wait(client: MailboxClient, stop: threading.Event, timeout: float, slice_seconds: float) -> bool:
    """Wait for new mail in IDLE slices, so a stop request is noticed within one slice."""
    deadline = time.monotonic() + timeout
    while not stop.is_set():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        if client.wait_for_new(min(remaining, slice_seconds)):
            return True
    return False
