"""Bundled demo mails to Helpdesk IPO (written for this project), imported by `make run` into an empty database."""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent


def demo_mail_paths() -> list[Path]:
    """The demo .eml files, in a stable (arrival) order."""
    return sorted(DEMO_DIR.glob("*.eml"))
