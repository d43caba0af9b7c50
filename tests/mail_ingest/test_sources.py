"""iter_messages: .eml file, folder of .eml files, mbox and Maildir, auto-detected."""

from __future__ import annotations

import mailbox

import pytest

from mail_ingest.parse import parse_message
from mail_ingest.sources import detect_kind, iter_messages
from tests.mail_ingest.conftest_helpers import SAMPLES, sample_bytes

NAMES = ["base64-utf8.eml", "latin1-qp-outlook.eml", "inline-image-related.eml"]


def _ids(messages) -> list[str]:  # type: ignore[no-untyped-def]
    return [parse_message(raw).message_id for _, raw in messages]


def test_single_eml(tmp_path):
    path = tmp_path / "vraag.eml"
    path.write_bytes(sample_bytes(NAMES[0]))
    assert detect_kind(path) == "eml"
    assert list(iter_messages(path)) == [("vraag.eml", sample_bytes(NAMES[0]))]


def test_directory_of_eml_files_recursive_and_sorted(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.eml").write_bytes(sample_bytes(NAMES[0]))
    (tmp_path / "sub" / "b.eml").write_bytes(sample_bytes(NAMES[1]))
    (tmp_path / "notes.txt").write_text("geen mail")
    found = list(iter_messages(tmp_path))
    assert [name for name, _ in found] == ["a.eml", "sub/b.eml"]


def test_mbox(tmp_path):
    path = tmp_path / "export.mbox"
    box = mailbox.mbox(path)
    for name in NAMES:
        box.add(sample_bytes(name))
    box.flush()
    box.close()
    assert detect_kind(path) == "mbox"
    found = list(iter_messages(path))
    assert [name for name, _ in found] == ["export.mbox#1", "export.mbox#2", "export.mbox#3"]
    assert _ids(found) == [parse_message(sample_bytes(n)).message_id for n in NAMES]
    # attachments survive the mbox round trip
    assert parse_message(found[2][1]).attachments[0].content_id == "screenshot-01@ijsselgroep"


def test_maildir(tmp_path):
    box = mailbox.Maildir(tmp_path / "Maildir")
    for name in NAMES:
        box.add(sample_bytes(name))
    box.close()
    assert detect_kind(tmp_path / "Maildir") == "maildir"
    found = list(iter_messages(tmp_path / "Maildir"))
    assert sorted(_ids(found)) == sorted(parse_message(sample_bytes(n)).message_id for n in NAMES)


def test_missing_path_gives_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="bestaat niet"):
        list(iter_messages(tmp_path / "nergens"))


def test_samples_folder_is_readable():
    assert len(list(iter_messages(SAMPLES))) == len(list(SAMPLES.glob("*.eml")))
