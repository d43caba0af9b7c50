"""Ingest from a real Dovecot mailbox: exactly once, moved only after storing, survives kills and restarts."""

import json
import random
import signal
import subprocess
import time

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import Ticket, TicketMessage
from tests.ingest.conftest import ROOT, cli_env, flask_cmd, make_mail, run_cli

pytestmark = pytest.mark.imap


def stored_ids() -> list[str]:
    db.session.expire_all()
    return db.session.scalars(select(TicketMessage.message_id)).all()


def test_ingest_once_stores_moves_and_reports(imap_app, imap_mailbox, runner):
    for n in range(5):
        imap_mailbox.append(make_mail(subject=f"Vraag {n}", message_id=f"<q{n}@school.example>"))
    result = runner.invoke(args=["ingest", "--once"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[-1])["processed"] == 5
    assert sorted(stored_ids()) == sorted(f"q{n}@school.example" for n in range(5))
    assert imap_mailbox.count("INBOX") == 0 and imap_mailbox.count("Verwerkt") == 5
    status = json.loads(runner.invoke(args=["mail", "status"]).output)
    assert status["tickets"] == 5 and status["last_uid"] >= 5 and status["uidvalidity"]
    # running again finds nothing new
    again = runner.invoke(args=["ingest", "--once"])
    assert json.loads(again.output.splitlines()[-1])["fetched"] == 0


def test_ingest_without_mailbox_config_is_a_clear_error(app, runner):
    result = runner.invoke(args=["ingest", "--once"])
    assert result.exit_code != 0 and "HELPDESK_IMAP_HOST" in result.output


def test_uidvalidity_change_creates_no_duplicates(imap_app, imap_mailbox, runner):
    imap_mailbox.append(make_mail(message_id="<uv1@school.example>"))
    runner.invoke(args=["ingest", "--once"])
    # the server loses its UID state; the same mail shows up again in a fresh INBOX with new UIDs
    imap_mailbox.change_uidvalidity("INBOX")
    imap_mailbox.append(make_mail(message_id="<uv1@school.example>"))
    imap_mailbox.append(make_mail(message_id="<uv2@school.example>"))
    result = runner.invoke(args=["ingest", "--once"])
    assert json.loads(result.output.splitlines()[-1])["uidvalidity_changed"] is True
    assert sorted(stored_ids()) == ["uv1@school.example", "uv2@school.example"]


def test_server_restart_between_runs(imap_app, imap_mailbox, runner):
    imap_mailbox.append(make_mail(message_id="<r1@school.example>"))
    runner.invoke(args=["ingest", "--once"])
    imap_mailbox.restart()
    imap_mailbox.append(make_mail(message_id="<r2@school.example>"))
    result = runner.invoke(args=["ingest", "--once"])
    assert result.exit_code == 0, result.output
    assert sorted(stored_ids()) == ["r1@school.example", "r2@school.example"]


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(imap_app, imap_mailbox):
    total = 240
    rng = random.Random(20261129)
    ids = [f"crash{n}@school.example" for n in range(total)]
    for n, message_id in enumerate(ids):
        imap_mailbox.append(make_mail(subject=f"Vraag {n}", body=f"Vraag nummer {n} over kosten",
                                      message_id=f"<{message_id}>"))
    env = cli_env(imap_app, imap_mailbox)
    kills = 0
    for _attempt in range(30):
        proc = subprocess.Popen(flask_cmd("ingest", "--once"), cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rng.uniform(1.2, 3.0))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
        # after every kill: whatever left the inbox must already be stored
        moved = imap_mailbox.count("Verwerkt")
        stored = set(stored_ids())
        assert len(stored) >= moved, f"{moved} moved but only {len(stored)} stored"
        if proc.returncode == 0 and imap_mailbox.count("INBOX") == 0:
            break
    final = run_cli(imap_app, "ingest", "--once", imap=imap_mailbox)
    assert final.returncode == 0, final.stderr[-2000:]
    stored = stored_ids()
    assert kills >= 2, "the run should have been interrupted several times"
    assert sorted(stored) == sorted(ids), "every mail exactly once"
    assert len(stored) == len(set(stored))
    assert imap_mailbox.count("INBOX") == 0 and imap_mailbox.count("Verwerkt") == total
    assert db.session.scalar(select(func.count(Ticket.id))) == total


def test_idle_turns_a_new_mail_into_a_ticket_within_seconds(imap_app, imap_mailbox):
    env = cli_env(imap_app, imap_mailbox)
    proc = subprocess.Popen(flask_cmd("ingest"), cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        assert "Wacht op nieuwe mail" in proc.stdout.readline()
        time.sleep(1.5)  # let it drain the empty box and enter IDLE
        sent = time.monotonic()
        imap_mailbox.append(make_mail(message_id="<idle1@school.example>"))
        latency = None
        while time.monotonic() - sent < 15:
            if "idle1@school.example" in stored_ids():
                latency = time.monotonic() - sent
                break
            time.sleep(0.1)
        assert latency is not None, "mail was not ingested within 15 s"
        print(f"IDLE mail-to-ticket latency: {latency:.2f} s")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
