"""The `/faq` overview at any size: per category the first GROUP_SIZE questions and a link to all of them;
one category's list (`/faq?categorie=…`) in pages of PAGE_SIZE. The page weight stays bounded at any size."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..kb.related import published_articles, published_counts
from ..models import CATEGORY_LABELS, Article

GROUP_SIZE = 8  # questions per category on the overview
PAGE_SIZE = 40  # questions per page of one category


@dataclass
class Group:
    key: str
    articles: list[Article]
    count: int  # published articles in the category (the overview shows only the first few)


@dataclass
class Overview:
    groups: list[Group] = field(default_factory=list)
    category: str | None = None  # one category's list, paged
    page: int = 1
    pages: int = 1


def overview(category: str | None, page_arg: str) -> Overview:
    """The groups to show: every category briefly, or one category's `page_arg` page (out of range: the last)."""
    counts = published_counts()
    if category not in CATEGORY_LABELS:
        return Overview(groups=[Group(key, published_articles(Article.category == key, limit=GROUP_SIZE),
                                      counts.get(key, 0)) for key in CATEGORY_LABELS if counts.get(key)])
    count = counts.get(category, 0)
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(int(page_arg) if page_arg.isascii() and page_arg.isdigit() and len(page_arg) < 7 else 1, 1), pages)
    articles = published_articles(Article.category == category, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return Overview(groups=[Group(category, articles, count)], category=category, page=page, pages=pages)
