"""Look for a piece of personal data anywhere: every column of every table the database has (including tables
this suite does not know by name, such as search tables), and every file in the data dir."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from helpdesk.extensions import db
from knowledge.classify import Classifier


def _as_text(value: object) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def tables_mentioning(needle: str) -> list[str]:
    """`table.column` for every stored value that contains `needle` (case-insensitive)."""
    needle = needle.lower()
    found = []
    engine = db.engine
    names = inspect(engine).get_table_names()
    if engine.dialect.name == "sqlite":  # virtual (FTS) tables and their shadow tables are tables too
        names = sorted(set(names) | set(db.session.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))))
    for table in names:
        if table == "alembic_version":
            continue
        result = db.session.execute(text(f'SELECT * FROM "{table}"'))
        columns = list(result.keys())
        for row in result:
            for column, value in zip(columns, row, strict=True):
                if value is not None and needle in _as_text(value).lower():
                    found.append(f"{table}.{column}")
    db.session.rollback()
    return sorted(set(found))


def files_mentioning(data_dir: Path, needle: str) -> list[str]:
    """Files under the data dir (raw mail, attachments, search index, …; not the SQLite file) holding `needle`.

    The classifier `flask setup` keeps there counts the words of the bundled training data ("machtiging" is one);
    it is skipped only while its bytes are exactly those of the model built from that data alone, so a file that
    took in anything from mail (an agent's correction) is still scanned."""
    raw = needle.lower().encode()
    bundled = Classifier.default().to_bytes()
    return [str(p) for p in data_dir.rglob("*") if p.is_file() and ".sqlite3" not in p.name
            and raw in (data := p.read_bytes()).lower() and data != bundled]
