"""The commands of the contract with bad arguments: a clear one-line message and an exit code, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import QuarantinedMail, TicketMessage, User

PASSWORD = "een lang genoeg wachtwoord\n"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A folder of things that are not mail, an empty file and a binary file."""
    folder = tmp_path / "geen-mail"
    folder.mkdir()
    (folder / "notities.txt").write_text("boodschappen: brood, kaas\n")
    (folder / "foto.jpg").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "leeg.eml").write_bytes(b"")
    (tmp_path / "binair.eml").write_bytes(b"\x00\xff\xfe\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    return tmp_path


def failed_clearly(result, *fragments: str) -> None:
    """Exit code not 0, Click's 'Error: …' message naming the problem, and no Python exception."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("Error: ") and all(f in message for f in fragments), result.output


@pytest.mark.parametrize("args, input_, fragments", [
    (["import-mail", "bestaat/niet.eml"], None, ["does not exist"]),
    (["mail", "reprocess", "999999"], None, ["Geen mail in quarantaine met ID 999999"]),
    (["mail", "reprocess", "abc"], None, ["not a valid integer"]),
    (["mail", "reprocess"], None, ["Geef een ID of --all"]),
    (["users", "create", "geen-e-mailadres", "--password-stdin"], PASSWORD, ["geen geldig e-mailadres"]),
    (["users", "create", "iemand@", "--password-stdin"], PASSWORD, ["geen geldig e-mailadres"]),
    (["users", "create", "een spatie@duo.example", "--password-stdin"], PASSWORD, ["geen geldig e-mailadres"]),
    (["users", "create", "nul\x00@duo.example", "--password-stdin"], PASSWORD, ["geen geldig e-mailadres"]),
    (["users", "create", "x@duo.example", "--password-stdin"], "kort\n", ["minstens 12 tekens"]),
    (["users", "create", "x@duo.example", "--password-stdin"], "", ["minstens 12 tekens"]),
    (["users", "create", "x@duo.example", "--name", "n" * 201, "--password-stdin"], PASSWORD, ["naam"]),
    (["users", "create", "x@duo.example", "--name", "a\x00b", "--password-stdin"], PASSWORD, ["naam"]),
    (["users", "create", "x@duo.example", "--role", "koning", "--password-stdin"], PASSWORD, ["'koning'"]),
    (["triage", "bestaat/niet.eml"], None, ["does not exist"]),
    (["triage", "geen-mail"], None, ["is a directory"]),
    (["mail", "reprocess", "9" * 30], None, ["Geen mail in quarantaine"]),
    (["import-mail", "geen-mail"], None, ["Geen mail gevonden in geen-mail", "niets geïmporteerd"]),
    (["import-mail", "leeg.eml", "geen-mail"], None, ["Geen mail gevonden in geen-mail"]),
], ids=lambda v: " ".join(v)[:60] if isinstance(v, list) else None)
def test_bad_arguments_fail_clearly_and_change_nothing(runner, files, monkeypatch, args, input_, fragments):
    monkeypatch.chdir(files)
    counted = (User.id, QuarantinedMail.id, TicketMessage.id)
    before = [db.session.scalar(select(func.count(column))) for column in counted]
    result = runner.invoke(args=args, input=input_)
    failed_clearly(result, *fragments)
    db.session.expire_all()
    assert [db.session.scalar(select(func.count(column))) for column in counted] == before


def test_unreadable_mail_files_are_imported_into_quarantine_with_their_bytes(runner, files):
    """Not a failure: such mail is kept (raw bytes, reason) for `mail reprocess`, and the summary counts them."""
    result = runner.invoke(args=["import-mail", str(files / "leeg.eml"), str(files / "binair.eml")])
    assert result.exit_code == 0 and result.exception is None, result.output
    assert json.loads(result.stdout.splitlines()[-1]) == {"read": 2, "quarantined": 2}
    raws = set(db.session.scalars(select(QuarantinedMail.raw)))
    assert raws == {b"", (files / "binair.eml").read_bytes()}


def test_triage_of_unreadable_files_prints_their_error_lines_and_a_note(runner, files):
    """Not a failure of the run: every file gets its JSON line, so a script that scores the output keeps the rest."""
    result = runner.invoke(args=["triage", str(files / "leeg.eml"), str(files / "binair.eml")])
    assert result.exit_code == 0 and result.exception is None, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(line["file"]).name for line in lines] == ["leeg.eml", "binair.eml"]
    assert all(line["error"] for line in lines)
    assert result.stderr.strip() == "Let op: 2 van de 2 bestanden zijn geen leesbare e-mail: leeg.eml, binair.eml"
