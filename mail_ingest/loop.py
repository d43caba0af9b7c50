"""The ingest loop: drain new mail through a handler (which commits) before marking it processed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from imapclient.exceptions import LoginError

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
    handle: Callable[[FetchedMail], object],
    set_state: Callable[[MailboxState], None],
    *,
    batch_size: int = 500,
    stop: threading.Event | None = None,
    handle_batch: Callable[[list[FetchedMail]], object] | None = None,
) -> DrainResult:
    """Fetch new mail in batches, call `handle` (which must store and commit) per message, or `handle_batch`
    once per batch (which must store and commit them all), then per batch mark the handled ones processed
    (one STORE + one MOVE) and save the state once.

    A handler that raises leaves its message (a batch handler: its whole batch) unmarked in the folder;
    `last_uid` never passes it, so the next drain retries it. Handled messages are moved away, so a retry never
    hands them over twice; a crash between a commit and the batch's move re-delivers that batch, which the
    caller dedupes by Message-ID.
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
        state = MailboxState(uidvalidity, 0)
        set_state(state)
    blocked = False  # once a message failed, last_uid stays below it
    for batch in client.fetch_batches(state.last_uid, batch_size=batch_size):
        if handle_batch is not None:
            done = _handle_batch(batch, handle_batch, client.config.folder, stop)
        else:
            done = _handle_each(batch, handle, client.config.folder, stop)
        result.fetched += len(done)
        handled = [uid for uid, ok in done if ok]
        result.failed += len(done) - len(handled)
        last_uid = state.last_uid
        for uid, ok in done:
            blocked = blocked or not ok
            if not blocked:
                last_uid = uid
        # Only now, after every handled message was committed, may they leave the folder.
        client.mark_processed(handled)
        result.processed += len(handled)
        if last_uid != state.last_uid:
            state = MailboxState(uidvalidity, last_uid)
            set_state(state)
        if stop is not None and stop.is_set():
            break
    result.state = state
    return result


def _handle_each(batch: list[FetchedMail], handle: Callable[[FetchedMail], object], folder: str,
                 stop: threading.Event | None) -> list[tuple[int, bool]]:
    """Hand over message by message; (uid, stored) for each one handed over before a stop request."""
    done = []
    for mail in batch:
        if stop is not None and stop.is_set():
            break
        try:
            handle(mail)
        except Exception:  # noqa: BLE001 - one bad message must not stop the rest; it is retried next time
            log.exception("verwerken van UID %s mislukt; bericht blijft in %s", mail.uid, folder)
            done.append((mail.uid, False))
        else:
            done.append((mail.uid, True))
    return done


def _handle_batch(batch: list[FetchedMail], handle_batch: Callable[[list[FetchedMail]], object], folder: str,
                  stop: threading.Event | None) -> list[tuple[int, bool]]:
    """Hand over the whole batch at once; if the handler raises (the database is gone) none of it is stored."""
    if stop is not None and stop.is_set():
        return []
    try:
        handle_batch(batch)
    except Exception:  # noqa: BLE001 - the whole batch stays in the folder and is retried next time
        log.exception("verwerken van %s berichten mislukt; ze blijven in %s", len(batch), folder)
        return [(mail.uid, False) for mail in batch]
    return [(mail.uid, True) for mail in batch]


def run_forever(
    config: MailboxConfig,
    get_state: Callable[[], MailboxState | None],
    handle: Callable[[FetchedMail], object],
    set_state: Callable[[MailboxState], None],
    *,
    stop: threading.Event | None = None,
    idle_timeout: float = 9 * 60,
    backoff_initial: float = 1.0,
    backoff_max: float = 300.0,
    client_factory: Callable[[MailboxConfig], MailboxClient] = MailboxClient,
    poll_interval: float = 30.0,
    batch_size: int = 500,
    handle_batch: Callable[[list[FetchedMail]], object] | None = None,
    on_error: Callable[[str | None], None] | None = None,
) -> None:
    """Drain, wait for new mail (IDLE, or NOOP every `poll_interval` s), repeat; reconnect with exponential
    backoff on connection loss. Returns within about a second after `stop` is set. `on_error` hears about each
    mailbox error (a Dutch description) and, with None, about the first good drain after one."""
    stop = stop or threading.Event()
    backoff = backoff_initial
    failing = True  # until the first good drain: clears an error a previous run left behind
    while not stop.is_set():
        client = client_factory(config)
        try:
            client.connect()
            while not stop.is_set():
                result = drain(client, get_state, handle, set_state, batch_size=batch_size, stop=stop,
                               handle_batch=handle_batch)
                backoff = backoff_initial  # a full drain worked: the connection is healthy again
                if failing and on_error is not None:
                    on_error(None)
                failing = False
                if result.fetched:
                    log.info(
                        "IMAP: %s opgehaald, %s verwerkt, %s mislukt",
                        result.fetched,
                        result.processed,
                        result.failed,
                    )
                if result.failed:
                    stop.wait(min(backoff_max, 5.0))  # failures are retried; don't spin on them
                # IDLE (renewed inside) until new mail, the stop request or idle_timeout: then drain anyway,
                # which also catches mail whose notification got lost.
                client.wait_for_new(idle_timeout, poll_interval=poll_interval, stop=stop)
        except CONNECTION_ERRORS as exc:
            failing = _report(on_error, describe_mailbox_error(exc, config))
            log.warning(
                "IMAP-verbinding met %s:%s verbroken (%s); opnieuw over %.0f s",
                config.host,
                config.port,
                exc,
                backoff,
            )
        except Exception as exc:  # noqa: BLE001 - login or server errors: keep the worker alive, retry later
            failing = _report(on_error, describe_mailbox_error(exc, config))
            log.exception("IMAP-fout bij %s:%s; opnieuw over %.0f s", config.host, config.port, backoff)
        finally:
            client.close()
        if stop.wait(backoff):
            break
        backoff = min(backoff_max, backoff * 2)



def _report(on_error: Callable[[str | None], None] | None, description: str) -> bool:
    if on_error is not None:
        try:
            on_error(description)
        except Exception:  # noqa: BLE001 - recording the error (database down) must not end the worker
            log.exception("IMAP-fout kon niet worden vastgelegd")
    return True


def describe_mailbox_error(exc: BaseException, config: MailboxConfig) -> str:
    """A mailbox error in Dutch for the admin page and `mail status`: connection, login or folder."""
    where = f"{config.host}:{config.port}"
    text = f"{exc.__class__.__name__}: {exc}"[:300]
    if isinstance(exc, LoginError):
        return f"inloggen bij {where} als {config.user} mislukt ({text})"
    if isinstance(exc, CONNECTION_ERRORS):
        return f"verbinding met {where} mislukt ({text})"
    if "select" in str(exc).lower() or "folder" in str(exc).lower() or "mailbox" in str(exc).lower():
        return f"map {config.folder!r} op {where} niet te openen ({text})"
    return f"IMAP-fout bij {where} ({text})"
