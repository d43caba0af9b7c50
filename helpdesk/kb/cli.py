"""Commands of the knowledge base: `flask --app app reindex`."""

from __future__ import annotations

import click

from knowledge.search import LockError

from ..schema_check import needs_schema
from .search_service import db_fingerprint, docs_from_db, get_index


@click.command("reindex")
@needs_schema
def reindex_command() -> None:
    """Rebuild the search index from the published articles in the database."""
    docs = docs_from_db()
    with click.progressbar(length=len(docs), label="Zoekindex opbouwen") as bar:
        done = 0

        def progress(n: int) -> None:
            nonlocal done
            bar.update(n - done)
            done = n

        try:
            count = get_index().rebuild(docs, fingerprint=db_fingerprint(docs), progress=progress)
        except LockError as exc:
            raise click.ClickException(f"{exc} Probeer het over een minuut opnieuw.") from exc
    click.echo(f"Zoekindex opnieuw opgebouwd: {count} artikelen.")
