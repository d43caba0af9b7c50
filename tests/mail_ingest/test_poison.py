"""Poison mails (tests/support/poison.py) parse within bounds: what could be read is kept, with a note on what
a limit cut off; a mail that cannot be read at all gets a MailParseError (and is quarantined by the caller)."""

from __future__ import annotations

import re

import pytest

from mail_ingest import MailParseError, parse_message, split_reply
from mail_ingest.html_text import MAX_QUOTE_LEVELS
from mail_ingest.mime import ParseLimits
from tests.support.poison import POISON

LIMITS = ParseLimits()
REFUSED = {"multipart-depth-2k"}  # nothing readable: quarantined with the raw bytes
QUESTION = {"div-40k": "Wat kost eHerkenning?", "div-200k": "Wat kost eHerkenning?",
            "blockquote-20k": "Wat kost het?", "blockquote-200k": "Wat kost het?",
            "comments-unterminated-50k": "Wat kost het?", "quotes-unterminated-50k": "Wat kost het?",
            "nested-html-1.1MB": "Hallo,", "content-type-comments-50k": "Wat kost het?"}
WITHIN_LIMITS = {"comments-unterminated-50k", "quotes-unterminated-50k"}  # slow only for html.parser; read whole


@pytest.fixture(scope="module", params=sorted(POISON))
def case(request: pytest.FixtureRequest) -> tuple[str, object]:
    name = request.param
    try:
        return name, parse_message(POISON[name]())
    except MailParseError as exc:
        return name, exc


def test_every_poison_mail_is_bounded(case: tuple[str, object]) -> None:
    name, mail = case
    if name in REFUSED:
        assert isinstance(mail, MailParseError) and mail.code == "too_deep"
        return
    assert not isinstance(mail, MailParseError), mail
    assert bool(mail.notes) != (name in WITHIN_LIMITS), "when a limit cuts, the agent is told what was cut"
    assert len(mail.text) <= LIMITS.max_text_chars and len(mail.subject) <= LIMITS.max_header_chars
    assert len(mail.references) <= LIMITS.max_references
    assert len(mail.cc) * 10 <= LIMITS.max_header_chars
    if mail.html:
        assert len(re.findall(r"<(?:div|blockquote|span)\b", mail.html)) <= 3 * LIMITS.max_html_depth
    if name in QUESTION:
        assert QUESTION[name] in mail.text
    split_reply(mail.text, subject=mail.subject)  # cleaning is linear too (closing-lines-100k was quadratic)


def test_references_keep_the_root_and_the_newest() -> None:
    mail = parse_message(POISON["references-200k"]())
    assert mail.references[0] == "id0.0@mail0.example"
    assert mail.references[-1] == f"id199999.{199_999 * 7919}@mail{199_999 % 97}.example"
    assert any("References" in note for note in mail.notes)


def test_encoded_words_beyond_the_limit_are_cut() -> None:
    mail = parse_message(POISON["encoded-words-200k"]())
    assert mail.subject.startswith("cafécafé") and mail.subject.count("café") <= LIMITS.max_encoded_words


def test_nested_html_keeps_text_and_bounded_quote_levels() -> None:
    mail = parse_message(POISON["blockquote-200k"]())
    deepest = max(len(line) - len(line.lstrip("> ")) for line in mail.text.splitlines())
    assert deepest <= 2 * MAX_QUOTE_LEVELS and "x" in mail.text
    assert any("dieper genest" in note for note in mail.notes)


def test_ordinary_html_mail_is_not_cut() -> None:
    html = "<p>Beste,</p>" + "<p>Regel" * 300 + "<blockquote><div><b>vorige mail</b></div></blockquote>"
    raw = ("From: a@school.example\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n" + html).encode()
    mail = parse_message(raw)
    assert not mail.notes and mail.text.count("Regel") == 300 and "> vorige mail" in mail.text
