"""Ingest from a real Dovecot mailbox: exactly once, moved only after storing, survives kills and restarts."""

import json
import random
import signal
import subprocess
import time

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import MailboxState, Ticket, TicketMessage
from tests.support.mail import ROOT, cli_env, flask_cmd, make_mail, run_cli

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
def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(child) for child in found]


def _gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/status") as status:
                if "zombie" in status.read():
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


# 20: one transaction per 20 mails, all prepared in the ingesting process; 100: batches big enough to be
# prepared by worker processes too.
@pytest.mark.parametrize("batch_size", [20, 100])
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(imap_app, imap_mailbox, batch_size):
    total = 300
    rng = random.Random(20261129)
    ids = [f"crash{n}@school.example" for n in range(total)]
    imap_mailbox.append_many([make_mail(subject=f"Vraag {n}", body=f"Vraag nummer {n} over kosten",
                                        sender=f"School {n} <bestuur{n}@school{n}.example>",
                                        message_id=f"<{message_id}>") for n, message_id in enumerate(ids)])
    env = cli_env(imap_app, imap_mailbox)
    # Small batches, so the moves to Verwerkt (once per batch) happen all through the run and a kill can land
    # between a commit and its batch's move, in a move, in a state save or in the middle of storing a mail.
    command = flask_cmd("ingest", "--once", "--batch-size", str(batch_size))
    kills = 0
    while kills < 3:
        before = len(stored_ids())
        # kill once this run has stored a random share of what is left, whatever step it is in at that moment
        target = before + rng.randint(1, max(1, (total - before) // 3))
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            started = time.monotonic()
            while proc.poll() is None and len(stored_ids()) < target and time.monotonic() - started < 60:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.05))
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait()
        # after every kill: whatever left the inbox must already be stored
        stored = set(stored_ids())
        moved = imap_mailbox.message_ids("Verwerkt")
        assert set(moved) <= stored, f"{len(set(moved) - stored)} moved before they were stored"
        if proc.returncode == 0:
            break
    assert kills >= 3, "the run should have been interrupted several times"
    final = run_cli(imap_app, "ingest", "--once", imap=imap_mailbox)
    assert final.returncode == 0, final.stderr[-2000:]
    stored = stored_ids()
    assert sorted(stored) == sorted(ids), "every mail exactly once"
    assert len(stored) == len(set(stored))
    assert imap_mailbox.count("INBOX") == 0 and sorted(imap_mailbox.message_ids("Verwerkt")) == sorted(ids)
    assert db.session.scalar(select(func.count(Ticket.id))) == total


def test_a_killed_ingester_leaves_no_worker_behind(imap_app, imap_mailbox):
    """Workers prepare a big batch; SIGKILL runs no clean-up in the ingester, yet they must not wait forever."""
    ids = [f"worker{n}@school.example" for n in range(200)]
    imap_mailbox.append_many([make_mail(subject=f"Vraag {n}", body=f"Wat kost eHerkenning? ({n})",
                                        sender=f"School {n} <b{n}@school{n}.example>", message_id=f"<{i}>")
                              for n, i in enumerate(ids)])
    proc = subprocess.Popen(flask_cmd("ingest", "--once", "--batch-size", "200"), cwd=ROOT,
                            env=cli_env(imap_app, imap_mailbox), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (workers := _children(proc.pid)) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert workers, "the ingester should have started worker processes for 200 mails"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert all(_gone(pid) for pid in workers), "a worker outlived its killed ingester"
    final = run_cli(imap_app, "ingest", "--once", imap=imap_mailbox)
    assert final.returncode == 0, final.stderr[-2000:]
    assert sorted(stored_ids()) == sorted(ids)


def _start_ingest(imap_app, imap_mailbox) -> subprocess.Popen:  # noqa: ANN001
    """`flask ingest` (waiting for mail) in a subprocess, returned once it has drained the mailbox."""
    proc = subprocess.Popen(flask_cmd("ingest"), cwd=ROOT, env=cli_env(imap_app, imap_mailbox),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        db.session.expire_all()
        if db.session.scalar(select(MailboxState.uidvalidity)):  # saved by its first drain
            return proc
        time.sleep(0.05)
    _stop(proc)
    raise AssertionError("ingest did not start")


def _stop(proc: subprocess.Popen) -> float:
    """SIGTERM, as a service manager would; returns the seconds it took to exit."""
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return time.monotonic() - started


def _wait_stored(message_id: str, timeout: float) -> float | None:
    """Seconds until the mail is stored, or None after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if message_id in stored_ids():
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def test_idle_turns_a_new_mail_into_a_ticket_within_seconds(imap_app, imap_mailbox):
    proc = _start_ingest(imap_app, imap_mailbox)
    try:
        imap_mailbox.append(make_mail(message_id="<idle1@school.example>"))
        latency = _wait_stored("idle1@school.example", 15)
        assert latency is not None, "mail was not ingested within 15 s"
        print(f"IDLE mail-to-ticket latency: {latency:.2f} s")
    finally:
        stopped_in = _stop(proc)
    assert proc.returncode == 0 and stopped_in < 10, "SIGTERM must end the IDLE wait promptly"


def test_ingest_reconnects_after_the_server_went_away(imap_app, imap_mailbox):
    proc = _start_ingest(imap_app, imap_mailbox)
    try:
        imap_mailbox.append(make_mail(message_id="<before@school.example>"))
        assert _wait_stored("before@school.example", 15) is not None
        imap_mailbox.stop()  # the connection in IDLE drops; ingest retries with backoff
        time.sleep(1.5)
        imap_mailbox.start()
        imap_mailbox.append(make_mail(message_id="<after@school.example>"))
        assert _wait_stored("after@school.example", 30) is not None, "no reconnect after the restart"
        assert proc.poll() is None, "ingest must survive the outage"
    finally:
        _stop(proc)
    assert sorted(stored_ids()) == ["after@school.example", "before@school.example"]
    assert imap_mailbox.count("INBOX") == 0
