"""Threading keys: ticket numbers, subject prefixes, parent ids, new Message-IDs."""

from __future__ import annotations

import pytest

from mail_ingest.parse import parse_message
from mail_ingest.threading import (
    candidate_parent_ids,
    strip_subject_prefixes,
    ticket_number_from_subject,
)


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("[IPO-123] Kosten eHerkenning", 123),
        ("Re: [IPO-123] Kosten eHerkenning", 123),
        ("Antw: RE: Fw: [IPO-7] vraag", 7),
        ("Doorst: [ipo-45] vraag", 45),
        ("RE: Kosten [IPO-9]", 9),
        ("Re: IPO-77 kosten", 77),
        ("Antw: IPO-78", 78),
        ("AW: WG: IPO-79: upgrade", 79),
        ("Kosten eHerkenning", None),
        ("Vraag over IPO-5 en de brief", None),  # a bare number mid-subject is too weak
        ("Re: IPO-beleid", None),
        ("", None),
    ],
)
def test_ticket_number_from_subject(subject, number):
    assert ticket_number_from_subject(subject) == number


@pytest.mark.parametrize(
    ("subject", "stripped"),
    [
        ("Re: Antw: FW: Doorst: Kosten", "Kosten"),
        ("RE[2]: Kosten", "Kosten"),
        ("Fwd:   Kosten   eHerkenning", "Kosten eHerkenning"),
        ("[EXTERN] Re: Kosten", "Kosten"),
        ("WG: AW: Kosten", "Kosten"),
        ("Reactie op de brief", "Reactie op de brief"),
        ("Re:Antw:Kosten", "Kosten"),
    ],
)
def test_strip_subject_prefixes(subject, stripped):
    assert strip_subject_prefixes(subject) == stripped


def test_candidate_parent_ids_order_and_dedupe():
    raw = (
        b"From: a@b.nl\r\nMessage-ID: <self@b.nl>\r\nIn-Reply-To: <p3@duo.nl>\r\n"
        b"References: <p1@duo.nl> <p2@duo.nl>\r\n <p3@duo.nl> <self@b.nl>\r\n\r\nx"
    )
    assert candidate_parent_ids(parse_message(raw)) == ["p3@duo.nl", "p2@duo.nl", "p1@duo.nl"]


def test_candidate_parent_ids_empty_for_new_mail():
    assert candidate_parent_ids(parse_message(b"From: a@b.nl\r\nSubject: x\r\n\r\nx")) == []
