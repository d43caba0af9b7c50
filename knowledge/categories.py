"""The one category list: every part of the product (classifier, articles, models, dashboard, templates, CSS)
reads its categories from here, so adding one is an entry below plus its training examples."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """A triage category: stored key, Dutch and English label, and the colour its charts and badges use."""

    key: str
    label_nl: str
    label_en: str
    colour: str


CATEGORY_LIST: tuple[Category, ...] = (
    Category("cost", "Kosten", "Costs", "#154273"),
    Category("supplier", "Leverancierskeuze", "Choosing a supplier", "#01689b"),
    Category("upgrade", "Upgrade naar niveau 3", "Upgrading to level 3", "#275937"),
    Category("deadline", "Termijnen en deadline", "Dates and deadline", "#94710a"),
    Category("other", "Overig", "Other", "#a90061"),
)
# The dashboard's series for tickets without a category.
NO_CATEGORY = Category("none", "Zonder categorie", "No category", "#696969")

CATEGORIES: tuple[str, ...] = tuple(c.key for c in CATEGORY_LIST)
CATEGORY_LABELS: dict[str, str] = {c.key: c.label_nl for c in CATEGORY_LIST}
BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORY_LIST}


def label(key: str | None, default: str = "Onbekend") -> str:
    """The Dutch label of a category key; `default` for none or an unknown key."""
    category = BY_KEY.get(key or "")
    return category.label_nl if category else default
