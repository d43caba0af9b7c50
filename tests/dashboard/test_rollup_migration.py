"""Migration 0015_dashboard_rollup: tickets stored before it are in the dashboard's rollups once `flask setup`
has run after it, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from helpdesk import create_app
from helpdesk.dashboard import rollup
from helpdesk.dashboard.stats import recent_weeks
from helpdesk.extensions import db
from helpdesk.models import utcnow
from helpdesk.setup_ops import dashboard_step
from tests.conftest import base_config
from tests.support import dashboard as reference
from tests.web.test_migrations import empty_postgres_database  # noqa: F401 - a fixture

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0015_dashboard_rollup.py"
TICKETS = sa.table("tickets", *(sa.column(name) for name in (
    "id", "subject", "requester_id", "status", "kind", "version", "category", "used_article_slug")),
    *(sa.column(name, sa.DateTime) for name in ("created_at", "updated_at", "first_response_at", "first_due_at")))


def _old_tickets(now) -> list[dict]:
    """29 questions of the last 29 days, two in three answered, three in four with an article."""
    return [{"id": i, "subject": "Vraag", "requester_id": 1, "status": "open", "kind": "question", "version": 1,
             "category": ("cost", None)[i % 2], "created_at": now - timedelta(days=i), "updated_at": now,
             "first_response_at": now - timedelta(days=i, hours=-i) if i % 3 else None,
             "first_due_at": now - timedelta(days=i - 2), "used_article_slug": "wat-kost" if i % 4 else None}
            for i in range(1, 30)]


def _dashboard_after_upgrade(url: str, tmp_path) -> tuple[list[str], tuple, tuple]:
    from flask_migrate import downgrade, upgrade

    spec = importlib.util.spec_from_file_location("rollup_migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    app = create_app(base_config(tmp_path / "data", url))
    with app.app_context():
        upgrade()
        downgrade(revision=migration.down_revision)
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO requesters (id, email, name, organisation, created_at) VALUES "
                                 "(1, 'oud@school.example', 'Oud', '', '2026-01-05 10:00:00')"))
            conn.execute(sa.insert(TICKETS), _old_tickets(utcnow()))
        upgrade()
        lines = dashboard_step()
        weeks = recent_weeks()
        built, expected = reference.period_figures(weeks, rollup), reference.period_figures(weeks)
        db.session.remove()
        db.engine.dispose()
    return lines, built, expected


def test_the_migration_puts_existing_tickets_on_the_dashboard(tmp_path):
    lines, built, expected = _dashboard_after_upgrade(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path)
    assert built == expected and sum(built[0]["cost"]) == 14 and lines[0].startswith("Dashboard: 29 dagen")


def test_the_migration_puts_existing_tickets_on_the_dashboard_postgresql(empty_postgres_database, tmp_path):  # noqa: F811
    lines, built, expected = _dashboard_after_upgrade(empty_postgres_database, tmp_path)
    assert built == expected and sum(built[0]["cost"]) == 14 and lines[0].startswith("Dashboard: 29 dagen")
