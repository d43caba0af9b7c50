"""Top-level commands: setup and demo. Feature packages register their own commands here too."""

from __future__ import annotations

import click
from flask import Flask

from .schema_check import needs_schema


@click.command("setup")
def setup_command() -> None:
    """Create or upgrade the schema, load missing bundled articles and build the search index."""
    from flask_migrate import upgrade

    from .setup_ops import run_setup

    report = run_setup(upgrade_schema=upgrade)
    for line in report:
        click.echo(line)


def register_cli(app: Flask) -> None:
    """Attach all commands to the app; feature packages expose `register(app)` in their own cli.py."""
    app.cli.add_command(setup_command)
    app.cli.add_command(demo_command)
    from .admin import cli as admin_cli
    from .ingest import cli as ingest_cli
    from .jobs import cli as jobs_cli
    from .kb import cli as kb_cli
    from .outbox import cli as outbox_cli
    from .tickets import cli as tickets_cli
    from .triage import cli as triage_cli

    for module in (admin_cli, kb_cli, ingest_cli, triage_cli, tickets_cli, outbox_cli, jobs_cli):
        module.register(app)
    from .auth import cli as auth_cli
    from .blobs import cli as blobs_cli
    from .privacy import cli as privacy_cli

    auth_cli.register(app)
    blobs_cli.register(app)
    privacy_cli.register(app)


@click.command("demo")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Poort waarop de server straks luistert: eerst nagaan of die vrij is.")
@needs_schema
def demo_command(port: int | None) -> None:
    """Prepare a demo: one account per role (only in an empty database), demo mails, and print how to log in."""
    from .demo import PortTaken, check_port_free, prepare_demo

    if port is not None:
        try:
            check_port_free(port)
        except PortTaken as exc:
            raise SystemExit(str(exc)) from None  # one line and exit status 1, before "draait op …"
    for line in prepare_demo():
        click.echo(line)
