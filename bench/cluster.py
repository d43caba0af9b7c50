"""Benchmark: several nodes on one PostgreSQL (issue 16), with a real Dovecot and gunicorn.

Prints: the ingest takeover time after a SIGKILL of the leader (until the standby leads, and until a mail sent
right after the kill is a ticket), the index propagation from web node A to web node B (p50/p95 over edits
published through A's editor pages, found through B's JSON search), and mails/s with one ingester and with two
(leader + hot standby: the standby must not slow the leader).
Run: .venv/bin/python bench/cluster.py [--rounds 3] [--edits 20] [--mails 1000]   (needs the local PostgreSQL)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import flask, make_mails  # noqa: E402
from tests.cluster.nodes import Node  # noqa: E402
from tests.servers import DovecotServer, free_port  # noqa: E402
from tests.support.wsgi_server import Browser, gunicorn  # noqa: E402

PG_ADMIN_URL = "postgresql://root@127.0.0.1:5432/postgres"
PG_DB = "helpdesk_bench_cluster"
URL = f"postgresql+psycopg://root@127.0.0.1:5432/{PG_DB}"
PASSWORD = "Bench-cluster-wachtwoord-42"
STAGING = "Inkomend"  # mails wait here; one IMAP MOVE puts a whole set in the INBOX at once


def wait_for(check: Callable[[], object], seconds: float, what: str, every: float = 0.02) -> float:
    """Poll until `check()` is true; returns when (monotonic)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"niet binnen {seconds} s: {what}")
        time.sleep(every)
    return time.monotonic()


class Database:
    """Small read-only looks at the shared database, from outside every node."""

    def __init__(self) -> None:
        import psycopg

        self.conn = psycopg.connect(URL.replace("+psycopg", ""), autocommit=True)

    def one(self, sql: str) -> object:
        return self.conn.execute(sql).fetchone()[0]

    def stored(self) -> int:
        return int(self.one("SELECT count(*) FROM ticket_messages WHERE direction = 'in'"))

    def leader(self) -> int | None:
        return self.one("SELECT leader_pid FROM mailbox_states LIMIT 1") if self.one(
            "SELECT count(*) FROM mailbox_states") else None


def move_in(server: DovecotServer) -> None:
    """Move every staged mail into the INBOX in one command."""

    def move(client):  # type: ignore[no-untyped-def]
        client.select_folder(STAGING)
        client.move(client.search(["ALL"]), "INBOX")

    server._run(move)


def ingesters(stack: ExitStack, root: Path, env: dict[str, str], names: list[str]) -> list[Node]:
    nodes = [Node(name, ["ingest"], root / name / "data", env) for name in names]
    for node in nodes:
        stack.callback(node.stop)
    return nodes


def takeover(root: Path, env: dict[str, str], server: DovecotServer, db: Database, rounds: int) -> None:
    lead_times, mail_times = [], []
    with ExitStack() as stack:
        nodes = ingesters(stack, root, env, ["ingest-1", "ingest-2"])
        for n in range(rounds):
            wait_for(lambda nodes=nodes: db.leader() in {node.pid for node in nodes}, 60, "een leider")
            leader = next(node for node in nodes if node.pid == db.leader())
            time.sleep(1.0)  # the standby waits as it would in production
            leader.kill()
            killed = time.monotonic()
            before = db.stored()
            server.append_many(make_mails(1))
            led = wait_for(lambda leader=leader: db.leader() not in (None, leader.pid), 30, "overname")
            lead_times.append(led - killed)
            mail_times.append(wait_for(lambda before=before: db.stored() > before, 30, "mail na de overname") - killed)
            replacement = Node(f"ingest-r{n}", ["ingest"], root / f"ingest-r{n}" / "data", env)  # a new standby
            stack.callback(replacement.stop)
            nodes = [node for node in nodes if node is not leader] + [replacement]
    print(f"takeover after SIGKILL of the leader ({rounds} rounds): standby leads after "
          f"{statistics.median(lead_times):.2f} s median (max {max(lead_times):.2f} s); a mail sent right after "
          f"the kill is a ticket after {statistics.median(mail_times):.2f} s median (max {max(mail_times):.2f} s); "
          "aim ≤ 10 s")


