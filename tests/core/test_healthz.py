"""GET /healthz: 200 with database and index reachable, 503 otherwise."""

import shutil


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"] == "ok" and response.json["index"] == "ok"


def test_healthz_reports_missing_index_folder(app, client):
    shutil.rmtree(app.config["INDEX_DIR"])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    assert response.json["index"] != "ok"


def test_healthz_reports_unreachable_database(make_app, tmp_path):
    broken = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"].startswith("fout")


def test_healthz_reports_a_database_that_setup_has_not_prepared(make_app, tmp_path):
    bare = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'bare.sqlite3'}")
    response = bare.test_client().get("/healthz")
    assert response.status_code == 503
    assert "flask --app app setup" in response.json["database"]


def test_a_failed_database_statement_does_not_break_the_next_request(make_app):
    """After a 500 from a failed statement the session is rolled back: the next request is served normally."""
    from helpdesk.auth.roles import public
    from helpdesk.extensions import db
    from helpdesk.models import User

    app = make_app()

    @public
    def broken() -> str:
        db.session.add(User(email=None, password_hash="x", role="agent"))  # violates NOT NULL
        db.session.flush()
        return "onbereikbaar"

    app.add_url_rule("/kapot", "kapot", broken)
    client = app.test_client()
    with app.app_context():  # one session across both requests, as in a worker thread that is reused
        failed = client.get("/kapot")
        assert failed.status_code == 500 and "Er ging iets mis" in failed.get_data(as_text=True)
        after = client.get("/healthz")
        assert after.status_code == 200, after.get_data(as_text=True)
