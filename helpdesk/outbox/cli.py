"""Commands of the outbox: `flask --app app outbox run [--once]`."""

from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..schema_check import needs_schema

outbox_cli = AppGroup("outbox", help="Uitgaande antwoorden (SMTP).")


@outbox_cli.command("run")
@click.option("--once", is_flag=True, help="Verstuur wat klaarstaat en stop.")
@click.option("--interval", default=10.0, show_default=True, help="Seconden tussen rondes.")
@needs_schema
def run_command(once: bool, interval: float) -> None:
    """Deliver waiting replies over SMTP, retrying failures with backoff."""
    from .sender import deliver_due

    while True:
        report = deliver_due(current_app.config)
        if once or report.sent or report.retrying or report.failed or report.skipped:
            click.echo(report.summary())
        if once:
            return
        time.sleep(interval)


def register(app: Flask) -> None:
    """Attach this package's commands to the app, and start the background sender when configured."""
    from . import init_app

    app.cli.add_command(outbox_cli)
    init_app(app)  # create_app calls every package's register(); the thread only runs with OUTBOX_THREAD
