"""Triage: category, confidence, reason and suggestions; learning from agents; the CLI."""

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import Ticket, TriageFeedback, utcnow
from helpdesk.triage.service import FEEDBACK_HALF_LIFE_DAYS, get_triager, is_uncertain, triage_text
from tests.support.mail import make_mail

# Questions written for these tests (not taken from any evaluation set): (subject, body, category, good slugs)
CASES = [
    ("Prijs", "Hoeveel moeten wij per medewerker per jaar betalen voor eHerkenning niveau 3?", "cost",
     {"wat-kost-eherkenning"}),
    ("Welke aanbieder?", "Bij welke leverancier kunnen wij het beste een eHerkenningsmiddel aanschaffen? "
     "Is er een lijst van erkende partijen?", "supplier", {"leverancier-kiezen"}),
    ("Upgrade", "Wij hebben al eHerkenning niveau 2+ voor de Belastingdienst. Kunnen we dat laten ophogen "
     "naar niveau 3 of moeten we een nieuw middel kopen?", "upgrade",
     {"upgrade-naar-niveau-3", "al-eherkenning-voor-uwv-of-belastingdienst"}),
    ("Datum", "Per wanneer moeten wij eHerkenning hebben om in te loggen bij Mijn DUO? Is er al een "
     "uiterste datum bekend?", "deadline", {"wanneer-verplicht"}),
    ("Token", "Onze tokengenerator is kapot. Moeten we nog een nieuwe bestellen nu alles naar eHerkenning "
     "gaat?", "other", {"tokengenerator-vervangen"}),
    ("Cost of eHerkenning", "Dear helpdesk, what will eHerkenning level 3 cost our school board per year?",
     "cost", {"wat-kost-eherkenning", "english-summary"}),
]


@pytest.mark.parametrize(("subject", "body", "category", "slugs"), CASES, ids=[c[2] + ":" + c[0] for c in CASES])
def test_category_and_best_article(kb_app, subject, body, category, slugs):
    result = triage_text(body, subject)
    assert result.category == category
    assert 0.0 <= result.confidence <= 1.0
    assert result.reason
    top3 = [s.slug for s in result.suggestions[:3]]
    assert slugs & set(top3), top3
    assert len(result.suggestions) <= 5
    assert [s.score for s in result.suggestions] == sorted((s.score for s in result.suggestions), reverse=True)


def test_without_snippets_the_suggestions_are_the_same(kb_app):
    # `flask triage` prints no snippets, so it asks for none: the same articles, titles, scores and matches.
    triager = get_triager()
    for subject, body, _category, _slugs in CASES:
        full = triager.triage(body, subject).suggestions
        bare = triager.triage(body, subject, snippets=False).suggestions
        assert [(s.slug, s.title, s.score, s.match) for s in bare] == [(s.slug, s.title, s.score, s.match)
                                                                       for s in full]
        assert all(s.snippet for s in full) and any("<mark>" in s.snippet for s in full), full
        assert [s.snippet for s in bare] == [""] * len(bare)


def test_quoted_history_does_not_steer_triage(kb_app):
    body = ("Beste helpdesk,\n\nDank voor uw antwoord. Nog een vraag: voor welke datum moet het middel "
            "uiterlijk zijn aangeschaft?\n\nMet vriendelijke groet,\nPetra de Wit\n\n"
            "Op 3 nov. 2026 om 10:12 schreef Helpdesk IPO <ipo@duo.nl>:\n"
            "> U betaalt een vast bedrag per persoon per jaar. De kosten en prijzen verschillen per leverancier.\n"
            "> Kosten kosten kosten, tarieven en facturen.\n")
    outcome = ingest_raw(make_mail(subject="Re: kosten eHerkenning", body=body))
    ticket = db.session.get(Ticket, outcome.ticket_id)
    assert ticket.category == "deadline", ticket.category_reason
    assert ticket.top_article_slug == "wanneer-verplicht"


def test_ingest_stores_category_confidence_reason_and_suggestions(kb_app):
    outcome = ingest_raw(make_mail(subject="Kosten", body="Wat kost eHerkenning niveau 3 voor onze school?"))
    ticket = db.session.get(Ticket, outcome.ticket_id)
    assert ticket.category == "cost" and ticket.category_source == "triage"
    assert 0.5 < ticket.category_confidence <= 1.0
    assert ticket.category_reason
    assert ticket.suggestions[0]["slug"] == "wat-kost-eherkenning" == ticket.top_article_slug
    assert {"slug", "title", "score", "snippet"} <= set(ticket.suggestions[0])