def propagation(root: Path, edits: int) -> None:
    flask_env = {"HELPDESK_DATABASE_URL": URL, "HELPDESK_DATA_DIR": str(root / "setup"),
                 "HELPDESK_SECRET_KEY": "bench", "PYTHONWARNINGS": "ignore"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "users", "create", "redacteur@duo.example",
                    "--role", "editor", "--password-stdin"], cwd=ROOT, env={**_base_env(), **flask_env},
                   input=PASSWORD, text=True, check=True, capture_output=True)
    times = []
    for folder in ("a", "b"):
        (root / folder).mkdir()
    polling = {"API_SEARCH_LIMIT": "100000 per minute"}  # B is asked every 20 ms
    with gunicorn(URL, root / "a" / "data", workers=1) as node_a, gunicorn(URL, root / "b" / "data", workers=1,
                                                                          **polling) as node_b:
        editor, reader = Browser(node_a), Browser(node_b)
        editor.post_form("/login", {"email": "redacteur@duo.example", "password": PASSWORD})
        reader.request("/api/faq/search?q=eherkenning")  # B has built its index
        for n in range(edits):
            word = f"vogel{n}x{time.time_ns() % 10**6}"
            page = editor.request("/kb/nieuw").text
            csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            editor.request("/kb/nieuw", {
                "csrf_token": csrf, "base_version": "", "slug": f"bench-vogel-{n}", "title": f"Vogel {n}",
                "category": "other", "keywords": "", "synonyms": "", "summary": "Kort.", "review_date": "2027-01-01",
                "note": "", "body": f"Over de {word}.\n", "publish": "Publiceren"})
            published = time.monotonic()

            def found(word: str = word) -> bool:
                return bool(json.loads(reader.request(f"/api/faq/search?q={word}").text)["results"])

            times.append(wait_for(found, 10, "artikel via B") - published)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"index propagation A → B over {edits} publications: p50 {statistics.median(times):.2f} s, "
          f"p95 {p95:.2f} s, max {times[-1]:.2f} s (aim p95 ≤ 2 s)")


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}


def throughput(root: Path, env: dict[str, str], server: DovecotServer, db: Database, mails: int) -> None:
    for count in (1, 2):
        with ExitStack() as stack:
            nodes = ingesters(stack, root, env, [f"rate{count}-{n}" for n in range(count)])
            wait_for(lambda nodes=nodes: db.leader() in {node.pid for node in nodes}, 60, "een leider")
            time.sleep(2.0)  # both started and idle (the standby warm)
            raws = make_mails(mails)
            before = db.stored()
            server.append_many(raws, folder=STAGING)
            start = time.monotonic()
            move_in(server)
            done = wait_for(lambda before=before: db.stored() >= before + mails, 600, "alle mails", every=0.1)
            print(f"{count} ingester{'s' if count > 1 else ''} ({'leader + standby' if count > 1 else 'leader'}): "
                  f"{mails} tiny mails in {done - start:.1f} s = {mails / (done - start):.0f} mails/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--mails", type=int, default=1000)
    args = parser.parse_args()
    if shutil.which("dovecot") is None:
        raise SystemExit("dovecot is niet geïnstalleerd (apt-get install dovecot-imapd)")
    import psycopg

    admin = psycopg.connect(PG_ADMIN_URL, autocommit=True)
    admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {PG_DB}")
    root = Path(tempfile.mkdtemp(prefix="bench-cluster-", dir="/var/tmp"))
    root.chmod(0o755)
    server = DovecotServer(root=root / "dovecot", port=free_port())
    server.write_config()
    server.start()
    try:
        env = {"DATABASE_URL": URL, "IMAP_HOST": server.host, "IMAP_PORT": str(server.port),
               "IMAP_USER": server.user, "IMAP_PASSWORD": server.password, "IMAP_SSL": "0", "BLOB_STORE": "db"}
        flask({**_base_env(), "HELPDESK_DATABASE_URL": URL, "HELPDESK_DATA_DIR": str(root / "setup"),
               "HELPDESK_SECRET_KEY": "bench", "PYTHONWARNINGS": "ignore"}, "setup")
        db = Database()
        print(f"load average at start: {Path('/proc/loadavg').read_text().split()[0]}")
        propagation(root, args.edits)
        takeover(root, env, server, db, args.rounds)
        throughput(root, env, server, db, args.mails)
        print(f"load average at the end: {Path('/proc/loadavg').read_text().split()[0]}")
        db.conn.close()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        admin.close()


if __name__ == "__main__":
    main()
