"""The daily retention run: a ticket closed 13 months ago (its clock set back) keeps nothing personal anywhere —
any table, the data dir, the search index — once `flask jobs run` or the long-running `flask ingest` has run
retention, while the dashboard's figures for its week stay; it runs once a day on the whole cluster."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helpdesk.dashboard.stats import recent_weeks
from helpdesk.extensions import db
from helpdesk.locks import NodeLock
from helpdesk.models import AuditEvent, JobRun, SearchLog, Ticket, TicketMessage, utcnow
from helpdesk.privacy.daily import JOB_NAME, run_daily_retention
from helpdesk.tickets.operations import send_reply
from tests.privacy.scan import files_mentioning, tables_mentioning
from tests.privacy.test_export import SAMPLE
from tests.support.dashboard import median_first_response_hours, suggested_article_share, tickets_per_category_per_week
from tests.support.mail import ROOT, cli_env, flask_cmd

PERSONAL = ("admin@school.example", "zie bijlage", "dank voor het formulier", "formulier bijgevoegd",
            "machtiging")
THIRTEEN_MONTHS = timedelta(days=396)


def closed_13_months_ago(runner, make_user) -> Ticket:
    """The sample mail through the real import, answered with an article and closed; then its clock set back."""
    result = runner.invoke(args=["import-mail", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    ticket = db.session.scalars(select(Ticket)).one()
    ticket.category, ticket.used_article_slug = "cost", "wat-kost-eherkenning"
    send_reply(ticket, "Beste Admin,\n\nDank voor het formulier.", make_user("agent"), status_after="solved")
    db.session.commit()
    ticket.status = "closed"
    for name in ("created_at", "updated_at", "waiting_since", "first_response_at", "solved_at", "last_message_at"):
        if getattr(ticket, name, None) is not None:
            setattr(ticket, name, getattr(ticket, name) - THIRTEEN_MONTHS)
    for message in ticket.messages:
        message.created_at -= THIRTEEN_MONTHS
    db.session.add(SearchLog(query="admin@school.example machtiging", normalized="machtiging", result_count=0,
                             source="faq", created_at=utcnow() - THIRTEEN_MONTHS))
    db.session.commit()
    return ticket


def figures(ticket: Ticket) -> tuple:
    weeks = recent_weeks(ticket.created_at + timedelta(days=7), count=3)
    return (tickets_per_category_per_week(weeks), median_first_response_hours(weeks),
            suggested_article_share(weeks))


def assert_nothing_personal(app) -> None:
    db.session.expire_all()
    for needle in PERSONAL:
        assert tables_mentioning(needle) == [], needle
        assert files_mentioning(Path(app.config["DATA_DIR"]), needle) == [], needle


def test_jobs_run_applies_retention_once_a_day_and_leaves_nothing_personal(app, runner, make_user):
    ticket = closed_13_months_ago(runner, make_user)
    before = figures(ticket)
    assert tables_mentioning("admin@school.example") and files_mentioning(Path(app.config["DATA_DIR"]),
                                                                            "admin@school.example")

    first = runner.invoke(args=["jobs", "run", "--once"])
    assert first.exit_code == 0, first.output
    done = json.loads(first.output.strip().splitlines()[-1])["retention"]
    assert done["tickets_anonymised"] == 1 and done["search_logs_deleted"] == 1, done
    assert_nothing_personal(app)
    kept = db.session.get(Ticket, ticket.id)
    assert figures(kept) == before
    assert kept.category == "cost" and kept.used_article_slug == "wat-kost-eherkenning"

    again = json.loads(runner.invoke(args=["jobs", "run", "--once"]).output.strip().splitlines()[-1])
    assert again["retention"]["skipped"] == "vandaag al gedaan"
    db.session.get(JobRun, JOB_NAME).last_run_at -= timedelta(hours=25)  # a day later
    db.session.commit()
    assert run_daily_retention()["tickets_anonymised"] == 0
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "retention_run")) == 2


def test_a_node_holding_the_lock_keeps_the_others_out(app, runner, make_user):
    closed_13_months_ago(runner, make_user)
    other_node = NodeLock(JOB_NAME)
    assert other_node.acquire()
    try:
        assert run_daily_retention() == {"skipped": "draait al op een andere node"}
    finally:
        other_node.release()
    assert run_daily_retention()["tickets_anonymised"] == 1


def test_two_nodes_starting_the_jobs_together_run_retention_once(app, runner, make_user):
    closed_13_months_ago(runner, make_user)
    procs = [subprocess.Popen(flask_cmd("jobs", "run", "--once"), cwd=ROOT, env=cli_env(app),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for _ in range(2)]
    outputs = [json.loads(p.communicate(timeout=120)[0].strip().splitlines()[-1])["retention"] for p in procs]
    assert sorted("skipped" in out for out in outputs) == [False, True], outputs
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "retention_run")) == 1


@pytest.mark.imap
def test_the_long_running_ingest_runs_retention(imap_app, imap_mailbox, runner, make_user):
    ticket = closed_13_months_ago(runner, make_user)
    before = figures(ticket)
    env = {**cli_env(imap_app, imap_mailbox), "HELPDESK_RETENTION_CHECK_SECONDS": "1"}
    proc = subprocess.Popen(flask_cmd("ingest"), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "retention_run")):
                break
            db.session.rollback()
            time.sleep(0.2)
        else:
            pytest.fail("the ingest did not run retention within 60 s")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert_nothing_personal(imap_app)
    assert figures(db.session.get(Ticket, ticket.id)) == before
    assert db.session.scalar(select(TicketMessage.from_email).where(TicketMessage.ticket_id == ticket.id)) == ""
