"""Route × role matrix, generated from the URL map, so no new route escapes the role checks."""

import pytest

from helpdesk import create_app
from tests.conftest import base_config
from tests.web.routes import all_routes, allowed

ROLES = [None, "agent", "editor", "admin"]


def _routes():
    app = create_app(base_config(__import__("pathlib").Path("/tmp/helpdesk-route-listing"), "sqlite://"))
    return all_routes(app)


ROUTES = _routes()


def test_every_route_is_public_or_guarded_by_a_role():
    unguarded = [r.rule for r in ROUTES if not r.public and not r.roles]
    assert unguarded == [], f"routes without @public or a role decorator: {unguarded}"


def test_staff_areas_are_not_public():
    for route in ROUTES:
        if route.rule.startswith(("/tickets", "/kb", "/admin", "/dashboard")):
            assert not route.public, route.rule


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anoniem")
def test_route_matrix(client, make_user, role):
    if role is not None:
        user = make_user(role)
        assert client.post("/login", data={"email": user.email, "password": "correct horse battery staple"}
                           ).status_code == 302
    checked = 0
    for route in ROUTES:
        if route.public or route.endpoint in {"auth.login", "auth.logout"}:
            continue
        for method in route.methods:
            if method != "GET" and allowed(route, role):
                continue  # a permitted state change with sample values could alter data; GET covers access
            response = client.open(route.url(), method=method)
            checked += 1
            if role is None:
                assert response.status_code == 302 and "/login" in response.headers["Location"], (method, route)
            elif allowed(route, role):
                assert response.status_code not in (401, 403) and response.status_code < 500, (method, route,
                                                                                                response.status_code)
            else:
                assert response.status_code == 403, (method, route, response.status_code)
    assert checked > 0
