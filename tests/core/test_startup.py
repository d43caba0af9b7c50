"""Start-up stays light (issue 18): a command imports Alembic/Flask-Migrate only when it migrates, the feature
commands, Whoosh, Markdown, the IMAP client and the mail parser only when something uses them, and the web part of
the app (login, CSRF, Babel, compression, the blueprints and their views) only when a request, a URL or a template
needs it; an app built that way serves and lists the same as one built at once. `flask triage` loads no ORM at all.

These tests look at what a process imported, never at the clock, so a busy CI machine cannot make them fail.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import click
import pytest

from helpdesk import create_app
from helpdesk.extensions import db
from helpdesk.lazy_commands import LazyCommand
from helpdesk.models import TriageFeedback
from tests.conftest import base_config
from tests.support.mail import cli_env, flask_cmd

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("alembic", "flask_migrate", "holidays", "whoosh", "markdown", "imapclient", "zxcvbn", "email_validator",
         "charset_normalizer")
# what only requests use: no command loads it
WEB = ("flask_wtf", "wtforms", "flask_babel", "flask_compress", "helpdesk.web",
       "helpdesk.web_extensions", "helpdesk.static_files", "helpdesk.auth.views", "helpdesk.tickets.views",
       "helpdesk.faq.views", "helpdesk.admin.views", "helpdesk.editor.views", "helpdesk.dashboard.views")
# what `flask --help` must not load either: the feature commands' modules and the mail pipeline
NOT_FOR_HELP = (*HEAVY, *WEB, "sqlalchemy", "flask_sqlalchemy", "helpdesk.extensions", "helpdesk.models",
                "helpdesk.ingest.cli", "helpdesk.ingest.mail_cli", "helpdesk.ingest.prepare",
                "helpdesk.triage.cli", "helpdesk.privacy.cli", "helpdesk.admin.cli", "mail_ingest.parse",
                "mail_ingest.filters", "mail_ingest.fetch", "knowledge.search.whoosh_index")
FLASK_OWN = {"routes", "run", "shell"}  # Flask's built-in commands (installed plugins' come on top)

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


def test_the_schema_check_reads_identifiers_wherever_a_migration_puts_them(tmp_path):
    """It parses the part above the first `def` first; identifiers below it, or a head that does not parse on its
    own (a docstring with a line starting "def "), send it to the whole file."""
    from helpdesk.schema_check import revisions

    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "a.py").write_text('revision = "a"\ndown_revision = None\n\ndef upgrade():\n    pass\n')
    (versions / "b.py").write_text('"""Notes:\ndef is not code here\n"""\nrevision: str = "b"\n'
                                   'down_revision = "a"\n\ndef upgrade():\n    pass\n')
    (versions / "c.py").write_text('# a helper first\ndef helper():\n    return 1\n\n'
                                   'revision = "c"\ndown_revision = ("b",)\n')
    assert revisions(str(tmp_path)) == (frozenset({"a", "b", "c"}), frozenset({"c"}))


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


@pytest.mark.parametrize(("command", "web"), [(["mail", "status"], WEB), (["users", "list"], ())])
def test_a_command_loads_its_own_module_only(app, command, web):
    """`mail status` loads nothing of the web part; `users` lives in a package whose __init__ loads its views."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *flask_cmd(*command)[1:]], cwd=ROOT,
                          env=cli_env(app), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    imported = _imported(proc.stderr)
    assert _loaded(imported, ("helpdesk.triage.cli", "helpdesk.ingest.cli", "mail_ingest.parse", *HEAVY, *web)) == []


# what `flask triage` does without: it reads the database with Core statements (helpdesk/triage/build.py)
NOT_FOR_TRIAGE = ("imapclient", "mail_ingest.fetch", *WEB, "sqlalchemy.orm", "flask_sqlalchemy", "helpdesk.models",
                  "helpdesk.extensions", "helpdesk.triage.service", "helpdesk.kb", "alembic", "flask_migrate")


