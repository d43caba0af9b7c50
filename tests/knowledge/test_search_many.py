"""Many queries in a row (every article's related questions): the answers `search` gives, from one snapshot,
where the best candidates are found without scoring every article that shares a common word."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from knowledge.search import SearchDoc, SearchIndex
from knowledge.search.whoosh_query import plan_query

# Articles whose titles and texts share a few dozen common words, as bench/faq_search.py generates them: most
# words are in most articles, so a title's search matches nearly every article.
WORDS = ("school bestuur leerling rooster administratie gebouw subsidie vakantie leraar salaris ouder "
         "inschrijving diploma examen toets begroting huisvesting personeel bekostiging formulier termijn").split()


def generated(n: int, rng: random.Random) -> SearchDoc:
    topic = rng.sample(WORDS, 3)
    body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))).capitalize() + "."
                       for _ in range(rng.randint(2, 5)))
    return SearchDoc(slug=f"vraag-{n}", title=f"Vraag {n}: {' en '.join(topic)}", category="other",
                     keywords=rng.sample(WORDS, 3), body=body)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory, bundled_docs: list[SearchDoc]) -> Iterator[SearchIndex]:
    rng = random.Random(11)
    index = SearchIndex(tmp_path_factory.mktemp("crowded"))
    index.rebuild([*bundled_docs, *(generated(n, rng) for n in range(400))])
    yield index
    index.close()


def queries(index: SearchIndex) -> list[str]:
    titles = [index._snapshot().stored[n]["title_text"] for n in sorted(index._snapshot().stored)]
    return [*titles[::7], "school en bestuur", "vakantie", "wat kost eherkenning", "leverancer kiezen",
            "Wat kost eHerkenning niveau 3 voor een school en wie betaalt de leraar?"]


@pytest.mark.parametrize("limit", [11, 20])
def test_many_queries_get_the_hits_and_scores_of_one_search_each(crowded: SearchIndex, limit: int) -> None:
    asked = queries(crowded)
    many = list(crowded.search_many(asked, limit=limit))
    one_by_one = [crowded.search(q, limit=limit, snippets=0) for q in asked]
    assert len(many) == len(asked)
    for query, a, b in zip(asked, many, one_by_one, strict=True):
        assert [(h.slug, h.score) for h in a.hits] == [(h.slug, h.score) for h in b.hits], query
        assert a.corrected == b.corrected


def test_the_top_of_a_query_is_the_head_of_scoring_every_match(crowded: SearchIndex) -> None:
    memory = crowded._snapshot()
    for query in queries(crowded):
        plan = plan_query(query, memory.analyzer, memory)
        if plan.query is not None:
            for k in (1, 30, 60):
                assert memory.top(plan, k) == memory.score(plan)[:k], (query, k)
