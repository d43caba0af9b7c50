"""Admins answer access and erasure requests from the page: look up, download the ZIP, erase with a reason."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import Requester
from tests.privacy.test_export import PERSON, SAMPLE


def test_look_up_download_and_erase(client, login):
    assert ingest_raw(SAMPLE.read_bytes(), source="test").status == "created"
    login("admin")
    page = client.get("/admin/privacy", query_string={"adres": PERSON.upper()}).get_data(as_text=True)
    assert "Formulier bijgevoegd" in page and "1 ticket(s)" in page
    download = client.post("/admin/privacy/export", data={"adres": PERSON})
    assert download.status_code == 200 and download.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.get_data())) as archive:
        assert json.loads(archive.read("gegevens.json"))["address"] == PERSON
    download.close()
    mismatch = client.post("/admin/privacy/erase", data={"adres": PERSON, "reden": "verzoek",
                                                         "bevestig": "iemand@anders.example"})
    assert mismatch.status_code == 400 and "komt niet overeen" in mismatch.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Requester.id)).where(Requester.email == PERSON)) == 1
    erased = client.post("/admin/privacy/erase", data={"adres": PERSON, "reden": "verzoek 2 december",
                                                       "bevestig": PERSON}, follow_redirects=True)
    assert "Gewist: 1 ticket(s)" in erased.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Requester.id)).where(Requester.email == PERSON)) == 0
