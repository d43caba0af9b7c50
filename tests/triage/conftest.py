"""An app with the bundled articles published and indexed (what `flask setup` gives)."""

import pytest


@pytest.fixture
def kb_app(app, runner):
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    return app
