"""Commands of the knowledge base: `flask --app app reindex`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from knowledge.search import LockError

from ..schema_check import needs_schema
from .related import store_related_lists
from .search_service import db_fingerprint, docs_from_db, get_index


def _advance(bar: Any) -> Callable[[int], None]:
    """A progress callback (`n` done so far) that moves a click progress bar."""
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        bar.update(n - done)
        done = n

    return progress


@click.command("reindex")
@needs_schema
def reindex_command() -> None:
    """Rebuild the search index from the published articles in the database, then every related list."""
    docs = docs_from_db()
    with click.progressbar(length=len(docs), label="Zoekindex opbouwen") as bar:
        try:
            count = get_index().rebuild(docs, fingerprint=db_fingerprint(docs), progress=_advance(bar))
        except LockError as exc:
            raise click.ClickException(f"{exc} Probeer het over een minuut opnieuw.") from exc
    click.echo(f"Zoekindex opnieuw opgebouwd: {count} artikelen.")
    with click.progressbar(length=count, label="Verwante vragen berekenen") as bar:
        store_related_lists(every=True, progress=_advance(bar))
