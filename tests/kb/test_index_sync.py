"""Two nodes on one database, each with its own data dir and index: what one publishes, archives or edits, and
triage feedback given on one, reaches the other within INDEX_SYNC_SECONDS, with no restart."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from helpdesk import create_app
from helpdesk.extensions import db
from helpdesk.index_sync import INDEX_SYNC_SECONDS
from helpdesk.kb.operations import archive_article, get_article, publish_article, save_draft
from helpdesk.kb.search_service import REBUILD_OVER, get_index
from helpdesk.models import TriageFeedback
from helpdesk.triage.service import get_triager
from tests.conftest import base_config
from tests.support.kb import hits


@pytest.fixture
def node_b(kb: Flask, tmp_path: Path) -> Iterator[Flask]:
    """A second node: the same database, its own data dir (so its own index), already serving."""
    other = create_app(base_config(tmp_path / "node-b", kb.config["SQLALCHEMY_DATABASE_URI"]))
    assert hits(other.test_client(), "leverancier") != []  # B built its own index before the changes
    yield other
    with other.app_context():
        get_index().close()
        db.session.remove()
        db.engine.dispose()


def _publish(slug: str, body: str) -> None:
    article = get_article(slug)
    save_draft(article, {"slug": slug, "title": "Een vraag over vogels", "category": "other", "body": body,
                         "keywords": "", "summary": "", "synonyms": ""}, None)
    publish_article(get_article(slug), None)
    db.session.commit()


def _on_b(node_b: Flask, query: str) -> tuple[list[str], float]:
    """What node B finds, polling until found or 2 s, and how long that took after the commit."""
    start = time.monotonic()
    client = node_b.test_client()
    while True:
        found = hits(client, query)
        if found or time.monotonic() - start > 2:
            return found, time.monotonic() - start
        time.sleep(0.05)


def test_publish_edit_archive_on_a_reach_b_within_two_seconds(kb, node_b):
    _publish("grutto-vraag", "Over de grutto in het weiland.\n")
    found, took = _on_b(node_b, "grutto")
    assert found == ["grutto-vraag"] and took <= 2 * INDEX_SYNC_SECONDS + 1
    _publish("grutto-vraag", "Over de scholekster in het weiland.\n")
    assert _on_b(node_b, "scholekster")[0] == ["grutto-vraag"]
    with node_b.app_context():
        assert [h.slug for h in get_index().search("grutto").hits] == []  # the old text left B's index itself
    archive_article(get_article("grutto-vraag"), None)
    db.session.commit()
    time.sleep(INDEX_SYNC_SECONDS)
    node_b.test_client().get("/faq")
    with node_b.app_context():
        assert [h.slug for h in get_index().search("scholekster").hits] == []


def test_a_node_far_behind_rebuilds_once(kb, node_b):
    with node_b.app_context():
        before = get_index().generation()
    for n in range(REBUILD_OVER + 2):
        save_draft(None, {"slug": f"zwaluw-{n}", "title": f"Zwaluw {n}", "category": "other",
                          "body": "Over de boerenzwaluw.\n", "keywords": "", "summary": "", "synonyms": ""}, None)
    db.session.flush()
    for n in range(REBUILD_OVER + 2):
        publish_article(get_article(f"zwaluw-{n}"), None)
    db.session.commit()
    found, _took = _on_b(node_b, "boerenzwaluw")
    assert len(found) == REBUILD_OVER + 2
    with node_b.app_context():
        assert get_index().generation() == before + 1  # one rebuild, not one write per article


def test_triage_feedback_on_a_rebuilds_the_triager_on_b(kb, node_b, make_ticket):
    with node_b.app_context():
        built = get_triager()
    ticket = make_ticket()
    db.session.add(TriageFeedback(ticket_id=ticket.id, kind="category", subject="Kosten", text="wat kost het",
                                  category="cost"))
    db.session.commit()
    time.sleep(INDEX_SYNC_SECONDS)
    node_b.test_client().get("/faq")
    with node_b.app_context():
        assert get_triager() is not built


def test_a_node_starting_with_a_stale_index_rebuilds_it(kb, tmp_path):
    get_index().rebuild([])  # this node's index lost everything while it was down
    other = create_app(base_config(Path(kb.config["DATA_DIR"]), kb.config["SQLALCHEMY_DATABASE_URI"]))
    assert hits(other.test_client(), "tokengenerator")[0] == "tokengenerator-vervangen"
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
