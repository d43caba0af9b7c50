"""Entry point: `flask --app app …` and WSGI servers (`gunicorn 'app:create_app()'`)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from helpdesk import create_app as _create_app
from helpdesk.config import ConfigError

__all__ = ["create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The app; a configuration error stops the command or server with its one-line message, not a traceback."""
    try:
        return _create_app(test_config)
    except ConfigError as exc:
        raise SystemExit(f"Error: {exc}") from None
