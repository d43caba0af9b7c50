"""The knowledge base: categories, articles, Markdown rendering, Dutch analysis, search and triage (no Flask)."""

from knowledge.articles import ArticleSource, load_bundled_articles, parse_article
from knowledge.categories import CATEGORIES

__all__ = ["CATEGORIES", "ArticleSource", "load_bundled_articles", "parse_article"]
