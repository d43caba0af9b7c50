"""Queue search over the per-ticket search document: kept in step with messages, merges, requesters and erasure;
short words, numbers and words found in thousands of tickets."""

from __future__ import annotations

from sqlalchemy import insert, select

from helpdesk.extensions import db
from helpdesk.models import Requester, Ticket, TicketMessage
from helpdesk.privacy.erase import erase_person
from helpdesk.tickets.merge import merge_tickets
from helpdesk.tickets.operations import send_reply
from helpdesk.tickets.queries import SMALL_SET
from tests.privacy.scan import tables_mentioning
from tests.tickets.test_queue import numbers


def found(client, q: str, **args: str) -> set[int]:
    return set(numbers(client.get("/tickets/", query_string={"q": q, **args}).get_data(as_text=True)))


def test_a_new_message_and_a_reply_are_found(client, login, make_ticket, make_user):
    login("agent")
    ticket = make_ticket(subject="Vraag", text="Eerste bericht")
    assert found(client, "vervolgvraag") == set()
    db.session.add(TicketMessage(ticket_id=ticket.id, direction="in", from_email="x@school.example",
                                 text="Met quote", clean_text="Mijn vervolgvraag over de machtiging"))
    db.session.commit()
    assert found(client, "vervolgvraag") == {ticket.id}
    assert found(client, "quote") == set()  # a message counts with its clean text when it has one
    send_reply(ticket, "Zie het artikel over ketenmachtigingen.", make_user("agent"), status_after="open")
    db.session.commit()
    assert found(client, "ketenmachtiging") == {ticket.id}


def test_edits_merges_and_requester_changes_move_the_matches(client, login, make_ticket, make_user):
    login("agent")
    a = make_ticket(subject="Kosten", text="Wat kost het abonnement?")
    b = make_ticket(subject="Nogmaals", text="Ik wacht nog op de factuurgegevens")
    a.subject = "Prijs van niveau drie"
    db.session.get(Requester, a.requester_id).name = "Henriëtte Zonneveld"
    db.session.commit()
    assert found(client, "prijs") == {a.id} and found(client, "kosten") == set()
    assert found(client, "zonneveld") == {a.id}
    merge_tickets(b, a, make_user("agent"))
    db.session.commit()
    assert found(client, "factuurgegevens", status="alle") == {a.id}
    message = db.session.scalars(select(TicketMessage).where(TicketMessage.ticket_id == a.id)).first()
    db.session.delete(message)
    db.session.commit()
    assert found(client, "abonnement") == set()


def test_an_erased_requester_is_not_found_and_leaves_nothing_in_the_search_tables(client, login, make_ticket):
    login("agent")
    ticket = make_ticket(subject="Vraag van Wilhelmina", text="Groet, Wilhelmina Bosboom",
                         email="wilhelmina.bosboom@school.example")
    assert found(client, "bosboom") == {ticket.id}
    erase_person("wilhelmina.bosboom@school.example", "verzoek van de aanvrager")
    db.session.commit()
    assert found(client, "bosboom", status="alle") == set()
    assert found(client, "wilhelmina", status="alle") == set()
    assert tables_mentioning("bosboom") == []


def test_short_words_and_ticket_numbers(client, login, make_ticket):
    login("agent")
    a = make_ticket(subject="Vraag", text="Wij zijn een vo school")
    b = make_ticket(subject="Vraag", text="Niveau 3 graag")
    assert found(client, "vo") == {a.id}  # shorter than a trigram: scanned for, still found
    assert found(client, "vo school") == {a.id}
    assert found(client, f"IPO-{a.id} vo") == {a.id}  # the number, and the word in the document
    assert found(client, f"IPO-{b.id} vo") == set()
    assert found(client, f"graag IPO-{b.id}") == {b.id}


def test_a_word_in_thousands_of_tickets_is_checked_per_row_with_the_same_result(client, login, make_ticket):
    login("agent")
    requester = Requester(email="groot@bestuur.example", name="Groot", organisation="Groot bestuur")
    db.session.add(requester)
    db.session.flush()
    first = db.session.scalar(select(Ticket.id).order_by(Ticket.id.desc())) or 0
    count = SMALL_SET + 10
    db.session.execute(insert(Ticket), [{"subject": f"Vraag {i}", "requester_id": requester.id, "status": "open",
                                         "kind": "question"} for i in range(count)])
    db.session.execute(insert(TicketMessage), [
        {"ticket_id": first + 1 + i, "direction": "in", "text": "leverancier" + (" zeldzaam" if i % 700 == 0 else ""),
         "from_email": "groot@bestuur.example"} for i in range(count)])
    db.session.commit()
    rare = {first + 1 + i for i in range(count) if i % 700 == 0}
    assert found(client, "leverancier zeldzaam") == rare
    assert found(client, "zeldzaam leverancier") == rare
    assert len(found(client, "LEVERANCIER")) == 50  # a full page, from the per-row check
