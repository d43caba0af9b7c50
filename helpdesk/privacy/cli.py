"""`flask privacy export EMAIL --out FILE.zip`: an access request answered from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from ..extensions import db
from ..schema_check import needs_schema
from .erase import erase_person
from .operations import write_export

privacy_cli = AppGroup("privacy", help="Access and erasure requests (AVG art. 15 and 17).")


@privacy_cli.command("export")
@click.argument("email")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="The ZIP file to write.")
@needs_schema
def export_command(email: str, out: Path) -> None:
    """Everything stored about EMAIL: JSON plus the original mails and attachments, as one ZIP."""
    if "@" not in email or len(email) > 254:
        raise click.ClickException("Geef een e-mailadres op.")
    counts = write_export(email, out)
    db.session.commit()  # the audit event
    click.echo(json.dumps({"address": email.strip().lower(), "out": str(out), **counts}))


@privacy_cli.command("erase")
@click.argument("email")
@click.option("--reason", required=True, help="Why (the request, its date); kept in the audit log.")
@needs_schema
def erase_command(email: str, reason: str) -> None:
    """Anonymise everything about EMAIL, as retention does; audited with the reason."""
    if "@" not in email or len(email) > 254:
        raise click.ClickException("Geef een e-mailadres op.")
    try:
        counts = erase_person(email, reason)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(json.dumps({"address": email.strip().lower(), "erased": True, **counts}))


def register(app: Flask) -> None:
    app.cli.add_command(privacy_cli)
