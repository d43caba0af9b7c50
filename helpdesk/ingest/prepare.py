"""The CPU-heavy half of ingest — parse, split off quoted history, filter verdict, triage — for a batch of mails,
on every core of the machine. The database half (threading, storing) stays in the calling process.

Nothing here touches the database or needs an app context, so a big batch can be spread over forked worker
processes that inherit the triager as it is at that moment (no pickling of the model). Every mail is prepared in a
worker that this process can kill, so one mail costs at most its time budget, never the whole intake. The caller
decides, with the threading it knows, whether a mail is really a new question and uses the triage result only then.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from knowledge.triage import Triager, TriageResult
from mail_ingest import MailKind, MailParseError, ParsedMail, classify_mail, parse_message, split_reply
from mail_ingest.mime import ParseLimits

from ..blobs import attachment_path, raw_key
from ..triage.service import triage_mail

log = logging.getLogger(__name__)

PARALLEL_FROM = 64  # smaller batches (a mail that just came in under IDLE) get one worker process
NO_SUBJECT = "(geen onderwerp)"


@dataclass(frozen=True)
class PrepareContext:
    """What preparing needs: parse bounds, who "we" are (own mail is ignored), the triager."""

    limits: ParseLimits
    own_domain: str
    own_addresses: Sequence[str]
    triager: Triager
    workers: int | None = None  # worker processes for a big batch; None: one per core
    mail_seconds: float | None = None  # wall-clock budget per mail (INGEST_MAIL_SECONDS); None: no limit


@dataclass
class Prepared:
    """One mail, prepared: parsed (or the parse error), its new text, the filter verdict, the blob keys of its raw
    source and attachments (content-addressed; the caller stores them with the mail) and, for a question,
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
    prepared.raw_path = raw_key(raw)
    prepared.attachment_paths = [attachment_path(part.data, part.filename) for part in parsed.attachments]
    if verdict.kind == "question":
        prepared.triage_subject = parsed.subject[:500] or NO_SUBJECT
        prepared.triage = triage_mail(ctx.triager, prepared.clean_text, prepared.triage_subject)
    return prepared


# Mails handed back at a time, so the caller can store while the workers prepare. A chunk is waited for until it
# is full (or its slice ends): each costs the caller a few look-up queries, so chunks of one or two mails, which a
# caller faster than its workers would get, cost a round trip per mail on PostgreSQL.
CHUNK = 25
WORKER_ATTEMPTS = 2  # a mail whose worker process dies this often (not the machine's fault, then) is quarantined


