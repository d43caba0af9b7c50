"""Shared fixtures: app, client, runner, login(role) and small factories.

The suite runs on SQLite by default and on PostgreSQL when HELPDESK_TEST_DATABASE_URL is set
(e.g. postgresql+psycopg://root@127.0.0.1:5432/test). Each test gets a fresh data dir and an empty database.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, inspect, text

from helpdesk import create_app
from helpdesk.extensions import db
from helpdesk.models import Requester, Ticket, TicketMessage, User, utcnow

pytest_plugins = ["tests.servers", "tests.support.kb", "tests.support.tickets", "tests.support.mail"]

PASSWORD = "correct horse battery staple"
PG_URL = os.environ.get("HELPDESK_TEST_DATABASE_URL", "")


def base_config(data_dir: Path, database_url: str, **overrides: Any) -> dict[str, Any]:
    """The config every test app starts from."""
    config = {
        "TESTING": True,
        "IGNORE_ENVIRONMENT": True,
        "SECRET_KEY": "test-secret-key",
        "DATA_DIR": str(data_dir),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


def migrate_database(url: str, data_dir: Path) -> None:
    """Run the real migrations against `url`."""
    from flask_migrate import upgrade

    app = create_app(base_config(data_dir, url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def reset_postgres_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a SQLite file to copy per test, or the PostgreSQL URL (truncated per test)."""
    work = tmp_path_factory.mktemp("dbtemplate")
    if PG_URL:
        reset_postgres_schema(PG_URL)
        migrate_database(PG_URL, work)
        return PG_URL
    path = work / "template.sqlite3"
    migrate_database(f"sqlite:///{path}", work)
    return str(path)


def fresh_database_url(template: str, tmp_path: Path) -> str:
    if PG_URL:
        return PG_URL
    target = tmp_path / "helpdesk.sqlite3"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


def empty_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    if tables:
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def make_app(database_template: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app on this test's fresh database with extra config (for CSRF-on apps and the like)."""
    url = fresh_database_url(database_template, tmp_path)
    apps: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        data_dir = tmp_path / "data"
        app = create_app(base_config(data_dir, url, **overrides))
        for key in ("INDEX_DIR", "ATTACHMENT_DIR", "RAW_MAIL_DIR"):
            Path(app.config[key]).mkdir(parents=True, exist_ok=True)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    if PG_URL:
        empty_postgres(PG_URL)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    application = make_app()
    with application.app_context():
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


_counter = itertools.count(1)


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    def factory(role: str = "agent", email: str | None = None, password: str = PASSWORD, **fields: Any) -> User:
        user = User(email=email or f"{role}{next(_counter)}@duo.example", role=role,
                    name=fields.pop("name", f"Test {role}"), **fields)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def login(client: FlaskClient, make_user: Callable[..., User]) -> Callable[[str], User]:
    """Sign in through the real login form as a new user with the given role."""

    def do_login(role: str = "agent") -> User:
        user = make_user(role)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return do_login


@pytest.fixture
def make_ticket(app: Flask) -> Callable[..., Ticket]:
    """A ticket with one incoming message."""

    def factory(subject: str = "Vraag over eHerkenning", text: str = "Wat kost eHerkenning niveau 3?",
                email: str | None = None, **fields: Any) -> Ticket:
        n = next(_counter)
        email = email or f"bestuur{n}@school.example"
        requester = db.session.query(Requester).filter_by(email=email).one_or_none()
        if requester is None:
            from helpdesk.organisations.operations import OrganisationFinder

            # as ingest makes them: the organisation of the mail domain (none for free mail)
            requester = Requester(email=email, name=f"Bestuurder {n}", organisation=f"Stichting {n}",
                                  institution=OrganisationFinder().for_address(email))
            db.session.add(requester)
        now = utcnow()
        ticket = Ticket(subject=subject, requester=requester, status=fields.pop("status", "new"),
                        waiting_since=now, last_message_at=now, **fields)
        db.session.add(ticket)
        db.session.flush()
        db.session.add(TicketMessage(ticket=ticket, direction="in", from_email=email, subject=subject,
                                     text=text, clean_text=text, message_id=f"t{n}-{ticket.id}@school.example"))
        db.session.commit()
        return ticket

    return factory
