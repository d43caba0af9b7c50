"""Fixtures of the ingest tests that talk to the real servers."""

from __future__ import annotations

import pytest

from tests.support.conversation import Conversation


@pytest.fixture
def talk(imap_app, smtp_app, imap_mailbox, smtp_server, client, login, runner) -> Conversation:  # noqa: ANN001
    """A signed-in agent and the real Dovecot, outbox and aiosmtpd, for round trips of mail."""
    login("agent")
    return Conversation(imap_mailbox, smtp_server, client, runner)
