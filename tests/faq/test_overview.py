"""The /faq overview stays bounded at any size: a few questions per category, the rest one click away, paged."""

from __future__ import annotations

import re

from helpdesk.extensions import db
from helpdesk.faq.overview import GROUP_SIZE, PAGE_SIZE
from helpdesk.kb.operations import publish_article, save_draft
from helpdesk.models import Article


def _publish_many(n: int) -> None:
    for i in range(n):
        slug = f"kosten-vraag-{i:03d}"
        save_draft(None, {"slug": slug, "title": f"Kostenvraag {i:03d}", "category": "cost",
                          "keywords": "kosten", "body": f"Antwoord op kostenvraag {i}.\n"}, None)
        publish_article(db.session.scalar(db.select(Article).filter_by(slug=slug)), None)
    db.session.commit()


def test_overview_shows_a_fixed_number_a_category_and_pages_the_rest(kb, client):
    _publish_many(PAGE_SIZE + 5)
    page = client.get("/faq").get_data(as_text=True)
    costs = page.split(">Kosten</h2>", 1)[1].split("</section>", 1)[0]
    assert costs.count("<li>") == GROUP_SIZE
    more = re.search(r'href="(/faq\?categorie=cost)">Alle (\d+) vragen', costs)
    assert more and int(more.group(2)) >= PAGE_SIZE + 5
    first = client.get(more.group(1)).get_data(as_text=True)
    assert first.count('<li><a href="/faq/') == PAGE_SIZE and "Pagina 1 van 2" in first
    second = client.get("/faq?categorie=cost&pagina=2").get_data(as_text=True)
    link = r'<li><a href="/faq/([^"]+)"'
    listed = set(re.findall(link, first)) | set(re.findall(link, second))
    assert len(listed) == int(more.group(2))  # every question reachable, none twice
    assert 'rel="prev"' in second and "Pagina 2 van 2" in second
    assert client.get("/faq?categorie=cost&pagina=999999999999").status_code == 200  # hostile: the last page


def test_pages_are_compressed_and_static_files_versioned_and_cached(kb, client):
    response = client.get("/faq", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in response.headers["Vary"]
    page = client.get("/faq").get_data(as_text=True)
    css = re.search(r'href="(/static/css/faq\.css\?v=[0-9a-f]{12})"', page).group(1)
    with client.get(css) as static:
        assert static.status_code == 200 and "max-age=31536000" in static.headers["Cache-Control"]
    api = client.get("/api/faq/search?q=kosten&typed=1", headers={"Accept-Encoding": "br"})
    assert api.headers["Content-Encoding"] == "br"
