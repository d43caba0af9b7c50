"""The bundled demo mails: 25 parseable mails to Helpdesk IPO in the shapes real mail arrives in."""

from __future__ import annotations

from datetime import datetime

from mail_ingest.clean import split_reply
from mail_ingest.demo import demo_mail_paths
from mail_ingest.parse import parse_message


def _parsed():  # type: ignore[no-untyped-def]
    return [parse_message(path.read_bytes()) for path in demo_mail_paths()]


def test_twenty_five_unique_mails_to_the_helpdesk_in_november_2026():
    mails = _parsed()
    assert len(mails) == 25
    assert len({m.message_id for m in mails}) == 25
    assert all(not m.message_id_generated for m in mails)
    assert all(m.to == ["ipo@duo.nl"] for m in mails)
    assert all(isinstance(m.date, datetime) and (m.date.year, m.date.month) == (2026, 11) for m in mails)


def test_every_demo_mail_has_readable_new_text():
    for path, mail in zip(demo_mail_paths(), _parsed(), strict=True):
        new = split_reply(mail.text).new_text
        assert len(new) > 30, path.name
        assert "=?" not in mail.subject and "=3D" not in mail.text, path.name


def test_demo_covers_the_mail_shapes():
    raw = [p.read_bytes() for p in demo_mail_paths()]
    mails = _parsed()
    assert any(b"charset=\"iso-8859-1\"" in r and b"quoted-printable" in r for r in raw)
    assert any(b"Content-Transfer-Encoding: base64" in r and b"text/plain" in r for r in raw)
    assert any(b"text/html" in r and b"text/plain" not in r for r in raw)  # HTML-only
    assert any(a.content_type == "application/pdf" for m in mails for a in m.attachments)
    assert any(m.in_reply_to for m in mails)
    assert sum(1 for m in mails if m.is_multipart_report) == 1
