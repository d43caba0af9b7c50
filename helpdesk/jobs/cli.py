"""`flask --app app jobs run [--once]`: the periodic jobs, each claiming its rows so several nodes may run them."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import click
from flask import Flask
from flask.cli import AppGroup

from ..extensions import db
from ..models import utcnow
from ..privacy.daily import run_daily_retention
from ..schema_check import needs_schema
from ..tickets.pending import return_due_tickets

jobs_cli = AppGroup("jobs", help="Periodieke taken.")


def _returned() -> dict[str, object]:
    return {"returned": return_due_tickets(utcnow())}


# name -> job; each job returns JSON-able figures and commits nothing itself, except retention, which commits
# ticket by ticket (an interrupted run keeps what it did) and runs at most once a day on the whole cluster
JOBS: dict[str, Callable[[], dict[str, object]]] = {"pending_tickets": _returned, "retention": run_daily_retention}


def run_jobs() -> dict[str, dict[str, object]]:
    """Run every job once, each in its own transaction (one failing job does not stop the others)."""
    results: dict[str, dict[str, object]] = {}
    for name, job in JOBS.items():
        try:
            results[name] = job()
            db.session.commit()
        except Exception as exc:  # reported; the next round tries again
            db.session.rollback()
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return results


@jobs_cli.command("run")
@click.option("--once", is_flag=True, help="Eén ronde en stoppen.")
@click.option("--interval", default=60, show_default=True, help="Seconden tussen de rondes.")
@needs_schema
def run_command(once: bool, interval: int) -> None:
    """Run the periodic jobs: pending tickets returning on their date, the daily retention run (and more)."""
    while True:
        click.echo(json.dumps(run_jobs(), ensure_ascii=False))
        if once:
            return
        time.sleep(max(interval, 1))


def register(app: Flask) -> None:
    app.cli.add_command(jobs_cli)
