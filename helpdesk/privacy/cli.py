"""`flask privacy export EMAIL --out FILE.zip`: an access request answered from the command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from ..extensions import db
from ..models import utcnow
from ..schema_check import needs_schema
from .erase import erase_person
from .operations import write_export
from .retention import run_retention

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


retention_cli = AppGroup("retention", help="Retention periods (AVG art. 5(1)(e)).")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Only report what would go.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Apply the periods as if today were this date (YYYY-MM-DD).")
@needs_schema
def retention_run_command(dry_run: bool, as_of: datetime | None) -> None:
    """Anonymise closed tickets, remove old mail files, search logs and audit events; prints JSON counts."""

    def progress(items: Iterable[int], label: str) -> Iterator[int]:
        items = list(items)
        with click.progressbar(items, label=label, file=sys.stderr) as bar:
            yield from bar

    moment = as_of or utcnow()
    counts = run_retention(moment, dry_run=dry_run, progress=progress)
    click.echo(json.dumps({"as_of": moment.date().isoformat(), "dry_run": dry_run, **counts}))
