"""Fixtures for the knowledge-base tests: bundled articles as search documents and a built index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.articles import ArticleSource, load_bundled_articles
from knowledge.search import SearchDoc, SearchIndex, content_fingerprint


def to_doc(article: ArticleSource) -> SearchDoc:
    """The search document for an article, as the app builds it."""
    return SearchDoc(
        slug=article.slug,
        title=article.title,
        category=article.category,
        keywords=article.keywords,
        body=article.body,
        summary=article.summary,
        synonyms=article.synonyms,
    )


@pytest.fixture(scope="session")
def bundled_docs() -> list[SearchDoc]:
    return [to_doc(a) for a in load_bundled_articles()]


@pytest.fixture(scope="session")
def bundled_index(
    tmp_path_factory: pytest.TempPathFactory, bundled_docs: list[SearchDoc]
) -> Iterator[SearchIndex]:
    ix = SearchIndex(tmp_path_factory.mktemp("kb") / "index")
    ix.rebuild(bundled_docs, fingerprint=content_fingerprint(bundled_docs))
    yield ix
    ix.close()


@pytest.fixture
def empty_index(tmp_path: Path) -> Iterator[SearchIndex]:
    ix = SearchIndex(tmp_path / "index")
    yield ix
    ix.close()
