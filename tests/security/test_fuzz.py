"""Bounded fuzzing for CI: the search path never answers 500 and the mail parser only returns or raises
MailParseError. Longer runs: bench/fuzz_search.py and bench/fuzz_mail.py."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mail_ingest.parse import MailParseError, ParsedMail, parse_message
from tests.security.fuzz_strategies import QUERIES, RAW_MAILS

# The app is shared by the examples of one test on purpose: searching must not depend on a fresh database.
SHARED_APP = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def app(make_app):
    """Rate limits out of reach: every fuzzed query must reach the search itself (limits: tests/faq)."""
    unlimited = "100000 per minute"
    application = make_app(FAQ_SEARCH_LIMIT=unlimited, API_SEARCH_LIMIT=unlimited)
    with application.app_context():
        yield application


def check_search(client, query: str) -> None:
    api = client.get("/api/faq/search?q=" + quote(query))
    assert api.status_code == 200, (query, api.status_code, api.get_data(as_text=True)[:300])
    data = api.get_json()
    assert isinstance(data["results"], list)
    assert all(
        isinstance(hit["slug"], str) and isinstance(hit["score"], int | float) for hit in data["results"]
    )
    page = client.get("/faq/search?q=" + quote(query))
    assert page.status_code == 200, (query, page.status_code)
    assert page.mimetype == "text/html"


@SHARED_APP
@given(query=QUERIES)
@example(query='"')
@example(query="title:(")
@example(query="*" * 50)
@example(query="NOT NOT NOT")
@example(query=" ".join(["eherkenning"] * 400))
def test_search_never_fails(seeded, client, query):
    check_search(client, query)


@SHARED_APP
@given(limit=st.one_of(st.text(max_size=20), st.integers().map(str)), category=st.text(max_size=20))
def test_search_parameters_give_clear_errors_not_500(seeded, client, limit, category):
    response = client.get(f"/api/faq/search?q=kosten&limit={quote(limit)}&category={quote(category)}")
    assert response.status_code in (200, 400), (limit, category, response.status_code)
    assert response.mimetype == "application/json"
    if response.status_code == 400:
        assert response.get_json()["message"]


def test_search_with_invalid_utf8_in_the_url(seeded, client):
    for path in ("/faq/search", "/api/faq/search"):
        response = client.get(path + "?q=%ff%fe%c3%28eherkenning")
        assert response.status_code == 200, path


@settings(max_examples=300, deadline=None)
@given(raw=RAW_MAILS)
@example(raw=b"")
@example(raw=b"From: a@b\r\n\r\n")
@example(raw=b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" * 50)
@example(raw=b"Subject: =?utf-8?b?////?=\r\nContent-Type: text/plain; charset=utf-7\r\n\r\n+AGEAYgBj-")
def test_mail_parser_returns_or_raises_its_own_error(raw):
    try:
        parsed = parse_message(raw)
    except MailParseError as exc:
        # "internal" means a bug inside the parser was caught as a last resort: the mail could not be read
        assert exc.code != "internal", f"parserfout op {raw[:200]!r}: {exc}"
        assert str(exc), exc.code
        return
    assert isinstance(parsed, ParsedMail)
    assert parsed.message_id and isinstance(parsed.text, str)
    assert parsed.raw_size in (0, len(raw))
