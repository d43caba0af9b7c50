"""`flask triage` reads the database with Core statements on an engine of its own (issue 18, start-up): it must
print what the app's own triager (the ORM session's) gives, corrections and used articles included, and read the
same database Flask-SQLAlchemy would."""

from __future__ import annotations

import json
import subprocess

import pytest

from helpdesk import create_app
from helpdesk.engine import core_engine
from helpdesk.extensions import db
from helpdesk.models import Article, ArticleRevision, TriageFeedback
from helpdesk.triage.build import ARTICLES, FEEDBACK, REVISIONS
from helpdesk.triage.cli import triage_file
from helpdesk.triage.service import build_triager
from tests.conftest import base_config
from tests.support.mail import ROOT, cli_env, flask_cmd, make_mail


@pytest.mark.parametrize(("light", "model"), [(ARTICLES, Article), (REVISIONS, ArticleRevision),
                                              (FEEDBACK, TriageFeedback)])
def test_the_light_tables_name_the_models_columns_with_their_types(light, model):
    table = model.__table__
    assert light.name == table.name
    for column in light.columns:
        assert column.name in table.c, (table.name, column.name)
        assert column.type._type_affinity is table.c[column.name].type._type_affinity, (table.name, column.name)


@pytest.mark.parametrize("url", ["sqlite:///{tmp}/a.sqlite3", "sqlite:///relative.sqlite3", "sqlite://",
                                 "sqlite:///:memory:", "postgresql+psycopg://someone@127.0.0.1:1/nowhere"])
def test_the_core_engine_is_made_as_flask_sqlalchemy_makes_the_apps(tmp_path, monkeypatch, url):
    monkeypatch.chdir(tmp_path)  # the data dir step creates a relative SQLite file here
    app = create_app(base_config(tmp_path / "data", url.format(tmp=tmp_path)))
    with app.app_context():
        theirs = db.engine
        ours = core_engine(app.config, app.instance_path)
        try:
            assert ours.url == theirs.url
            assert type(ours.pool) is type(theirs.pool)
            assert ours.pool._pre_ping == theirs.pool._pre_ping
            assert (ours.echo, ours.pool.echo) == (theirs.echo, theirs.pool.echo)
        finally:
            ours.dispose()
            theirs.dispose()


def test_triage_cli_prints_what_the_apps_triager_gives_with_corrections(kb_app, tmp_path):
    mails = {
        "pas.eml": make_mail(subject="Pas van de directeur", body="Mag onze conciërge de pas van de directeur "
                             "gebruiken om in Mijn DUO in te loggen?"),
        "mr.eml": make_mail(subject="MR", body="Onze bestuurssecretaris wil weten of de medezeggenschapsraad ook "
                            "mee moet beslissen hierover."),
        "kosten.eml": make_mail(subject="Prijs", body="Wat kost eHerkenning niveau 3 per medewerker per jaar?"),
    }
    for name, raw in mails.items():
        (tmp_path / name).write_bytes(raw)
    files = [tmp_path / name for name in mails]

    def printed() -> list[dict]:
        proc = subprocess.run(flask_cmd("triage", *map(str, files)), cwd=ROOT, env=cli_env(kb_app),
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return [json.loads(line) for line in proc.stdout.splitlines()]

    before = printed()
    for text in ("Mag de conciërge de pas van de directeur lenen om in te loggen?",
                 "Kan onze conciërge inloggen met de pas van de directeur?"):
        db.session.add(TriageFeedback(kind="category", subject="Pas", text=text, category="supplier"))
    for text in ("Moet de medezeggenschapsraad instemmen met de aanschaf?",
                 "Heeft de medezeggenschapsraad instemmingsrecht bij deze keuze?"):
        db.session.add(TriageFeedback(kind="article", subject="MR", text=text,
                                      article_slug="contact-en-meer-informatie"))
    db.session.commit()
    after = printed()
    apps_own = build_triager(refresh_index=False)  # through the app's session and its models
    assert after == [json.loads(json.dumps(triage_file(apps_own, path), ensure_ascii=False)) for path in files]
    assert before[0]["category"] != "supplier" and after[0]["category"] == "supplier"
    assert [s["slug"] for s in before[1]["suggestions"]] != [s["slug"] for s in after[1]["suggestions"]]


def test_triage_cli_on_a_database_it_cannot_reach_uses_the_bundled_articles(tmp_path):
    """As before the schema exists: an unreachable database is no reason to stop triaging."""
    mail = tmp_path / "vraag.eml"
    mail.write_bytes(make_mail(subject="Wanneer?", body="Vanaf welke datum is eHerkenning verplicht voor DUO?"))
    app = create_app(base_config(tmp_path / "data", "postgresql+psycopg://nobody@127.0.0.1:1/nowhere"))
    proc = subprocess.run(flask_cmd("triage", str(mail)), cwd=ROOT, env=cli_env(app), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    line = json.loads(proc.stdout)
    assert line["category"] == "deadline" and line["suggestions"][0]["slug"] == "wanneer-verplicht"
