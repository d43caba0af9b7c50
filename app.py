"""Entry point: `flask --app app …` and WSGI servers (`gunicorn 'app:create_app()'`)."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from helpdesk import create_app as _create_app
from helpdesk.config import ConfigError

__all__ = ["create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The app; a configuration error stops the command or server with its one-line message, not a traceback.

    The garbage collector is kept out of building it (`HelpdeskApp.building`). Under the `flask` command (which
    sets FLASK_RUN_FROM_CLI before it loads the app) the app is built lazily: `flask --help` takes only the first
    step, a command the database step with its app context, and the web step waits for a request, a URL or a
    template (helpdesk/__init__.py). A WSGI server gets the whole app at once, warmed up (compiled templates, the
    search index open with its classifier and word list), so no worker's first requests pay for building it.
    """
    cli = os.environ.get("FLASK_RUN_FROM_CLI") == "true"
    try:
        return _create_app(test_config, lazy=cli, freeze=True, warm=not cli)
    except ConfigError as exc:
        raise SystemExit(f"Error: {exc}") from None
