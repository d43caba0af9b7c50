"""The CPU-heavy half of ingest — parse, split off quoted history, filter verdict, triage — for a batch of mails,
on every core of the machine. The database half (threading, storing) stays in the calling process.

Nothing here touches the database or needs an app context, so a big batch can be spread over forked worker
processes that inherit the triager as it is at that moment (no pickling of the model). The caller decides,
with the threading it knows, whether a mail is really a new question and uses the triage result only then.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from knowledge.triage import Triager, TriageResult
from mail_ingest import MailKind, MailParseError, ParsedMail, classify_mail, parse_message, split_reply
from mail_ingest.mime import ParseLimits

from ..triage.service import triage_mail
from .storage import MailFiles

log = logging.getLogger(__name__)

PARALLEL_FROM = 64  # smaller batches (a mail that just came in under IDLE) are done here, without forking
WORKER_TIMEOUT = 120.0  # seconds to wait for one mail from a worker before doing the rest here
NO_SUBJECT = "(geen onderwerp)"


@dataclass(frozen=True)
class PrepareContext:
    """What preparing needs: parse bounds, who "we" are (own mail is ignored), the triager, where files go."""

    limits: ParseLimits
    own_domain: str
    own_addresses: Sequence[str]
    triager: Triager
    files: MailFiles
    workers: int | None = None  # worker processes for a big batch; None: one per further core


@dataclass
class Prepared:
    """One mail, prepared: parsed (or the parse error), its new text, the filter verdict, its raw source and
    attachments written to the data dir (content-addressed, so writing twice is harmless) and, for a question,
    the triage of that text under `triage_subject` (the subject a new ticket would get)."""

    parsed: ParsedMail | None = None
    raw_path: str = ""
    attachment_paths: list[str] = field(default_factory=list)
    error: str | None = None
    clean_text: str = ""
    verdict: MailKind | None = None
    triage: TriageResult | None = None
    triage_subject: str = ""


def prepare_one(raw: bytes, ctx: PrepareContext) -> Prepared:
    """Parse, clean, judge and (for a question) triage one raw mail. Never raises: a mail that cannot be read,
    or that trips a bug in a step, gets `error` (and is quarantined by the caller)."""
    try:
        return _prepare(raw, ctx)
    except MailParseError as exc:
        return Prepared(error=f"{exc.code}: {exc}")
    except Exception as exc:  # noqa: BLE001 - a bug in one step must not lose the mail
        log.exception("voorbereiden van een mail mislukt")
        return Prepared(error=f"{type(exc).__name__}: {exc}")


def _prepare(raw: bytes, ctx: PrepareContext) -> Prepared:
    parsed = parse_message(raw, limits=ctx.limits)
    cleaned = split_reply(parsed.text, subject=parsed.subject)
    verdict = classify_mail(parsed, own_message_id_domain=ctx.own_domain, own_addresses=ctx.own_addresses)
    prepared = Prepared(parsed=parsed, clean_text=cleaned.new_text, verdict=verdict)
    if verdict.kind == "own":
        return prepared  # ignored: nothing to keep
    prepared.raw_path = ctx.files.store_raw(raw)
    prepared.attachment_paths = [ctx.files.store_attachment(part.data, part.filename) for part in parsed.attachments]
    if verdict.kind == "question":
        prepared.triage_subject = parsed.subject[:500] or NO_SUBJECT
        prepared.triage = triage_mail(ctx.triager, prepared.clean_text, prepared.triage_subject)
    return prepared


CHUNK = 25  # mails handed back at a time, so the caller can store while the workers prepare
# What storing a prepared mail costs this process, relative to preparing it in a worker (which also pays for the
# fork and for sending results back), as bench/ingest.py measures it. With one worker this process prepares part
# of a batch itself and stores everything while the worker prepares the rest, so both cores finish together; with
# many workers this process prepares less.
STORE_COST = 0.1


def _prepare_chunk(raws: Sequence[bytes], ctx: PrepareContext) -> list[Prepared]:
    return [prepare_one(raw, ctx) for raw in raws]


def _worker_main(conn: Connection, raws: Sequence[bytes], ctx: PrepareContext) -> None:
    """A forked worker: prepare its slice of the batch and send it back a chunk at a time, then end."""
    _die_with_parent()
    try:
        for start in range(0, len(raws), CHUNK):
            conn.send(_prepare_chunk(raws[start:start + CHUNK], ctx))
    finally:
        conn.close()


class _Worker:
    """A forked worker preparing one slice of the batch. A thread here reads its pipe as results come, so the
    worker never waits for this process (which is busy preparing its own part and storing)."""

    def __init__(self, process: BaseProcess, conn: Connection, start: int, end: int) -> None:
        self.process, self.conn, self.start, self.end = process, conn, start, end
        self.results: queue.Queue[bytes | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, name=f"ingest-worker-{process.pid}", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        try:
            while True:
                self.results.put(self.conn.recv_bytes())
        except (EOFError, OSError):  # the worker is done (or died): end of its results
            self.results.put(None)

    def receive(self) -> list[Prepared] | None:
        """The worker's next chunk, or None when it died, failed or went silent for WORKER_TIMEOUT."""
        try:
            data = self.results.get(timeout=WORKER_TIMEOUT)
            if data is not None:
                return pickle.loads(data)
            log.warning("werkproces %s voor ingest stopte voortijdig", self.process.pid)
        except queue.Empty:
            log.warning("werkproces %s voor ingest antwoordt niet", self.process.pid)
        except Exception:  # noqa: BLE001 - an unreadable result
            log.warning("werkproces %s voor ingest stuurde iets onleesbaars", self.process.pid, exc_info=True)
        return None

    def stop(self, delivered: bool) -> None:
        """Reap a worker that delivered its slice; kill one that did not (it failed, or nobody wants it now)."""
        if delivered:
            self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()  # the reader thread ends at EOF
        self.reader.join(timeout=5)


