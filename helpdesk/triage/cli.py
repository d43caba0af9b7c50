"""`flask triage FILE.eml …`: categorise and suggest for mail files, one JSON line each; writes nothing."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.exc import DBAPIError

from knowledge.articles import load_bundled_articles
from knowledge.classify import Classifier
from knowledge.search import SearchDoc, SearchIndex
from knowledge.triage import Triager, language
from mail_ingest import (
    MailParseError,
    classify_mail,
    is_reply_subject,
    parse_message,
    split_reply,
    strip_subject_prefixes,
)

from ..engine import core_engine
from .build import any_published, classifier_cache_dir, triager_from

AUTOMATIC_KINDS = {"autoreply", "bounce", "bulk"}


def _triager_without_writes(scratch: Path) -> Triager:
    """The app's triager when the app is set up; otherwise one on a scratch index of the bundled articles.

    The database is read with Core statements on an engine of its own (`helpdesk/engine.py`), so the command
    imports neither the models nor the ORM."""
    config = current_app.config
    index = SearchIndex(config["INDEX_DIR"])
    engine = core_engine(config, current_app.instance_path)
    connection = None
    try:
        try:
            connection = engine.connect()
            published = any_published(connection)
        except DBAPIError:  # no database or no schema yet: triage still works from the bundled articles
            published = False
        if published and index.exists():
            return triager_from(connection, index, classifier_cache_dir())
    finally:
        if connection is not None:
            connection.close()
        engine.dispose()
    articles = load_bundled_articles()
    scratch_index = SearchIndex(scratch)
    scratch_index.rebuild([SearchDoc(slug=a.slug, title=a.title, category=a.category, keywords=a.keywords,
                                     body=a.body, summary=a.summary, synonyms=a.synonyms) for a in articles])
    classifier = Classifier.default(cache_dir=classifier_cache_dir())
    return Triager(classifier, scratch_index, {a.slug: a.category for a in articles},
                   {a.slug: a.title for a in articles},
                   article_languages={a.slug: language(f"{a.title}\n{a.summary}\n{a.body}") for a in articles})


def triage_file(triager: Triager, path: Path) -> dict:
    """One mail file to the contract's JSON object."""
    record: dict = {"file": str(path)}
    try:
        parsed = parse_message(path.read_bytes())
    except (OSError, MailParseError) as exc:
        return {**record, "category": "other", "confidence": 0.0, "autoreply": False, "suggestions": [],
                "error": str(exc)}
    kind = classify_mail(parsed, own_message_id_domain=current_app.config["MESSAGE_ID_DOMAIN"],
                         own_addresses=current_app.config["OWN_ADDRESSES"])
    cleaned = split_reply(parsed.text, subject=parsed.subject)
    result = triager.triage(cleaned.new_text or parsed.text, strip_subject_prefixes(parsed.subject),
                            reply=is_reply_subject(parsed.subject), snippets=False)  # not printed
    automatic = kind.kind in AUTOMATIC_KINDS
    return {**record, "category": result.category, "confidence": round(result.confidence, 4),
            "autoreply": automatic, "kind": kind.kind, "reason": result.reason if not automatic else kind.reason,
            "suggestions": [] if automatic else [{"slug": s.slug, "title": s.title, "score": s.score}
                                                 for s in result.suggestions]}


@click.command("triage")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def triage_command(files: tuple[Path, ...]) -> None:
    """Read RFC 822 messages and print one JSON object a line: category, confidence, autoreply, suggestions.

    A file that is not a readable mail gets a line with "error" and is named in a note on stderr; the exit code
    stays 0 when every file got its line, so a script that scores the output still gets the rest.
    """
    scratch = Path(tempfile.mkdtemp(prefix="ipo-triage-"))
    unreadable = []
    try:
        triager = _triager_without_writes(scratch)
        for path in files:
            record = triage_file(triager, path)
            click.echo(json.dumps(record, ensure_ascii=False))
            if "error" in record:
                unreadable.append(path.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if unreadable:
        verb = "is" if len(unreadable) == 1 else "zijn"
        click.echo(f"Let op: {len(unreadable)} van de {len(files)} bestanden {verb} geen leesbare e-mail: "
                   f"{', '.join(unreadable[:5])}{' …' if len(unreadable) > 5 else ''}", err=True)
