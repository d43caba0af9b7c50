"""Every state-changing route rejects a request without a valid CSRF token."""

import pytest

from tests.conftest import PASSWORD
from tests.web.routes import all_routes


@pytest.fixture
def csrf_client(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    admin = make_user("admin")
    return app, app.test_client(), admin.email


def test_every_post_route_rejects_missing_token(csrf_client):
    app, client, admin_email = csrf_client
    with app.app_context():
        routes = [r for r in all_routes(app) if set(r.methods) - {"GET"}]
        # Sign in properly (with a token) so the role check does not hide a missing CSRF check.
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        assert client.post("/login", data={"email": admin_email, "password": PASSWORD,
                                           "csrf_token": token}).status_code == 302
        assert routes
        for route in routes:
            for method in set(route.methods) - {"GET"}:
                response = client.open(route.url(), method=method, data={"x": "1"})
                assert response.status_code == 400, (route.rule, method, response.status_code)
                assert "formulier is verlopen" in response.get_data(as_text=True) or route.rule.startswith("/api/")


def test_login_without_token_is_rejected(csrf_client):
    app, client, admin_email = csrf_client
    response = client.post("/login", data={"email": admin_email, "password": PASSWORD})
    assert response.status_code == 400
    assert "formulier is verlopen" in response.get_data(as_text=True)
