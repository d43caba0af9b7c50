"""One ingest leader per mailbox: a second `flask ingest` waits as a hot standby and takes over when the leader
is SIGKILLed; every mail is stored exactly once. On SQLite a lock file, on PostgreSQL an advisory lock."""

import json
import signal
import subprocess
import time

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import MailboxState, TicketMessage
from tests.support.mail import ROOT, cli_env, flask_cmd, make_mail, run_cli

pytestmark = pytest.mark.imap


def _leader_pid() -> int | None:
    db.session.expire_all()
    pid = db.session.scalar(select(MailboxState.leader_pid))
    db.session.rollback()
    return pid


def _stored() -> list[str]:
    db.session.expire_all()
    ids = db.session.scalars(select(TicketMessage.message_id)).all()
    db.session.rollback()
    return ids


def _wait(predicate, timeout: float) -> float | None:  # noqa: ANN001
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def _start(imap_app, imap_mailbox) -> subprocess.Popen:  # noqa: ANN001
    return subprocess.Popen(flask_cmd("ingest", "--batch-size", "20"), cwd=ROOT, env=cli_env(imap_app, imap_mailbox),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_standby_takes_over_within_10_s_of_a_sigkilled_leader(imap_app, imap_mailbox, runner):
    first = _start(imap_app, imap_mailbox)
    procs = [first]
    try:
        assert _wait(lambda: _leader_pid() == first.pid, 60) is not None, "the first ingest should lead"
        second = _start(imap_app, imap_mailbox)
        procs.append(second)
        time.sleep(3)  # the second is up, and waiting
        assert _leader_pid() == first.pid
        status = json.loads(runner.invoke(args=["mail", "status"]).output)
        assert status["leader"]["pid"] == first.pid and status["leader"]["host"] and status["leader"]["since"]
        ids = [f"lead{n}@school.example" for n in range(120)]
        imap_mailbox.append_many([make_mail(subject=f"Vraag {n}", body=f"Wat kost eHerkenning? ({n})",
                                            sender=f"School {n} <b{n}@school{n}.example>", message_id=f"<{i}>")
                                  for n, i in enumerate(ids)])
        _wait(lambda: len(_stored()) >= 20, 60)  # mid-run: some batches stored, more to come
        first.send_signal(signal.SIGKILL)
        first.wait()
        takeover = _wait(lambda: _leader_pid() == second.pid, 15)
        assert takeover is not None and takeover <= 10, f"standby took over after {takeover} s"
        print(f"ingest takeover after SIGKILL: {takeover:.2f} s")
        assert _wait(lambda: len(_stored()) >= len(ids), 90) is not None, "the new leader should drain the rest"
        stored = _stored()
        assert sorted(stored) == sorted(ids), "every mail exactly once"
        assert _wait(lambda: imap_mailbox.count("INBOX") == 0, 30) is not None, "stored mails leave the inbox"
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=30)
    assert _leader_pid() is None, "a leader stopping cleanly clears its name"


def test_ingest_once_leaves_the_mailbox_to_a_running_leader(imap_app, imap_mailbox):
    leader = _start(imap_app, imap_mailbox)
    try:
        assert _wait(lambda: _leader_pid() == leader.pid, 60) is not None
        result = run_cli(imap_app, "ingest", "--once", imap=imap_mailbox)
        assert result.returncode == 0, result.stderr[-2000:]
        report = json.loads(result.stdout.strip().splitlines()[-1])
        assert report["standby"] is True and report["leader"]["pid"] == leader.pid
        assert "andere ingest" in result.stderr
    finally:
        leader.send_signal(signal.SIGTERM)
        leader.wait(timeout=30)
    result = run_cli(imap_app, "ingest", "--once", imap=imap_mailbox)
    assert result.returncode == 0 and "standby" not in result.stdout
