"""The data dir holds personal data (mail, attachments, the SQLite file): only our own user may read it."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

DIR_MODE = 0o700
FILE_MODE = 0o600


def prepare_data_dir(data_dir: str, database_uri: str) -> None:
    """Create the data dir 0700 and the SQLite file 0600 (its -wal/-shm files take the file's mode)."""
    path = Path(data_dir)
    if not path.exists():
        path.mkdir(parents=True, mode=DIR_MODE)
        os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask; this is exact
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    database = Path(url.database)
    if not database.exists():
        database.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        try:
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        except FileExistsError:  # another worker created it a moment ago
            pass
