"""Helpers for ingest tests: build mails, run the CLI in a real subprocess against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from flask import Flask

from tests.servers import PASSWORD as IMAP_PASSWORD
from tests.servers import USER as IMAP_USER

ROOT = Path(__file__).resolve().parents[2]


def make_mail(subject: str = "Vraag over eHerkenning", body: str = "Wat kost eHerkenning niveau 3 per jaar?",
              sender: str = "Jan Jansen <j.jansen@school.example>", message_id: str | None = None,
              in_reply_to: str | None = None, references: str | None = None,
              headers: dict[str, str] | None = None, cc: str | None = None) -> bytes:
    """A plain UTF-8 mail to the helpdesk as bytes."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "Helpdesk IPO <ipo@duo.nl>"
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 20, 9, 30, tzinfo=UTC))
    msg["Message-ID"] = message_id or make_msgid(domain="school.example")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg.as_bytes()


def cli_env(app: Flask, imap=None) -> dict[str, str]:  # noqa: ANN001 - DovecotServer
    """Environment for a `flask --app app …` subprocess on this test's database and data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update({
        "HELPDESK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "HELPDESK_DATA_DIR": app.config["DATA_DIR"],
        "HELPDESK_SECRET_KEY": "test-secret-key",
        "PYTHONWARNINGS": "ignore",
    })
    if imap is not None:
        env.update({"HELPDESK_IMAP_HOST": "127.0.0.1", "HELPDESK_IMAP_PORT": str(imap.port),
                    "HELPDESK_IMAP_USER": IMAP_USER, "HELPDESK_IMAP_PASSWORD": IMAP_PASSWORD,
                    "HELPDESK_IMAP_SSL": "0"})
    return env


def flask_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "app", *args]


def run_cli(app: Flask, *args: str, imap=None, timeout: float = 120) -> subprocess.CompletedProcess:  # noqa: ANN001
    return subprocess.run(flask_cmd(*args), cwd=ROOT, env=cli_env(app, imap), capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def imap_app(app: Flask, imap_mailbox):  # noqa: ANN001
    """The test app configured for the test Dovecot mailbox."""
    app.config.update(IMAP_HOST="127.0.0.1", IMAP_PORT=imap_mailbox.port, IMAP_USER=IMAP_USER,
                      IMAP_PASSWORD=IMAP_PASSWORD, IMAP_SSL=False)
    return app
