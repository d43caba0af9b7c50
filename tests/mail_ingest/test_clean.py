"""split_reply: new text vs quoted history vs signature, for Dutch and English mail clients."""

from __future__ import annotations

import pytest

from mail_ingest.clean import split_reply
from mail_ingest.parse import parse_message
from tests.mail_ingest.conftest_helpers import sample

QUESTION = "Kunnen wij ons huidige middel laten ophogen naar niveau 3?"

# Each variant: (client style, quoted-history block that follows the new text)
HISTORY = {
    "gmail-nl": "Op di 3 nov 2026 om 09:41 schreef Helpdesk IPO <ipo@duo.nl>:\n\n> Geachte heer,\n> Eerder antwoord.",
    "apple-nl": "Op 3 nov. 2026 om 09:41 heeft Helpdesk IPO <ipo@duo.nl> het volgende geschreven:\n\n> Eerder.",
    "gmail-en": "On Tue, 3 Nov 2026 at 09:41, Helpdesk IPO <ipo@duo.nl> wrote:\n> Earlier answer.",
    "gmail-en-wrapped": "On Tue, 3 Nov 2026 at 09:41, Helpdesk IPO via DUO <\nipo@duo.nl> wrote:\n> Earlier answer.",
    "outlook-nl": "Van: Helpdesk IPO <ipo@duo.nl>\nVerzonden: dinsdag 3 november 2026 09:41\n"
    "Aan: Jan <jan@x.nl>\nOnderwerp: [IPO-4] Vraag\n\nGeachte heer,\nEerder antwoord.",
    "outlook-nl-bold": "*Van:* Helpdesk IPO <ipo@duo.nl>\n*Verzonden:* dinsdag 3 november 2026 09:41\n"
    "*Aan:* Jan\n*Onderwerp:* [IPO-4] Vraag\n\nEerder antwoord.",
    "outlook-en": "________________________________\nFrom: Helpdesk IPO <ipo@duo.nl>\nSent: Tuesday, November 3, 2026 "
    "9:41 AM\nTo: Jan <jan@x.nl>\nSubject: [IPO-4] Question\n\nEarlier answer.",
    "outlook-en-cc": "From: Helpdesk IPO <ipo@duo.nl>\nDate: Tuesday, 3 November 2026 at 09:41\nTo: Jan\nCc: Piet\n"
    "Subject: RE: Question\n\nEarlier answer.",
    "oorspronkelijk": "-----Oorspronkelijk bericht-----\nVan: Helpdesk IPO <ipo@duo.nl>\n"
    "Verzonden: dinsdag 3 november\nAan: Jan\nOnderwerp: Vraag\n\nEerder antwoord.",
    "original-message": "-----Original Message-----\nFrom: Helpdesk IPO\nSent: Tuesday\nTo: Jan\n"
    "Subject: Q\n\nEarlier.",
    "quote-only": "> Eerder antwoord van de helpdesk.\n> Tweede regel.",
}


@pytest.mark.parametrize("style", sorted(HISTORY))
def test_new_text_is_separated_from_quoted_history(style):
    body = f"Beste helpdesk,\n\n{QUESTION}\n\n{HISTORY[style]}\n"
    cleaned = split_reply(body)
    assert cleaned.new_text == f"Beste helpdesk,\n\n{QUESTION}"
    assert "Eerder" in cleaned.quoted_text or "Earlier" in cleaned.quoted_text


SIGNATURES = {
    "mvg-block": "Met vriendelijke groet,\n\nJan de Vries\nFinancieel medewerker\nStichting OBS Noord\nT 050-1234567",
    "mvgn": "Met vriendelijke groeten,\nJan de Vries",
    "groet": "Groet,\nJan",
    "groetjes-inline": "Groetjes Kim",
    "kind-regards": "Kind regards,\n\nJohn Smith\nBusiness Manager",
    "best-regards": "Best regards,\nJohn",
    "dash-dash": "-- \nJan de Vries | Stichting Noord | 050-1234567",
    "iphone": "Verzonden vanaf mijn iPhone",
    "samsung": "Verstuurd vanaf mijn Samsung Galaxy-smartphone.",
    "sent-iphone": "Sent from my iPhone",
    "outlook-android": "Download Outlook voor Android",
    "get-outlook-ios": "Get Outlook for iOS",
    "disclaimer-nl": "Met vriendelijke groet,\nJan\n\nDit e-mailbericht is uitsluitend bestemd voor de geadresseerde. "
    "Als u dit bericht onterecht ontvangt, wordt u verzocht de afzender te informeren.",
    "disclaimer-en": "This e-mail and any attachments are confidential and intended solely for the addressee.",
    "mvg-and-iphone": "Met vriendelijke groet,\nJan\n\nVerzonden vanaf mijn iPad",
}


@pytest.mark.parametrize("style", sorted(SIGNATURES))
def test_signatures_and_footers_are_removed_from_new_text(style):
    cleaned = split_reply(f"Goedemorgen,\n\n{QUESTION}\n\n{SIGNATURES[style]}\n")
    assert cleaned.new_text == f"Goedemorgen,\n\n{QUESTION}"
    assert cleaned.signature


