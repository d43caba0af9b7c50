"""`make run` demo data: accounts for each role and the bundled demo mails, only into an empty database."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from .admin.operations import create_user
from .extensions import db
from .models import User

DEMO_ACCOUNTS = (("admin", "beheer@demo.ipo"), ("agent", "medewerker@demo.ipo"), ("editor", "redactie@demo.ipo"))



def import_demo_mails() -> list[str]:
    """Bring the bundled demo mails in through the real ingest pipeline, only into an empty helpdesk."""
    from mail_ingest.demo import demo_mail_paths

    from .ingest.operations import ingest_raw
    from .models import Ticket

    if db.session.scalar(select(func.count(Ticket.id))):
        return ["Demo-mails: overgeslagen, er zijn al tickets."]
    outcomes = [ingest_raw(path.read_bytes(), source=f"demo:{path.name}") for path in demo_mail_paths()]
    created = sum(o.status == "created" for o in outcomes)
    return [f"Demo-mails: {len(outcomes)} ingelezen, {created} nieuwe tickets."]


def prepare_demo() -> list[str]:
    """Create demo accounts once (password kept in the data dir, never in the repo) and run demo steps."""
    lines: list[str] = []
    secret_file = Path(current_app.config["DATA_DIR"]) / "demo-login.txt"
    if db.session.scalar(select(func.count(User.id))) == 0:
        password = secrets.token_urlsafe(12)
        for role, email in DEMO_ACCOUNTS:
            create_user(email, password, role, name=f"Demo {role}")
        db.session.commit()
        secret_file.write_text(password)
        secret_file.chmod(0o600)
    lines.extend(import_demo_mails())
    lines.append("")
    lines.append("Helpdesk IPO draait op http://127.0.0.1:5000")
    if secret_file.exists():
        password = secret_file.read_text().strip()
        for role, email in DEMO_ACCOUNTS:
            lines.append(f"  {role:<6} {email}  wachtwoord: {password}")
    return lines
