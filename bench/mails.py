"""Realistic mail for the ingest benches: the shapes Outlook, Gmail and Apple Mail send, 5–50 KiB each.

Built with the stdlib `email` package from the bundled demo questions: multipart/alternative (text + HTML in the
client's own markup), quoted history under the new text, a signature, inline logos (multipart/related) and
PDF/DOCX/PNG attachments; quoted-printable or base64 as the client does. Deterministic for a given number.
"""

from __future__ import annotations

import html
import random
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "mail_ingest" / "demo"

QUESTIONS = [
    "Wat kost eHerkenning niveau 3 voor ons schoolbestuur, en betalen we per medewerker of per organisatie?",
    "Welke leverancier van eHerkenning moeten wij kiezen? Wij hebben vijf scholen en één administratiekantoor.",
    "Wij hebben al eHerkenning niveau 2+ voor de Belastingdienst. Is een upgrade naar niveau 3 genoeg?",
    "Vanaf wanneer is eHerkenning niveau 3 verplicht voor Mijn DUO? Wij willen op tijd klaar zijn.",
    "Wie binnen ons bestuur heeft toegang nodig tot Mijn DUO en het Inspectieportaal met eHerkenning?",
    "Onze tokengenerator is kwijt. Kunnen we nog inloggen bij Mijn DUO, of moeten we iets nieuws aanvragen?",
    "Ons administratiekantoor logt namens ons in. Heeft het kantoor een eigen machtiging nodig?",
    "Kunnen we eHerkenning niveau 3 ook gebruiken voor DigiD Machtigen, of is dat iets anders?",
]
FILLER = ("Wij zijn een stichting voor primair onderwijs met {n} scholen in de regio. De directeur-bestuurder en "
          "twee medewerkers van de financiële administratie loggen regelmatig in bij Mijn DUO voor de "
          "bekostiging en de jaarverslaggeving. In de brief van DUO lazen wij dat dit vanaf volgend jaar alleen "
          "nog met eHerkenning op niveau 3 kan. ")
DISCLAIMER = ("Dit bericht is uitsluitend bestemd voor de geadresseerde. Als u dit bericht per vergissing heeft "
              "ontvangen, wordt u verzocht dit te melden aan de afzender en het bericht te verwijderen. ")


def _attachment(rng: random.Random, size: int) -> bytes:
    return rng.randbytes(size)


def _paragraphs(rng: random.Random, n: int) -> list[str]:
    question = QUESTIONS[n % len(QUESTIONS)]
    extra = [FILLER.format(n=rng.randint(2, 40)) for _ in range(rng.randint(1, 4))]
    return ["Geachte heer, mevrouw,", question, *extra, "Met vriendelijke groet,",
            f"J. de Vries\nControler, Stichting Onderwijs {n % 97}\nTel. 030 123 {n % 10000:04d}"]


def _quoted(rng: random.Random) -> list[str]:
    return ["Van: Helpdesk IPO <ipo@duo.nl>", "Verzonden: maandag 3 november 2025 10:12",
            "Onderwerp: RE: eHerkenning niveau 3", "",
            *(FILLER.format(n=rng.randint(2, 9)) for _ in range(rng.randint(2, 6)))]


