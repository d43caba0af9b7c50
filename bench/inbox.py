"""Queue speed at 100,000 tickets: p50/p95 of the queue page (first and deep), filters and search.

usage: .venv/bin/python bench/inbox.py [--tickets 100000] [--runs 30] [--no-postgres] [--pg-admin-url URL]
                                      [--pg-db NAME]
Runs on SQLite (a temporary file) and, when reachable, on PostgreSQL in a fresh database (`helpdesk_bench`)
that is dropped afterwards. Requests go through the Flask test client as a signed-in agent.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402

from helpdesk import create_app  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.models import Requester, Ticket, TicketMessage, User, utcnow  # noqa: E402

PG_ADMIN = "postgresql+psycopg://root@127.0.0.1:5432/postgres"
PG_DB = "helpdesk_bench"
PASSWORD = "bench-wachtwoord-lang-genoeg"
SLUGS = ["wat-kost-eherkenning", "leverancier-kiezen", "upgrade-naar-niveau-3", "wanneer-verplicht",
         "tokengenerator-vervangen", "nog-geen-eherkenning", "wie-heeft-toegang-nodig"]
CATEGORIES = ["cost", "supplier", "upgrade", "deadline", "other"]
WORDS = ("eherkenning niveau kosten leverancier machtiging bestuur school inloggen duo inspectie upgrade "
         "termijn deadline aanvragen token middel abonnement factuur administratie kantoor vraag").split()
CHUNK = 5000
TARGET_DAYS = (2, 3, 5)  # working-day targets, roughly what targets.py gives per category


def generate(n: int, seed: int = 7) -> None:
    """Bulk-insert `n` tickets with one incoming message each, plus requesters (one per five tickets)."""
    rng = random.Random(seed)
    now = utcnow()
    requesters = [{"email": f"bestuur{i}@school{i % 997}.example", "name": f"Bestuurder {i}",
                   "organisation": f"Stichting Onderwijs {i}", "created_at": now} for i in range(max(n // 5, 1))]
    for start in range(0, len(requesters), CHUNK):
        db.session.execute(insert(Requester), requesters[start:start + CHUNK])
    first_requester = db.session.scalar(select(Requester.id).order_by(Requester.id))
    base_ticket = (db.session.scalar(select(Ticket.id).order_by(Ticket.id.desc())) or 0) + 1
    for start in range(0, n, CHUNK):
        tickets, messages = [], []
        for i in range(start, min(start + CHUNK, n)):
            status = rng.choices(["new", "open", "pending", "solved", "closed"], [35, 15, 10, 30, 10])[0]
            created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
            category = rng.choice(CATEGORIES) if rng.random() > 0.05 else None
            kind = "question" if rng.random() > 0.05 else "autoreply"
            waiting = created if status in ("new", "open") else None
            # targets.py fills these before a flush; a bulk insert bypasses that, so set them as it would
            due = created + timedelta(days=rng.choice(TARGET_DAYS), hours=rng.randint(0, 8))
            tickets.append({
                "subject": f"Vraag over {rng.choice(WORDS)} en {rng.choice(WORDS)}",
                "requester_id": first_requester + i % len(requesters), "status": status,
                "kind": kind, "category": category,
                "category_confidence": round(rng.random(), 2) if category else None, "category_source": "triage",
                "top_article_slug": rng.choice(SLUGS), "version": 1, "created_at": created, "updated_at": created,
                "waiting_since": waiting, "last_message_at": created,
                "due_at": due if kind == "question" and waiting else None,
                "first_due_at": due if kind == "question" else None,
                "first_response_at": created + timedelta(hours=rng.randint(1, 72)) if status != "new" else None,
                "used_article_slug": rng.choice(SLUGS) if status in ("solved", "closed") and rng.random() > .4
                else None,
            })
            body = " ".join(rng.choice(WORDS) for _ in range(40))
            if i % 1000 == 0:
                body += " mijn tokengenerator is kapot"
            messages.append({"ticket_id": base_ticket + i, "direction": "in", "kind": "question",
                             "from_email": "x@school.example", "text": body, "clean_text": body,
                             "message_id": f"bench-{i}@school.example", "created_at": created})
        db.session.execute(insert(Ticket), tickets)
        db.session.execute(insert(TicketMessage), messages)
    db.session.commit()


def timed(client, url: str, runs: int, before=None) -> tuple[float, float, int]:  # noqa: ANN001
    """p50 and p95 in milliseconds over `runs` requests, after two warm-up requests; `before` runs (untimed)
    before each timed request."""
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))], len(samples)


def deep_cursor(position: int) -> str:
    """The keyset cursor of the ticket at `position` in the default queue order (what 'volgende' links carry)."""
    ticket = db.session.scalars(select(Ticket).where(Ticket.kind == "question",
                                                     Ticket.status.in_(("new", "open", "pending")))
                                .order_by(Ticket.waiting_since.asc().nulls_last(), Ticket.id)
                                .offset(position).limit(1)).one()
    stamp = ticket.waiting_since.isoformat() if ticket.waiting_since else "-"
    return f"{stamp}_{ticket.id}"


def run(label: str, url: str, n: int, runs: int, data_dir: Path) -> None:
    app = create_app({"TESTING": True, "IGNORE_ENVIRONMENT": True, "SECRET_KEY": "bench", "DATA_DIR": str(data_dir),
                      "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        start = time.perf_counter()
        generate(n)
        load = time.perf_counter() - start
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
        print(f"\n== {label}: {n} tickets, geladen in {load:.1f} s")
        measure(app, runs)
        db.session.remove()
        db.engine.dispose()


def measure(app, runs: int) -> None:  # type: ignore[no-untyped-def]
    """Sign in as an agent and print p50/p95 per page (inside an app context, on a filled database)."""
    agent = db.session.scalar(select(User).where(User.email == "bench@duo.example"))
    if agent is None:
        agent = User(email="bench@duo.example", name="Bench", role="agent")
        agent.set_password(PASSWORD)
        db.session.add(agent)
        db.session.commit()
    active = db.session.scalar(select(db.func.count(Ticket.id)).where(
        Ticket.kind == "question", Ticket.status.in_(("new", "open", "pending"))))
    deep = deep_cursor(active // 2)
    some_id = db.session.scalar(select(Ticket.id).order_by(Ticket.id.desc()))
    client = app.test_client()
    assert client.post("/login", data={"email": agent.email, "password": PASSWORD}).status_code == 302
    print(f"{active} tickets in de wachtrij")
    cases = [
        ("wachtrij, eerste pagina", "/tickets/"),
        (f"wachtrij, diepe pagina (positie {active // 2})", f"/tickets/?na={deep}"),
        ("wachtrij, vorige pagina vanaf diep", f"/tickets/?voor={deep}"),
        ("wachtrij, nieuwste eerst", "/tickets/?sorteer=nieuwste"),
        ("wachtrij, eerst te beantwoorden (termijn)", "/tickets/?sorteer=termijn"),
        ("filter categorie=cost", "/tickets/?categorie=cost"),
        ("filter categorie onzeker", "/tickets/?categorie=onzeker"),
        ("filter niet toegewezen + > 7 dagen", "/tickets/?behandelaar=niemand&leeftijd=7"),
        ("zoeken 'tokengenerator' (zeldzaam, berichttekst)", "/tickets/?q=tokengenerator"),
        ("zoeken 'Onderwijs 4242' (organisatie)", "/tickets/?q=Onderwijs+4242"),
        ("zoeken 'leverancier' (veel treffers)", "/tickets/?q=leverancier"),
        ("zoeken zonder treffer", "/tickets/?q=xyzzyonbekend"),
        (f"ticketpagina IPO-{some_id}", f"/tickets/{some_id}"),
        ("golven", "/tickets/golven"),
        ("dashboard", "/dashboard/"),
    ]
    print(f"{'pagina':<50} {'p50 ms':>8} {'p95 ms':>8}", flush=True)
    for name, path in cases:
        p50, p95, _count = timed(client, path, runs)
        print(f"{name:<50} {p50:8.1f} {p95:8.1f}", flush=True)
    app.config["DASHBOARD_CACHE_SECONDS"] = 0  # the figures are cached for a minute; this is the cold cost
    p50, p95, _count = timed(client, "/dashboard/", max(runs // 4, 3))
    print(f"{'dashboard zonder cache':<50} {p50:8.1f} {p95:8.1f}", flush=True)
    p50, p95, _count = timed(client, "/dashboard/", max(runs // 4, 3), before=answer_one)
    print(f"{'dashboard zonder cache, na een antwoord':<50} {p50:8.1f} {p95:8.1f}", flush=True)


def answer_one() -> None:
    """The newest unanswered question gets its first reply: the rollups of today and of its arrival day and the
    median of its week are rebuilt by the next dashboard request (what a busy helpdesk's dashboard does)."""
    ticket = db.session.scalars(select(Ticket).where(Ticket.kind == "question", Ticket.first_response_at.is_(None))
                                .order_by(Ticket.created_at.desc()).limit(1)).one()
    ticket.first_response_at = utcnow()
    db.session.commit()


def postgres(admin_url: str, name: str) -> str | None:
    """Create a fresh benchmark database; None when PostgreSQL is not reachable."""
    try:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - report and carry on with SQLite only
        print(f"PostgreSQL niet bereikbaar ({exc.__class__.__name__}); alleen SQLite gemeten.")
        return None
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN)
    parser.add_argument("--pg-db", default=PG_DB, help="name of the scratch database (others may bench at once)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="inbox-bench-") as tmp:
        if not args.no_sqlite:
            run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args.tickets, args.runs, Path(tmp))
        if not args.no_postgres:
            url = postgres(args.pg_admin_url, args.pg_db)
            if url:
                try:
                    run("PostgreSQL", url, args.tickets, args.runs, Path(tmp) / "pg")
                finally:
                    drop_postgres(args.pg_admin_url, args.pg_db)


if __name__ == "__main__":
    main()
