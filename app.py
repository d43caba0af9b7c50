"""Entry point: `flask --app app …` and WSGI servers (`gunicorn 'app:create_app()'`)."""

from __future__ import annotations

import gc
from typing import Any

from flask import Flask

from helpdesk import create_app as _create_app
from helpdesk.config import ConfigError

__all__ = ["create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The app; a configuration error stops the command or server with its one-line message, not a traceback.

    What start-up builds (modules, the app, its routes) lives as long as the process, so the garbage collector
    is kept out of its way, as CPython's `gc.freeze()` documentation suggests for servers: no collection while
    it is built, and none later walks those ~90,000 objects again, so neither a command's start nor a web
    worker's first requests pay for one. Start-up leaves no cyclic garbage (`gc.collect()` after
    `helpdesk.create_app()` finds none), so nothing is kept that would have been freed; tests build their
    apps with `helpdesk.create_app` and are not affected.
    """
    collecting = gc.isenabled()
    gc.disable()  # nothing built here becomes garbage: collecting during start-up would only walk it again
    try:
        app = _create_app(test_config)
    except ConfigError as exc:
        raise SystemExit(f"Error: {exc}") from None
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    return app