def test_closing_followed_by_more_message_is_not_a_signature():
    body = f"Goedemorgen,\n\nGroet,\nik heb nog een vraag over de kosten. {QUESTION}\nEn wat kost het per jaar?\n"
    assert split_reply(body).new_text == body.strip()


def test_closing_at_the_very_start_is_kept():
    body = "Bedankt!\n\nDat was duidelijk."
    assert split_reply(body).new_text == body


def test_greeting_line_inside_question_is_kept():
    body = "Met vriendelijke groet van onze directeur: wat kost eHerkenning voor ons bestuur?"
    assert split_reply(body).new_text == body


@pytest.mark.parametrize(
    "separator",
    ["---------- Doorgestuurd bericht ----------", "---------- Forwarded message ---------",
     "Begin doorgestuurd bericht:", "-----Oorspronkelijk bericht-----"],
)
def test_bare_forward_keeps_the_forwarded_question(separator):
    body = (
        f"\n{separator}\nVan: Anja <a@school.nl>\nDate: wo 18 nov 2026 om 17:05\nSubject: Kosten\nTo: Secretariaat\n\n"
        "Kun je aan DUO vragen wat eHerkenning kost?\n\nGroet,\nAnja\n"
    )
    cleaned = split_reply(body)
    assert cleaned.new_text == "Kun je aan DUO vragen wat eHerkenning kost?"
    assert "Anja" in cleaned.signature


FORWARD_NOTE = "Zie onderstaande vraag van onze directeur.\n\nGroet,\nBert"
FORWARDED = "Van: Anja <a@school.nl>\nVerzonden: woensdag\nAan: Bert\nOnderwerp: Kosten\n\nWat kost het?\n\nAnja"


def test_forward_with_own_text_includes_the_forwarded_question():
    body = f"{FORWARD_NOTE}\n\n---------- Forwarded message ---------\n{FORWARDED}"
    cleaned = split_reply(body)
    assert cleaned.new_text == "Zie onderstaande vraag van onze directeur.\n\nWat kost het?"
    assert cleaned.forwarded_text == "Wat kost het?"
    assert cleaned.signature == "Groet,\nBert"
    assert "Onderwerp: Kosten" in cleaned.quoted_text


def test_outlook_block_is_a_forward_only_when_the_subject_says_so():
    body = f"{FORWARD_NOTE}\n\n-----Oorspronkelijk bericht-----\n{FORWARDED}"
    as_forward = split_reply(body, subject="FW: Kosten")
    assert as_forward.new_text.endswith("Wat kost het?") and as_forward.forwarded_text
    as_reply = split_reply(body, subject="RE: Kosten")
    assert as_reply.new_text == "Zie onderstaande vraag van onze directeur." and not as_reply.forwarded_text


def test_bottom_posted_reply_after_quote():
    body = "> Wat is uw klantnummer?\n> Helpdesk\n\nOns klantnummer is 12345.\n\nGroet,\nJan"
    cleaned = split_reply(body)
    assert cleaned.new_text == "Ons klantnummer is 12345."
    assert "klantnummer?" in cleaned.quoted_text


def test_plain_mail_without_quotes_is_unchanged():
    body = "Goedemiddag,\n\nWat kost eHerkenning?\nEn hoe lang duurt de aanvraag?"
    assert split_reply(body) == split_reply(body + "\n\n")
    assert split_reply(body).new_text == body and split_reply(body).quoted_text == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gmail-reply-nl-alternative.eml", "Bedankt. Kan een collega zonder BSN ook een middel krijgen?"),
        ("iphone-reply-nl.eml", "Dank! Werkt het ook met de app op mijn telefoon?"),
        ("iphone-reply-en.eml", "Does our deputy head need her own level 3 token as well?"),
        ("outlook-reply-en.eml", "Thanks. Which supplier do other schools use most?"),
        ("gmail-reply-en-wrapped.eml", "Is there a fixed date already?"),
        (
            "outlook-html-only-nl.eml",
            "Hallo,\n\nWie binnen onze organisatie mag de machtigingen regelen? Is dat de bestuurder die in het "
            "KvK-register staat?",
        ),
    ],
)
def test_real_client_replies(name, expected):
    cleaned = split_reply(sample(name).text)
    assert cleaned.new_text == expected
    assert cleaned.quoted_text


def test_html_only_reply_with_blockquote_is_split():
    raw = (
        b"From: a@school.nl\r\nSubject: Re: vraag\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<div>Nog een vraag: geldt dit ook voor het MBO?</div><div>Op di 3 nov 2026 schreef Helpdesk IPO:"
        b"<blockquote>U kunt bij een erkende leverancier terecht.</blockquote></div>"
    )
    cleaned = split_reply(parse_message(raw).text)
    assert cleaned.new_text == "Nog een vraag: geldt dit ook voor het MBO?"
    assert "erkende leverancier" in cleaned.quoted_text


def test_bare_name_as_last_line_is_a_signature():
    cleaned = split_reply("Wanneer moet het geregeld zijn?\n\nEmily")
    assert (cleaned.new_text, cleaned.signature) == ("Wanneer moet het geregeld zijn?", "Emily")
    # A short last sentence is not a name.
    assert split_reply("Goedemorgen,\n\nWat kost het").new_text == "Goedemorgen,\n\nWat kost het"
