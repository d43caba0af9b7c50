"""Login throttling under attack: counted before the password check, shared by every gunicorn worker, fair to
the owner. Runs on SQLite and, with HELPDESK_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import AuditEvent
from helpdesk.ratelimit import wait_text
from tests.conftest import PASSWORD
from tests.support.wsgi_server import Browser, gunicorn

ATTACKER = "203.0.113.66"
OWNER_ADDRESS = "198.51.100.7"
PARALLEL = 40


@pytest.fixture
def server(make_app, make_user, tmp_path):
    app = make_app()
    with app.app_context():
        owner = make_user("admin")
        email, url = owner.email, str(db.engine.url.render_as_string(hide_password=False))
    with gunicorn(url, tmp_path / "data") as base:
        yield base, email, app


def test_forty_parallel_wrong_passwords_on_four_workers_check_at_most_the_limit(server):
    base, email, app = server
    browsers = [Browser(base, ATTACKER) for _ in range(PARALLEL)]
    tokens = [browser.csrf("/login") for browser in browsers]
    start = threading.Barrier(PARALLEL)

    def attempt(n: int) -> int:
        start.wait()
        return browsers[n].request("/login", {"csrf_token": tokens[n], "email": email,
                                              "password": f"raden-{n}"}).status

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = list(pool.map(attempt, range(PARALLEL)))
    limit = 5  # LOGIN_LIMIT_PER_ACCOUNT: 5 per 5 minutes
    checked = statuses.count(401)
    print(f"database store, gunicorn -w 4: {PARALLEL} parallel wrong passwords, {checked} checked, "
          f"{statuses.count(429)} refused")
    assert checked <= limit, statuses
    assert statuses.count(429) == PARALLEL - checked, statuses
    with app.app_context():
        failures = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "login_failed"))
    assert failures == checked

    # the owner, elsewhere, still gets in with the right password (after at most the capped delay)
    owner = Browser(base, OWNER_ADDRESS)
    reply = owner.post_form("/login", {"email": email, "password": PASSWORD}, follow=False)
    assert reply.status == 302, reply.text[:400]
    assert not any(ch.isdigit() for ch in reply.headers.get("Server", "")), reply.headers.get("Server")
    # while the attacker's address stays refused, even with the right password, with the real wait in Dutch
    refused = Browser(base, ATTACKER).post_form("/login", {"email": email, "password": PASSWORD}, follow=False)
    assert refused.status == 429
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 600  # the longest window: 20 per 10 minutes per address
    assert f"Probeer het over {wait_text(wait)} opnieuw" in refused.text or \
        f"Probeer het over {wait_text(wait + 1)} opnieuw" in refused.text


def _post(client, email: str, password: str = "fout wachtwoord", **headers: str):
    return client.post("/login", data={"email": email, "password": password}, headers=headers)


def test_unknown_accounts_take_as_long_to_refuse_as_real_ones(make_app, make_user):
    import statistics
    import time

    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="100 per minute", LOGIN_LIMIT_PER_ADDRESS="100 per minute")
    with app.app_context():
        user = make_user("agent")
        client = app.test_client()
        _post(client, "opwarmen@duo.example")

        def timed(email: str) -> float:
            start = time.perf_counter()
            assert _post(client, email).status_code == 401
            return time.perf_counter() - start

        real = statistics.median(timed(user.email) for _ in range(5))
        unknown = statistics.median(timed("bestaat-niet@duo.example") for _ in range(5))
    assert unknown > real * 0.6, (real, unknown)


@pytest.mark.parametrize("storage", ["", "memory://"])
def test_the_limit_holds_in_the_database_and_in_a_limits_storage(make_app, make_user, storage):
    app = make_app(RATELIMIT_STORAGE_URI=storage, LOGIN_LIMIT_PER_ACCOUNT="3 per 5 minutes")
    with app.app_context():
        user = make_user("agent")
        client = app.test_client()
        statuses = [_post(client, user.email).status_code for _ in range(3)]
        last = _post(client, user.email, PASSWORD)
    assert statuses == [401, 401, 401]
    assert last.status_code == 429 and "Te veel mislukte inlogpogingen" in last.get_data(as_text=True)


@pytest.mark.parametrize("trust", [0, 1])
def test_forwarded_addresses_are_ignored_unless_a_proxy_is_trusted(make_app, make_user, trust):
    app = make_app(TRUST_PROXY=trust, LOGIN_LIMIT_PER_ACCOUNT="2 per 5 minutes")
    with app.app_context():
        user = make_user("agent")
        for _ in range(2):
            _post(app.test_client(), user.email, X_Forwarded_For="192.0.2.1")
        same = _post(app.test_client(), user.email, PASSWORD, X_Forwarded_For="192.0.2.1")
        other = _post(app.test_client(), user.email, PASSWORD, X_Forwarded_For="192.0.2.99")
    assert same.status_code == 429
    # untrusted, the header is the client's own claim: every request is 127.0.0.1 and stays refused
    assert other.status_code == (302 if trust else 429)


def test_the_attempt_before_the_last_warns_with_the_real_wait(make_app, make_user):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per 5 minutes")
    with app.app_context():
        user = make_user("agent")
        client = app.test_client()
        pages = [_post(client, user.email).get_data(as_text=True) for _ in range(3)]
    assert "nog één keer" not in pages[0]
    assert "Let op: u kunt het nog één keer proberen. Daarna moet u" in pages[1]
    assert re.search(r"Daarna moet u \d+ (seconden?|minuut|minuten) wachten", pages[1])
    assert "Dit was uw laatste poging" in pages[2]


def test_limits_come_from_the_environment_and_a_bad_one_stops_the_start():
    from helpdesk.config import ConfigError, from_environment

    assert from_environment({"HELPDESK_LOGIN_LIMIT_PER_ACCOUNT": "3 per 10 minutes"}) == {
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per 10 minutes"}
    with pytest.raises(ConfigError, match="HELPDESK_FAQ_SEARCH_LIMIT"):
        from_environment({"HELPDESK_FAQ_SEARCH_LIMIT": "heel veel"})
