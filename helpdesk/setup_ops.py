"""`flask setup`: schema, bundled articles, search index. Idempotent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import current_app

from .extensions import db


def run_setup(upgrade_schema: Callable[[], None]) -> list[str]:
    """Bring an installation up to date; returns lines for the operator."""
    report: list[str] = []
    for key in ("DATA_DIR", "INDEX_DIR", "ATTACHMENT_DIR", "RAW_MAIL_DIR"):
        Path(current_app.config[key]).mkdir(parents=True, exist_ok=True)
    upgrade_schema()
    report.append("Database: schema is bijgewerkt.")
    report.extend(dashboard_step())
    report.extend(load_articles_step())
    # Before the related lists: their searches read the classifier, and the first build of it in a process is the
    # one kept, so built there first it was never written to the data dir and every new process trained it again.
    report.extend(classifier_step())
    report.extend(ensure_index_step())  # after the articles: the index is built from them
    report.extend(related_step())  # after the index: the lists are searched in it
    return report


def dashboard_step() -> list[str]:
    """Build the dashboard's rollups for what changed (after an upgrade: every day), so no page waits for it."""
    from .dashboard.rollup import refresh_rollups

    done = refresh_rollups()
    db.session.commit()
    return [f"Dashboard: {done['days']} dagen en {done['weeks']} weken bijgewerkt."]


def load_articles_step() -> list[str]:
    """Insert the bundled articles that the database lacks; edited articles stay as they are."""
    from .kb.operations import load_bundled_articles

    added = load_bundled_articles()
    db.session.commit()
    if not added:
        return ["Kennisbank: alle meegeleverde artikelen staan al in de database."]
    return [f"Kennisbank: {len(added)} meegeleverde artikelen gepubliceerd ({', '.join(added)})."]


def ensure_index_step() -> list[str]:
    """Build the search index when it is missing or no longer matches the database."""
    from .kb.search_service import ensure_index, get_index

    rebuilt = ensure_index()
    count = get_index().doc_count()
    return [f"Zoekindex: {'opnieuw opgebouwd' if rebuilt else 'is actueel'} ({count} artikelen)."]


def related_step() -> list[str]:
    """The "related questions" of every published revision that has none yet, so no first view searches."""
    from .kb.related import store_related_lists

    done = store_related_lists()
    return [f"Kennisbank: verwante vragen berekend voor {done} artikelen."] if done else []


def classifier_step() -> list[str]:
    """Build the triage classifier once and keep it in the data dir, so every process starts fast."""
    from knowledge.classify import Classifier

    from .triage.service import classifier_cache_dir

    model = Classifier.default(cache_dir=classifier_cache_dir())
    return [f"Triage: classificatiemodel klaar ({len(model.categories)} categorieën)."]
