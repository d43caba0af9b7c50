"""Web fixtures: the knowledge-base fixtures (bundled articles, a built index) for the route sweeps."""

from tests.kb.conftest import index_cache, kb  # noqa: F401  (fixtures shared with tests/kb)
