"""The pipeline commands: ingest and import-mail (`flask mail …` is in mail_cli.py, without the IMAP client)."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading

import click

from mail_ingest.fetch import MailboxClient, MailboxConfig
from mail_ingest.loop import describe_mailbox_error, drain, run_forever
from mail_ingest.sources import iter_messages

from ..extensions import db
from ..privacy.daily import start_daily_retention
from ..schema_check import needs_schema
from .leader import STANDBY_RETRY_SECONDS, IngestLeader
from .mailbox import MailboxNotConfigured, MailboxStore, mailbox_config
from .operations import RawMail, ingest_many

IMPORT_BATCH = 200  # mails stored per transaction by import-mail


@click.command("ingest")
@click.option("--once", is_flag=True, help="Drain the mailbox once and exit.")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 5000),
              help="Messages fetched per batch; stored ones are moved to the processed folder once per batch.")
@needs_schema
def ingest_command(once: bool, batch_size: int) -> None:
    """Fetch new mail from the configured IMAP mailbox into tickets (waits with IDLE unless --once)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = mailbox_config()
    except MailboxNotConfigured as exc:
        raise click.ClickException(str(exc)) from exc
    store = MailboxStore(config)
    leader = IngestLeader(store.key)
    if once:
        _ingest_once(config, store, leader, batch_size)
        return
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    _warm_up_triage()  # a hot standby: ready to fetch the moment it takes over
    start_daily_retention(stop)  # the daily retention run (once a day on the whole cluster), beside the mail

    def work(run_stop: threading.Event) -> None:
        click.echo(f"Leider: wacht op nieuwe mail in {config.folder} op {config.host}:{config.port} "
                   "(stoppen: Ctrl+C)")
        run_forever(config, store.get_state, store.handle, store.set_state, stop=run_stop, batch_size=batch_size,
                    handle_batch=store.handle_batch, on_error=store.record_error)

    waiting = False
    while not stop.is_set():
        if leader.try_lead():
            waiting = False
            leader.lead(stop, work)
            continue
        if not waiting:
            click.echo(f"Stand-by: een andere ingest haalt deze mailbox op ({_describe(leader.current())}); "
                       "neemt het over zodra die stopt.")
            waiting = True
        stop.wait(STANDBY_RETRY_SECONDS)


def _ingest_once(config: MailboxConfig, store: MailboxStore, leader: IngestLeader, batch_size: int) -> None:
    """Drain once as leader; when another ingest leads, say so and leave the mailbox to it."""
    if not leader.try_lead():
        current = leader.current()
        click.echo(f"Niets opgehaald: een andere ingest haalt deze mailbox al op ({_describe(current)}).", err=True)
        click.echo(json.dumps({"fetched": 0, "processed": 0, "failed": 0, "standby": True, "leader": current}))
        return
    try:
        with MailboxClient(config) as client:
            result = drain(client, store.get_state, store.handle, store.set_state, batch_size=batch_size,
                           handle_batch=store.handle_batch)
    except Exception as exc:  # noqa: BLE001 - connection, login, folder: recorded and said, never a traceback
        db.session.rollback()
        store.record_error(describe_mailbox_error(exc, config))
        raise click.ClickException(f"Mailbox niet verwerkt: {describe_mailbox_error(exc, config)}") from exc
    finally:
        leader.step_down()
    store.record_error(None)
    click.echo(json.dumps({"fetched": result.fetched, "processed": result.processed, "failed": result.failed,
                           "uidvalidity_changed": result.uidvalidity_changed, **store.outcomes}))


def _describe(info: dict[str, object] | None) -> str:
    return f"{info['host']}, pid {info['pid']}, sinds {info['since']}" if info else "onbekend"


def _warm_up_triage() -> None:
    """Build the triage model and search index now, so the first mail after a quiet start is not seconds late."""
    try:
        from ..triage.service import get_triager

        get_triager()
        db.session.commit()
    except Exception:  # noqa: BLE001 - only a speed-up: triage of the first mail will report a real problem
        db.session.rollback()
        logging.getLogger(__name__).warning("triage vooraf laden mislukt", exc_info=True)


@click.command("import-mail")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@needs_schema
def import_mail_command(paths: tuple[str, ...]) -> None:
    """Import .eml files, an mbox file or a Maildir through the same pipeline as ingest."""
    counts: dict[str, int] = {}
    found = {path: list(iter_messages(path)) for path in paths}
    empty = [path for path, items in found.items() if not items]
    if empty:  # a typo'd folder or the wrong file: say so before importing anything
        raise click.ClickException(f"Geen mail gevonden in {', '.join(empty)} (verwacht: .eml-bestanden, een "
                                   "mbox-bestand of een Maildir). Er is niets geïmporteerd.")
    messages = [item for items in found.values() for item in items]
    with click.progressbar(length=len(messages), label="Mail importeren", file=sys.stderr) as bar:
        for start in range(0, len(messages), IMPORT_BATCH):
            chunk = messages[start:start + IMPORT_BATCH]
            for outcome in ingest_many([RawMail(raw, source) for source, raw in chunk]):
                counts[outcome.status] = counts.get(outcome.status, 0) + 1
            bar.update(len(chunk))
    click.echo(json.dumps({"read": len(messages), **counts}))
