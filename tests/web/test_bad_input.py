"""Bad input on every route of the URL map: a clear Dutch answer, never a 500 or a traceback, and nothing lost.

The sweep is generic: routes come from the URL map, query and form names from the app's own source and forms,
so a route added later is covered too. Each role sends hostile values to the routes it may use, on a database
with tickets, messages, an attachment, an outbox mail, a quarantined mail, a canned reply, a macro and articles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.exceptions import default_exceptions
from wtforms import SubmitField

from helpdesk.auth.accounts import reset_token
from helpdesk.extensions import db
from helpdesk.models import (
    Article,
    Attachment,
    CannedReply,
    QuarantinedMail,
    SearchLog,
    Ticket,
    TicketMessage,
    User,
)
from helpdesk.tickets.operations import change_category, send_reply
from knowledge.search import MAX_QUERY_CHARS
from tests.conftest import PASSWORD
from tests.web.routes import Route, all_routes, allowed

ROOT = Path(__file__).resolve().parents[2]
ROLES = [None, "agent", "editor", "admin"]
OK_STATUSES = {200, 302, 303, 400, 401, 404, 409, 410, 413, 422}  # 401: a failed sign-in
WAVE = ("cost", "wat-kost-eherkenning")
PATH_SAMPLES = {"slug": WAVE[1], "category": WAVE[0]}  # other arguments: 1 (every table has a row 1)

# Query names the views read (request.args.get("…") and friends), found in the source, plus common guesses.
ARG_NAMES = sorted(set(re.findall(r"""args\.get(?:list)?\(\s*["']([^"']+)["']""", "\n".join(
    p.read_text() for p in (ROOT / "helpdesk").rglob("*.py")))) | {
    "page", "cursor", "limit", "sort", "status", "category", "q", "periode", "van", "tot", "next"})

RAW = object()  # marks a value that is already percent-encoded
HOSTILE_VALUES: list[str | tuple[object, str]] = [
    "-1", "abc", "0", "1000000000", "9" * 30, "²", "1e309", "NaN", "bestaat-niet", "' OR 1=1 --",
    "\x00", "nul\x00byte", "x" * 10_000, "Zm9vYmFy_-!!==%%", "2026-13-45", "-_-", "ø" * 300,
    (RAW, "%ED%A0%80"), (RAW, "%ff%fe%c3%28"), (RAW, "%"), (RAW, "%zz"),
]
BAD_PATH_INTS = ["0", "999999", str(2**31), str(2**63), "9" * 30]
BAD_PATH_TEXT = ["bestaat-niet", "x" * 2000, "%00", "%ED%A0%80", "%ff", "..%2F..%2Fetc", "%20"]


def _encode(value: str | tuple[object, str]) -> str:
    return value[1] if isinstance(value, tuple) else quote(value, safe="")


def _query(value: str | tuple[object, str], names: list[str] = ARG_NAMES) -> str:
    return "&".join(f"{name}={_encode(value)}" for name in names)


def _form_names() -> tuple[list[str], list[str]]:
    """(field names, submit-button names) of every form in the app, plus names the views read directly."""
    import helpdesk.web  # noqa: F401  (imports every blueprint and so every form)

    fields, buttons = set(), set()
    todo = list(FlaskForm.__subclasses__())
    while todo:
        form = todo.pop()
        todo.extend(form.__subclasses__())
        for name in dir(form):
            unbound = getattr(form, name)
            if hasattr(unbound, "field_class"):
                (buttons if issubclass(unbound.field_class, SubmitField) else fields).add(name)
    source = "\n".join(p.read_text() for p in (ROOT / "helpdesk").rglob("*.py"))
    fields |= set(re.findall(r"""form\.get(?:list)?\(\s*["']([^"']+)["']""", source))
    return sorted(fields), sorted(buttons)


@dataclass
class PageForm:
    """A form as a page renders it: where it goes and the values a browser would send."""

    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: dict[str, str] = field(default_factory=dict)

    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return self.method, re.sub(r"\d+", "1", self.action), tuple(sorted(self.fields))


TYPED_DEFAULTS = {"email": "nieuw@duo.example", "password": "een lang wachtwoord 123", "date": "2026-09-01"}


class FormParser(HTMLParser):
    """The forms on a page, filled in as a browser would (empty text inputs get an ordinary value)."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url, self.forms, self._select, self._textarea = page_url, [], None, None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = a.get("action") or self.page_url
            self.forms.append(PageForm(a.get("method", "get").upper(), action.split("#")[0]))
        elif tag == "option" and self.forms and self._select and (
                self._select not in self.forms[-1].fields or "selected" in a):  # an option has no name itself
            self.forms[-1].fields[self._select] = a.get("value", "")
        elif not self.forms or "name" not in a:
            return
        elif tag == "input" and a.get("type") in ("submit", "image"):
            self.forms[-1].buttons[a["name"]] = a.get("value") or "1"
        elif tag == "button" and a.get("type", "submit") == "submit":
            self.forms[-1].buttons[a["name"]] = a.get("value") or "1"
        elif tag == "input" and a.get("type") in ("checkbox", "radio"):
            if "checked" in a or a["name"] not in self.forms[-1].fields:
                self.forms[-1].fields[a["name"]] = a.get("value") or "y"
        elif tag == "input":
            value = a.get("value") or TYPED_DEFAULTS.get(a.get("type", ""), "Een gewone tekst")
            self.forms[-1].fields[a["name"]] = value
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1].fields[a["name"]] = "Een gewone tekst"
        elif tag == "select":
            self._select = a["name"]

    def handle_data(self, data: str) -> None:
        if self._textarea and data.strip():
            self.forms[-1].fields[self._textarea] = data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(client: FlaskClient, url: str) -> list[PageForm]:
    response = client.get(url)
    if response.mimetype != "text/html":
        response.close()
        return []
    parser = FormParser(url)
    parser.feed(response.get_data(as_text=True))
    return parser.forms


def _url(route: Route, **arguments: str) -> str:
    path = route.rule
    for part in re.findall(r"<([^>]+)>", route.rule):
        converter, _, name = part.rpartition(":")
        value = arguments.get(name, PATH_SAMPLES.get(name, "1" if converter == "int" else "voorbeeld"))
        path = path.replace(f"<{part}>", value)
    return path


# Werkzeug's error descriptions and WTForms' default messages: English that must never reach a page
ENGLISH_TEXTS = [e.description for e in default_exceptions.values() if e.description] + [
    "This field is required", "Not a valid", "Invalid email", "Field must be", "Invalid input", "Invalid Choice"]


def unclear(response) -> str | None:
    """Why the answer is not clear: an unexpected status, a traceback, no Dutch page or JSON message."""
    body = response.get_data().decode("utf-8", "replace")
    response.close()  # a file download holds its file open until closed
    if response.status_code not in OK_STATUSES:
        return f"status {response.status_code}"
    if "Traceback" in body:
        return "traceback"
    english = next((text for text in ENGLISH_TEXTS if text in body), None)
    if response.mimetype == "text/html" and english:
        return f"Engelse standaardtekst: {english[:40]}"
    if response.status_code < 400:
        return None
    if response.mimetype == "application/json":
        return None if (response.get_json() or {}).get("message") else "JSON zonder message"
    if response.mimetype != "text/html" or 'lang="nl"' not in body:
        return f"geen Nederlandse pagina ({response.mimetype})"
    return None


class Findings(list):
    """Problems found in a sweep, reported together so one run shows all of them."""

    def check(self, response, *what: object) -> None:
        problem = unclear(response)
        if problem:
            self.append((problem, *(w[:40] if isinstance(w, str) else w for w in what)))

    def assert_none(self) -> None:
        if self:
            pytest.fail(f"{len(self)} onduidelijke antwoorden:\n" + "\n".join(map(repr, self[:60])), pytrace=False)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """The test app with rate limits out of reach, so every hostile request reaches its view."""
    # (RATELIMIT_ENABLED=False would stick to the shared limiter and switch it off for later tests too)
    unlimited = "100000 per minute"
    application = make_app(LOGIN_LIMIT_PER_ADDRESS=unlimited, LOGIN_LIMIT_PER_ACCOUNT=unlimited,
                           LOGIN_ACCOUNT_CEILING=unlimited, FAQ_FEEDBACK_LIMIT=unlimited,
                           FAQ_SEARCH_LIMIT=unlimited, API_SEARCH_LIMIT=unlimited)
    with application.app_context():
        yield application


@pytest.fixture
def world(kb: Flask, make_ticket, make_user, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """Realistic data: tickets with messages (two of them a wave), a reply in the outbox, an attachment,
    a quarantined mail, a canned reply, a macro and a triage lesson, next to the bundled articles; a live
    password-reset link."""
    agent = make_user("agent")
    monkeypatch.setitem(PATH_SAMPLES, "token", reset_token(make_user("editor")))
    tickets = [make_ticket(category=WAVE[0], top_article_slug=WAVE[1], category_confidence=0.9,
                           category_source="triage") for _ in range(2)]
    tickets.append(make_ticket(subject="Welke leverancier?", status="open"))
    send_reply(tickets[2], "Beste aanvrager,\n\nZie de website.", agent)
    change_category(tickets[2], "supplier", agent)  # a lesson for /admin/triage to list and undo
    message = tickets[0].messages[0]
    folder = Path(kb.config["ATTACHMENT_DIR"])
    (folder / "ab").mkdir(parents=True, exist_ok=True)
    (folder / "ab" / "brief.pdf").write_bytes(b"%PDF-1.4 brief")
    db.session.add(Attachment(message_id=message.id, filename="brief.pdf", content_type="application/pdf",
                              size=14, storage_path="ab/brief.pdf"))
    db.session.add(QuarantinedMail(source="upload-1", sha256="0" * 64, raw=b"\xff\xfe niet te lezen",
                                   error="onleesbaar"))
    db.session.add(CannedReply(title="Kosten", body="De kosten staan op de website.", owner_id=None, shared=True))
    db.session.add(CannedReply(title="Kosten, wacht", body="Zie de website.", owner_id=agent.id, shared=True,
                               status="pending", category="cost", assign_self=True))  # a macro: its buttons too
    db.session.commit()
    return kb


def snapshot() -> dict[str, object]:
    """What no request may lose or change behind anyone's back: stored mail, tickets, articles, accounts."""
    db.session.expire_all()
    return {
        "tickets": sorted(db.session.execute(select(Ticket.id, Ticket.subject, Ticket.requester_id)).all()),
        "messages": sorted(db.session.execute(select(TicketMessage.id, TicketMessage.text,
                                                     TicketMessage.message_id)).all()),
        "attachments": sorted(db.session.execute(select(Attachment.id, Attachment.storage_path)).all()),
        "quarantine": sorted(db.session.execute(select(QuarantinedMail.id, QuarantinedMail.raw)).all()),
        "articles": sorted(db.session.execute(select(Article.id, Article.slug, Article.published_revision_id))
                           .all(), key=repr),
        "users": sorted(db.session.execute(select(User.id, User.email, User.role)).all()),
    }


def routes_for(app: Flask, role: str | None) -> list[Route]:
    """Public routes for anonymous visitors, the routes a staff role may use for that role."""
    return [r for r in all_routes(app) if (r.public if role is None else (not r.public and allowed(r, role)))]


def sign_in(client: FlaskClient, make_user: Callable[..., User], role: str | None) -> None:
    if role is not None:
        user = make_user(role)
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


@pytest.fixture
def swept(world: Flask, client: FlaskClient) -> Iterator[tuple[Flask, FlaskClient]]:
    """The sweep's app and client; afterwards every stored ticket, message, article and account is intact."""
    before = snapshot()
    yield world, client
    after = snapshot()
    for key, rows in before.items():
        assert rows == [row for row in after[key] if row in rows] and set(rows) <= set(after[key]), key


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anoniem")
def test_every_get_route_survives_hostile_query_strings(swept, make_user, role):
    app, client = swept
    sign_in(client, make_user, role)
    routes = [r for r in routes_for(app, role) if "GET" in r.methods]
    assert routes
    found = Findings()
    for route in routes:
        plain = client.get(_url(route))
        plain.close()
        # the sample values reach the view itself, so the hostile values below do too
        assert plain.status_code in (200, 302), (route.rule, plain.status_code)
        for value in HOSTILE_VALUES:
            found.check(client.get(_url(route) + "?" + _query(value)), route.rule, value)
        repeated = "&".join(f"{_query('1')}&{_query(v)}" for v in ("abc", "-1"))
        found.check(client.get(_url(route) + "?" + repeated), route.rule, "herhaald")
    found.assert_none()


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anoniem")
def test_every_route_answers_unknown_ids_with_404(swept, make_user, role):
    app, client = swept
    sign_in(client, make_user, role)
    found = Findings()
    for route in routes_for(app, role):
        for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", route.rule):
            for value in BAD_PATH_INTS if converter == "int" else BAD_PATH_TEXT:
                for method in route.methods:
                    response = client.open(_url(route, **{name: value}), method=method)
                    found.check(response, method, route.rule, name, value)
                    if converter == "int" and method == "GET" and response.status_code != 404:
                        found.append((f"status {response.status_code}, geen 404", route.rule, value))
    found.assert_none()


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anoniem")
def test_every_post_route_survives_missing_and_hostile_fields(swept, make_user, role):
    """Also POST routes no page links a form to: nothing sent, or every field name of the app's forms at once."""
    app, client = swept
    sign_in(client, make_user, role)
    fields, buttons = _form_names()
    routes = [r for r in routes_for(app, role) if "POST" in r.methods and r.endpoint != "auth.logout"]
    assert routes
    found = Findings()
    for route in routes:
        url = _url(route)
        found.check(client.post(url, data={}), route.rule, "leeg")
        for value in ["abc", "9" * 30, "²", "x" * 250_000, (RAW, "%ED%A0%80"), (RAW, "%"), (RAW, "a=1&a=%00")]:
            body = "&".join(f"{name}={_encode(value)}" for name in fields + buttons)
            found.check(client.post(url, data=body, content_type="application/x-www-form-urlencoded"),
                        route.rule, value)
    found.assert_none()


FORM_VALUES: list[str | tuple[object, str]] = [
    "", "abc", "-1", "0", "9" * 30, "²", "x" * 250_000, "niet-in-de-lijst", "2026-02-30",
    "<script>alert(1)</script>", "nul\x00byte", (RAW, "%ED%A0%80"), (RAW, "%ff%fe")]


def submit(client: FlaskClient, form: PageForm, data: dict[str, str | tuple[object, str]]):
    """Send the form as a browser would (URL-encoded), with raw percent-escapes where asked."""
    encoded = "&".join(f"{quote(name)}={_encode(value)}" for name, value in data.items())
    if form.method == "POST":
        return client.post(form.action, data=encoded, content_type="application/x-www-form-urlencoded")
    return client.get(f"{form.action}?{encoded}")


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anoniem")
def test_every_rendered_form_survives_one_bad_field_at_a_time(swept, make_user, role):
    """Each form the pages render, filled in as a browser would, with one field at a time made hostile."""
    app, client = swept
    sign_in(client, make_user, role)
    forms: dict[tuple, PageForm] = {}
    # admins see the agents' and editors' pages through the same role check: here only their own pages
    pages = [r for r in routes_for(app, role) if role != "admin" or r.roles == ("admin",)]
    for route in pages:
        if "GET" in route.methods:
            for form in page_forms(client, _url(route)):
                forms.setdefault(form.key(), form)
    posted = [f for f in forms.values() if f.method == "POST" and not f.action.startswith("/logout")]
    assert posted or role is None and forms
    found = Findings()
    for form in forms.values():
        if form.action.startswith("/logout"):
            continue
        for button in [None, *form.buttons]:
            extra = {button: form.buttons[button]} if button else {}
            found.check(submit(client, form, {**form.fields, **extra}), form.action, "zoals ingevuld", button)
            for name in form.fields:
                for value in FORM_VALUES:
                    found.check(submit(client, form, {**form.fields, **extra, name: value}),
                                form.action, name, value, button)
    found.assert_none()


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anoniem")
def test_too_big_requests_get_a_dutch_413(swept, make_user, role):
    app, client = swept
    sign_in(client, make_user, role)
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit and limit <= 64 * 1024 * 1024
    huge = b"x" * (limit + 1)
    routes = [r for r in routes_for(app, role) if "POST" in r.methods]
    assert routes
    for route in routes:
        for content_type in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=grens"):
            response = client.post(_url(route), data=huge, content_type=content_type)
            assert response.status_code == 413, (route.rule, content_type, response.status_code)
            assert "te groot" in response.get_data(as_text=True), route.rule


def test_a_huge_search_query_is_read_only_up_to_its_bound(swept):
    """A pasted novel is searched and logged by a bounded prefix. (Unbounded, the search log's personal-data mask
    took minutes; that mask's own bound is tested in tests/kb/test_gaps.py, without a timer.)"""
    _app, client = swept
    assert client.get("/faq/search", query_string={"q": "x" * 250_000}).status_code == 200
    response = client.get("/api/faq/search", query_string={"q": "x" * 250_000})
    assert response.status_code == 200
    assert response.json["query"] == "x" * MAX_QUERY_CHARS
    logged = db.session.scalars(select(SearchLog.query)).all()
    assert logged and all(len(q) <= 500 for q in logged)


QUERY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_query_strings_on_any_get_route(swept, make_user, data):
    app, client = swept
    if not getattr(client, "_signed_in", False):
        sign_in(client, make_user, "admin")
        client._signed_in = True
    routes = [r for r in all_routes(app) if "GET" in r.methods and r.endpoint != "auth.logout"]
    route = data.draw(st.sampled_from(routes))
    args = data.draw(st.lists(st.tuples(st.sampled_from(ARG_NAMES), QUERY_TEXT), max_size=6))
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in args)
    response = client.get(_url(route) + "?" + query)
    assert unclear(response) is None, (route.rule, query, unclear(response))
