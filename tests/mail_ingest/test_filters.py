"""classify_mail: questions stay questions; auto-replies, bounces, bulk and our own mail are recognised."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mail_ingest.filters import classify_mail
from mail_ingest.parse import parse_message
from tests.mail_ingest.conftest_helpers import sample

OWN = {"own_message_id_domain": "duo.nl", "own_addresses": ["ipo@duo.nl"]}


def mail(headers: str, body: str = "Wat kost eHerkenning niveau 3?") -> bytes:
    base = "From: Jan <jan@school.nl>\r\nTo: ipo@duo.nl\r\nMessage-ID: <x1@school.nl>\r\n"
    return (base + headers.replace("\n", "\r\n") + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("autoreply-exchange-headers.eml", "autoreply"),
        ("autoreply-no-headers-en.eml", "autoreply"),
        ("dsn-exchange-nl.eml", "bounce"),
        ("mailing-list.eml", "bulk"),
        ("own-outgoing.eml", "own"),
        ("question-mentions-away.eml", "question"),
        ("gmail-reply-nl-alternative.eml", "question"),
        ("latin1-qp-outlook.eml", "question"),
        ("nested-rfc822-forward.eml", "question"),
    ],
)
def test_samples(name, kind):
    result = classify_mail(sample(name), **OWN)
    assert result.kind == kind, result
    assert result.reason


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        ("Subject: vraag\nAuto-Submitted: auto-replied", "autoreply"),
        ("Subject: vraag\nAuto-Submitted: auto-generated; owner-email=x@y.nl", "autoreply"),
        ("Subject: vraag\nAuto-Submitted: no", "question"),
        ("Subject: vraag\nX-Autoreply: yes", "autoreply"),
        ("Subject: vraag\nX-Autorespond: Out of office", "autoreply"),
        ("Subject: vraag\nPrecedence: auto_reply", "autoreply"),
        ("Subject: vraag\nPrecedence: bulk", "bulk"),
        ("Subject: vraag\nPrecedence: junk", "bulk"),
        ("Subject: vraag\nPrecedence: list", "bulk"),
        ("Subject: vraag\nList-Unsubscribe: <mailto:u@x.nl>", "bulk"),
        ("Subject: vraag\nX-Auto-Response-Suppress: All", "question"),  # supporting signal only
        ("Subject: Automatisch antwoord: vraag", "autoreply"),
        ("Subject: Automatische reactie: Uw bericht", "autoreply"),
        ("Subject: Afwezig: Re: eHerkenning", "autoreply"),
        ("Subject: Out of Office: eHerkenning", "autoreply"),
        ("Subject: Autoreply: eHerkenning", "autoreply"),
        ("Subject: Automatisch antwoord?", "question"),
        ("Subject: Afwezigheid van onze directeur: wie mag machtigen?", "question"),
        ("Subject: Undeliverable: [IPO-3] antwoord", "bounce"),
        ("Subject: Onbestelbaar: [IPO-3] antwoord", "bounce"),
        ("Subject: Niet bezorgd: [IPO-3] antwoord", "bounce"),
        ("Subject: Delivery Status Notification (Failure)", "bounce"),
        ("Subject: Mail delivery failed: returning message to sender", "bounce"),
        ("Subject: vraag\nX-IPO-Helpdesk: ticket=3", "own"),
    ],
)
def test_header_and_subject_rules(headers, kind):
    assert classify_mail(parse_message(mail(headers)), **OWN).kind == kind


def test_mailer_daemon_sender_is_a_bounce():
    raw = mail("Subject: Warning").replace(b"From: Jan <jan@school.nl>", b"From: MAILER-DAEMON@mx.school.nl")
    assert classify_mail(parse_message(raw)).kind == "bounce"


def test_our_own_message_id_domain_and_address_are_own():
    by_id = mail("Subject: x").replace(b"<x1@school.nl>", b"<123.abc@DUO.nl>")
    assert classify_mail(parse_message(by_id), own_message_id_domain="duo.nl").kind == "own"
    assert classify_mail(parse_message(by_id)).kind == "question"  # without configuration nothing is ours
    by_from = mail("Subject: x").replace(b"jan@school.nl", b"IPO@duo.nl")
    assert classify_mail(parse_message(by_from), own_addresses=["ipo@duo.nl"]).kind == "own"


AWAY_NL = (
    "Goedendag,\n\nIk ben afwezig tot en met 20 november. Uw e-mail wordt niet doorgestuurd.\n"
    "Voor dringende zaken kunt u contact opnemen met mijn collega.\n\nMet vriendelijke groet,\nBert"
)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (AWAY_NL, "autoreply"),
        ("I am out of the office until Monday with no access to email. Please contact office@x.nl.", "autoreply"),
        ("Dit is een automatisch antwoord. Ik ben met vakantie tot 1 december.", "autoreply"),
        # A real question that mentions being away stays a question.
        ("Ik ben afwezig tot 1 december. Kan mijn collega dan inloggen met eHerkenning?", "question"),
        ("Ik ben afwezig geweest en zie nu uw brief. Wat moeten wij regelen?", "question"),
        ("Onze beheerder is afwezig tot januari; wie kan de machtiging regelen", "question"),
        ("Wat kost eHerkenning als ik van 1 tot 3 december met verlof ben", "question"),
    ],
)
def test_body_cues_need_strong_combinations(body, kind):
    assert classify_mail(parse_message(mail("Subject: Re: eHerkenning", body))).kind == kind


ACK_NL = ("Geachte heer/mevrouw,\n\nUw melding met nummer 2026-004512 is geregistreerd en wordt zo spoedig mogelijk "
          "in behandeling genomen. Heeft u nog vragen? Neem dan contact op met de servicedesk.\n\n"
          "Dit bericht is automatisch verzonden.")


@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    [
        ("Uw melding 2026-004512 is geregistreerd", "", "autoreply"),
        ("RE: Vraag eHerkenning", ACK_NL, "autoreply"),
        ("Melding M2611-0815 is aangemaakt", "Wij nemen uw melding zo snel mogelijk in behandeling.", "autoreply"),
        ("[Ticket #4411] Re: eHerkenning", "Uw ticket #4411 is in goede orde ontvangen.", "autoreply"),
        ("Ontvangstbevestiging: Re: eHerkenning", "Bedankt voor uw bericht.", "autoreply"),
        ("Re: eHerkenning", "Your request (#88211) has been received and will be reviewed by our staff.",
         "autoreply"),
        ("Wij hebben uw vraag ontvangen", "U krijgt binnen vijf werkdagen antwoord.", "autoreply"),
        ("Niet aanwezig t/m 5 januari", "", "autoreply"),
        ("Vakantie", "Met vriendelijke groet,\nAnja", "autoreply"),
        ("Out of office until Monday", "", "autoreply"),
        # People who mention a registered report but ask something are asking a question.
        ("Re: Uw melding 2026-004512 is geregistreerd", "Dank u. Wanneer krijg ik antwoord op mijn vraag?",
         "question"),
        ("eHerkenning", "Mijn melding is al in oktober geregistreerd, maar wat moeten wij nu nog regelen?",
         "question"),
        ("Vakantie: kunnen we in de zomer nog inloggen met de token?", "", "question"),
        ("Niet aanwezig bij de bijeenkomst", "Is er een verslag van de uitleg over eHerkenning?", "question"),
    ],
)
def test_ticket_system_acknowledgements_and_subject_only_away(subject, body, kind):
    assert classify_mail(parse_message(mail(f"Subject: {subject}", body)), **OWN).kind == kind


def test_quoted_history_does_not_trigger_body_cues():
    body = "Wanneer wordt het verplicht\n\nOp 3 nov. schreef Piet:\n> Ik ben afwezig tot 5 november.\n> Dringende zaken"
    assert classify_mail(parse_message(mail("Subject: Re: x", body))).kind == "question"


def test_demo_mails_are_classified_as_labelled():
    from mail_ingest.demo import demo_mail_paths

    kinds = {p.name: classify_mail(parse_message(p.read_bytes()), **OWN).kind for p in demo_mail_paths()}
    assert kinds["13-autoreply-rfc3834.eml"] == "autoreply"
    assert kinds["14-autoreply-zonder-headers.eml"] == "autoreply"
    assert kinds["15-bounce-dsn.eml"] == "bounce"
    assert sum(kind == "question" for kind in kinds.values()) == 22


def test_asks_matches_removing_the_boilerplate_from_the_whole_text():
    """`_asks` looks only at sentences that end in "?"; it must answer as the plain definition does (strip every
    boilerplate question from the whole text, then look for a "?") on any mix of the pieces that matter."""
    import random

    from mail_ingest.filters import _BOILERPLATE_QUESTION, _asks

    pieces = ["heeft u", "Heb je", "hebt u", "nog", "andere", "aanvullende", "vragen", "informatie", "any",
              "further", "questions", "?", ".", "!", "\n", " ", "wat kost", "eHerkenning", "é", "vragen?"]
    rng = random.Random(18)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) + rng.choice(("", " ")) for _ in range(rng.randint(0, 14)))
        assert _asks(text) == ("?" in _BOILERPLATE_QUESTION.sub("", text)), repr(text)


def test_asks_is_linear_on_long_text_without_sentence_ends():
    import time

    from mail_ingest.filters import _asks

    text = "woord " * 200_000 + "?"
    started = time.perf_counter()
    assert _asks(text)
    assert time.perf_counter() - started < 1.0


# Acknowledgements as ticket systems word them (each branch of the pattern), and words around them.
_ACK_PIECES = ("Uw melding is geregistreerd", "Uw vraag met nummer 2026-123 is in goede orde ontvangen",
               "Melding M0815 werd aangemaakt", "Uw verzoek wordt in behandeling genomen", "Uw ticket is vastgelegd",
               "Wij hebben uw e-mail ontvangen", "Ontvangstbevestiging", "bevestiging van ontvangst",
               "Your request #123 has been received", "The ticket was logged", "your case is registered",
               "Your call is opened", "We have received your message", "Ticket created", "request received",
               "Geachte", "vraag", "ticket", "is", "?", ".", "\n")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_ACK_PIECES), max_size=6))
def test_the_quick_acknowledgement_check_finds_what_the_full_pattern_finds(pieces: list[str]) -> None:
    from mail_ingest import filters

    text = " ".join(pieces)
    assert filters._is_acknowledgement(text) == (filters._ACK_RE.search(text) is not None)
