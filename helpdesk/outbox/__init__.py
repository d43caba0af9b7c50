"""Outgoing mail: the database outbox and the SMTP sender."""

from __future__ import annotations

import logging
import os
import threading

from flask import Flask

log = logging.getLogger(__name__)


def _loop(app: Flask, stop: threading.Event, interval: float) -> None:
    from ..extensions import db
    from .sender import deliver_due

    while not stop.is_set():
        with app.app_context():
            try:
                deliver_due(app.config)
            except Exception:  # noqa: BLE001 - the thread must survive a bad round (database restart etc.)
                log.exception("Outbox-ronde mislukt")
                db.session.rollback()
            finally:
                db.session.remove()
        stop.wait(interval)


def init_app(app: Flask) -> threading.Event | None:
    """Start the background sender when OUTBOX_THREAD is set (`make run`); returns its stop event."""
    if not app.config.get("OUTBOX_THREAD"):
        return None
    # Under the debug reloader only the serving child process should send.
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return None
    stop = threading.Event()
    interval = float(app.config["OUTBOX_INTERVAL"])
    thread = threading.Thread(target=_loop, args=(app, stop, interval), name="outbox-sender", daemon=True)
    thread.start()
    app.extensions["outbox_thread"] = (thread, stop)
    return stop
