"""What every database engine of the app gets (the SQLite pragmas and savepoint rule, as listeners on SQLAlchemy's
`Engine` class), and an engine for a command that reads with Core statements only.

SQLAlchemy Core alone, no ORM and no Flask-SQLAlchemy: `flask triage` reads what it needs (helpdesk/triage/build.py)
through `core_engine` without importing the models or configuring their mappers (issue 18, start-up); the app's
own engine, which Flask-SQLAlchemy makes, gets the same listeners (`extensions.py` calls `listen`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from sqlalchemy import create_engine, event, pool
from sqlalchemy.engine import Engine, make_url


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # noqa: ANN001 - DBAPI objects
    """SQLite: WAL so the web app reads while ingest writes, a busy timeout instead of 'database is locked',
    enforced foreign keys, and NORMAL sync (safe with WAL: a crash loses no committed transaction's integrity)."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin_before_savepoint(conn, name) -> None:  # noqa: ANN001 - SQLAlchemy Connection, savepoint name
    """SQLite: a SAVEPOINT outside a transaction starts one that its RELEASE commits, so a wave that failed half-way
    kept the first replies. SQLAlchemy's pysqlite recipe ("Serializable isolation / Savepoints / Transactional
    DDL") emits BEGIN itself; we do so only here, before a first SAVEPOINT, and leave pysqlite's deferred BEGIN
    for everything else (an explicit BEGIN on every read would make writers fail on stale WAL snapshots)."""
    if conn.dialect.name != "sqlite":
        return
    dbapi_connection = conn.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")  # a savepoint is taken to write: take the write lock now


_LISTENERS = (("connect", _sqlite_pragmas), ("savepoint", _sqlite_begin_before_savepoint))


def listen() -> None:
    """Put the listeners on every engine (once, however often it is called)."""
    for name, listener in _LISTENERS:
        if not event.contains(Engine, name, listener):
            event.listen(Engine, name, listener)


def engine_options(config: Mapping[str, Any], instance_path: str) -> dict[str, Any]:
    """The arguments Flask-SQLAlchemy 3 makes the app's engine with (`init_app`, `_apply_driver_defaults`): the
    URL and `SQLALCHEMY_ENGINE_OPTIONS`, echo from `SQLALCHEMY_ECHO`, a relative SQLite path inside the instance
    folder, an in-memory SQLite database on one shared connection; MySQL with utf8mb4 and a pool recycle.
    tests/triage/test_triage_cli.py checks them against the engine Flask-SQLAlchemy makes."""
    options: dict[str, Any] = {**config["SQLALCHEMY_ENGINE_OPTIONS"], "url": config["SQLALCHEMY_DATABASE_URI"]}
    echo = config["SQLALCHEMY_ECHO"]
    options.setdefault("echo", echo)
    options.setdefault("echo_pool", echo)
    url = make_url(options["url"])
    if url.drivername in {"sqlite", "sqlite+pysqlite"}:
        if url.database is None or url.database in {"", ":memory:"}:
            options["poolclass"] = pool.StaticPool
            options["connect_args"] = {**options.get("connect_args", {}), "check_same_thread": False}
        else:
            is_uri = url.query.get("uri", False)
            database = url.database[5:] if is_uri else url.database
            if not os.path.isabs(database):
                os.makedirs(instance_path, exist_ok=True)
                database = os.path.join(instance_path, database)
                options["url"] = url.set(database=f"file:{database}" if is_uri else database)
    elif url.drivername.startswith("mysql"):
        if "pool_class" not in options or options["pool_class"] is pool.QueuePool:
            options.setdefault("pool_recycle", 7200)
        if "charset" not in url.query:
            options["url"] = url.update_query_dict({"charset": "utf8mb4"})
    return options


def core_engine(config: Mapping[str, Any], instance_path: str) -> Engine:
    """An engine on the app's database, made as Flask-SQLAlchemy makes the app's, with the app's listeners; the
    caller disposes of it."""
    listen()
    options = engine_options(config, instance_path)
    return create_engine(options.pop("url"), **options)
