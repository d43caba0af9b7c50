"""`make run` demo data: accounts for each role and the bundled demo mails, only into an empty database."""

from __future__ import annotations

import errno
import secrets
import socket
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from .admin.operations import create_user
from .extensions import db
from .models import User

DEMO_ACCOUNTS = (("admin", "beheer@demo.ipo"), ("agent", "medewerker@demo.ipo"), ("editor", "redactie@demo.ipo"))
PASSWORD_LABEL = "wachtwoord: "


class PortTaken(RuntimeError):
    """The port `make run` wants to serve on is used by another program."""


def check_port_free(port: int, host: str = "127.0.0.1") -> None:
    """Raise PortTaken (a Dutch one-line message) when the server could not listen on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the dev server does: TIME_WAIT is no user
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            other = port + 1 if port < 65535 else 5001
            raise PortTaken(f"Poort {port} is al in gebruik door een ander programma: stop dat programma of kies een "
                            f"andere poort, bijvoorbeeld `make run PORT={other}`.") from None


def import_demo_mails() -> list[str]:
    """Bring the bundled demo mails in through the real ingest pipeline, only into an empty helpdesk."""
    from mail_ingest.demo import demo_mail_paths

    from .ingest.operations import ingest_raw
    from .models import Ticket

    if db.session.scalar(select(func.count(Ticket.id))):
        return ["Demo-mails: overgeslagen, er zijn al tickets."]
    config, before = current_app.config, current_app.config.get("ACKNOWLEDGE")
    config["ACKNOWLEDGE"] = True  # the demo shows acknowledgements (they wait in the outbox without SMTP)
    try:
        outcomes = [ingest_raw(path.read_bytes(), source=f"demo:{path.name}") for path in demo_mail_paths()]
    finally:
        config["ACKNOWLEDGE"] = before
    created = sum(o.status == "created" for o in outcomes)
    return [f"Demo-mails: {len(outcomes)} ingelezen, {created} nieuwe tickets."]


def _login_lines(password: str) -> list[str]:
    return [f"  {role:<6} {email}  {PASSWORD_LABEL}{password}" for role, email in DEMO_ACCOUNTS]


def _read_password(secret_file: Path) -> str:
    """The password from demo-login.txt (also from the older file that held only the password)."""
    text = secret_file.read_text()
    return next((line.split(PASSWORD_LABEL, 1)[1].strip() for line in text.splitlines() if PASSWORD_LABEL in line),
                text.strip())


def prepare_demo() -> list[str]:
    """Create demo accounts once (addresses and password kept in the data dir, never in the repo), import the demo
    mails and say where to log in."""
    lines: list[str] = []
    secret_file = Path(current_app.config["DATA_DIR"]) / "demo-login.txt"
    if db.session.scalar(select(func.count(User.id))) == 0:
        password = secrets.token_urlsafe(12)
        for role, email in DEMO_ACCOUNTS:
            create_user(email, password, role, name=f"Demo {role}")
        db.session.commit()
        secret_file.write_text("Demo-accounts van de helpdesk IPO (rol, e-mailadres, wachtwoord):\n"
                               + "\n".join(_login_lines(password)) + "\n")
        secret_file.chmod(0o600)
    lines.extend(import_demo_mails())
    lines.append("")
    lines.append(f"Helpdesk IPO draait op {current_app.config['PUBLIC_URL']}")
    if secret_file.exists():
        lines.extend(_login_lines(_read_password(secret_file)))
    return lines
