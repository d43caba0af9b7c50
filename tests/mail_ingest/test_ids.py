"""The one normal form of Message-IDs: parsed, stored, compared and sent the same way."""

from mail_ingest import parse_message
from mail_ingest.addresses import dmarc_result, organisation_domain
from mail_ingest.ids import header_form, new_message_id, parse_id_list, references_chain


def test_a_new_id_round_trips_through_the_header_and_the_parser():
    ours = new_message_id("IPO-Helpdesk.DUO.nl")
    raw = f"From: a@b.nl\r\nMessage-ID: {header_form(ours)}\r\nIn-Reply-To: {header_form(ours)}\r\n\r\nx".encode()
    parsed = parse_message(raw)
    assert parsed.message_id == ours == parsed.in_reply_to and "<" not in ours and ours.endswith("@ipo-helpdesk.duo.nl")


def test_references_keep_the_first_and_the_newest_ids():
    ids = [f"m{n}@school.example" for n in range(50)]
    chain = references_chain(ids[:40], ids[40:] + ["m0@school.example"])
    assert chain[0] == "m0@school.example" and chain[-1] == "m49@school.example" and len(chain) == 20
    assert chain[1:] == ids[31:]


def test_ids_that_are_no_msg_id_are_never_sent():
    assert references_chain(["ok@x.example", "with space@x", "ünï@x.example", "no-at"], []) == ["ok@x.example"]


def test_a_references_header_with_repeats_keeps_each_id_once_in_order():
    header = " ".join(f"<id{n % 1000}@flood.example>" for n in range(20_000))
    assert parse_id_list(header) == [f"id{n}@flood.example" for n in range(1000)]


def test_dmarc_only_from_our_own_authserv_id():
    header = "mx.duo.nl; spf=fail smtp.mailfrom=x.example; dmarc=fail (p=none) header.from=school.example"
    assert dmarc_result(header, "mx.duo.nl") == "fail"
    assert dmarc_result(header, "mx.elders.example") is None
    assert dmarc_result("mx.duo.nl; dmarc=pass header.from=school.example", "MX.duo.nl") == "pass"


def test_free_mail_is_no_organisation():
    assert organisation_domain("jan@Gmail.com") is None
    assert organisation_domain("jan@school.example") == "school.example"
