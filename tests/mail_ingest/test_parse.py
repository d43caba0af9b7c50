"""parse_message on real-shaped samples: headers, bodies, charsets, attachments, limits and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mail_ingest.parse import MailParseError, ParseLimits, parse_message
from tests.mail_ingest.conftest_helpers import sample, sample_bytes


def test_headers_are_decoded_and_normalised():
    mail = sample("encoded-words-subject.eml")
    assert mail.subject == "Vraag over één middel per coördinator"
    assert (mail.from_name, mail.from_email) == ("Éva de Bruijn", "eva@stichting-bruijn.nl")
    assert mail.to == ["ipo@duo.nl", "coord@stichting-bruijn.nl"]
    assert mail.cc == ["directie@stichting-bruijn.nl"]
    assert mail.reply_to == "administratie@stichting-bruijn.nl"
    assert mail.message_id == "spaced-id@stichting-bruijn.nl"
    assert mail.references == ["a@x.nl", "b@x.nl"]
    assert mail.date == datetime(2026, 11, 17, 8, 0, tzinfo=UTC)


def test_reply_headers_and_quoted_printable_utf8():
    mail = sample("gmail-reply-nl-alternative.eml")
    assert mail.in_reply_to == "1796300000000.abcdef0123456789@duo.nl"
    assert mail.references == ["vraag-1@school.example", "1796300000000.abcdef0123456789@duo.nl"]
    assert mail.text.startswith("Bedankt. Kan een collega zonder BSN ook een middel krijgen?")
    assert mail.html is not None and "<blockquote>Beste heer Smit," in mail.html


def test_latin1_quoted_printable_outlook_reads_euro_sign_as_cp1252():
    mail = sample("latin1-qp-outlook.eml")
    assert mail.from_name == "Renée Müller"
    assert mail.subject == "Prijs per coördinator €"
    assert "meer dan €30 per jaar" in mail.text
    assert "met één administratie" in mail.text  # soft line break joined


def test_base64_body():
    assert "Één middel per persoon?" in sample("base64-utf8.eml").text


def test_html_only_mail_becomes_readable_text():
    mail = sample("outlook-html-only-nl.eml")
    assert "Wie binnen onze organisatie mag de machtigingen regelen?" in mail.text
    assert "<p" not in mail.text and "MsoNormal" not in mail.text
    assert "Van: Helpdesk IPO <ipo@duo.nl>" in mail.text  # the Outlook header block survives as lines
    assert mail.html is not None and "<style" not in mail.html


def test_wrong_and_unknown_charsets_are_repaired_with_a_note():
    mail = sample("broken-charset.eml")
    assert "Wij willen € uitgeven aan één middel voor de coördinator" in mail.text
    assert "naïef gevraagd, geërgerd" in mail.text
    assert mail.subject == "Vraag over coördinatie"
    assert any("hersteld" in d for d in mail.defects)


def test_unlabelled_8bit_utf8_in_headers_and_body():
    mail = sample("unlabelled-8bit-utf8.eml")
    assert mail.subject == "Één vraag over coördinatie"
    assert mail.from_name == "Jürgen Schäfer"
    assert mail.text == "Hoeveel kost één middel voor de coördinator?"


def test_format_flowed_paragraphs_are_joined():
    text = sample("format-flowed.eml").text
    assert "voor onze administratie en de directie" in text
    assert "\n\nTweede alinea." in text


def test_attachment_filename_is_made_safe_and_bytes_kept():
    mail = sample("attachment-pdf-evil-filename.eml")
    pdf, blob = mail.attachments
    assert pdf.filename == "machtiging formülier.pdf"  # no path, no BEL control char
    assert pdf.content_type == "application/pdf" and pdf.data.startswith(b"%PDF-1.4") and pdf.size == len(pdf.data)
    assert not pdf.inline
    assert blob.filename == "bijlage-2.bin" and blob.data == b"\x00\x01\x02data"
    assert mail.text == "Zie bijlage: ons ingevulde formulier voor de machtiging."


def test_inline_image_kept_as_cid_reference_and_html_sanitised():
    mail = sample("inline-image-related.eml")
    (image,) = mail.attachments
    assert (image.content_id, image.inline, image.content_type) == ("screenshot-01@ijsselgroep", True, "image/png")
    assert mail.html is not None
    assert 'src="cid:screenshot-01@ijsselgroep"' in mail.html
    assert "tracker.example" not in mail.html and "<script" not in mail.html and "javascript:" not in mail.html
    assert "Wat moet ik doen?" in mail.text


def test_missing_message_id_gets_a_stable_content_hash():
    raw = sample_bytes("missing-message-id.eml")
    first, second = parse_message(raw), parse_message(raw)
    assert first.message_id_generated
    assert first.message_id == second.message_id
    assert first.message_id.endswith("@ipo-helpdesk.invalid") and len(first.message_id.split("@")[0]) == 64
    assert parse_message(raw + b"\r\nanders\r\n").message_id != first.message_id


def test_malformed_mime_is_read_with_defects_not_an_error():
    mail = sample("malformed-mime.eml")
    assert mail.text.startswith("Wat kost eHerkenning?")
    assert "CloseBoundaryNotFoundDefect" in mail.defects


def test_nested_rfc822_forward_without_own_text_uses_the_forwarded_message():
    mail = sample("nested-rfc822-forward.eml")
    assert "upgrade vragen bij onze huidige leverancier" in mail.text
    assert "Van: Admin <admin@obs-debolster.nl>" in mail.text
    (attached,) = mail.attachments
    assert attached.content_type == "message/rfc822" and attached.filename.endswith(".eml")
    assert b"Message-ID: <inner@obs-debolster.nl>" in attached.data


def test_delivery_status_report_is_flagged():
    mail = sample("dsn-exchange-nl.eml")
    assert mail.is_multipart_report and mail.report_type == "delivery-status"


def test_filter_headers_are_exposed():
    mail = sample("autoreply-exchange-headers.eml")
    assert mail.headers["auto-submitted"] == "auto-generated"
    assert mail.headers["x-auto-response-suppress"] == "All"


def test_naive_and_offset_dates():
    raw = b"From: a@b.nl\r\nDate: Mon, 2 Nov 2026 10:00:00 -0000\r\nSubject: x\r\n\r\nx\r\n"
    assert parse_message(raw).date == datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    raw = b"From: a@b.nl\r\nDate: Mon, 2 Nov 2026 10:00:00 +0100\r\n\r\nx\r\n"
    assert parse_message(raw).date.utcoffset() == timedelta(hours=1)
    bad = parse_message(b"From: a@b.nl\r\nDate: gisteren\r\n\r\nx\r\n")
    assert bad.date is None and any("Date" in d for d in bad.defects)


def test_oversized_attachment_is_dropped_with_a_note_and_mail_kept():
    raw = sample_bytes("attachment-pdf-evil-filename.eml")
    mail = parse_message(raw, limits=ParseLimits(max_attachment_bytes=20))
    assert [a.filename for a in mail.attachments] == ["bijlage-2.bin"]
    assert mail.dropped_attachments == ["machtiging formülier.pdf"]
    assert any("weggelaten" in d for d in mail.defects)
    assert mail.text.startswith("Zie bijlage")


def test_total_size_limit_gives_a_clear_error():
    raw = sample_bytes("base64-utf8.eml") + b"x" * 2000
    with pytest.raises(MailParseError) as err:
        parse_message(raw, limits=ParseLimits(max_raw_bytes=1000))
    assert err.value.code == "too_large" and "te groot" in str(err.value)


def test_huge_mail_within_limits_is_parsed():
    body = ("Regel met tekst over eHerkenning niveau 3.\r\n" * 200_000).encode()  # ~9 MB
    raw = b"From: a@b.nl\r\nSubject: groot\r\nMessage-ID: <huge@b.nl>\r\n\r\n" + body
    mail = parse_message(raw, limits=ParseLimits(max_text_chars=10_000_000))
    assert mail.message_id == "huge@b.nl" and mail.text.count("\n") >= 199_000 and not mail.notes


def test_body_text_over_the_limit_is_cut_with_a_note():
    body = ("Regel met tekst over eHerkenning niveau 3.\r\n" * 200_000).encode()  # ~9 MB
    raw = b"From: a@b.nl\r\nSubject: groot\r\nMessage-ID: <huge@b.nl>\r\n\r\n" + body
    mail = parse_message(raw)
    assert len(mail.text) == ParseLimits().max_text_chars and mail.text.startswith("Regel met tekst")
    assert any("tekst ingekort" in note for note in mail.notes)


def _nested(depth: int) -> bytes:
    head = b"From: a@b.nl\r\nSubject: diep\r\nMIME-Version: 1.0\r\n"
    parts = [head]
    for level in range(depth):
        parts.append(f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n'.encode())
    parts.append(b"Content-Type: text/plain\r\n\r\ndiepste tekst\r\n")
    for level in reversed(range(depth)):
        parts.append(f"--b{level}--\r\n".encode())
    return b"".join(parts)


def test_mime_depth_is_bounded():
    assert parse_message(_nested(5)).text == "diepste tekst"
    deep = parse_message(_nested(30))
    assert deep.text == "" and any("dieper dan 20" in d for d in deep.defects)


def test_part_count_is_bounded():
    parts = "".join(f"--B\r\nContent-Type: text/plain\r\n\r\ndeel {i}\r\n" for i in range(300))
    raw = f"From: a@b.nl\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n{parts}--B--\r\n".encode()
    mail = parse_message(raw)
    assert "deel 198" in mail.text and "deel 250" not in mail.text
    assert any("MIME-delen" in d for d in mail.defects)


@pytest.mark.parametrize(
    ("raw", "code"),
    [(b"", "empty"), (b"  \r\n\r\n ", "empty"), (b"dit is gewoon een tekstbestand\nzonder headers\n", "no_headers")],
)
def test_input_that_is_not_a_mail_raises_a_clear_error(raw, code):
    with pytest.raises(MailParseError) as err:
        parse_message(raw)
    assert err.value.code == code and str(err.value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_crash(raw):
    try:
        mail = parse_message(raw)
    except MailParseError as err:
        assert err.code != "internal", str(err)
    else:
        assert isinstance(mail.text, str) and mail.message_id


_header_line = st.sampled_from(
    [b"From: ", b"To: ", b"Subject: ", b"Content-Type: ", b"Content-Transfer-Encoding: ", b"Message-ID: ",
     b"Date: ", b"References: ", b"Content-Disposition: "]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_header_line, st.binary(max_size=80)), min_size=1, max_size=8), st.binary(max_size=500))
def test_mail_shaped_garbage_never_crashes(headers, body):
    raw = b"".join(name + value.replace(b"\n", b" ") + b"\r\n" for name, value in headers) + b"\r\n" + body
    try:
        mail = parse_message(raw)
    except MailParseError as err:
        assert err.code != "internal", str(err)
    else:
        assert isinstance(mail.subject, str) and all(isinstance(a.data, bytes) for a in mail.attachments)