def test_low_confidence_is_shown_as_uncertain(make_app, runner):
    strict = make_app(TRIAGE_THRESHOLD=0.99)
    with strict.app_context():
        strict.test_cli_runner().invoke(args=["setup"])
        outcome = ingest_raw(make_mail(subject="Vraagje", body="Hoe zit dat nou precies?"))
        ticket = db.session.get(Ticket, outcome.ticket_id)
        assert ticket.category_confidence < 0.99
        assert is_uncertain(ticket)


def test_agent_category_corrections_change_the_outcome_for_a_similar_mail(kb_app):
    subject, body = "Schoolfotograaf", "Mag de schoolfotograaf de leerlinggegevens uit Mijn DUO inzien?"
    before = triage_text(body, subject).category
    for text in ("Kan de schoolfotograaf de leerlinggegevens uit Mijn DUO krijgen?",
                 "Mag een schoolfotograaf inloggen om leerlinggegevens in Mijn DUO te bekijken?"):
        db.session.add(TriageFeedback(kind="category", subject="Fotograaf", text=text, category="upgrade"))
    db.session.commit()
    after = triage_text("Heeft onze schoolfotograaf toegang tot de leerlinggegevens in Mijn DUO nodig?",
                        "Fotograaf en DUO")
    assert before != "upgrade"
    assert after.category == "upgrade"


def test_one_misclick_does_not_flip_a_topic_and_old_corrections_fade(kb_app):
    # A clear cost question, wrongly corrected once to "deadline": the same kind of question stays cost.
    db.session.add(TriageFeedback(kind="category", subject="Kosten", category="deadline",
                                  text="Wat kost eHerkenning niveau 3 per medewerker per jaar?"))
    db.session.commit()
    probe = ("Hoeveel kost eHerkenning niveau 3 voor onze medewerkers per jaar?", "Prijs")
    assert triage_text(*probe).category == "cost"
    # The schoolfotograaf lesson, taught long ago, no longer holds; taught today it does.
    lesson = ["Kan de schoolfotograaf de leerlinggegevens uit Mijn DUO krijgen?",
              "Mag een schoolfotograaf inloggen om leerlinggegevens in Mijn DUO te bekijken?"]
    mail = ("Heeft onze schoolfotograaf toegang tot de leerlinggegevens in Mijn DUO nodig?", "Fotograaf en DUO")
    long_ago = utcnow() - timedelta(days=5 * FEEDBACK_HALF_LIFE_DAYS)
    for text in lesson:
        db.session.add(TriageFeedback(kind="category", subject="Fotograaf", text=text, category="upgrade",
                                      created_at=long_ago))
    db.session.commit()
    assert triage_text(*mail).category != "upgrade"
    for text in lesson:
        db.session.add(TriageFeedback(kind="category", subject="Fotograaf", text=text, category="upgrade"))
    db.session.commit()
    assert triage_text(*mail).category == "upgrade"


def test_article_used_by_agents_moves_up_for_similar_mails(kb_app):
    body = "Onze bestuurssecretaris wil weten of de medezeggenschapsraad ook mee moet beslissen hierover."
    before = [s.slug for s in triage_text(body, "MR").suggestions]
    for text in ("Moet de medezeggenschapsraad instemmen met de aanschaf?",
                 "Heeft de medezeggenschapsraad instemmingsrecht bij deze keuze?"):
        db.session.add(TriageFeedback(kind="article", subject="MR", text=text,
                                      article_slug="contact-en-meer-informatie"))
    db.session.commit()
    after = [s.slug for s in triage_text(body, "MR").suggestions]
    assert "contact-en-meer-informatie" not in before[:3]
    assert "contact-en-meer-informatie" in after[:2]


