"""`flask privacy export EMAIL --out FILE.zip`: an access request answered from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from ..extensions import db
from ..schema_check import needs_schema
from .operations import write_export

privacy_cli = AppGroup("privacy", help="Access requests (AVG art. 15).")


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


def register(app: Flask) -> None:
    app.cli.add_command(privacy_cli)
