"""'Vragen zonder goed artikel': mail questions no article answers well, grouped, for editors only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from helpdesk.extensions import db
from helpdesk.models import Ticket, utcnow
from tests.conftest import PASSWORD
from tests.support.mail import make_mail

# (subject, body): three about VAT, two about a certificate of conduct, one the FAQ answers.
MAILS = [
    ("btw", "Goedemiddag,\n\nMoeten wij btw betalen over eHerkenning, of kunnen wij die btw terugvragen?\n\n"
     "Groet,\nAnja"),
    ("Vraag", "Beste helpdesk,\n\nIs de btw bij de prijs van eHerkenning inbegrepen?\n\nMvg,\nPieter"),
    ("Factuur", "Hallo,\n\nZijn de bedragen voor eHerkenning inclusief of exclusief btw?\n\nKees"),
    ("VOG", "Goedemorgen,\n\nHoe vraag ik een verklaring omtrent gedrag aan voor een nieuwe leraar?\n\nGroet,\nEls"),
    ("Nieuwe collega", "Hallo,\n\nWaar vraag ik een verklaring omtrent gedrag voor nieuw personeel aan?\n\nJoost"),
    ("Kosten", "Beste,\n\nWat kost eHerkenning niveau 3 per persoon per jaar?\n\nGroet,\nRia"),
]


def _import(runner, tmp_path, mails):
    paths = []
    for n, (subject, body) in enumerate(mails):
        path = tmp_path / f"mail{n}.eml"
        path.write_bytes(make_mail(subject=subject, body=body, sender=f"Afzender {n} <a{n}@school{n}.example>"))
        paths.append(str(path))
    result = runner.invoke(args=["import-mail", *paths])
    assert result.exit_code == 0, result.output


def test_mail_questions_without_a_good_article_grouped_by_topic(kb, runner, login, client, tmp_path):
    _import(runner, tmp_path, MAILS)
    assert db.session.query(Ticket).filter(Ticket.kind == "question").count() == len(MAILS)
    login("editor")
    page = client.get("/kb/hiaten/vragen").get_data(as_text=True)
    groups = page.split('<li class="ed-gap-group">')[1:]
    assert len(groups) == 2, page
    assert "3 vragen over" in groups[0] and all(w in groups[0] for w in ("terugvragen", "inbegrepen", "exclusief"))
    assert "2 vragen over" in groups[1] and groups[1].count("verklaring omtrent gedrag") >= 2
    assert "per persoon per jaar" not in page  # answered by wat-kost-eherkenning
    assert "6 vragen per mail, waarvan 5 zonder goed artikel in 2 groepen" in page
    assert 'href="/kb/hiaten/vragen' in client.get("/kb/").get_data(as_text=True)


def test_period_and_roles(kb, runner, login, client, make_user, tmp_path):
    _import(runner, tmp_path, MAILS[3:4])
    db.session.execute(update(Ticket).values(created_at=utcnow() - timedelta(days=45)))
    db.session.commit()
    agent, anonymous = kb.test_client(), kb.test_client()
    agent.post("/login", data={"email": make_user("agent").email, "password": PASSWORD})
    assert agent.get("/kb/hiaten/vragen").status_code == 403
    assert anonymous.get("/kb/hiaten/vragen").status_code in (302, 401)
    login("editor")
    assert "verklaring omtrent gedrag" not in client.get("/kb/hiaten/vragen?periode=30").get_data(as_text=True)
    assert "verklaring omtrent gedrag" in client.get("/kb/hiaten/vragen?periode=90").get_data(as_text=True)
    wrong = client.get("/kb/hiaten/vragen?periode=eigen&van=gisteren&tot=morgen")
    assert wrong.status_code == 200 and "De periode klopt niet" in wrong.get_data(as_text=True)
