"""Migrations build the schema from empty on SQLite and PostgreSQL, matching the models; setup is idempotent."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text

from helpdesk.extensions import db
from tests.conftest import migrate_database

PG_ADMIN_URL = os.environ.get("HELPDESK_TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")


def _not_pg_only(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001 - alembic's hook
    """Trigram indexes exist on PostgreSQL only (migrations 0002, 0009), the FTS5 table and its shadow tables on
    SQLite only (0009): neither is part of the portable models."""
    if type_ == "table" and reflected and name and name.startswith("ticket_search_fts"):
        return False
    return not (type_ == "index" and reflected and name and name.endswith("_trgm"))


def _schema_diff(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _not_pg_only})
        diff = compare_metadata(context, db.metadata)
    engine.dispose()
    return diff


def test_migrations_from_empty_sqlite_match_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    migrate_database(url, tmp_path)
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"users", "tickets", "ticket_messages", "articles", "article_revisions", "outbox_mails"} <= tables
    assert _schema_diff(url) == []


@pytest.fixture
def empty_postgres_database():
    """A brand-new PostgreSQL database, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    name = f"helpdesk_migr_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server on this machine
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    del psycopg


def test_migrations_from_empty_postgresql_match_the_models(empty_postgres_database, tmp_path):
    migrate_database(empty_postgres_database, tmp_path)
    assert _schema_diff(empty_postgres_database) == []
    engine = create_engine(empty_postgres_database)
    indexes = {ix["name"] for ix in inspect(engine).get_indexes("ticket_search_documents")}
    old = {ix["name"] for ix in inspect(engine).get_indexes("ticket_messages")}
    engine.dispose()
    assert "ix_ticket_search_documents_trgm" in indexes and "ix_ticket_messages_clean_text_trgm" not in old


def test_setup_is_idempotent(app, runner):
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["setup"])
    assert second.exit_code == 0, second.output
    assert "schema is bijgewerkt" in second.output


@pytest.mark.parametrize("command", [["mail", "status"], ["tickets", "export"], ["users", "list"], ["reindex"],
                                     ["mail", "reprocess", "--all"], ["outbox", "run", "--once"]])
def test_commands_before_setup_say_to_run_setup_instead_of_a_traceback(tmp_path, command):
    from helpdesk import create_app
    from tests.conftest import base_config

    app = create_app(base_config(tmp_path / "data", f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    with app.app_context():  # as `flask` itself does for every command
        result = app.test_cli_runner().invoke(args=command)
        db.engine.dispose()
    assert result.exit_code == 1
    assert "nog niet ingericht" in result.output and "flask --app app setup" in result.output
    assert "Traceback" not in result.output and "OperationalError" not in result.output


def test_a_schema_behind_or_ahead_of_the_code_is_named(tmp_path):
    from helpdesk import create_app
    from tests.conftest import base_config

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    migrate_database(url, tmp_path)
    app = create_app(base_config(tmp_path / "data", url))
    runner = app.test_cli_runner()
    engine = create_engine(url)
    with app.app_context():
        assert runner.invoke(args=["mail", "status"]).exit_code == 0
        for revision, expected in (("0001", "loopt achter"), ("9999", "nieuwer dan deze versie")):
            with engine.begin() as conn:
                conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
            result = runner.invoke(args=["mail", "status"])
            assert result.exit_code == 1 and expected in result.output, result.output
        db.engine.dispose()
    engine.dispose()


def _search_after_upgrade(url: str, tmp_path) -> list[int]:
    """Tickets stored before migration 0009 are found by the queue search right after it."""
    from flask_migrate import downgrade, upgrade

    from helpdesk import create_app
    from helpdesk.models import Ticket
    from helpdesk.tickets.queries import search_clause
    from tests.conftest import base_config

    app = create_app(base_config(tmp_path / "data", url))
    with app.app_context():
        upgrade()
        downgrade(revision="0008_accounts")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO requesters (id, email, name, organisation, created_at) VALUES "
                              "(1, 'oud@school.example', 'Oud', 'Stichting Vroeger', '2026-01-05 10:00:00')"))
            conn.execute(text("INSERT INTO tickets (id, subject, requester_id, status, kind, version, created_at, "
                              "updated_at) VALUES (7, 'Vraag', 1, 'new', 'question', 1, '2026-01-05 10:00:00', "
                              "'2026-01-05 10:00:00')"))
            conn.execute(text("INSERT INTO ticket_messages (ticket_id, direction, kind, from_email, from_name, "
                              "to_addrs, cc_addrs, subject, text, created_at) VALUES (7, 'in', 'question', "
                              "'oud@school.example', 'Oud', '', '', 'Vraag', 'Mijn tokengenerator doet het niet', "
                              "'2026-01-05 10:00:00')"))
        upgrade()
        sqlite = db.engine.dialect.name == "sqlite"
        found = [sorted(db.session.scalars(select(Ticket.id).where(search_clause(q, sqlite))))
                 for q in ("tokengenerator", "vroeger", "oud@school")]
        db.session.remove()
        db.engine.dispose()
    return found


def test_the_migration_builds_search_documents_for_existing_tickets(tmp_path):
    assert _search_after_upgrade(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path) == [[7], [7], [7]]


def test_the_migration_builds_search_documents_for_existing_tickets_postgresql(empty_postgres_database, tmp_path):
    assert _search_after_upgrade(empty_postgres_database, tmp_path) == [[7], [7], [7]]