def _html(paragraphs: list[str], style: str, quoted: list[str]) -> str:
    body = "".join(f"<p class=MsoNormal>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    if style == "outlook":
        head = ('<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8">'
                "<style><!-- p.MsoNormal {margin:0cm; font-size:11.0pt; font-family:\"Calibri\",sans-serif;} "
                "@page WordSection1 {size:612.0pt 792.0pt;} --></style></head><body lang=NL><div class=WordSection1>")
        history = ('<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
                   + "".join(f"<p class=MsoNormal>{html.escape(q)}</p>" for q in quoted) + "</div>")
        return head + body + '<img src="cid:image001.png@01DA">' + history + "</div></body></html>"
    if style == "gmail":
        history = ('<div class="gmail_quote"><div class="gmail_attr">Op ma 3 nov 2025 om 10:12 schreef Helpdesk IPO '
                   '&lt;ipo@duo.nl&gt;:</div><blockquote class="gmail_quote" style="margin:0 0 0 .8ex">'
                   + "<br>".join(html.escape(q) for q in quoted) + "</blockquote></div>")
        return f'<div dir="ltr">{body}</div><br>{history}'
    history = ('<div><br><blockquote type="cite"><div>Op 3 nov 2025, om 10:12 heeft Helpdesk IPO het volgende '
               "geschreven:</div>" + "".join(f"<div>{html.escape(q)}</div>" for q in quoted) + "</blockquote></div>")
    return (f'<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
            f'<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space;">{body}{history}</body></html>')


def realistic_mail(n: int, senders: int) -> bytes:
    """Mail number n: Outlook, Gmail or Apple Mail shape, a question (sometimes a reply with history), 5–50 KiB."""
    rng = random.Random(n)
    style = ("outlook", "gmail", "apple")[n % 3]
    paragraphs = _paragraphs(rng, n)
    quoted = _quoted(rng) if n % 4 == 1 else []
    text = "\n\n".join(paragraphs) + ("\n\n" + "\n".join(f"> {q}" for q in quoted) if quoted else "")
    if style == "outlook":
        text += "\n\n" + DISCLAIMER * 3
    message = EmailMessage()
    domain = f"school-{n % senders}.example"
    message["From"] = f"J. de Vries <bestuur{n % senders}@{domain}>"
    message["To"] = "Helpdesk IPO <ipo@duo.nl>"
    message["Subject"] = ("RE: " if quoted else "") + QUESTIONS[n % len(QUESTIONS)].split("?")[0][:70] + "?"
    message["Date"] = format_datetime(datetime(2025, 11, 3, tzinfo=UTC) + timedelta(minutes=n))
    message["Message-ID"] = f"<realistic-{n}.{rng.getrandbits(48):x}@{domain}>"
    message["MIME-Version"] = "1.0"
    if style == "outlook":
        message["X-Mailer"] = "Microsoft Outlook 16.0"
        message["Thread-Index"] = "AdoPq3" + f"{n:08d}"
    elif style == "apple":
        message["X-Mailer"] = "Apple Mail (2.3774.500.171.1.1)"
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(_html(paragraphs, style, quoted), subtype="html", cte="quoted-printable")
    if style == "outlook":  # the logo in the signature: multipart/related inside the alternative
        html_part = message.get_payload()[1]
        html_part.add_related(_attachment(rng, rng.randint(2_000, 6_000)), "image", "png", cid="<image001.png@01DA>",
                              filename="image001.png")
    kind = n % 5
    if kind in (0, 3):
        message.add_attachment(_attachment(rng, rng.randint(4_000, 30_000)), "application", "pdf",
                               filename=f"offerte-{n}.pdf")
    elif kind == 2:
        message.add_attachment(_attachment(rng, rng.randint(2_000, 12_000)), "application",
                               "vnd.openxmlformats-officedocument.wordprocessingml.document",
                               filename="vragen eHerkenning.docx")
    raw = message.as_bytes(policy=SMTP)
    return raw if len(raw) >= 5 * 1024 else _padded(message, 5 * 1024 - len(raw))


def _padded(message: EmailMessage, short: int) -> bytes:
    """Below 5 KiB: a scanned signature image makes up the difference, as many real mails have."""
    rng = random.Random(short)
    message.add_attachment(_attachment(rng, short + 512), "image", "png", filename="handtekening.png")
    return message.as_bytes(policy=SMTP)


def realistic_mails(n: int, offset: int = 0) -> list[bytes]:
    """N realistic mails; each sender writes a few times, not a flood."""
    senders = max(1, n // 3)
    return [realistic_mail(offset + i, senders) for i in range(n)]
