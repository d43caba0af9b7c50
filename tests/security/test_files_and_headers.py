"""Issue 15.4: no-store on staff pages and files, no versions in Server, HSTS over https, a private data dir,
and quarantined raw mail streamed instead of loaded whole."""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import tracemalloc
import urllib.request
from pathlib import Path

from sqlalchemy import select
from werkzeug.serving import make_server

from helpdesk import create_app
from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw, reprocess_quarantined
from helpdesk.models import Attachment, QuarantinedMail

SAMPLE = Path(__file__).resolve().parents[1] / "mail_ingest" / "samples" / "attachment-pdf-evil-filename.eml"


def test_attachments_and_staff_pages_are_never_stored(app, client, login):
    assert ingest_raw(SAMPLE.read_bytes(), source="test").status == "created"
    attachment = db.session.scalars(select(Attachment)).first()
    login("agent")
    for path in (f"/tickets/bijlagen/{attachment.id}", "/tickets/", "/account"):
        response = client.get(path)
        response.close()
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    assert app.test_client().get("/login").headers["Cache-Control"] == "no-store"


def test_hsts_only_when_the_public_url_is_https(make_app):
    secure = make_app(PUBLIC_URL="https://helpdesk.duo.example").test_client().get("/faq")
    plain = make_app(PUBLIC_URL="http://127.0.0.1:5000").test_client().get("/faq")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in plain.headers


def test_the_development_server_names_no_versions(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/faq", timeout=30) as response:
            header = response.headers["Server"]
    finally:
        server.shutdown()
    assert header and not any(ch.isdigit() for ch in header), header


def test_data_dir_and_sqlite_file_are_private(tmp_path):
    data_dir = tmp_path / "nieuw" / "instance"
    app = create_app({"TESTING": True, "IGNORE_ENVIRONMENT": True, "SECRET_KEY": "x", "DATA_DIR": str(data_dir)})
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["setup"]).exit_code == 0
        with db.engine.connect() as connection:  # an open connection keeps the -wal file in place
            connection.exec_driver_sql("SELECT count(*) FROM articles")
            modes = {name: stat.S_IMODE(os.stat(data_dir / name).st_mode)
                     for name in ("helpdesk.sqlite3", "helpdesk.sqlite3-wal")}
        db.engine.dispose()
    assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
    assert modes == {"helpdesk.sqlite3": 0o600, "helpdesk.sqlite3-wal": 0o600}


def test_oversize_quarantined_mail_is_streamed_not_loaded(make_app, make_user, monkeypatch):
    app = make_app(MAX_MAIL_BYTES=1024 * 1024)
    with app.app_context():
        header = SAMPLE.read_bytes().split(b"\n\n", 1)[0]
        raw = header + b"\n\n" + b"Dit is een heel lange mail.\n" * (16 * 1024 * 1024 // 28)
        digest = hashlib.sha256(raw).hexdigest()
        assert ingest_raw(raw, source="upload").status == "quarantined"
        del raw
        item_id = db.session.scalar(select(QuarantinedMail.id))
        admin = make_user("admin")
        client = app.test_client()
        client.post("/login", data={"email": admin.email, "password": "correct horse battery staple"})
        db.session.expire_all()
        tracemalloc.start()
        try:
            listing = client.get("/admin/quarantine")
            download = client.get(f"/admin/quarantine/{item_id}/raw", buffered=False)
            seen = hashlib.sha256()
            size = 0
            for chunk in download.response:
                seen.update(chunk)
                size += len(chunk)
            download.close()
            held = reprocess_quarantined(db.session.get(QuarantinedMail, item_id))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert listing.status_code == 200 and f"{size} bytes" in listing.get_data(as_text=True)
    assert download.headers["Content-Length"] == str(size) and seen.hexdigest() == digest
    assert held.status == "quarantined"
    assert peak < 8 * 1024 * 1024, f"piek {peak / 1e6:.1f} MB voor een mail van {size / 1e6:.1f} MB"
