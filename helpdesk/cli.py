"""Top-level commands: setup and demo. Feature packages register their own commands here too."""

from __future__ import annotations

import click
from flask import Flask

from .lazy_commands import LazyCommand
from .schema_check import needs_schema


@click.command("setup")
def setup_command() -> None:
    """Create or upgrade the schema, load missing bundled articles and build the search index."""
    from flask_migrate import upgrade

    from .setup_ops import run_setup

    report = run_setup(upgrade_schema=upgrade)
    for line in report:
        click.echo(line)


# name, where the command lives, its short help for `flask --help` (tests/core/test_startup.py checks that each
# equals the real command's, so the two cannot drift apart)
LAZY_COMMANDS = (
    ("db", "flask_migrate.cli:db", "Perform database migrations."),  # Flask-Migrate's own (extensions.py)
    ("users", "helpdesk.admin.cli:users_cli", "Staff accounts."),
    ("reindex", "helpdesk.kb.cli:reindex_command",
     "Rebuild the search index from the published articles in the database, then every related list."),
    ("ingest", "helpdesk.ingest.cli:ingest_command",
     "Fetch new mail from the configured IMAP mailbox into tickets (waits with IDLE unless --once)."),
    ("import-mail", "helpdesk.ingest.cli:import_mail_command",
     "Import .eml files, an mbox file or a Maildir through the same pipeline as ingest."),
    ("mail", "helpdesk.ingest.mail_cli:mail_cli", "Mailbox status and quarantine."),
    ("triage", "helpdesk.triage.cli:triage_command",
     "Read RFC 822 messages and print one JSON object a line: category, confidence, autoreply, suggestions."),
    ("tickets", "helpdesk.tickets.cli:tickets_cli", "Tickets."),
    ("outbox", "helpdesk.outbox.cli:outbox_cli", "Uitgaande antwoorden (SMTP)."),
    ("jobs", "helpdesk.jobs.cli:jobs_cli", "Periodieke taken."),
    ("blobs", "helpdesk.blobs.cli:blobs_cli", "Opgeslagen bestanden (originele mails, bijlagen)."),
    ("privacy", "helpdesk.privacy.cli:privacy_cli", "Access and erasure requests (AVG art. 15 and 17)."),
    ("retention", "helpdesk.privacy.cli:retention_cli", "Retention periods (AVG art. 5(1)(e))."),
)


def register_cli(app: Flask) -> None:
    """Attach all commands to the app. The feature packages' commands (in their own cli.py) are stand-ins until
    they run: `flask --help` and every other command then start without importing mail, search or privacy code."""
    app.cli.add_command(setup_command)
    app.cli.add_command(demo_command)
    for name, target, help_text in LAZY_COMMANDS:
        app.cli.add_command(LazyCommand(name, target, help_text))


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
