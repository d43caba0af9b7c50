"""The filesystem blob store: each key prefix in a folder of its own (the raw-mail and attachment dirs)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

_made_dirs: set[str] = set()  # folders this process already made: a mail costs no mkdir call


class FsBlobStore:
    """Files under folders by key prefix; writes are atomic (temporary file, then rename)."""

    def __init__(self, roots: dict[str, str]) -> None:
        self.roots = roots

    def _path(self, key: str) -> Path | None:
        """The file for a key, or None for a key outside every folder (`..`, an absolute path)."""
        name = self._name(key)
        return None if name is None else Path(name)

    def _name(self, key: str) -> str | None:
        """`_path` as a plain string (no pathlib: ingest writes two or three files a mail)."""
        for prefix, root in self.roots.items():
            if key.startswith(prefix):
                rest = key[len(prefix):]
                if not rest or rest.startswith("/") or ".." in rest.split("/"):
                    return None
                return os.path.join(root, rest)
        return None

    def put(self, key: str, data: bytes) -> None:
        name = self._name(key)
        if name is None:
            raise ValueError(f"ongeldige bestandssleutel: {key!r}")
        if os.path.exists(name):
            return
        folder, base = os.path.split(name)
        tmp = os.path.join(folder, f".{base}.{os.getpid()}.tmp")
        if folder not in _made_dirs:
            os.makedirs(folder, exist_ok=True)
            _made_dirs.add(folder)
        try:
            _write(tmp, data)
        except FileNotFoundError:  # the folder was removed under us (a test, an admin): make it again
            os.makedirs(folder, exist_ok=True)
            _write(tmp, data)
        os.replace(tmp, name)

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return path.read_bytes() if path is not None and path.is_file() else None

    def open(self, key: str) -> BinaryIO | None:
        path = self._path(key)
        return path.open("rb") if path is not None and path.is_file() else None

    def exists(self, key: str) -> bool:
        path = self._path(key)
        return path is not None and path.is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        if path is not None:
            path.unlink(missing_ok=True)

    def keys(self) -> list[str]:
        found = []
        for prefix, root in self.roots.items():
            for path in sorted(Path(root).rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    found.append(prefix + path.relative_to(root).as_posix())
        return sorted(found)


def _write(name: str, data: bytes) -> None:
    with open(name, "wb") as handle:
        handle.write(data)