def prepare_stream(raws: Sequence[bytes], ctx: PrepareContext) -> Iterator[list[Prepared]]:
    """Prepare a batch and hand it back in order, a chunk at a time. A big batch is shared between this
    process (the first part) and forked workers (one slice each, one worker per further core), so this process can
    store while the workers prepare. A worker that cannot start, dies or hangs costs time, not mail: this process
    prepares what it did not deliver. Never raises for bad mail."""
    count = _worker_count(len(raws), ctx.workers)
    own = len(raws) if count == 0 else int(len(raws) * max(0.0, (1 / count - STORE_COST) / (1 + 1 / count)))
    size = -(-(len(raws) - own) // count) if count else 0
    slices = [(start, min(start + size, len(raws))) for start in range(own, len(raws), size)] if size else []
    workers: list[_Worker] = []
    if slices:
        fork = multiprocessing.get_context("fork")
        for start, end in slices:
            try:
                reader, writer = fork.Pipe(duplex=False)
                process = fork.Process(target=_worker_main, args=(writer, raws[start:end], ctx), daemon=True)
                process.start()
                writer.close()
            except Exception:  # noqa: BLE001 - e.g. no memory for a fork: this process does that slice
                log.warning("werkproces voor ingest start niet; dit proces doet het zelf", exc_info=True)
                continue
            workers.append(_Worker(process, reader, start, end))
    done = 0
    try:
        for worker in workers:
            yield from _here(raws, ctx, done, worker.start)  # this process's part, or what a worker left undone
            done = worker.start
            while done < worker.end and (chunk := worker.receive()) is not None:
                yield chunk
                done += len(chunk)
        yield from _here(raws, ctx, done, len(raws))
    finally:
        for worker in workers:
            worker.stop(delivered=done >= worker.end)


def _here(raws: Sequence[bytes], ctx: PrepareContext, start: int, end: int) -> Iterator[list[Prepared]]:
    for first in range(start, end, CHUNK):
        yield _prepare_chunk(raws[first:min(first + CHUNK, end)], ctx)


def _die_with_parent() -> None:
    """A worker ends when the ingest process ends, even by SIGKILL (which runs no clean-up), instead of working
    on for nobody. Linux only; elsewhere it ends when it finds the pipe to the ingester closed."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _worker_count(size: int, configured: int | None = None) -> int:
    if size < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    wanted = (os.cpu_count() or 1) - 1 if configured is None else configured
    return max(0, min(wanted, 7))
