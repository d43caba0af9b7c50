"""Fixtures for the knowledge base inside the app: a database with the bundled articles and a built index."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk import create_app
from helpdesk.extensions import db
from helpdesk.kb.operations import get_article, load_bundled_articles, publish_article, save_draft
from helpdesk.kb.search_service import db_fingerprint, ensure_index, get_index
from helpdesk.models import Article, User
from tests.conftest import base_config

CONTRACT_SLUGS = [
    "waarom-eherkenning-niveau-3", "wat-kost-eherkenning", "leverancier-kiezen", "upgrade-naar-niveau-3",
    "al-eherkenning-voor-uwv-of-belastingdienst", "nog-geen-eherkenning", "wanneer-verplicht",
    "tokengenerator-vervangen", "wie-heeft-toegang-nodig", "inloggen-met-eherkenning-niveau-3",
    "contact-en-meer-informatie",
]


@pytest.fixture(scope="session")
def index_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built indexes by content fingerprint, so each test need not analyse the same articles again."""
    return tmp_path_factory.mktemp("kb-index-cache")


@pytest.fixture
def kb(app: Flask, index_cache: Path) -> Iterator[Flask]:
    """The app after the knowledge-base part of `flask setup`: bundled articles published and indexed."""
    load_bundled_articles()
    cached = index_cache / db_fingerprint()  # of the flushed, not yet committed articles
    if cached.is_dir():
        shutil.copytree(cached, app.config["INDEX_DIR"], dirs_exist_ok=True)
        assert get_index().fingerprint() == cached.name  # a copied index must count as up to date
    db.session.commit()  # the session hook builds the index unless the copy is already up to date
    assert ensure_index() is False
    if not cached.is_dir():
        shutil.copytree(app.config["INDEX_DIR"], cached)
    yield app
    get_index().close()


@pytest.fixture
def node_b(kb: Flask, tmp_path: Path) -> Iterator[Flask]:
    """A second node on the same database, with its own data dir, index and cached triager."""
    other = create_app(base_config(tmp_path / "node-b", kb.config["SQLALCHEMY_DATABASE_URI"]))
    yield other
    with other.app_context():
        get_index().close()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def editor(kb: Flask, login: Callable[[str], User]) -> User:
    """Signed in as an editor on the prepared knowledge base."""
    return login("editor")


@pytest.fixture
def article_form() -> Callable[..., dict[str, Any]]:
    """The editor form's fields for an article, with overrides."""

    def make(**overrides: Any) -> dict[str, Any]:
        data = {"title": "Betalen met een creditcard", "category": "cost", "keywords": "creditcard, betalen",
                "synonyms": "", "summary": "Kort antwoord.", "review_date": "2027-01-01",
                "body": "## Betalen\n\nU kunt betalen met een **creditcard** bij de leverancier.\n",
                "note": "eerste versie", "save": "Opslaan als concept"}
        data.update(overrides)
        return data

    return make


@pytest.fixture
def publish_new(kb: Flask) -> Callable[..., Article]:
    """Publish a new editor article directly through the operations and commit, as the editor views do."""

    def make(slug: str, title: str, body: str, category: str = "other", **fields: Any) -> Article:
        save_draft(None, {"slug": slug, "title": title, "body": body, "category": category, **fields}, None)
        article = get_article(slug)
        publish_article(article, None)
        db.session.commit()  # the session hook puts it in the search index
        return article

    return make


def hits(client: FlaskClient, query: str, limit: int = 10) -> list[str]:
    """Slugs returned by the public JSON API, best first."""
    response = client.get("/api/faq/search", query_string={"q": query, "limit": limit})
    assert response.status_code == 200
    return [r["slug"] for r in response.get_json()["results"]]
