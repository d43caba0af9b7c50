"""IDLE edge cases that a healthy Dovecot cannot show: a connection dropped without BYE, a BYE during IDLE."""

from __future__ import annotations

import time

import pytest

from mail_ingest.fetch import CONNECTION_ERRORS, MailboxClient, MailboxConfig


class DroppedIdleServer:
    """Stands in for IMAPClient on a socket the peer closed silently: idle_check returns nothing at once."""

    def __init__(self, responses: list | None = None) -> None:
        self.responses = responses or []
        self.idle_checks = 0

    def noop(self):  # type: ignore[no-untyped-def]
        return b"NOOP completed", []

    def capabilities(self):  # type: ignore[no-untyped-def]
        return (b"IMAP4REV1", b"IDLE")

    def idle(self) -> None:
        pass

    def idle_check(self, timeout: float):  # type: ignore[no-untyped-def]
        self.idle_checks += 1
        return self.responses

    def idle_done(self):  # type: ignore[no-untyped-def]
        return b"Idle completed", []


def client_with(server: DroppedIdleServer) -> MailboxClient:
    client = MailboxClient(MailboxConfig(host="imap.invalid"))
    client.client = server  # type: ignore[assignment]
    return client


def test_a_silently_dropped_connection_ends_idle_with_a_connection_error():
    server = DroppedIdleServer()
    started = time.monotonic()
    with pytest.raises(CONNECTION_ERRORS):
        client_with(server).wait_for_new(timeout=600)
    assert time.monotonic() - started < 2, "must not wait (or spin) until the IDLE renewal"
    assert server.idle_checks == 3


def test_bye_during_idle_is_a_connection_error():
    server = DroppedIdleServer([(b"BYE", b"Server shutting down.")])
    with pytest.raises(CONNECTION_ERRORS):
        client_with(server).wait_for_new(timeout=600)