def _worker_main(conn: Connection, raws: Sequence[bytes], start: int, end: int, ctx: PrepareContext) -> None:
    """A forked worker: prepare raws[start:end] and send each mail back as soon as it is done, then end.

    What it inherited (the triager, the search snapshot: some 140,000 objects) is moved out of the garbage
    collector's sight: the mails' short-lived objects are collected as before, but no collection walks that heap
    again, which cost ~10% of preparing a realistic mail and copied the pages it touched."""
    gc.freeze()  # the worker ends after its slice: nothing frozen outlives it
    _die_with_parent()
    try:
        for raw in raws[start:end]:
            conn.send_bytes(pickle.dumps(prepare_one(raw, ctx), protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        conn.close()


class _Worker:
    """A forked worker preparing raws[start:end] in order. A thread here reads its pipe as results come (with the
    time each arrived), so the worker never waits for this process, and the time a mail took is known: from the
    arrival of the one before (or the start) to its own."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.last = time.monotonic()
        self.results: queue.Queue[tuple[float, bytes | None]] = queue.Queue()
        self.reader = threading.Thread(target=self._read, name=f"ingest-worker-{process.pid}", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        try:
            while True:
                data = self.conn.recv_bytes()
                self.results.put((time.monotonic(), data))
        except (EOFError, OSError):  # the worker is done (or died): end of its results
            self.results.put((time.monotonic(), None))

    def next(self, budget: float | None) -> Prepared | str:
        """The next mail's result; "timeout" when it took longer than `budget` seconds, "died" when the worker
        ended without it."""
        timeout = None if budget is None else max(0.0, self.last + budget - time.monotonic())
        try:
            arrived, data = self.results.get(timeout=timeout)
        except queue.Empty:
            return "timeout"
        if data is None:
            return "died"
        self.last = arrived
        try:
            return pickle.loads(data)
        except Exception as exc:  # noqa: BLE001 - an unreadable result is this mail's error, not the batch's
            return Prepared(error=f"onleesbaar_resultaat: {type(exc).__name__}: {exc}")

    def stop(self) -> None:
        """Kill the worker if it still runs (it is done, or over its budget), reap it and its reader thread."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()  # the reader thread ends at EOF
        self.reader.join(timeout=5)


def _start(raws: Sequence[bytes], ctx: PrepareContext, start: int, end: int) -> _Worker | None:
    try:
        fork = multiprocessing.get_context("fork")
        reader, writer = fork.Pipe(duplex=False)
        process = fork.Process(target=_worker_main, args=(writer, raws, start, end, ctx), daemon=True)
        process.start()
        writer.close()
    except Exception:  # noqa: BLE001 - e.g. no memory for a fork: this process does that slice
        log.warning("werkproces voor ingest start niet; dit proces doet het zelf (zonder tijdslimiet)", exc_info=True)
        return None
    return _Worker(process, reader)


def prepare_stream(raws: Sequence[bytes], ctx: PrepareContext) -> Iterator[list[Prepared]]:
    """Prepare a batch and hand it back in order, a chunk at a time. Every mail is prepared in a forked worker
    (a big batch: one slice per core) with a wall-clock budget of `ctx.mail_seconds`: a mail over it is abandoned
    (its worker killed, a fresh one goes on with the next mail) and comes back with `error`, as does a mail whose
    worker died WORKER_ATTEMPTS times on it; the caller quarantines those with their raw bytes and stores the rest.
    Never raises for bad mail; only if no worker can be forked does this process prepare the mail itself."""
    if not raws:
        return
    if ctx.workers == 0 or "fork" not in multiprocessing.get_all_start_methods():
        yield from _here(raws, ctx, 0, len(raws))
        return
    count = _worker_count(len(raws), ctx.workers)
    size = -(-len(raws) // count)
    slices = [(start, min(start + size, len(raws))) for start in range(0, len(raws), size)]
    workers: list[_Worker | None] = [_start(raws, ctx, start, end) for start, end in slices]
    try:
        for number, (start, end) in enumerate(slices):
            yield from _supervise(raws, ctx, start, end, workers, number)
    finally:
        for worker in workers:
            if worker is not None:
                worker.stop()


def _supervise(raws: Sequence[bytes], ctx: PrepareContext, start: int, end: int, workers: list[_Worker | None],
               number: int) -> Iterator[list[Prepared]]:
    """Hand back raws[start:end] from workers[number], replacing a worker that went over budget or died."""
    position, deaths = start, 0
    while position < end:
        if workers[number] is None:
            workers[number] = _start(raws, ctx, position, end)
        worker = workers[number]
        if worker is None:
            yield from _here(raws, ctx, position, end)
            return
        chunk: list[Prepared] = []
        while position < end and len(chunk) < CHUNK:
            result = worker.next(ctx.mail_seconds)
            if isinstance(result, Prepared):
                chunk.append(result)
                position, deaths = position + 1, 0
                continue
            worker.stop()
            workers[number] = None
            deaths += result == "died"
            if result == "timeout" or deaths >= WORKER_ATTEMPTS:
                log.warning("mail %s van de batch: %s; in quarantaine", position, result)
                chunk.append(Prepared(error=_abandoned(result, ctx.mail_seconds)))
                position, deaths = position + 1, 0
            break
        if chunk:
            yield chunk


def _abandoned(why: str, budget: float | None) -> str:
    if why == "timeout":
        return (f"te_zwaar: het lezen van deze mail duurde langer dan {budget:g} s en is afgebroken; "
                "de mail is met de originele bytes bewaard")
    return (f"werkproces_gestorven: het werkproces stopte {WORKER_ATTEMPTS} keer tijdens het lezen van deze mail; "
            "de mail is met de originele bytes bewaard")


def _here(raws: Sequence[bytes], ctx: PrepareContext, start: int, end: int) -> Iterator[list[Prepared]]:
    for first in range(start, end, CHUNK):
        yield [prepare_one(raw, ctx) for raw in raws[first:min(first + CHUNK, end)]]


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
    """Worker processes for a batch: one for a small batch, else one per core (this process only stores)."""
    if size < PARALLEL_FROM:
        return 1
    wanted = (os.cpu_count() or 1) if configured is None else configured
    return max(1, min(wanted, 8))