def test_triage_cli_prints_one_json_object_per_file_and_writes_nothing(kb_app, runner, tmp_path):
    question = tmp_path / "vraag.eml"
    question.write_bytes(make_mail(subject="Leverancier", body="Welke leverancier van eHerkenning kiezen we?"))
    auto = tmp_path / "auto.eml"
    auto.write_bytes(make_mail(subject="Automatisch antwoord: Leverancier", body="Ik ben afwezig.",
                               headers={"Auto-Submitted": "auto-replied"}))
    broken = tmp_path / "kapot.eml"
    broken.write_bytes(b"")
    data_dir = Path(kb_app.config["DATA_DIR"])
    before = sorted((p, p.stat().st_mtime_ns) for p in data_dir.rglob("*") if p.is_file())
    result = runner.invoke(args=["triage", str(question), str(auto), str(broken)])
    assert result.exit_code == 0, result.output  # every file got its line: a scoring script keeps the rest
    assert result.stderr.strip() == "Let op: 1 van de 3 bestanden is geen leesbare e-mail: kapot.eml"
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(line["file"]).name for line in lines] == ["vraag.eml", "auto.eml", "kapot.eml"]
    first = lines[0]
    assert set(first) >= {"file", "category", "confidence", "autoreply", "suggestions"}
    assert first["category"] == "supplier" and first["autoreply"] is False
    assert first["suggestions"][0]["slug"] == "leverancier-kiezen"
    assert set(first["suggestions"][0]) == {"slug", "title", "score"} and len(first["suggestions"]) <= 5
    assert lines[1]["autoreply"] is True and lines[1]["suggestions"] == []
    assert "error" in lines[2]
    after = sorted((p, p.stat().st_mtime_ns) for p in data_dir.rglob("*") if p.is_file() and "-wal" not in p.name
                   and "-shm" not in p.name)
    assert [p for p, _ in after] == [p for p, _ in before if "-wal" not in p.name and "-shm" not in p.name]
    assert db.session.scalar(select(Ticket.id)) is None


def test_triage_cli_works_before_setup(app, runner, tmp_path):
    mail = tmp_path / "vraag.eml"
    mail.write_bytes(make_mail(subject="Wanneer?", body="Vanaf welke datum is eHerkenning verplicht voor DUO?"))
    result = runner.invoke(args=["triage", str(mail)])
    assert result.exit_code == 0, result.output
    line = json.loads(result.output)
    assert line["category"] == "deadline" and line["suggestions"][0]["slug"] == "wanneer-verplicht"
    assert not os.listdir(app.config["INDEX_DIR"])


def test_suggestions_follow_the_language_of_the_mail(kb_app):
    # Dutch mail, even one using English words or asking in the English summary's terms, never gets it.
    for subject, body in [("Summary", "Is er ergens een korte samenvatting van eHerkenning niveau 3 voor DUO?"),
                          ("Kosten", "Wat kost eHerkenning level 3 voor ons schoolbestuur per jaar?"),
                          ("Login", "Hoe log ik straks in op Mijn DUO met eHerkenning niveau 3?")]:
        slugs = [s.slug for s in triage_text(body, subject).suggestions]
        assert slugs and "english-summary" not in slugs, (body, slugs)
    # English mail: the detailed (Dutch) answer first, the English summary right after it.
    english = triage_text("Dear helpdesk, by which date must our school board have eHerkenning level 3 "
                          "to keep logging in to Mijn DUO?", "Deadline")
    slugs = [s.slug for s in english.suggestions]
    assert slugs[0] == "wanneer-verplicht" and slugs[1] == "english-summary", slugs


# Mails whose context talks about one topic and whose question (at the end) asks about another.
MAIN_QUESTION_CASES = [
    ("Ons bestuur", "Goedemorgen,\n\nWij hebben vorig jaar veel betaald voor de tokengenerators en de facturen "
     "van onze leverancier waren hoog. De kosten per medewerker zijn fors en ons budget is krap.\n\n"
     "Mijn vraag: vanaf welke datum is eHerkenning niveau 3 verplicht voor Mijn DUO?\n\nGroet,\nAnja",
     "wanneer-verplicht"),
    ("eHerkenning", "Hallo,\n\nDe planning bij ons is krap: de deadline voor de jaarrekening, de datum van de "
     "accountant en de termijn van het bestuur vallen samen.\n\nWat kost een eHerkenningsmiddel niveau 3 per "
     "persoon per jaar?\n\nMvg,\nKees", "wat-kost-eherkenning"),
]


@pytest.mark.parametrize(("subject", "body", "slug"), MAIN_QUESTION_CASES, ids=["deadline", "cost"])
def test_first_suggestion_answers_the_main_question_not_the_context(kb_app, subject, body, slug):
    outcome = ingest_raw(make_mail(subject=subject, body=body))
    ticket = db.session.get(Ticket, outcome.ticket_id)
    assert ticket.top_article_slug == slug, ticket.suggestions