def test_triage_loads_neither_the_web_part_nor_the_mail_fetcher_nor_the_orm(app, runner):
    """On a set-up app (published articles, an index, a correction) as before setup."""
    mail = ROOT / "mail_ingest" / "demo" / "01-kosten-per-persoon.eml"

    def triage() -> tuple[dict, set[str]]:
        proc = subprocess.run([sys.executable, "-X", "importtime", *flask_cmd("triage", str(mail))[1:]],
                              cwd=ROOT, env=cli_env(app), capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return json.loads(proc.stdout.splitlines()[0]), _imported(proc.stderr)

    before_setup, imported = triage()
    assert before_setup["category"] == "cost"
    assert _loaded(imported, NOT_FOR_TRIAGE) == []
    assert runner.invoke(args=["setup"]).exit_code == 0
    db.session.add(TriageFeedback(kind="category", subject="Kosten", text="Wat kost een pas?", category="cost"))
    db.session.commit()
    set_up, imported = triage()
    assert set_up["category"] == "cost" and set_up["suggestions"][0]["slug"] == "wat-kost-eherkenning"
    assert _loaded(imported, NOT_FOR_TRIAGE) == []


def _rules(url_map) -> set[tuple[str, str, str]]:  # noqa: ANN001 - werkzeug Map
    return {(rule.endpoint, ", ".join(sorted(rule.methods - {"HEAD", "OPTIONS"})), rule.rule)
            for rule in url_map.iter_rules()}


def test_flask_routes_lists_every_route_of_the_app(app):
    """`flask routes` asks the lazily built app for its URL map: the web step runs first, nothing is missing."""
    proc = subprocess.run(flask_cmd("routes", "--sort", "rule"), cwd=ROOT, env=cli_env(app), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    listed = {tuple(re.split(r" {2,}", line.strip())) for line in proc.stdout.splitlines()[2:]}
    assert len(listed) > 50
    assert listed == {(endpoint, methods, rule) for endpoint, methods, rule in _rules(app.url_map)}


@pytest.fixture
def lazy_app(app):
    """An app built as `flask` builds it: only settings and commands until something needs more."""
    lazy = create_app(base_config(Path(app.config["DATA_DIR"]), app.config["SQLALCHEMY_DATABASE_URI"]), lazy=True)
    yield lazy
    with lazy.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_lazily_built_app_serves_pages_as_one_built_at_once(app, lazy_app):
    assert "sqlalchemy" not in lazy_app.extensions and set(lazy_app.view_functions) == {"static"}
    lazy_page, page = lazy_app.test_client().get("/faq"), app.test_client().get("/faq")
    assert lazy_page.status_code == page.status_code == 200
    assert lazy_page.get_data(as_text=True) == page.get_data(as_text=True)
    assert dict(lazy_page.headers) == dict(page.headers)
    assert lazy_app.test_client().get("/tickets/").status_code == 302  # login required, as on `app`
    assert lazy_app.test_client().get("/niet-bestaand").status_code == 404
    assert _rules(lazy_app.url_map) == _rules(app.url_map)
    assert [f.__name__ for f in lazy_app.before_request_funcs[None]] == [
        f.__name__ for f in app.before_request_funcs[None]]


def test_the_first_query_takes_the_database_step_only(lazy_app):
    with lazy_app.app_context():  # Flask's `--help` pushes one per command: that alone takes no step
        assert "sqlalchemy" not in lazy_app.extensions
        assert db.session.execute(db.select(db.func.count()).select_from(db.metadata.tables["users"])).scalar() == 0
        assert "sqlalchemy" in lazy_app.extensions and set(lazy_app.view_functions) == {"static"}
        with lazy_app.test_request_context("/"):
            assert "auth.login" in lazy_app.view_functions


def test_the_schema_check_and_flask_migrate_find_their_config_on_a_lazily_built_app(lazy_app):
    with lazy_app.app_context():
        assert lazy_app.extensions["migrate"].directory.endswith("migrations")
        assert lazy_app.extensions["migrate"].db is db
        assert set(lazy_app.view_functions) == {"static"}  # the database step only
        assert lazy_app.extensions["babel"].default_locale  # Flask-Babel's comes with the web step
        assert "auth.login" in lazy_app.view_functions
        with pytest.raises(KeyError):
            lazy_app.extensions["no-such-extension"]


FIRST_COMMIT = """
import json, sys
from helpdesk import create_app
from helpdesk.extensions import db
from helpdesk.kb.operations import load_bundled_articles
from helpdesk.kb.search_service import ensure_index, get_index
app = create_app(json.loads(sys.argv[1]), lazy=True)
with app.app_context():
    load_bundled_articles()
    db.session.commit()
    print(json.dumps({"rebuilt": ensure_index(), "hits": [h.slug for h in get_index().search("kosten").hits]}))
"""


def test_the_first_commit_of_a_lazily_built_app_reaches_the_search_index(app, tmp_path):
    """The listeners that keep the index in step come with the database step, before the first session: in a
    fresh process (where no app has registered them yet) a command's very first commit updates the index."""
    config = base_config(tmp_path / "fresh", app.config["SQLALCHEMY_DATABASE_URI"])
    proc = subprocess.run([sys.executable, "-c", FIRST_COMMIT, json.dumps(config)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["rebuilt"] is False  # the commit's hook built it already
    assert "wat-kost-eherkenning" in result["hits"]


def test_first_requests_in_several_threads_all_see_the_whole_app(lazy_app):
    statuses: list[int] = []

    def fetch() -> None:
        statuses.append(lazy_app.test_client().get("/healthz").status_code)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200, 200, 200, 200]


def test_setup_keeps_the_classifier_in_the_data_dir_and_a_new_process_reads_it(app, tmp_path):
    """`flask setup` on a fresh data dir writes the built classifier there (its related lists read the classifier
    first, and that build used to be the one kept in memory, never written); a later command loads that file
    instead of training again (a rebuild would replace the file)."""
    env = {**cli_env(app), "HELPDESK_DATA_DIR": str(tmp_path / "fresh")}
    proc = subprocess.run(flask_cmd("setup"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    kept = list((tmp_path / "fresh" / "models").glob("classifier-*.bin"))
    assert len(kept) == 1
    before = kept[0].stat()
    mail = ROOT / "mail_ingest" / "demo" / sorted(p.name for p in (ROOT / "mail_ingest" / "demo").glob("*.eml"))[0]
    proc = subprocess.run(flask_cmd("triage", str(mail)), cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1])["category"]
    after = kept[0].stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
