"""The database extensions, created unbound and bound in `create_app` (its database step); the ones only requests
use are in `web_extensions.py`, so a command does not import them."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .engine import listen as listen_engine_events

# Stable constraint names, so migrations work the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class LazyMigrate:
    """Flask-Migrate, imported (with Alembic, ~80 ms) only by what migrates: `flask setup`, `flask db …`, tests.

    `init_app` puts a stand-in at `app.extensions["migrate"]` that knows the directory at once (the schema check
    needs no more) and builds Flask-Migrate's own config on the first other attribute Flask-Migrate or
    `migrations/env.py` reads; the `db` command group is a stand-in too (`cli.py`), loaded when it is run or asked
    for help."""

    def init_app(self, app: Flask, db: SQLAlchemy, directory: str, **kwargs: Any) -> None:
        app.extensions["migrate"] = _MigrateConfig(db, directory, kwargs)


class _MigrateConfig:
    """Stands in for flask_migrate's `_MigrateConfig` until something needs more than `directory`."""

    def __init__(self, db: SQLAlchemy, directory: str, kwargs: dict[str, Any]) -> None:
        self.db, self.directory, self._kwargs = db, str(directory), kwargs
        self._real: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_real":
            raise AttributeError(name)
        if self._real is None:
            import flask_migrate

            migrate = flask_migrate.Migrate(db=self.db, directory=self.directory, **self._kwargs)
            self._real = flask_migrate._MigrateConfig(migrate, self.db, **migrate.alembic_ctx_kwargs)
        return getattr(self._real, name)


def _take_database_step() -> None:
    """An app that `create_app` built lazily binds the database now, before its first session or engine."""
    from . import DATABASE

    finish_setup = getattr(current_app, "finish_setup", None)
    if finish_setup is not None:
        finish_setup(DATABASE)


class _Session(Session):
    """Flask-SQLAlchemy's session (its documented `class_` option): made only once the app is bound, so the
    listeners that keep the search index and triage in step are there before the first change is flushed."""

    def __init__(self, db: SQLAlchemy, **kwargs: Any) -> None:
        _take_database_step()
        super().__init__(db, **kwargs)


class _SQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy; `db.engine` and every session's bind look the app's engines up here first."""

    @property
    def engines(self) -> Any:
        _take_database_step()
        return super().engines


db = _SQLAlchemy(model_class=Base, session_options={"class_": _Session})
migrate = LazyMigrate()


# the SQLite pragmas and savepoint rule, on this engine as on any other the app makes (helpdesk/engine.py)
listen_engine_events()
