"""Staff sign-in: pages in Dutch, hashed passwords, throttling, safe redirects, cookie flags."""

import re
import time

import pyotp

from helpdesk.extensions import db
from helpdesk.models import User
from tests.conftest import PASSWORD


def test_login_page_is_dutch_and_accessible_markup(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Inloggen voor medewerkers" in html
    assert 'for="email"' in html and 'autocomplete="current-password"' in html
    assert 'href="#inhoud"' in html


def test_password_is_stored_hashed(make_user):
    user = make_user("agent")
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")


def test_login_and_logout(client, make_user):
    user = make_user("agent")
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/tickets/"
    assert client.get("/tickets/").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/tickets/").status_code == 302


def test_wrong_password_and_unknown_account_get_the_same_message(client, make_user):
    user = make_user("agent")
    wrong = client.post("/login", data={"email": user.email, "password": "nope nope nope"})
    unknown = client.post("/login", data={"email": "niemand@duo.example", "password": "nope nope nope"})
    assert wrong.status_code == unknown.status_code == 401
    message = "Het e-mailadres of wachtwoord is onjuist"
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_deactivated_account_cannot_log_in_and_loses_its_session(client, make_user):
    user = make_user("agent")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    user.active = False
    db.session.commit()
    assert client.get("/tickets/").status_code == 302
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 401


def test_next_parameter_cannot_redirect_off_site(client, make_user):
    user = make_user("agent")
    response = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/tickets/"
    client.post("/logout")
    response = client.post("/login?next=/dashboard/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/dashboard/"


def test_anonymous_is_sent_to_login_and_wrong_role_gets_403(client, login):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login("editor")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Geen toegang" in response.get_data(as_text=True)


def test_login_throttled_per_account_with_a_clear_dutch_message(make_app, make_user):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per 5 minutes", LOGIN_LIMIT_PER_ADDRESS="100 per minute")
    client = app.test_client()
    with app.app_context():
        user = make_user("agent")
        for _ in range(3):
            assert client.post("/login", data={"email": user.email, "password": "fout fout fout"}).status_code == 401
        blocked = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert blocked.status_code == 429
        assert "Te veel pogingen" in blocked.get_data(as_text=True)
        # another account from the same address is not blocked by this account's limit
        other = make_user("agent")
        assert client.post("/login", data={"email": other.email, "password": PASSWORD}).status_code == 302


def test_login_throttled_per_address(make_app, make_user):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="100 per minute", LOGIN_LIMIT_PER_ADDRESS="4 per 10 minutes")
    client = app.test_client()
    with app.app_context():
        for n in range(4):
            client.post("/login", data={"email": f"x{n}@duo.example", "password": "fout fout fout"})
        user = make_user("agent")
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 429


def test_successful_logins_do_not_count_towards_the_limit(make_app, make_user):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="2 per 5 minutes")
    client = app.test_client()
    with app.app_context():
        user = make_user("agent")
        for _ in range(4):
            assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
            client.post("/logout")


def test_session_cookie_flags(make_app, make_user):
    app = make_app(SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    with app.app_context():
        user = make_user("agent")
        response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                               base_url="https://localhost")
        cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_totp_second_factor(client, make_user):
    secret = pyotp.random_base32()
    user = make_user("admin", totp_secret=secret)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200 and "authenticator-app" in response.get_data(as_text=True)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "code": "000000"})
    assert "klopt niet" in response.get_data(as_text=True)
    code = pyotp.TOTP(secret).now()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "code": code})
    assert response.status_code == 302


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_user_model_role_rules(app):
    admin = User(email="a@x", role="admin")
    agent = User(email="b@x", role="agent")
    assert admin.has_role("editor") and admin.has_role("agent")
    assert agent.has_role("agent") and not agent.has_role("editor")


def test_staff_enrol_and_remove_a_second_factor(client, make_user):
    user = make_user("agent")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    page = client.get("/account/tweestaps").get_data(as_text=True)
    assert "otpauth://totp/" in page and "Tweestapsverificatie aanzetten" in page
    secret = re.search(r"secret=([A-Z2-7]+)", page).group(1)
    assert secret not in (client.get_cookie("session").value or "")  # nothing secret in the cookie
    wrong = client.post("/account/tweestaps", data={"code": "000000"})
    assert wrong.status_code == 400 and "klopt niet" in wrong.get_data(as_text=True)
    enrolment_code = pyotp.TOTP(secret).now()
    enrolled = client.post("/account/tweestaps", data={"code": enrolment_code})
    codes = re.findall(r"<code>([a-z2-9]{4}(?:-[a-z2-9]{4}){3})</code>", enrolled.get_data(as_text=True))
    assert enrolled.status_code == 200 and len(set(codes)) == 10
    db.session.refresh(user)
    assert user.totp_secret == secret
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 200
    # the code used to enrol does not work a second time; a recovery code works once
    assert client.post("/login", data={"email": user.email, "password": PASSWORD,
                                       "code": enrolment_code}).status_code == 200
    assert client.post("/login", data={"email": user.email, "password": PASSWORD,
                                       "code": codes[0]}).status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD,
                                       "code": codes[0]}).status_code == 200
    assert client.post("/login", data={"email": user.email, "password": PASSWORD,
                                       "code": codes[1].upper()}).status_code == 302
    later = pyotp.TOTP(secret).at(time.time() + 30)
    assert client.post("/account/tweestaps", data={"code": later}).status_code == 302
    db.session.refresh(user)
    assert user.totp_secret is None


def test_admins_need_a_second_factor_when_configured(make_app, make_user):
    app = make_app(TOTP_REQUIRED_FOR_ADMINS=True)
    client = app.test_client()
    admin = make_user("admin")
    agent = make_user("agent")
    response = client.post("/login", data={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 401 and "tweede factor verplicht" in response.get_data(as_text=True)
    assert client.post("/login", data={"email": agent.email, "password": PASSWORD}).status_code == 302
