"""The blob stores: the same files behind `fs` and `db`; mail, attachments and reply attachments stored in the
database when HELPDESK_BLOB_STORE=db (nothing in the data dir), downloads streamed, erasure deleting through the
store, and `flask blobs migrate` moving everything both ways, idempotently."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from helpdesk.blobs import attachment_key, store_named
from helpdesk.blobs.db import CHUNK_BYTES
from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import Attachment, Blob, BlobChunk, Ticket
from helpdesk.privacy.erase import erase_person
from tests.support.tickets import reply_form

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40


def files_in(folder: str) -> list[Path]:
    return [p for p in Path(folder).rglob("*") if p.is_file()]


def mail_with_pdf(body: str = "Hierbij de offerte van onze leverancier.") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Jan Jansen <j.jansen@school.example>", "ipo@duo.nl", "Offerte"
    msg["Message-ID"] = "<offerte-1@school.example>"
    msg.set_content(body)
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="offerte.pdf")
    return msg.as_bytes()


@pytest.fixture
def app(make_app) -> Flask:  # noqa: ANN001 - this module's app keeps its files in the database
    application = make_app(BLOB_STORE="db")
    with application.app_context():
        yield application


@pytest.mark.parametrize("name", ["fs", "db"])
def test_a_store_keeps_reads_streams_and_deletes_files(app, name):
    store = store_named(name)
    big = bytes(range(256)) * (CHUNK_BYTES // 256 * 2 + 100)  # over two chunks
    store.put("attachments/ab/groot.bin", big)
    store.put("attachments/ab/groot.bin", big)  # the same key again: nothing changes
    store.put("raw/cd/leeg.eml", b"")
    db.session.commit()
    assert store.exists("attachments/ab/groot.bin") and store.get("raw/cd/leeg.eml") == b""
    with store.open("attachments/ab/groot.bin") as handle:
        first = handle.read(1000)
        assert first == big[:1000] and first + handle.read() == big
    assert store.keys() == ["attachments/ab/groot.bin", "raw/cd/leeg.eml"]
    store.delete("attachments/ab/groot.bin")
    store.delete("attachments/ab/nooit.bin")  # absent: no error
    db.session.commit()
    assert not store.exists("attachments/ab/groot.bin") and store.open("attachments/ab/groot.bin") is None
    assert store.get("attachments/../geheim.txt") is None and store.open("attachments/../geheim.txt") is None


def test_mail_and_its_attachment_live_in_the_database_and_download_streamed(app, client, login):
    outcome = ingest_raw(mail_with_pdf(), source="test")
    assert outcome.status == "created"
    assert files_in(app.config["ATTACHMENT_DIR"]) == [] and files_in(app.config["RAW_MAIL_DIR"]) == []
    attachment = db.session.scalar(select(Attachment))
    assert db.session.scalar(select(func.count()).select_from(Blob)) == 2  # the raw mail and the PDF
    login("agent")
    response = client.get(f"/tickets/bijlagen/{attachment.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_a_reply_attachment_is_stored_in_the_database(app, client, login):
    ticket = db.session.get(Ticket, ingest_raw(mail_with_pdf(), source="test").ticket_id)
    login("agent")
    form = reply_form(ticket, "Zie de bijlage.", attachments=[(io.BytesIO(b"%PDF-1.4 antwoord"), "antwoord.pdf")])
    response = client.post(f"/tickets/{ticket.id}/antwoord", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    sent = db.session.scalar(select(Attachment).where(Attachment.filename == "antwoord.pdf"))
    assert store_named("db").get(attachment_key(sent.storage_path)) == b"%PDF-1.4 antwoord"
    assert files_in(app.config["ATTACHMENT_DIR"]) == []


def test_erasure_deletes_the_files_from_the_database(app):
    ingest_raw(mail_with_pdf(), source="test")
    erase_person("j.jansen@school.example", "verzoek van betrokkene")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Blob)) == 0
    assert db.session.scalar(select(func.count()).select_from(BlobChunk)) == 0


def test_blobs_migrate_moves_everything_both_ways_and_again_changes_nothing(app, make_app):
    fs_app = make_app()  # the same database and data dir, files on disk
    with fs_app.app_context():
        ingest_raw(mail_with_pdf(), source="test")
    keys = sorted(store_named("fs").keys())
    assert len(keys) == 2 and store_named("db").keys() == []
    result = app.test_cli_runner().invoke(args=["blobs", "migrate", "--to", "db", "--keep"])
    assert result.exit_code == 0, result.output
    assert "2 bestanden gekopieerd naar db" in result.output and "Bestanden naar db" in result.output
    again = app.test_cli_runner().invoke(args=["blobs", "migrate", "--to", "db"])
    assert "0 bestanden gekopieerd naar db, 2 stonden er al; 2 verwijderd" in again.output
    assert store_named("db").keys() == keys and store_named("fs").keys() == []
    back = app.test_cli_runner().invoke(args=["blobs", "migrate", "--to", "fs"])
    assert back.exit_code == 0 and "2 bestanden gekopieerd naar fs" in back.output
    assert sorted(store_named("fs").keys()) == keys and store_named("db").keys() == []
    attachment = db.session.scalar(select(Attachment))
    assert (Path(app.config["ATTACHMENT_DIR"]) / attachment.storage_path).read_bytes() == PDF
