"""Groups of similar questions for the editors' content gaps: leader clustering over TF-IDF of the search terms."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from knowledge.search.whoosh_analysis import analyze_terms


@dataclass
class Cluster:
    """Positions (in the input order) of the questions in one group."""

    members: list[int] = field(default_factory=list)
    centre: dict[str, float] = field(default_factory=dict)  # summed unit vectors of the members


def _unit(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {k: v / norm for k, v in weights.items()}


def cluster_texts(texts: Sequence[str], similarity: float) -> list[Cluster]:
    """Groups of texts about the same thing, biggest first (then the one whose first member comes first).

    Each text joins the group whose centre it is most similar to (cosine at least `similarity`), or starts one;
    the same input always gives the same groups. Words most texts share weigh little (inverse document frequency).
    """
    bags = [Counter(analyze_terms(text)) for text in texts]
    df = Counter(term for bag in bags for term in bag)
    n = len(bags)
    clusters: list[Cluster] = []
    for pos, bag in enumerate(bags):
        vector = _unit({t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in bag.items()})
        best, best_sim = None, similarity
        for cluster in clusters:
            centre = cluster.centre
            norm = math.sqrt(sum(v * v for v in centre.values())) or 1.0
            sim = sum(v * centre.get(k, 0.0) for k, v in vector.items()) / norm
            if sim >= best_sim:
                best, best_sim = cluster, sim
        if best is None:
            best = Cluster()
            clusters.append(best)
        best.members.append(pos)
        for k, v in vector.items():
            best.centre[k] = best.centre.get(k, 0.0) + v
    clusters.sort(key=lambda c: (-len(c.members), c.members[0]))
    return clusters
