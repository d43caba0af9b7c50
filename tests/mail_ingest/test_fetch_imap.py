"""IMAP fetching against a real Dovecot: unseen fetch, processed-move after the handler, UIDs, IDLE, restarts."""

from __future__ import annotations

import threading
import time

import pytest

from mail_ingest.fetch import FetchedMail, MailboxClient, MailboxConfig, format_uid_set
from mail_ingest.loop import MailboxState, drain, run_forever
from mail_ingest.parse import parse_message

pytestmark = pytest.mark.imap


def mail(n: int) -> bytes:
    return (
        f"From: School {n} <bestuur{n}@school.example>\r\nTo: ipo@duo.nl\r\n"
        f"Subject: Vraag {n} over eHerkenning\r\nMessage-ID: <vraag-{n}@school.example>\r\n"
        f"Date: Mon, 2 Nov 2026 10:0{n % 10}:00 +0100\r\n\r\nWat kost eHerkenning niveau 3? ({n})\r\n"
    ).encode()


def config(server, **kw) -> MailboxConfig:  # type: ignore[no-untyped-def]
    return MailboxConfig(
        host=server.host, port=server.port, user=server.user, password=server.password, ssl=False, timeout=10, **kw
    )


class Store:
    """A stand-in for the caller's database: state plus handled Message-IDs."""

    def __init__(self) -> None:
        self.state: MailboxState | None = None
        self.handled: list[str] = []

    def get(self) -> MailboxState | None:
        return self.state

    def set(self, state: MailboxState) -> None:
        self.state = state

    def handle(self, fetched: FetchedMail) -> None:
        self.handled.append(parse_message(fetched.raw).message_id)


def test_fetch_keeps_messages_unseen(imap_mailbox):
    uids = [imap_mailbox.append(mail(i)) for i in range(3)]
    with MailboxClient(config(imap_mailbox)) as client:
        client.select()
        fetched = list(client.fetch_new(0))
    assert [f.uid for f in fetched] == uids
    assert parse_message(fetched[1].raw).subject == "Vraag 1 over eHerkenning"
    assert all(b"\\Seen" not in flags for flags in imap_mailbox.flags().values())


def test_fetch_new_after_last_uid_returns_nothing_not_the_last_message(imap_mailbox):
    uids = [imap_mailbox.append(mail(i)) for i in range(2)]
    with MailboxClient(config(imap_mailbox)) as client:
        client.select()
        assert list(client.fetch_new(uids[-1])) == []  # "N:*" would return the last message
        assert [f.uid for f in client.fetch_new(uids[0])] == [uids[1]]


def test_fetch_in_small_batches_returns_all_in_uid_order(imap_mailbox):
    uids = [imap_mailbox.append(mail(i)) for i in range(7)]
    with MailboxClient(config(imap_mailbox)) as client:
        client.select()
        assert [f.uid for f in client.fetch_new(0, batch_size=3)] == uids


def test_drain_moves_to_processed_folder_only_after_handler(imap_mailbox):
    uids = [imap_mailbox.append(mail(n)) for n in range(5)]
    store = Store()
    checks: list[tuple[bool, int, int]] = []  # (own uid still in INBOX, moved so far, handled so far)
    states: list[MailboxState] = []

    def handle(fetched: FetchedMail) -> None:
        # While the handler runs (before its commit), its message is still in INBOX and nothing that was not
        # handled yet has left it.
        checks.append((fetched.uid in imap_mailbox.list_uids("INBOX"), imap_mailbox.count("Verwerkt"),
                       len(store.handled)))
        store.handle(fetched)

    def set_state(state: MailboxState) -> None:
        states.append(state)
        store.set(state)

    with MailboxClient(config(imap_mailbox)) as client:
        result = drain(client, store.get, handle, set_state, batch_size=2)
    assert result.processed == 5 and result.failed == 0
    assert all(in_inbox and moved <= handled for in_inbox, moved, handled in checks)
    assert [moved for _, moved, _ in checks] == [0, 0, 2, 2, 4]  # marked per batch of two, not per message
    assert store.handled == [f"vraag-{n}@school.example" for n in range(5)]
    assert imap_mailbox.count("INBOX") == 0
    assert imap_mailbox.count("Verwerkt") == 5
    assert all(b"\\Seen" in flags for flags in imap_mailbox.flags("Verwerkt").values())
    # state saved once at the start and once per batch, ending at the last handled UID
    assert [s.last_uid for s in states] == [0, uids[1], uids[3], uids[4]]


