"""Commands of the outbox: `flask --app app outbox run [--once]`."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from ..schema_check import needs_schema

outbox_cli = AppGroup("outbox", help="Uitgaande antwoorden (SMTP).")


@outbox_cli.command("run")
@click.option("--once", is_flag=True, help="Verstuur wat klaarstaat en stop.")
@click.option("--interval", type=float, default=None, help="Seconden tussen rondes (standaard: OUTBOX_INTERVAL).")
@needs_schema
def run_command(once: bool, interval: float | None) -> None:
    """Deliver waiting replies over SMTP, retrying failures with backoff."""
    from .sender import deliver_due

    interval = current_app.config["OUTBOX_INTERVAL"] if interval is None else interval

    while True:
        report = deliver_due(current_app.config)
        if once or report.sent or report.retrying or report.failed or report.skipped:
            click.echo(report.summary())
        if once:
            return
        time.sleep(interval)
