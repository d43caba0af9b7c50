"""Wrap some hand-written core questions from examples_v2.jsonl in realistic mail surroundings.

Run `python knowledge/training/compose_variants.py`; it is stdlib only and seeded, so the output
(`examples_wrapped.jsonl`) is the same on every machine. The label stays the core question's: the
surroundings (context, quoted history, forward headers, signatures) only move the question's place.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "examples_v2.jsonl"
TARGET = HERE / "examples_wrapped.jsonl"
SEED = 20261203
# How many cores to wrap per category; "other" is the broad class, so a little larger.
PER_CATEGORY = {"cost": 58, "supplier": 58, "upgrade": 58, "deadline": 58, "other": 68}
MAX_CORE_CHARS = 170

GREETINGS = {
    "nl": [
        "Goedemorgen,",
        "Goedemiddag,",
        "Beste helpdesk,",
        "Geachte heer, mevrouw,",
        "Hallo,",
        "Beste mensen,",
        "Dag Helpdesk IPO,",
        "Hoi,",
        "Geachte medewerker,",
        "",
    ],
    "en": ["Dear helpdesk,", "Hello,", "Good morning,", "Hi,", "Dear Sir or Madam,", ""],
}
CLOSINGS = {
    "nl": [
        "Met vriendelijke groet,",
        "Vriendelijke groet,",
        "Groet,",
        "Alvast bedankt,",
        "Hartelijke groet,",
        "Mvg,",
        "Bij voorbaat dank,",
        "Groetjes,",
    ],
    "en": ["Kind regards,", "Best regards,", "Thanks in advance,", "Many thanks,", "Best,"],
}
SIGNATURES = {
    "nl": [
        "Annelies Brouwer\nLeerlingadministratie\nOBS De Sterrenwachter",
        "J. de Haan\ncontroller",
        "Mohamed Amrani\nICT-coördinator | SG Het Noorderlicht\nT 050 311 22 33",
        "Tineke\nsecretariaat CBS De Ark",
        "drs. L.M. Koster\nbestuurssecretaris Stichting Primo",
        "Wim Reijnders\nadministratie (ma-di-do)",
        "Sabine Verwey\nOffice manager\nKindcentrum De Boomgaard",
        "Frank\nFrank Peeters ICT-diensten - voor 19 scholen in West-Brabant",
        "Riet van Essen, penningmeester",
    ],
    "en": [
        "Laura Bennett\nBusiness Manager",
        "Tom Verhoef\nIT coordinator, International School Utrecht",
        "Grace O'Neill\nOffice, Bilingual Primary Almere",
        "Ravi Patel\nFinance officer",
    ],
}
DISCLAIMERS = [
    "Deze e-mail is uitsluitend bestemd voor de geadresseerde(n). Heeft u dit bericht per vergissing ontvangen, "
    "verwijder het dan en informeer de afzender.",
    "Denk aan het milieu voordat u deze e-mail print.",
    "Ik werk op maandag, dinsdag en donderdag.",
    "Verstuurd vanaf mijn iPhone",
    "Verzonden vanaf Outlook voor Android",
    "This e-mail and any attachments are confidential and intended solely for the addressee.",
]
CONTEXT = {
    "nl": [
        "Wij zijn een basisschool met ongeveer 230 leerlingen en een kleine administratie van twee mensen.",
        "Sinds september werk ik op de administratie; mijn voorganger is met pensioen gegaan.",
        "Ik schrijf u namens het bestuursbureau van een stichting met zeven scholen in de regio Utrecht.",
        "Dank nog voor uw hulp bij de BRON-aanlevering vorige maand, dat is helemaal goed gekomen.",
        "We hebben de brief van 8 november in het managementteam besproken en er kwamen veel vragen uit.",
        "Als ICT-partner beheren wij de systemen van twintig scholen in het primair onderwijs.",
        "Onze school verhuist in het voorjaar naar een nieuw gebouw, dus het is hier een drukke tijd.",
        "De nieuwe bekostigingsbeschikking hebben we ontvangen en die klopt, daarover geen vragen.",
        "Ik ben boekhouder en doe de financiële administratie voor drie kleine stichtingen.",
        "Onze directeur heeft mij gevraagd de brief over eHerkenning uit te zoeken.",
        "Ik heb de FAQ op uw website gelezen, maar ik kon het antwoord niet goed vinden.",
        "Bij ons werken vier mensen met Mijn DUO, vooral voor de leerlingadministratie en de telling.",
        "Het nieuwe leerlingadministratiesysteem draait inmiddels, de koppeling met BRON werkt prima.",
        "Ik ben nieuw in deze functie en nog niet zo thuis in de systemen van DUO.",
        "Vorige week hebben we de tokengenerator van een vertrokken collega teruggevonden in een la.",
    ],
    "en": [
        "We are a small international primary school with about 180 pupils.",
        "I recently joined the school as operations manager and I'm still learning the Dutch systems.",
        "Our board discussed the letter from DUO last week.",
        "Thanks again for your help with the pupil registration last month.",
        "Half of our office team does not read Dutch, so I'm writing in English.",
    ],
}
QUOTED = {
    "nl": [
        "Op {day} {date} om {time} schreef Helpdesk IPO <ipo@duo.nl>:\n> Beste relatie,\n>\n> {answer}\n>\n"
        "> Met vriendelijke groet,\n> Helpdesk IPO",
        "Van: Helpdesk IPO <ipo@duo.nl>\nVerzonden: {day} {date} {time}\nAan: administratie\nOnderwerp: {subject}\n\n"
        "Geachte heer, mevrouw,\n\n{answer}\n\nMet vriendelijke groet,\nHelpdesk IPO",
        "-----Oorspronkelijk bericht-----\nVan: Helpdesk IPO\nVerzonden: {day} {date} {time}\nOnderwerp: {subject}\n\n"
        "{answer}",
        ">>> Helpdesk IPO <ipo@duo.nl> {date} {time} >>>\n{answer}",
        "Op {date}, om {time}, heeft Helpdesk IPO <ipo@duo.nl> het volgende geschreven:\n\n> {answer}",
    ],
    "en": [
        "On {day} {date} at {time}, Helpdesk IPO <ipo@duo.nl> wrote:\n> {answer}",
        "From: Helpdesk IPO <ipo@duo.nl>\nSent: {day} {date} {time}\nSubject: {subject}\n\n{answer}",
    ],
}
ANSWERS = {
    "nl": [
        "De foutmelding in BRON ontstaat doordat de inschrijvingsdatum vóór de geboortedatum ligt.",
        "Uw adreswijziging is verwerkt in onze administratie.",
        "Informatie over eHerkenning vindt u op duo.nl/eherkenning.",
        "U kunt de correctie op de telling doorgeven via Mijn DUO.",
        "Dank voor uw bericht; wij nemen het mee.",
        "De nieuwe tokengenerator is naar het adres van uw bestuur verzonden.",
    ],
    "en": [
        "You can find more information at duo.nl/eherkenning.",
        "Your change of contact details has been processed.",
        "Thank you for your message; we will get back to you.",
    ],
}
FORWARD_NOTES = {
    "nl": [
        "Zie hieronder. Kunt u deze vraag beantwoorden?",
        "Hierbij een vraag van mijn collega.",
        "Deze kwam bij ons binnen, ik denk dat hij voor u is.",
        "Ter beantwoording doorgestuurd.",
    ],
    "en": ["See below, could you answer this?", "Forwarding a question from my colleague."],
}
REPLY_PREFIX = {"nl": ["Re: ", "RE: ", "Antw: ", "AW: "], "en": ["Re: ", "RE: "]}
FORWARD_PREFIX = {"nl": ["Fwd: ", "FW: ", "Doorgestuurd: "], "en": ["Fwd: ", "FW: "]}
DAYS = {"nl": ["ma", "di", "wo", "do", "vr"], "en": ["Mon", "Tue", "Wed", "Thu", "Fri"]}


def _quote(rng: random.Random, lang: str, subject: str) -> str:
    """An earlier message from the helpdesk, quoted in one of several mail programs' styles."""
    return rng.choice(QUOTED[lang]).format(
        day=rng.choice(DAYS[lang]),
        date=f"{rng.randint(2, 27)}-{rng.choice([10, 11, 12])}-2026",
        time=f"{rng.randint(8, 16):02d}:{rng.randint(0, 59):02d}",
        subject=subject,
        answer=rng.choice(ANSWERS[lang]),
    )