def test_batches_respect_the_byte_limit(imap_mailbox):
    big = b"x" * 40_000
    uids = [imap_mailbox.append(mail(n).replace(b"niveau 3?", b"niveau 3? " + big)) for n in range(3)]
    uids.append(imap_mailbox.append(mail(3)))
    with MailboxClient(config(imap_mailbox)) as client:
        batches = [[m.uid for m in batch] for batch in client.fetch_batches(0, batch_size=10, batch_bytes=90_000)]
    assert batches == [uids[:2], uids[2:]]


def test_uid_sets_are_compact():
    assert format_uid_set([9, 1, 2, 3, 7, 10, 3]) == "1:3,7,9:10"
    assert format_uid_set([5]) == "5"


def test_failing_handler_leaves_message_in_inbox_and_retries_it(imap_mailbox):
    for i in range(3):
        imap_mailbox.append(mail(i))
    store = Store()

    def flaky(fetched: FetchedMail) -> None:
        if b"Vraag 1 " in fetched.raw:
            raise RuntimeError("database weg")
        store.handle(fetched)

    with MailboxClient(config(imap_mailbox)) as client:
        first = drain(client, store.get, flaky, store.set)
    assert (first.processed, first.failed) == (2, 1)
    assert imap_mailbox.count("INBOX") == 1 and imap_mailbox.count("Verwerkt") == 2
    # last_uid stops before the failed message, so the next drain retries it (and only it).
    with MailboxClient(config(imap_mailbox)) as client:
        second = drain(client, store.get, store.handle, store.set)
    assert (second.fetched, second.processed) == (1, 1)
    assert sorted(store.handled) == [f"vraag-{i}@school.example" for i in range(3)]
    assert imap_mailbox.count("INBOX") == 0


def test_uid_bookkeeping_across_reconnect(imap_mailbox):
    for i in range(3):
        imap_mailbox.append(mail(i))
    with MailboxClient(config(imap_mailbox)) as client:
        validity, _ = client.select()
        last = max(f.uid for f in client.fetch_new(0))
    new = [imap_mailbox.append(mail(i)) for i in range(3, 5)]
    with MailboxClient(config(imap_mailbox)) as client:
        assert client.select()[0] == validity
        assert [f.uid for f in client.fetch_new(last)] == new


def test_uidvalidity_change_is_signalled_and_folder_rescanned(imap_mailbox):
    imap_mailbox.append(mail(1))
    store = Store()
    with MailboxClient(config(imap_mailbox)) as client:
        client.select()
        old_validity = client.uidvalidity
        list(client.fetch_new(0))
    store.state = MailboxState(old_validity, 999)  # as if we had handled up to a high UID before
    new_validity = imap_mailbox.change_uidvalidity()
    with MailboxClient(config(imap_mailbox)) as client:
        result = drain(client, store.get, store.handle, store.set)
    assert result.uidvalidity_changed
    assert store.handled == ["vraag-1@school.example"]  # rescanned despite last_uid 999
    assert store.state.uidvalidity == new_validity


def test_move_fallback_copy_delete_expunge(imap_mailbox):
    uids = [imap_mailbox.append(mail(i)) for i in range(3)]
    with MailboxClient(config(imap_mailbox), use_move=False) as client:
        client.select()
        client.mark_processed(uids[:2])
    assert imap_mailbox.list_uids("INBOX") == [uids[2]]
    assert imap_mailbox.count("Verwerkt") == 2


