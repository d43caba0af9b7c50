"""Security test fixtures: an app with the bundled articles and search index (`flask setup`)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner


@pytest.fixture
def seeded(app: Flask, runner: FlaskCliRunner) -> Flask:
    """The test app after `flask setup`: published articles and a built search index."""
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    return app
