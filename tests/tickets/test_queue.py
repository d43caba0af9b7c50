"""The queue: filters, search, sorting and keyset pagination."""

from __future__ import annotations

import re
from datetime import timedelta

from helpdesk.extensions import db
from helpdesk.models import Requester, Ticket, TicketMessage, utcnow


def numbers(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="ticket-link">IPO-(\d+)<', page)]


def test_rows_show_what_an_agent_needs(client, login, make_ticket):
    ticket = make_ticket(subject="Kosten EH3", category="cost", category_confidence=0.87, category_source="triage")
    ticket.waiting_since = utcnow() - timedelta(days=3, hours=2)
    unsure = make_ticket(subject="Iets anders", category="other", category_confidence=0.2)
    db.session.commit()
    login("agent")
    page = client.get("/tickets/").get_data(as_text=True)
    row = page.split(f">IPO-{ticket.id}<")[1].split("</tr>")[0]
    assert "Kosten EH3" in row and ticket.requester.organisation in row and "Kosten" in row and "87%" in row
    assert "3 dagen" in row and "Nieuw" in row and "categorie onzeker" not in row
    other = page.split(f">IPO-{unsure.id}<")[1].split("</tr>")[0]
    assert "categorie onzeker" in other


def test_filters(client, login, make_ticket, make_user):
    agent = login("agent")
    other = make_user("agent")
    now = utcnow()
    cost = make_ticket(category="cost", category_confidence=0.9, assignee_id=agent.id)
    deadline = make_ticket(category="deadline", category_confidence=0.9, assignee_id=other.id)
    unsure = make_ticket(category="upgrade", category_confidence=0.3)
    nocat = make_ticket()
    solved = make_ticket(status="solved", category="cost", category_confidence=0.9)
    auto = make_ticket(kind="autoreply")
    old = make_ticket(category="cost", category_confidence=0.9)
    old.waiting_since = now - timedelta(days=8)
    db.session.commit()

    def ids(query: str) -> set[int]:
        return set(numbers(client.get("/tickets/" + query).get_data(as_text=True)))

    active = {cost.id, deadline.id, unsure.id, nocat.id, old.id}
    assert ids("") == active
    assert ids("?categorie=cost") == {cost.id, old.id}
    assert ids("?categorie=onzeker") == {unsure.id, nocat.id}
    assert ids("?behandelaar=mij") == {cost.id}
    assert ids("?behandelaar=niemand") == {unsure.id, nocat.id, old.id}
    assert ids("?leeftijd=7") == {old.id}
    assert ids("?status=solved") == {solved.id}
    assert ids("?status=alle&categorie=cost") == {cost.id, old.id, solved.id}
    assert ids("?soort=overig") == {auto.id}
    assert ids("?status=onzin&categorie=%3Cscript%3E") == active  # bad values fall back to defaults


def test_agent_category_is_never_uncertain(client, login, make_ticket):
    login("agent")
    ticket = make_ticket(category="cost", category_confidence=0.1)
    client.post(f"/tickets/{ticket.id}/categorie", data={"category": "cost"})
    assert numbers(client.get("/tickets/?categorie=onzeker").get_data(as_text=True)) == []


def test_search_subject_requester_organisation_message_and_number(client, login, make_ticket):
    login("agent")
    a = make_ticket(subject="Tokengenerator kwijt", text="Hoe vervang ik de token?")
    b = make_ticket(subject="Vraag", text="Welke leverancier raadt u aan voor 100% zekerheid?",
                    email="jan@ozo-scholen.example")
    db.session.get(Requester, b.requester_id).organisation = "Stichting Openbaar Onderwijs Zuid"
    db.session.commit()

    def ids(q: str) -> set[int]:
        return set(numbers(client.get("/tickets/", query_string={"q": q}).get_data(as_text=True)))

    assert ids("tokengenerator") == {a.id}
    assert ids("LEVERANCIER") == {b.id}  # message text, case-insensitive
    assert ids("onderwijs zuid") == {b.id}  # organisation, every word
    assert ids("ozo-scholen") == {b.id}  # e-mail address
    assert ids(f"IPO-{a.id}") == {a.id}
    assert ids("100%") == {b.id}  # LIKE wildcards are literal
    assert ids("token leverancier") == set()
    assert client.get("/tickets/", query_string={"q": "'\"%_\\ ) OR 1=1 --"}).status_code == 200


def _bulk_tickets(count: int) -> list[int]:
    """Tickets with ties and missing waiting times, to stress the keyset ordering."""
    now = utcnow()
    requester = Requester(email="veel@school.example", name="Veel", organisation="Groot bestuur")
    db.session.add(requester)
    db.session.flush()
    tickets = []
    for i in range(count):
        waiting = None if i % 10 == 0 else now - timedelta(hours=i // 3)  # groups of three share a time
        tickets.append(Ticket(subject=f"Vraag {i}", requester_id=requester.id, status="open" if waiting else "new",
                              waiting_since=waiting))
    db.session.add_all(tickets)
    db.session.flush()
    db.session.add_all(TicketMessage(ticket_id=t.id, direction="in", text="tekst") for t in tickets)
    db.session.commit()
    return [t.id for t in tickets]


def _walk(client, query: str) -> list[int]:
    seen, url = [], "/tickets/" + query
    for _ in range(10):
        page = client.get(url).get_data(as_text=True)
        seen.extend(numbers(page))
        match = re.search(r'<a rel="next" href="([^"]+)"', page)
        if not match:
            return seen
        url = match.group(1).replace("&amp;", "&")
    raise AssertionError("te veel pagina's")


def test_keyset_pagination_visits_every_ticket_once_in_order(client, login):
    login("agent")
    ids = _bulk_tickets(120)
    oldest_first = _walk(client, "")
    assert sorted(oldest_first) == sorted(ids) and len(oldest_first) == len(set(oldest_first))
    now = utcnow()  # one value: utcnow() per ticket would order the undated ones as the database returned them
    expected = sorted((t for t in db.session.query(Ticket).all()),
                      key=lambda t: (t.waiting_since is None, t.waiting_since or now, t.id))  # ties: by id
    assert oldest_first == [t.id for t in expected]
    newest_first = _walk(client, "?sorteer=nieuwste")
    assert sorted(newest_first) == sorted(ids)
    waiting = [i for i in newest_first if db.session.get(Ticket, i).waiting_since is not None]
    assert newest_first[: len(waiting)] == waiting  # tickets without a waiting time come last


def test_previous_page_link_returns_the_previous_page(client, login):
    login("agent")
    _bulk_tickets(120)
    first = client.get("/tickets/").get_data(as_text=True)
    second_url = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(second_url).get_data(as_text=True)
    third_url = re.search(r'<a rel="next" href="([^"]+)"', second).group(1).replace("&amp;", "&")
    third = client.get(third_url).get_data(as_text=True)
    back_url = re.search(r'<a rel="prev" href="([^"]+)"', third).group(1).replace("&amp;", "&")
    assert numbers(client.get(back_url).get_data(as_text=True)) == numbers(second)
    back_first = re.search(r'<a rel="prev" href="([^"]+)"', second).group(1).replace("&amp;", "&")
    first_again = client.get(back_first).get_data(as_text=True)
    assert numbers(first_again) == numbers(first)
    assert 'rel="prev"' not in first_again


def test_broken_cursor_shows_the_first_page(client, login, make_ticket):
    login("agent")
    ticket = make_ticket()
    assert numbers(client.get("/tickets/?na=rommel").get_data(as_text=True)) == [ticket.id]


def test_tampered_cursors_are_harmless(client, login, make_ticket):
    login("agent")
    make_ticket()
    for cursor in ("2024-01-01T00:00:00+05:00_1", "-_" + "9" * 40, "_", "-_-1"):
        assert client.get("/tickets/", query_string={"na": cursor}).status_code == 200
        assert client.get("/tickets/", query_string={"voor": cursor}).status_code == 200
