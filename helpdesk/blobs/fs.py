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
        for prefix, root in self.roots.items():
            if key.startswith(prefix):
                rest = key[len(prefix):]
                parts = Path(rest).parts
                if not rest or Path(rest).is_absolute() or ".." in parts:
                    return None
                return Path(root, rest)
        return None

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if path is None:
            raise ValueError(f"ongeldige bestandssleutel: {key!r}")
        name = str(path)
        if os.path.exists(name):
            return
        folder = os.path.dirname(name)
        tmp = os.path.join(folder, f".{path.name}.{os.getpid()}.tmp")
        if folder not in _made_dirs:
            os.makedirs(folder, exist_ok=True)
            _made_dirs.add(folder)
        try:
            Path(tmp).write_bytes(data)
        except FileNotFoundError:  # the folder was removed under us (a test, an admin): make it again
            os.makedirs(folder, exist_ok=True)
            Path(tmp).write_bytes(data)
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
