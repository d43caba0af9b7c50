"""Login limits kept in a real Redis (HELPDESK_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/…): shared by two apps
(two nodes) and by four gunicorn workers. Skipped, with the reason, where no Redis answers on this machine."""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, RateLimitCounter
from tests.conftest import PASSWORD
from tests.support.wsgi_server import Browser, gunicorn

REDIS_URI = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_client():
    redis = pytest.importorskip("redis", reason="the redis package is not installed (pip install -e '.[redis]')")
    client = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_URI} ({exc}); CI machines may lack one")
    yield client
    client.close()


def _limits_keys(client) -> set[bytes]:
    return set(client.scan_iter(match="LIMITS*", count=1000))


def _address() -> str:
    """A fresh client address per run: Redis outlives the test, its windows must not carry over."""
    return f"203.0.113.{secrets.randbelow(250) + 1}"


def _unique_email() -> str:
    return f"redis-{secrets.token_hex(6)}@duo.example"


def test_two_nodes_share_the_login_limit_in_redis(make_app, make_user, redis_client):
    before = _limits_keys(redis_client)
    settings = {"RATELIMIT_STORAGE_URI": REDIS_URI, "LOGIN_LIMIT_PER_ACCOUNT": "3 per 5 minutes", "TRUST_PROXY": 1}
    node_a, node_b = make_app(**settings), make_app(**settings)  # one database, two app objects: two nodes
    with node_a.app_context():
        email = make_user("agent", email=_unique_email()).email
    headers = {"X-Forwarded-For": _address()}
    statuses = []
    for n in range(4):
        app = (node_a, node_b)[n % 2]
        with app.app_context():
            statuses.append(app.test_client().post("/login", data={"email": email, "password": f"fout-{n}"},
                                                   headers=headers).status_code)
    with node_a.app_context():
        assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 0  # none in the database
    assert statuses == [401, 401, 401, 429]
    assert _limits_keys(redis_client) - before, "the counters went somewhere else than Redis"


@pytest.fixture
def redis_server(make_app, make_user, tmp_path, redis_client):
    app = make_app()
    with app.app_context():
        email = make_user("admin", email=_unique_email()).email
        url = str(db.engine.url.render_as_string(hide_password=False))
    with gunicorn(url, tmp_path / "data", RATELIMIT_STORAGE_URI=REDIS_URI) as base:
        yield base, email, app


def test_forty_parallel_wrong_passwords_on_four_workers_with_redis(redis_server, redis_client):
    base, email, app = redis_server
    attacker, parallel = _address(), 40
    browsers = [Browser(base, attacker) for _ in range(parallel)]
    tokens = [browser.csrf("/login") for browser in browsers]
    start = threading.Barrier(parallel)

    def attempt(n: int) -> int:
        start.wait()
        return browsers[n].request("/login", {"csrf_token": tokens[n], "email": email,
                                              "password": f"raden-{n}"}).status

    with ThreadPoolExecutor(parallel) as pool:
        statuses = list(pool.map(attempt, range(parallel)))
    checked = statuses.count(401)
    print(f"redis, gunicorn -w 4: {parallel} parallel wrong passwords, {checked} checked, "
          f"{statuses.count(429)} refused")
    assert checked <= 5 and statuses.count(429) == parallel - checked, statuses
    with app.app_context():
        failures = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "login_failed"))
        assert failures == checked
        assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 0
    owner = Browser(base, "198.51.100.7").post_form("/login", {"email": email, "password": PASSWORD}, follow=False)
    assert owner.status == 302, owner.text[:400]
