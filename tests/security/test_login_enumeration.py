"""Login answers never reveal whether an account exists: wrong password, unknown, deactivated, throttled."""

from __future__ import annotations

import re

from helpdesk.extensions import db
from tests.conftest import PASSWORD

WRONG = "dit wachtwoord klopt niet"


def normalised(page: str, email: str) -> str:
    """The page without what legitimately differs: the CSRF token, the address typed and the wait's clock."""
    page = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', 'name="csrf_token"', page)
    # the stated wait runs down with the clock, not with the account
    page = re.sub(r"\b\d+ (seconden|seconde|minuten|minuut)\b", "N tijd", page)
    return page.replace(email, "ADRES")


def attempt(client, email: str, password: str = WRONG):
    response = client.post("/login", data={"email": email, "password": password})
    return response.status_code, normalised(response.get_data(as_text=True), email)


def test_wrong_password_unknown_and_deactivated_accounts_look_identical(make_app, make_user):
    app = make_app()
    with app.app_context():
        existing = make_user("agent")
        inactive = make_user("editor")
        inactive.active = False
        db.session.commit()
        answers = {
            "bestaand account, fout wachtwoord": attempt(app.test_client(), existing.email),
            "onbekend account": attempt(app.test_client(), "onbekend-account@duo.example"),
            "gedeactiveerd, goed wachtwoord": attempt(app.test_client(), inactive.email, PASSWORD),
        }
    statuses = {name: status for name, (status, _page) in answers.items()}
    assert len(set(statuses.values())) == 1 and 400 <= next(iter(statuses.values())) < 500, statuses
    pages = {page for _status, page in answers.values()}
    assert len(pages) == 1, "de loginpagina verschilt tussen bestaande en onbekende accounts"


def test_account_throttle_looks_the_same_for_existing_and_unknown_accounts(make_app, make_user):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per 5 minutes", LOGIN_LIMIT_PER_ADDRESS="1000 per minute")
    with app.app_context():
        existing = make_user("agent")
        results = {}
        for label, email in (("bestaand", existing.email), ("onbekend", "bestaat-niet@duo.example")):
            client = app.test_client()
            tries = [attempt(client, email)[0] for _ in range(3)]
            results[label] = (tries, *attempt(client, email, PASSWORD if label == "bestaand" else WRONG))
    (tries_a, status_a, page_a), (tries_b, status_b, page_b) = results["bestaand"], results["onbekend"]
    assert tries_a == tries_b, results
    # locked out even with the right password, and with exactly the page an unknown address gets
    assert status_a == status_b == 429
    assert page_a == page_b
    assert "Te veel pogingen" in page_a


def test_failed_logins_are_counted_only_for_real_accounts_without_telling(make_app, make_user):
    """The counter exists for lockout, but its state never shows up in what the visitor sees: attempt by attempt
    (warnings before the last attempt included) a real account's pages equal an unknown address's."""
    app = make_app()
    with app.app_context():
        user = make_user("agent")
        real = [attempt(app.test_client(), user.email) for _ in range(5)]
        unknown = [attempt(app.test_client(), "niemand@duo.example") for _ in range(5)]
        db.session.refresh(user)
        assert user.failed_logins >= 4
    assert [(status, page.replace("niemand@duo.example", "ADRES")) for status, page in unknown] == real
    assert real[0] != real[3] and "nog één keer" in real[3][1]
