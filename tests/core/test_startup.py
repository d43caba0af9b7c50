"""Start-up stays light: a command imports Alembic/Flask-Migrate only when it migrates (issue 18, cause 6)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import base_config

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("alembic", "flask_migrate", "holidays")

SCRIPT = f"""
import json, sys
from helpdesk import create_app
app = create_app(json.loads(sys.argv[1]))
with app.app_context():
    result = app.test_cli_runner().invoke(args=["mail", "status"])
print(json.dumps({{"exit": result.exit_code, "output": result.output,
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})}}))
"""


def test_mail_status_starts_without_alembic_flask_migrate_or_holidays(app, tmp_path):
    config = base_config(tmp_path / "data", app.config["SQLALCHEMY_DATABASE_URI"])
    proc = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(config)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["exit"] == 0, result["output"]
    assert json.loads(result["output"])["tickets"] == 0
    assert result["loaded"] == []


def test_the_schema_check_knows_the_same_revisions_and_heads_as_alembic(app):
    from alembic.script import ScriptDirectory

    from helpdesk.schema_check import revisions

    directory = app.extensions["migrate"].directory
    scripts = ScriptDirectory(directory)
    assert revisions(directory) == (frozenset(s.revision for s in scripts.walk_revisions()),
                                    frozenset(scripts.get_heads()))


def test_flask_migrate_still_works_through_the_lazy_stand_in(app, runner):
    result = runner.invoke(args=["db", "current"])
    assert result.exit_code == 0, result.output
    assert app.extensions["migrate"].migrate.directory == app.extensions["migrate"].directory
