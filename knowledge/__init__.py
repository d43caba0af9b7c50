"""The knowledge base: articles, Markdown rendering, Dutch analysis and Whoosh search (no Flask here)."""

from knowledge.articles import CATEGORIES, ArticleSource, load_bundled_articles, parse_article

__all__ = ["CATEGORIES", "ArticleSource", "load_bundled_articles", "parse_article"]
