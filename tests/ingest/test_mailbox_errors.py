"""Mailbox errors (connection, login, folder) are recorded, shown on the admin page and in `mail status`, and
cleared after a good drain."""

from __future__ import annotations

import json
import threading

import pytest

from mail_ingest.fetch import MailboxConfig
from mail_ingest.loop import run_forever
from tests.servers import USER, free_port
from tests.support.mail import make_mail

pytestmark = pytest.mark.imap


def _status(runner) -> dict:  # noqa: ANN001
    result = runner.invoke(args=["mail", "status"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _shown(client, login, said: str) -> None:  # noqa: ANN001
    login("admin")
    assert said in client.get("/admin/mail").get_data(as_text=True).replace("&#39;", "'")


def test_a_login_error_is_recorded_shown_and_cleared_by_a_good_drain(imap_app, imap_mailbox, runner, client,
                                                                     login):
    good = imap_app.config["IMAP_PASSWORD"]
    imap_app.config["IMAP_PASSWORD"] = "fout-wachtwoord"
    result = runner.invoke(args=["ingest", "--once"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    said = f"inloggen bij 127.0.0.1:{imap_mailbox.port} als {USER} mislukt"
    assert said in result.output and said in _status(runner)["last_error"]
    _shown(client, login, said)
    imap_app.config["IMAP_PASSWORD"] = good
    imap_mailbox.append(make_mail())
    assert runner.invoke(args=["ingest", "--once"]).exit_code == 0
    assert _status(runner)["last_error"] is None


def test_a_missing_folder_is_named_until_it_exists(imap_app, imap_mailbox, runner, client, login):
    imap_app.config["IMAP_FOLDER"] = "Bestaatniet"
    result = runner.invoke(args=["ingest", "--once"])
    assert result.exit_code == 1 and "map 'Bestaatniet'" in result.output
    assert "map 'Bestaatniet'" in _status(runner)["last_error"]
    _shown(client, login, "map 'Bestaatniet'")
    imap_mailbox.append(make_mail(), folder="Bestaatniet")
    assert runner.invoke(args=["ingest", "--once"]).exit_code == 0
    assert _status(runner)["last_error"] is None and _status(runner)["tickets"] == 1


def test_a_server_that_is_down_is_a_connection_error(imap_app, imap_mailbox, runner):
    imap_mailbox.stop()
    try:
        result = runner.invoke(args=["ingest", "--once"])
    finally:
        imap_mailbox.start()
    assert result.exit_code == 1 and f"verbinding met 127.0.0.1:{imap_mailbox.port} mislukt" in result.output
    assert "verbinding met" in _status(runner)["last_error"]
    assert runner.invoke(args=["ingest", "--once"]).exit_code == 0
    assert _status(runner)["last_error"] is None


def test_the_worker_reports_errors_and_clears_them_after_a_good_drain(imap_mailbox):
    heard: list[str | None] = []
    stop = threading.Event()
    port = {"value": free_port()}

    def on_error(description: str | None) -> None:
        heard.append(description)
        if description is None:
            stop.set()
        else:
            port["value"] = imap_mailbox.port  # the server is back

    def factory(config: MailboxConfig):  # noqa: ANN202
        from mail_ingest.fetch import MailboxClient

        return MailboxClient(MailboxConfig(host="127.0.0.1", port=port["value"], user=USER,
                                           password=config.password, ssl=False))

    from tests.servers import PASSWORD

    config = MailboxConfig(host="127.0.0.1", port=0, user=USER, password=PASSWORD, ssl=False)
    worker = threading.Thread(target=run_forever, kwargs=dict(
        config=config, get_state=lambda: None, handle=lambda mail: None, set_state=lambda state: None, stop=stop,
        backoff_initial=0.05, client_factory=factory, on_error=on_error, idle_timeout=0.1, poll_interval=0.05))
    worker.start()
    worker.join(timeout=30)
    stop.set()
    assert not worker.is_alive(), heard
    assert heard[0].startswith("verbinding met 127.0.0.1") and heard[-1] is None
