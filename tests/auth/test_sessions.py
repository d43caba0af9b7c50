"""Sessions end for real (copied cookies too) on logout, password change, deactivation, role change and
"overal uitloggen"; admins reset second factors and issue one-time reset links; passwords are checked."""

from __future__ import annotations

import email
import re
from email import policy

import pyotp
import pytest

from helpdesk.extensions import db
from helpdesk.models import OutboxMail, User
from tests.conftest import PASSWORD

NEW_PASSWORD = "paarse olifant fietst langs de gracht"


def signed_in(app, user: User, password: str = PASSWORD):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def copy_of(app, client):
    """A second browser holding a copy of `client`'s session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def allowed(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_copied_cookie_stops_working_at_logout(app, make_user):
    user = make_user("agent")
    browser = signed_in(app, user)
    thief = copy_of(app, browser)
    assert allowed(thief)
    browser.post("/logout")
    assert not allowed(thief) and not allowed(browser)


def test_password_change_ends_other_sessions_and_keeps_this_one(app, make_user):
    user = make_user("agent")
    laptop, phone = signed_in(app, user), signed_in(app, user)
    wrong = laptop.post("/account", data={"current": "niet mijn wachtwoord", "new": NEW_PASSWORD,
                                          "repeat": NEW_PASSWORD})
    assert wrong.status_code == 400 and "huidige wachtwoord klopt niet" in wrong.get_data(as_text=True)
    changed = laptop.post("/account", data={"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert changed.status_code == 302
    assert allowed(laptop) and not allowed(phone)
    signed_in(app, user, NEW_PASSWORD)


def test_logout_everywhere_ends_every_session(app, make_user):
    user = make_user("editor")
    laptop, phone = signed_in(app, user), signed_in(app, user)
    assert laptop.post("/account/overal-uitloggen").status_code == 302
    assert not allowed(laptop) and not allowed(phone)


@pytest.mark.parametrize("password, reason", [
    ("aaaaaaaaaaaa", "te makkelijk"),
    ("wachtwoord123", "te makkelijk"),
    ("qwertyuiop123", "te makkelijk"),
    ("kort", "minstens 12"),
    ("pietjansen-2026-geheim", "naam of e-mailadres"),
])
def test_weak_passwords_are_refused_with_the_reason(app, make_user, password, reason):
    user = make_user("agent", email="pietjansen@duo.example", name="Piet Jansen")
    client = signed_in(app, user)
    response = client.post("/account", data={"current": PASSWORD, "new": password, "repeat": password})
    assert response.status_code == 400 and reason in response.get_data(as_text=True)


def test_admin_sets_role_resets_second_factor_and_deactivates(app, make_user):
    admin, agent = make_user("admin"), make_user("agent")
    agent.totp_secret = pyotp.random_base32()
    db.session.commit()
    boss = signed_in(app, admin)
    victim_code = pyotp.TOTP(agent.totp_secret).now()
    theirs = app.test_client()
    assert theirs.post("/login", data={"email": agent.email, "password": PASSWORD,
                                       "code": victim_code}).status_code == 302
    page = boss.get(f"/admin/users/{agent.id}").get_data(as_text=True)
    assert "Tweestapsverificatie resetten" in page
    assert boss.post(f"/admin/users/{agent.id}/role", data={"role": "editor"}).status_code == 302
    assert not allowed(theirs)  # a new role means a new sign-in
    assert boss.post(f"/admin/users/{agent.id}/reset-2fa").status_code == 302
    db.session.refresh(agent)
    assert agent.role == "editor" and agent.totp_secret is None
    theirs = signed_in(app, agent)  # no code needed any more
    assert boss.post(f"/admin/users/{agent.id}/deactivate").status_code == 302
    assert not allowed(theirs)
    # reactivating does not revive the old session
    boss.post(f"/admin/users/{agent.id}/active")
    db.session.refresh(agent)
    assert agent.active and not allowed(theirs)
    own = boss.post(f"/admin/users/{admin.id}/role", data={"role": "agent"}, follow_redirects=True)
    assert "eigen rol niet wijzigen" in own.get_data(as_text=True)


def test_reset_link_without_smtp_is_shown_once_and_works_once(app, make_user):
    admin, agent = make_user("admin"), make_user("agent")
    boss = signed_in(app, admin)
    session_before = signed_in(app, agent)
    page = boss.post(f"/admin/users/{agent.id}/reset-link").get_data(as_text=True)
    link = re.search(r"http://[^<\s]+/wachtwoord-herstellen/[^<\s]+", page).group(0)
    assert link not in boss.get(f"/admin/users/{agent.id}").get_data(as_text=True)
    path = link.split("127.0.0.1:5000", 1)[1]
    visitor = app.test_client()
    weak = visitor.post(path, data={"new": "aaaaaaaaaaaa", "repeat": "aaaaaaaaaaaa"})
    assert weak.status_code == 400
    assert visitor.post(path, data={"new": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    assert visitor.get(path).status_code == 410  # used: the link is dead
    assert not allowed(session_before)
    signed_in(app, agent, NEW_PASSWORD)


@pytest.mark.smtp
def test_reset_link_with_smtp_goes_out_through_the_outbox(make_app, make_user, smtp_server):
    app = make_app(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
    with app.app_context():
        admin, agent = make_user("admin"), make_user("agent")
        address = agent.email
        boss = signed_in(app, admin)
        page = boss.post(f"/admin/users/{agent.id}/reset-link", follow_redirects=True).get_data(as_text=True)
        assert "wachtwoord-herstellen" not in page and "onderweg" in page
        result = app.test_cli_runner().invoke(args=["outbox", "run", "--once"])
        assert result.exit_code == 0, result.output
    [mail] = smtp_server.messages
    message = email.message_from_bytes(mail.raw, policy=policy.default)
    assert mail.rcpt_tos == [address]
    assert "/wachtwoord-herstellen/" in message.get_content()


def test_cli_set_role_reset_2fa_and_deactivate(app, runner, make_user):
    user = make_user("agent")
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    assert runner.invoke(args=["users", "set-role", user.email, "editor"]).exit_code == 0
    assert runner.invoke(args=["users", "reset-2fa", user.email.upper()]).exit_code == 0
    db.session.refresh(user)
    assert user.role == "editor" and user.totp_secret is None
    browser = signed_in(app, user)
    assert runner.invoke(args=["users", "deactivate", user.email]).exit_code == 0
    assert not allowed(browser)
    unknown = runner.invoke(args=["users", "deactivate", "niemand@duo.example"])
    assert unknown.exit_code != 0 and "Geen account" in unknown.output


def test_a_reset_mail_in_the_outbox_is_no_reply_agents_can_resend(make_app, make_user):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=9)
    with app.app_context():
        admin = make_user("admin")
        agent = make_user("agent")
        signed_in(app, admin).post(f"/admin/users/{agent.id}/reset-link")
        mail = db.session.scalars(db.select(OutboxMail)).one()
        assert mail.ticket_message_id is None and mail.to_addrs == agent.email
        response = signed_in(app, agent).post(f"/tickets/uitgaand/{mail.id}/opnieuw")
    assert response.status_code == 404
