"""Start-up stays light (issue 18): a command imports Alembic/Flask-Migrate only when it migrates, and the feature
commands, Whoosh, Markdown, the IMAP client and the mail parser only when something uses them.

These tests look at what a process imported, never at the clock, so a busy CI machine cannot make them fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from helpdesk.lazy_commands import LazyCommand
from tests.conftest import base_config
from tests.support.mail import cli_env, flask_cmd

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("alembic", "flask_migrate", "holidays", "whoosh", "markdown", "imapclient", "zxcvbn", "email_validator",
         "charset_normalizer")
# what `flask --help` must not load either: the feature commands' modules and the mail pipeline
NOT_FOR_HELP = (*HEAVY, "helpdesk.ingest.cli", "helpdesk.ingest.mail_cli", "helpdesk.ingest.prepare",
                "helpdesk.triage.cli", "helpdesk.privacy.cli", "helpdesk.admin.cli", "mail_ingest.parse",
                "mail_ingest.filters", "mail_ingest.fetch", "knowledge.search.whoosh_index")
FLASK_OWN = {"routes", "run", "shell"}  # Flask's built-in commands (plugins such as `limiter` come on top)

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


def _imported(stderr: str) -> set[str]:
    """Module names from `python -X importtime` output (one line per module imported)."""
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines()
            if line.startswith("import time:") and line.count("|") == 2}


def _loaded(imported: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(m == n or m.startswith(f"{n}.") for m in imported))


def test_flask_help_lists_every_command_without_importing_them(app):
    proc = subprocess.run([sys.executable, "-X", "importtime", *flask_cmd("--help")[1:]], cwd=ROOT,
                          env=cli_env(app), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    listed = dict(line.split(None, 1) for line in proc.stdout.split("Commands:")[1].strip().splitlines())
    assert set(app.cli.commands) | FLASK_OWN <= set(listed)
    for name, command in app.cli.commands.items():
        assert listed[name].startswith(command.get_short_help_str(limit=30).removesuffix("...")), name
    assert _loaded(_imported(proc.stderr), NOT_FOR_HELP) == []


def _short_help(command: click.Command) -> list[str]:
    return [command.get_short_help_str(limit=limit) for limit in (45, 80, 200)]


def test_each_stand_in_shows_the_help_of_the_command_it_loads(app):
    stand_ins = {name: c for name, c in app.cli.commands.items() if isinstance(c, LazyCommand)}
    assert {"db", "users", "mail", "triage", "ingest", "privacy"} <= set(stand_ins)
    for name, stand_in in stand_ins.items():
        real = stand_in.load()
        assert real.name == name
        assert _short_help(stand_in) == _short_help(real), name


def _command_paths(group: click.Group, ctx: click.Context, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
    paths = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        command = command.load() if isinstance(command, LazyCommand) else command
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths += _command_paths(command, ctx, (*prefix, name))
    return paths


def test_every_command_and_subcommand_still_runs_its_help(app, runner):
    paths = _command_paths(app.cli, click.Context(app.cli), ())
    assert {("users", "set-role"), ("mail", "status"), ("mail", "reprocess"), ("db", "upgrade"),
            ("retention", "run"), ("import-mail",)} <= set(paths)
    for path in paths:
        result = runner.invoke(args=[*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output, path


@pytest.mark.parametrize("command", [["mail", "status"], ["users", "list"]])
def test_a_command_loads_its_own_module_only(app, command):
    proc = subprocess.run([sys.executable, "-X", "importtime", *flask_cmd(*command)[1:]], cwd=ROOT,
                          env=cli_env(app), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    imported = _imported(proc.stderr)
    assert _loaded(imported, ("helpdesk.triage.cli", "helpdesk.ingest.cli", "mail_ingest.parse", *HEAVY)) == []
