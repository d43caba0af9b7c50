"""Commands that need the database say so clearly when `flask setup` has not run (or is due after an update)."""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import current_app

F = TypeVar("F", bound=Callable[..., Any])

SETUP_HINT = "voer eerst `flask --app app setup` uit"
VERSION_TABLE = "alembic_version"


def schema_problem() -> str | None:
    """A Dutch sentence when the database is missing its schema or lags behind the migrations; else None."""
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import SQLAlchemyError

    from .extensions import db  # here, not above: `flask --help` imports this module for the decorator only

    try:  # what Alembic's MigrationContext.get_current_heads() reads, without importing Alembic (~80 ms)
        with db.engine.connect() as connection:
            stamped = inspect(connection).has_table(VERSION_TABLE)
            rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars() if stamped else []
            current = set(rows)
    except SQLAlchemyError as exc:
        return f"De database is niet bereikbaar ({type(exc).__name__}: {str(exc).splitlines()[0]})."
    if not current:
        return f"De database is nog niet ingericht: {SETUP_HINT}."
    known, heads = revisions(current_app.extensions["migrate"].directory)
    unknown = sorted(current - known)
    if unknown:
        return (f"Het databaseschema ({', '.join(unknown)}) is nieuwer dan deze versie van de helpdesk kent: "
                "werk de helpdesk bij.")
    if current != heads:
        return f"Het databaseschema loopt achter op deze versie: {SETUP_HINT}."
    return None


def revisions(directory: str) -> tuple[frozenset[str], frozenset[str]]:
    """Every revision the bundled migrations know, and their head(s): read from the module-level `revision` and
    `down_revision` of each file in versions/ (parsed, not run), cached until a file there changes."""
    folder = Path(directory, "versions")
    files = sorted(folder.glob("*.py"))
    return _revisions(str(folder), tuple((f.name, f.stat().st_mtime_ns) for f in files))


@functools.lru_cache(maxsize=4)
def _revisions(folder: str, _stamp: tuple[tuple[str, int], ...]) -> tuple[frozenset[str], frozenset[str]]:
    known: set[str] = set()
    parents: set[str] = set()
    for name, _mtime in _stamp:
        names = _module_strings(Path(folder, name).read_text(encoding="utf-8"))
        known.update(names.get("revision", ()))
        parents.update(names.get("down_revision", ()))
    return frozenset(known), frozenset(known - parents)


def _module_strings(source: str) -> dict[str, tuple[str, ...]]:
    """Module-level `name = "x"`, `name: str = "x"`, `name = ("x", "y")` or `= None` assignments, as tuples.

    Alembic writes the identifiers above `upgrade()`: that part alone is parsed first (every command with a schema
    check reads all migrations; the whole files cost ~14 ms, their heads ~1 ms), the whole file only when the
    head does not parse or lacks one of the two."""
    head = source.split("\ndef ", 1)[0]
    try:
        found = _assigned_strings(ast.parse(head))
    except SyntaxError:
        found = {}
    return found if len(found) == 2 else _assigned_strings(ast.parse(source))


def _assigned_strings(tree: ast.Module) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            items = value.elts if isinstance(value, ast.Tuple | ast.List) else [value]
            found[target.id] = tuple(i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str))
    return found


def needs_schema(command: F) -> F:
    """Decorate a CLI command: stop with a clear message instead of an SQL traceback when setup is due."""

    @functools.wraps(command)
    def checked(*args: Any, **kwargs: Any) -> Any:
        problem = schema_problem()
        if problem:
            raise click.ClickException(problem)
        return command(*args, **kwargs)

    return checked  # type: ignore[return-value]
