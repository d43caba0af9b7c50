"""The smtp_server fixture: a real aiosmtpd server that collects mail and can be taken down and back up."""

from __future__ import annotations

import smtplib

import pytest

pytestmark = pytest.mark.smtp

RAW = b"From: ipo@duo.nl\r\nTo: jan@school.nl\r\nSubject: [IPO-1] Antwoord\r\n\r\nHierbij ons antwoord.\r\n"


def test_smtp_server_collects_messages(smtp_server):
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=10) as smtp:
        smtp.sendmail("ipo@duo.nl", ["jan@school.nl"], RAW)
    (received,) = smtp_server.messages
    assert received.mail_from == "ipo@duo.nl" and received.rcpt_tos == ["jan@school.nl"]
    assert b"Hierbij ons antwoord." in received.raw


def test_smtp_server_outage_and_recovery(smtp_server):
    smtp_server.stop()
    with pytest.raises(OSError):
        smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5).close()
    smtp_server.start()
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=10) as smtp:
        smtp.sendmail("ipo@duo.nl", ["jan@school.nl"], RAW)
    assert len(smtp_server.messages) == 1
