"""Staff accounts from the CLI and the admin page."""

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, User
from tests.conftest import PASSWORD


def test_users_create_with_password_stdin(runner):
    result = runner.invoke(args=["users", "create", "Agent@DUO.example", "--role", "agent", "--password-stdin"],
                           input="een lang genoeg wachtwoord\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "agent@duo.example"))
    assert user.role == "agent" and user.check_password("een lang genoeg wachtwoord")


def test_users_create_with_prompt(runner):
    result = runner.invoke(args=["users", "create", "redactie@duo.example", "--role", "editor"],
                           input="nog een lang wachtwoord\nnog een lang wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.email == "redactie@duo.example")) == "editor"


def test_users_create_refuses_bad_input(runner):
    short = runner.invoke(args=["users", "create", "x@duo.example", "--password-stdin"], input="kort\n")
    assert short.exit_code != 0 and "12 tekens" in short.output
    bad_role = runner.invoke(args=["users", "create", "x@duo.example", "--role", "baas", "--password-stdin"],
                             input="een lang genoeg wachtwoord\n")
    assert bad_role.exit_code != 0
    runner.invoke(args=["users", "create", "dubbel@duo.example", "--password-stdin"], input="een lang wachtwoord!\n")
    again = runner.invoke(args=["users", "create", "DUBBEL@duo.example", "--password-stdin"],
                          input="een lang wachtwoord!\n")
    assert again.exit_code != 0 and "bestaat al" in again.output


def test_admin_lists_creates_and_deactivates_users(client, login):
    admin = login("admin")
    page = client.get("/admin/users").get_data(as_text=True)
    assert admin.email in page and "Nieuw account" in page
    response = client.post("/admin/users", data={"email": "nieuw@duo.example", "name": "Nieuwe Collega",
                                                 "role": "editor", "password": PASSWORD})
    assert response.status_code == 302
    created = db.session.scalar(select(User).where(User.email == "nieuw@duo.example"))
    assert created.role == "editor" and created.active
    assert client.post(f"/admin/users/{created.id}/active").status_code == 302
    db.session.refresh(created)
    assert created.active is False
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "user_created" in actions and "user_deactivated" in actions


def test_admin_form_errors_are_shown_in_dutch(client, login):
    login("admin")
    response = client.post("/admin/users", data={"email": "geen-adres", "role": "agent", "password": "kort"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Er is iets niet goed ingevuld" in html and "Minstens 12 tekens" in html


def test_admin_cannot_deactivate_self(client, login):
    admin = login("admin")
    client.post(f"/admin/users/{admin.id}/active")
    db.session.refresh(admin)
    assert admin.active is True


def test_admin_form_shows_a_refused_name_at_the_name_field(client, login):
    login("admin")
    response = client.post("/admin/users", data={"email": "nieuw@duo.example", "name": "Jan\x07 de Vries",
                                                 "role": "agent", "password": PASSWORD, "confirm": PASSWORD})
    page = response.get_data(as_text=True)
    assert "naam van hoogstens 200 gewone tekens" in page
    assert 'id="name-error1"' in page and 'id="email-error1"' not in page
    assert db.session.scalar(select(User).where(User.email == "nieuw@duo.example")) is None