def _sign(rng: random.Random, lang: str) -> str:
    """A closing line and signature, sometimes with a disclaimer under it."""
    parts = [rng.choice(CLOSINGS[lang]), rng.choice(SIGNATURES[lang])]
    if rng.random() < 0.3:
        parts.append("\n" + rng.choice(DISCLAIMERS))
    return "\n".join(parts)


def wrap(rng: random.Random, core: dict[str, str]) -> dict[str, str]:
    """One wrapped example: the core question at the end of context, in a reply, or inside a forward."""
    lang = core.get("lang", "nl")
    text, subject = core["text"], core["subject"] or "eHerkenning"
    shape = rng.choice(["context", "reply", "forward", "context_reply", "mobile_reply"])
    greeting = rng.choice(GREETINGS[lang])
    head = [greeting] if greeting else []
    if shape in ("context", "context_reply"):
        body = head + rng.sample(CONTEXT[lang], rng.randint(1, 3)) + [text, _sign(rng, lang)]
    elif shape == "forward":
        colleague = rng.choice(["Petra Smit", "Jan Bos", "Karin de Vries", "Ahmed Yilmaz", "Sophie Maas"])
        header = (
            f"---------- Doorgestuurd bericht ----------\nVan: {colleague}\nOnderwerp: {subject}\n"
            if lang == "nl"
            else f"---------- Forwarded message ---------\nFrom: {colleague}\nSubject: {subject}\n"
        )
        body = [rng.choice(FORWARD_NOTES[lang]), _sign(rng, lang), header + "\n" + text]
        return {
            "text": "\n\n".join(body),
            "subject": rng.choice(FORWARD_PREFIX[lang]) + subject,
            "category": core["category"],
            "lang": lang,
        }
    elif shape == "mobile_reply":
        body = [text, rng.choice(DISCLAIMERS[3:5]) if lang == "nl" else "Sent from my phone"]
    else:
        body = head + [text, _sign(rng, lang)]
    if shape in ("reply", "context_reply", "mobile_reply"):
        body.append(_quote(rng, lang, subject))
        subject = rng.choice(REPLY_PREFIX[lang]) + subject
    return {"text": "\n\n".join(body), "subject": subject, "category": core["category"], "lang": lang}


def cores(rows: list[dict[str, str]], rng: random.Random) -> list[dict[str, str]]:
    """A fixed sample of short one-paragraph questions per category, in a stable order."""
    chosen: list[dict[str, str]] = []
    for category, count in PER_CATEGORY.items():
        pool = sorted(
            (
                r
                for r in rows
                if r["category"] == category
                and "\n" not in r["text"]
                and len(r["text"]) <= MAX_CORE_CHARS
                and "?" in r["text"]
            ),
            key=lambda r: r["text"],
        )
        chosen.extend(rng.sample(pool, min(count, len(pool))))
    return chosen


def main() -> None:
    """Write examples_wrapped.jsonl from examples_v2.jsonl."""
    rng = random.Random(SEED)
    rows = [json.loads(line) for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = [wrap(rng, core) for core in cores(rows, rng)]
    TARGET.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    print(f"{len(out)} wrapped examples written to {TARGET.name}")


if __name__ == "__main__":
    main()
