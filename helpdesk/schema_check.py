"""Commands that need the database say so clearly when `flask setup` has not run (or is due after an update)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click
from flask import current_app

from .extensions import db

F = TypeVar("F", bound=Callable[..., Any])

SETUP_HINT = "voer eerst `flask --app app setup` uit"


def schema_problem() -> str | None:
    """A Dutch sentence when the database is missing its schema or lags behind the migrations; else None."""
    from alembic.migration import MigrationContext
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as exc:
        return f"De database is niet bereikbaar ({type(exc).__name__}: {str(exc).splitlines()[0]})."
    if not current:
        return f"De database is nog niet ingericht: {SETUP_HINT}."
    known, heads = _revisions(current_app.extensions["migrate"].directory)
    unknown = sorted(current - known)
    if unknown:
        return (f"Het databaseschema ({', '.join(unknown)}) is nieuwer dan deze versie van de helpdesk kent: "
                "werk de helpdesk bij.")
    if current != heads:
        return f"Het databaseschema loopt achter op deze versie: {SETUP_HINT}."
    return None


@functools.lru_cache(maxsize=4)
def _revisions(directory: str) -> tuple[frozenset[str], frozenset[str]]:
    """Every revision the bundled migrations know, and their head(s)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(directory)
    return frozenset(s.revision for s in scripts.walk_revisions()), frozenset(scripts.get_heads())


def needs_schema(command: F) -> F:
    """Decorate a CLI command: stop with a clear message instead of an SQL traceback when setup is due."""

    @functools.wraps(command)
    def checked(*args: Any, **kwargs: Any) -> Any:
        problem = schema_problem()
        if problem:
            raise click.ClickException(problem)
        return command(*args, **kwargs)

    return checked  # type: ignore[return-value]
