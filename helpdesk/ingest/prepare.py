"""The CPU-heavy half of ingest — parse, split off quoted history, filter verdict, triage — for a batch of mails,
on every core of the machine. The database half (threading, storing) stays in the calling process.

Nothing here touches the database or needs an app context, so a big batch can be spread over forked worker
processes that inherit the triager as it is at that moment (no pickling of the model). The caller decides,
with the threading it knows, whether a mail is really a new question and uses the triage result only then.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

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


# The context of the batch being prepared, set while its worker pool lives: forked workers inherit it.
_forked: PrepareContext | None = None

CHUNK = 25  # mails handed back at a time, so the caller can store while the workers prepare
# What storing a prepared mail costs this process, relative to preparing it in a worker (which also pays for the
# fork and for sending results back): measured with bench/ingest.py. With one worker this process prepares 45 % of
# a batch itself and stores everything while the worker prepares the rest, so both cores finish together; with
# many workers this process prepares less.
STORE_COST = 0.1


def _prepare_in_worker(raws: list[bytes]) -> list[Prepared]:
    assert _forked is not None, "worker started without a context"
    return [prepare_one(raw, _forked) for raw in raws]


def prepare_stream(raws: Sequence[bytes], ctx: PrepareContext) -> Iterator[list[Prepared]]:
    """Prepare a batch and hand it back in order, a chunk at a time. A big batch is shared between this
    process and forked workers (one per further core); if forking is impossible or a worker fails, this process
    prepares the rest itself. Never raises for bad mail."""
    workers = _worker_count(len(raws), ctx.workers)
    own = len(raws) if workers == 0 else int(len(raws) * max(0.0, (1 / workers - STORE_COST) / (1 + 1 / workers)))
    global _forked
    pool = results = None
    if workers:
        _forked = ctx
        try:
            # Objects that exist now are left alone by the garbage collector (here and in the workers): a
            # collection in a worker would otherwise touch, and so copy, every page it shares with this process.
            gc.freeze()
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=_die_with_parent)
            chunks = [list(raws[start:start + CHUNK]) for start in range(own, len(raws), CHUNK)]
            results = pool.imap(_prepare_in_worker, chunks)  # chunks of mails, back in order
        except Exception:  # noqa: BLE001 - e.g. no memory for a fork: this process does it all
            log.warning("werkprocessen voor ingest starten niet; dit proces doet het zelf", exc_info=True)
            own = len(raws)
    try:
        for start in range(0, own, CHUNK):
            yield [prepare_one(raw, ctx) for raw in raws[start:min(start + CHUNK, own)]]
        done = own
        while results is not None and done < len(raws):
            try:
                chunk = results.next(timeout=WORKER_TIMEOUT)
            except Exception:  # noqa: BLE001 - a worker died or hangs: the rest is prepared here
                log.warning("werkproces voor ingest faalde; dit proces doet de rest", exc_info=True)
                break
            yield chunk
            done += len(chunk)
        for start in range(done, len(raws), CHUNK):
            yield [prepare_one(raw, ctx) for raw in raws[start:start + CHUNK]]
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
            gc.unfreeze()
        _forked = None


def _die_with_parent() -> None:
    """A worker ends when the ingest process ends, even by SIGKILL (which runs no clean-up): otherwise it would
    wait for work forever. Linux only; elsewhere a worker ends with the pool as usual."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def prepare_many(raws: Sequence[bytes], ctx: PrepareContext) -> list[Prepared]:
    """Prepare a batch, in order (see `prepare_stream`)."""
    return [prepared for chunk in prepare_stream(raws, ctx) for prepared in chunk]


def _worker_count(size: int, configured: int | None = None) -> int:
    if size < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    wanted = (os.cpu_count() or 1) - 1 if configured is None else configured
    return max(0, min(wanted, 7))
