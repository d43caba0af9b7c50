"""`flask --app app blobs migrate --to db|fs [--keep]`: move stored files between the blob stores."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from ..schema_check import needs_schema
from . import STORES, store_named

blobs_cli = AppGroup("blobs", help="Opgeslagen bestanden (originele mails, bijlagen).")


@blobs_cli.command("migrate")
@click.option("--to", "target_name", type=click.Choice(STORES), required=True, help="De opslag waar alles heen gaat.")
@click.option("--keep", is_flag=True, help="Laat de bestanden ook in de oude opslag staan.")
@needs_schema
def migrate_command(target_name: str, keep: bool) -> None:
    """Copy every file from the other store to `--to` (and remove it there unless --keep); safe to run again.
    Set HELPDESK_BLOB_STORE to the new store before or right after."""
    source = store_named(next(name for name in STORES if name != target_name))
    target = store_named(target_name)
    keys = source.keys()
    copied = 0
    with click.progressbar(keys, label=f"Bestanden naar {target_name}", show_pos=True) as bar:
        for key in bar:
            data = source.get(key)
            if data is not None and not target.exists(key):
                target.put(key, data)
                copied += 1
            db.session.commit()  # the copy stands before the original goes
            if not keep:
                source.delete(key)
                db.session.commit()
    click.echo(f"{copied} bestanden gekopieerd naar {target_name}, {len(keys) - copied} stonden er al"
               + ("" if keep else f"; {len(keys)} verwijderd uit de oude opslag") + ".")
