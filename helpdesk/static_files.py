"""Compressed responses and cacheable static files: Flask-Compress for HTML, JSON, CSS and JavaScript;
static URLs carry a version (a hash of the file), so browsers may keep them a year and still see changes."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask
from flask_compress import Compress


def init_static(app: Flask) -> None:
    """Compression (COMPRESS_* settings) and versioned static URLs (SEND_FILE_MAX_AGE_DEFAULT long)."""
    Compress(app)
    versions: dict[str, str] = {}
    folder = Path(app.static_folder or "")

    @app.url_defaults
    def static_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint != "static" or "filename" not in values or "v" in values:
            return
        name = values["filename"]
        version = versions.get(name)
        if version is None:
            try:
                version = hashlib.sha256((folder / name).read_bytes()).hexdigest()[:12]
            except OSError:
                return
            versions[name] = version
        values["v"] = version
