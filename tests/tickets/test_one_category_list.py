"""Adding a category is one entry in knowledge/categories.py: every helpdesk page that lists categories shows it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import TriageFeedback
from knowledge import categories
from knowledge.categories import Category

PRIVACY = Category("privacy", "Privacy en gegevens", "Privacy and data", "#5a2d82")


@pytest.fixture
def sixth_category(monkeypatch: pytest.MonkeyPatch) -> Category:
    """A sixth category in the one list, as if it were written into knowledge/categories.py."""
    monkeypatch.setattr(categories, "CATEGORY_LIST", (*categories.CATEGORY_LIST, PRIVACY))
    monkeypatch.setattr(categories, "CATEGORIES", (*categories.CATEGORIES, PRIVACY.key))
    monkeypatch.setitem(categories.CATEGORY_LABELS, PRIVACY.key, PRIVACY.label_nl)
    monkeypatch.setitem(categories.BY_KEY, PRIVACY.key, PRIVACY)
    return PRIVACY


def test_dashboard_shows_every_category_with_its_colour(sixth_category, client, login, make_ticket):
    for category in categories.CATEGORY_LIST:
        make_ticket(category=category.key, category_confidence=0.9)
    login("agent")
    page = client.get("/dashboard/").get_data(as_text=True)
    legend = page.split('<ul class="chart-legend"')[1].split("</ul>")[0]
    week_table = page.split("Vragen per categorie per week</caption>")[1].split("</table>")[0]
    chart = page.split('id="grafiek-categorie-title"')[1].split("</svg>")[0]
    for category in categories.CATEGORY_LIST:
        assert f'fill="{category.colour}"/></svg></span>{category.label_nl}</li>' in legend, category.key
        assert f'<th scope="row">{category.label_nl}</th>' in week_table, category.key
        assert f'fill="{category.colour}"' in chart and f", {category.label_nl}: 1</title>" in chart, category.key


def test_queue_filter_and_category_form_offer_the_new_category(sixth_category, client, login, make_ticket):
    private = make_ticket(subject="Wie ziet onze gegevens?", category="cost", category_confidence=0.9)
    other = make_ticket(subject="Wat kost het?", category="cost", category_confidence=0.9)
    login("agent")
    page = client.get(f"/tickets/{private.id}").get_data(as_text=True)
    form = page.split('action="/tickets/' + str(private.id) + '/bijwerken"')[1].split("</form>")[0]
    assert f'<option value="privacy">{PRIVACY.label_nl}</option>' in form

    assert client.post(f"/tickets/{private.id}/bijwerken", data={"category": "privacy", "status": "new",
                                                                 "assignee": ""}).status_code == 302
    db.session.refresh(private)
    assert (private.category, private.category_label) == ("privacy", PRIVACY.label_nl)
    assert db.session.scalars(select(TriageFeedback.category)).all() == ["privacy"]
    assert "Categorie gewijzigd: Kosten → Privacy en gegevens" in client.get(f"/tickets/{private.id}").get_data(
        as_text=True)

    queue = client.get("/tickets/").get_data(as_text=True)
    select_box = queue.split('<select id="categorie"')[1].split("</select>")[0]
    assert re.search(rf'<option value="privacy"\s*>{PRIVACY.label_nl}</option>', select_box)
    filtered = client.get("/tickets/?categorie=privacy").get_data(as_text=True)
    assert private.number in filtered and other.number not in filtered
    assert 'value="privacy" selected' in filtered


def test_waves_name_the_new_category(sixth_category, client, login, make_ticket):
    for n in range(2):
        make_ticket(subject=f"Gegevens {n}", category="privacy", category_confidence=0.9,
                    top_article_slug="wie-heeft-toegang-nodig")
    login("agent")
    page = client.get("/tickets/golven").get_data(as_text=True)
    assert f'<td data-label="Categorie">{PRIVACY.label_nl}</td>' in page
    wave = client.get("/tickets/golven/privacy/wie-heeft-toegang-nodig")
    assert wave.status_code == 200 and f"vragen over {PRIVACY.label_nl}" in wave.get_data(as_text=True)
