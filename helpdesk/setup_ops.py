"""`flask setup`: schema, bundled articles, search index. Idempotent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import current_app


def run_setup(upgrade_schema: Callable[[], None]) -> list[str]:
    """Bring an installation up to date; returns lines for the operator."""
    report: list[str] = []
    for key in ("DATA_DIR", "INDEX_DIR", "ATTACHMENT_DIR", "RAW_MAIL_DIR"):
        Path(current_app.config[key]).mkdir(parents=True, exist_ok=True)
    upgrade_schema()
    report.append("Database: schema is bijgewerkt.")
    for step in SETUP_STEPS:
        report.extend(step())
    return report


# Later rooms (articles, index) append their idempotent steps here.
SETUP_STEPS: list[Callable[[], list[str]]] = []
