"""Article files: header parsing, validation and the bundled set."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from knowledge import CATEGORIES, load_bundled_articles, parse_article
from knowledge.articles import serialize_article
from knowledge.render import render_markdown

REQUIRED_SLUGS = {
    "waarom-eherkenning-niveau-3",
    "wat-kost-eherkenning",
    "leverancier-kiezen",
    "upgrade-naar-niveau-3",
    "al-eherkenning-voor-uwv-of-belastingdienst",
    "nog-geen-eherkenning",
    "wanneer-verplicht",
    "tokengenerator-vervangen",
    "wie-heeft-toegang-nodig",
    "inloggen-met-eherkenning-niveau-3",
    "contact-en-meer-informatie",
}

GOOD = """---
slug: wat-kost-eherkenning
title: Wat kost eHerkenning niveau 3?
category: cost            # one of cost, supplier, upgrade, deadline, other
keywords: kosten, prijs, tarief
synonyms: eh3 = eherkenning niveau 3; loa3 = niveau 3
summary: Een zin.
review: 2027-06-01
---
## Kop

Tekst.
"""


def test_parse_good_article() -> None:
    a = parse_article(GOOD)
    assert (a.slug, a.category, a.title) == ("wat-kost-eherkenning", "cost", "Wat kost eHerkenning niveau 3?")
    assert a.keywords == ["kosten", "prijs", "tarief"]
    assert a.synonyms == [("eh3", "eherkenning niveau 3"), ("loa3", "niveau 3")]
    assert a.review_date == date(2027, 6, 1)
    assert a.body.startswith("## Kop")


def test_roundtrip() -> None:
    a = parse_article(GOOD)
    assert parse_article(serialize_article(a)) == a


def test_windows_line_endings_and_bom() -> None:
    assert parse_article("\ufeff" + GOOD.replace("\n", "\r\n")).slug == "wat-kost-eherkenning"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("geen kop", "eerste regel"),
        ("---\nslug: a\n", "niet afgesloten"),
        ("---\ntitle: T\ncategory: cost\n---\n", "slug"),
        ("---\nslug: a\ncategory: cost\n---\n", "title"),
        ("---\nslug: Niet Goed\ntitle: T\ncategory: cost\n---\n", "slug"),
        ("---\nslug: a\ntitle: T\ncategory: prijzen\n---\n", "categorie"),
        ("---\nslug: a\ntitle: T\ncategory: cost\nreview: volgend jaar\n---\n", "reviewdatum"),
        ("---\nslug: a\ntitle: T\ncategory: cost\ndit is geen kop\n---\n", "Regel 5"),
        ("---\nslug: a\nslug: b\ntitle: T\ncategory: cost\n---\n", "twee keer"),
        ("---\nslug: a\ntitle: T\ncategory: cost\nsynonyms: alleen\n---\n", "synoniem"),
    ],
)
def test_bad_header_gives_clear_error(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_article(text)


def test_bundled_articles_are_complete_and_valid() -> None:
    articles = load_bundled_articles()
    slugs = {a.slug for a in articles}
    assert REQUIRED_SLUGS <= slugs
    assert "english-summary" in slugs
    for a in articles:
        assert a.category in CATEGORIES
        assert a.title and a.summary and a.keywords and a.review_date
        assert len(a.body) > 200


def test_bundled_articles_invent_no_prices_or_phone_numbers() -> None:
    for a in load_bundled_articles():
        assert not re.search(r"€|\beuro\b|\d+,\d\d", a.body, re.I), a.slug
        assert not re.search(r"\b0\d{2,3}[- ]?\d{6,7}\b|\b0800\b", a.body), a.slug


def test_bundled_internal_links_point_to_articles() -> None:
    slugs = {a.slug for a in load_bundled_articles()}
    for a in load_bundled_articles():
        for target in re.findall(r'href="/faq/([^"#]+)"', render_markdown(a.body)):
            assert target in slugs, f"{a.slug} links to unknown {target}"


def test_file_name_matches_slug() -> None:
    folder = Path(__file__).resolve().parents[2] / "knowledge" / "articles"
    assert {p.stem for p in folder.glob("*.md")} == {a.slug for a in load_bundled_articles()}