def test_idle_wakes_up_when_mail_arrives(imap_mailbox):
    with MailboxClient(config(imap_mailbox)) as client:
        client.select()
        timer = threading.Timer(1.0, imap_mailbox.append, args=(mail(1),))
        started = time.monotonic()
        timer.start()
        try:
            woke = client.wait_for_new(timeout=30)
        finally:
            timer.join()
        elapsed = time.monotonic() - started
    assert woke
    assert elapsed < 10


def test_noop_polling_fallback_sees_new_mail(imap_mailbox):
    with MailboxClient(config(imap_mailbox), use_idle=False) as client:
        client.select()
        timer = threading.Timer(0.5, imap_mailbox.append, args=(mail(1),))
        started = time.monotonic()
        timer.start()
        try:
            woke = client.wait_for_new(timeout=20, poll_interval=0.3)
        finally:
            timer.join()
        assert woke and time.monotonic() - started < 10
        assert client.wait_for_new(timeout=0.6, poll_interval=0.2) is False


def test_idle_times_out_without_mail(imap_mailbox):
    with MailboxClient(config(imap_mailbox)) as client:
        client.select()
        assert client.wait_for_new(timeout=1) is False


def test_idle_is_renewed_before_the_server_drops_it(imap_mailbox):
    with MailboxClient(config(imap_mailbox)) as client:
        assert client.idle_renew_seconds < 29 * 60  # RFC 2177: servers may end IDLE after 30 minutes
        client.select()
        client.idle_renew_seconds = 0.4
        assert client.wait_for_new(timeout=2.0) is False
        assert client.idle_commands >= 4, "one long IDLE instead of renewed ones"
        # after the renewals the same connection still hears about new mail
        timer = threading.Timer(0.5, imap_mailbox.append, args=(mail(1),))
        timer.start()
        try:
            assert client.wait_for_new(timeout=20) is True
        finally:
            timer.join()


def test_a_stop_request_ends_the_idle_wait_promptly(imap_mailbox):
    stop = threading.Event()
    with MailboxClient(config(imap_mailbox)) as client:
        client.select()
        timer = threading.Timer(0.5, stop.set)
        started = time.monotonic()
        timer.start()
        try:
            assert client.wait_for_new(timeout=120, stop=stop) is False
        finally:
            timer.join()
        assert time.monotonic() - started < 5
        assert client.imap.noop()  # IDLE was ended cleanly; the connection is usable


def test_run_forever_polls_when_the_server_offers_no_idle(imap_mailbox):
    store = Store()
    stop = threading.Event()
    worker = threading.Thread(
        target=run_forever,
        args=(config(imap_mailbox), store.get, store.handle, store.set),
        kwargs={"stop": stop, "poll_interval": 0.3, "client_factory": lambda c: MailboxClient(c, use_idle=False)},
        daemon=True,
    )
    worker.start()
    try:
        time.sleep(0.5)
        imap_mailbox.append(mail(1))
        _wait_for(lambda: len(store.handled) == 1)
    finally:
        stop.set()
        worker.join(timeout=15)
    assert not worker.is_alive()
    assert store.handled == ["vraag-1@school.example"] and imap_mailbox.count("Verwerkt") == 1


def test_run_forever_survives_server_restart(imap_mailbox):
    store = Store()
    stop = threading.Event()
    worker = threading.Thread(
        target=run_forever,
        args=(config(imap_mailbox), store.get, store.handle, store.set),
        kwargs={"stop": stop, "idle_timeout": 60, "poll_interval": 1, "backoff_initial": 0.2, "backoff_max": 1},
        daemon=True,
    )
    worker.start()
    try:
        imap_mailbox.append(mail(1))
        _wait_for(lambda: len(store.handled) == 1)
        imap_mailbox.restart()
        imap_mailbox.append(mail(2))
        _wait_for(lambda: len(store.handled) == 2)
    finally:
        stop.set()
        stopped = time.monotonic()
        worker.join(timeout=15)
    assert not worker.is_alive() and time.monotonic() - stopped < 10
    assert store.handled == ["vraag-1@school.example", "vraag-2@school.example"]
    assert imap_mailbox.count("Verwerkt") == 2


def _wait_for(condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")
