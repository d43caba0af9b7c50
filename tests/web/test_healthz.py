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
