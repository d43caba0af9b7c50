"""Classify a parsed mail: a real question, or an auto-reply, bounce, bulk mail or our own mail (no loops)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from mail_ingest.clean import split_reply
from mail_ingest.parse import ParsedMail

__all__ = ["FILTERS", "FilterContext", "FilterVerdict", "MailKind", "classify_mail"]

Kind = Literal["question", "autoreply", "bounce", "own", "bulk"]
OWN_HEADER = "x-ipo-helpdesk"


@dataclass(frozen=True)
class FilterVerdict:
    """What one filter decided: the kind and a human reason (Dutch, shown to agents)."""

    kind: Kind
    reason: str


@dataclass(frozen=True)
class MailKind:
    """The outcome of classify_mail: kind, reason and the name of the rule that decided."""

    kind: Kind
    reason: str
    rule: str


@dataclass
class FilterContext:
    """Facts about our own helpdesk that the filters need."""

    own_domains: frozenset[str] = frozenset()  # Message-ID domains of mail we sent
    own_addresses: frozenset[str] = frozenset()  # our mailbox addresses, e.g. ipo@duo.nl


def _domain(address_or_id: str) -> str:
    return address_or_id.rpartition("@")[2].lower()


def own_mail(mail: ParsedMail, ctx: FilterContext) -> FilterVerdict | None:
    """Mail we sent ourselves (our header or Message-ID domain, or our own address) must never be answered."""
    if OWN_HEADER in mail.headers:
        return FilterVerdict("own", "eigen uitgaande mail (X-IPO-Helpdesk-header)")
    if not mail.message_id_generated and _domain(mail.message_id) in ctx.own_domains:
        return FilterVerdict("own", f"eigen uitgaande mail (Message-ID van {_domain(mail.message_id)})")
    if mail.from_email and mail.from_email in ctx.own_addresses:
        return FilterVerdict("own", f"afzender is de helpdesk zelf ({mail.from_email})")
    return None


_DAEMON = re.compile(
    r"^(mailer-daemon|postmaster|mail-daemon|maildelivery|mdaemon|bounce[s]?)([+@.-]|$)", re.I
)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliverable|undelivered mail|onbestelbaar|niet bezorgd|niet afgeleverd"
    r"|delivery status notification"
    r"|mail delivery failed|delivery failure|returned mail|failure notice|delivery has failed"
    r"|kan niet worden bezorgd|bericht kon niet worden bezorgd|unzustellbar)\b",
    re.I,
)


def bounce(mail: ParsedMail, ctx: FilterContext) -> FilterVerdict | None:
    """Delivery status notifications (RFC 3464), mailer-daemon senders and bounce subjects."""
    if mail.is_multipart_report and mail.report_type in (None, "delivery-status"):
        return FilterVerdict("bounce", "afleverrapport (multipart/report, delivery-status)")
    local = mail.from_email.partition("@")[0]
    if _DAEMON.match(local) or mail.from_name.lower().startswith("mail delivery"):
        return FilterVerdict("bounce", f"afzender is een mailserver ({mail.from_email})")
    if "x-failed-recipients" in mail.headers:
        return FilterVerdict("bounce", "X-Failed-Recipients-header (onbestelbaar)")
    if _BOUNCE_SUBJECT.match(mail.subject):
        return FilterVerdict("bounce", f"onderwerp van een onbestelbaar-melding ({mail.subject[:60]})")
    return None


def auto_headers(mail: ParsedMail, ctx: FilterContext) -> FilterVerdict | None:
    """RFC 3834 Auto-Submitted, X-Autoreply/X-Autorespond, Precedence auto_reply, read receipts."""
    auto = mail.headers.get("auto-submitted", "").strip().lower()
    if auto and not auto.startswith("no"):
        return FilterVerdict("autoreply", f"Auto-Submitted: {auto}")
    for name in ("x-autoreply", "x-autorespond"):
        value = mail.headers.get(name, "").strip().lower()
        if name in mail.headers and value not in ("no", "false", "0"):
            return FilterVerdict("autoreply", f"{name}-header aanwezig")
    if mail.headers.get("precedence", "").strip().lower() == "auto_reply":
        return FilterVerdict("autoreply", "Precedence: auto_reply")
    if mail.is_multipart_report and mail.report_type == "disposition-notification":
        return FilterVerdict("autoreply", "leesbevestiging (disposition-notification)")
    return None


def bulk(mail: ParsedMail, ctx: FilterContext) -> FilterVerdict | None:
    """Newsletters and mailing lists: Precedence bulk/junk/list, List-Id, List-Unsubscribe."""
    precedence = mail.headers.get("precedence", "").strip().lower()
    if precedence in ("bulk", "junk", "list"):
        return FilterVerdict("bulk", f"Precedence: {precedence}")
    for name in ("list-id", "list-unsubscribe"):
        if name in mail.headers:
            return FilterVerdict("bulk", f"{name}-header (mailinglijst of nieuwsbrief)")
    return None


_AUTO_SUBJECT = re.compile(
    r"^\s*(automatisch antwoord|automatische reactie|automatisch bericht"
    r"|afwezigheidsbericht|afwezigheidsmelding"
    r"|auto(matic)?[- ]?reply|autoreply|auto[- ]?response|out of (the )?office|abwesenheitsnotiz"
    r"|afwezig\s*(:|$|tot\b|t/m\b|van\b|wegens\b))(?!\s*\?)",  # "Automatisch antwoord?" is a person asking
    re.I,
)
# Looser away subjects ("Niet aanwezig t/m 5 januari", "Vakantie: …") a person could also write: only when the
# text asks nothing.
_AWAY_SUBJECT = re.compile(
    r"^\s*(niet aanwezig|niet op kantoor|met vakantie|met verlof|afwezigheid|vakantie|verlof|away|on leave"
    r"|out of (the )?office)\s*(:|$|tot\b|t/m\b|until\b|till\b|from\b|\(|[-–]\s*\d)",
    re.I,
)
# Acknowledgements from ticket systems ("Uw melding 2026-123 is geregistreerd", "Melding M0815 is aangemaakt",
# "Ontvangstbevestiging", "We have received your request"): a machine answering our mail, not a question.
_TICKET_NO = r"(\s*(met\s+)?(nummer|nr\.?|kenmerk|id)?\s*[:#]?\s*\[?[A-Z]{0,5}[-#]?\d[\w/-]*\]?)?"
_ACK = (
    r"(\buw|\bje|\bjouw)?\s*(melding|ticket|incident|verzoek|aanvraag|vraag|call|zaak|e-?mail|bericht)"
    + _TICKET_NO + r"\s*(\(.{0,40}\)\s*)?(is|werd|wordt)\s+(in goede orde\s+|succesvol\s+|door ons\s+)?"
    r"(geregistreerd|ontvangen|aangemaakt|aangenomen|vastgelegd|in behandeling( genomen)?)\b"
    r"|\b(wij|we) hebben (uw|je|jouw) (melding|ticket|vraag|verzoek|aanvraag|e-?mail|bericht)"
    r"( in goede orde)? (ontvangen|geregistreerd)\b"
    r"|\bontvangstbevestiging\b|\bbevestiging van ontvangst\b|\bautomatische ontvangstbevestiging\b"
    r"|\b(your|the) (request|ticket|case|incident|call|message|e-?mail)"
    + _TICKET_NO + r"\s*(\(.{0,40}\)\s*)?(has been|was|is) (received|created|logged|registered|opened)\b"
    r"|\bwe have received your (request|message|e-?mail|ticket)\b"
    r"|\b(request|ticket|case) (received|created)\b"
)
_ACK_RE = re.compile(_ACK, re.I)
# Every branch of _ACK ends in one of these words: a text without any of them is no acknowledgement, which this
# finds ~3x faster than _ACK_RE, whose first branch may start at every position of the text.
_ACK_CUE = re.compile(r"geregistreerd|ontvangen|aangemaakt|aangenomen|vastgelegd|in behandeling|ontvangst"
                      r"|received|created|logged|registered|opened", re.I)
# Standard lines of an acknowledgement that carry a question mark but ask nothing of us.
_BOILERPLATE_QUESTION = re.compile(
    r"[^.!?\n]*\b(heeft u|heb je|hebt u) (nog )?(andere |aanvullende )?(vragen|informatie)\b[^.!?\n]*\?"
    r"|[^.!?\n]*\b(any|further|other) questions\b[^.!?\n]*\?",
    re.I,
)
_SENTENCES = re.compile(r"[^.!?\n]*[.!?\n]?")  # linear: the run never has to give back what it took


def auto_subject(mail: ParsedMail, ctx: FilterContext) -> FilterVerdict | None:
    """Auto-reply subjects in Dutch and English ("Automatisch antwoord:", "Out of office", …)."""
    if _AUTO_SUBJECT.match(mail.subject):
        return FilterVerdict("autoreply", f"onderwerp van een automatisch antwoord ({mail.subject[:60]})")
    return None


def acknowledgement(mail: ParsedMail, ctx: FilterContext) -> FilterVerdict | None:
    """A ticket system's receipt or a subject-only away notice: the cue in the subject, or a receipt in a new text,
    and no question of its own in the text."""
    subject, text = mail.subject or "", _new_text(mail)
    asks = _asks(subject + "\n" + text)
    if _AWAY_SUBJECT.match(subject) and not asks:
        return FilterVerdict("autoreply", f"onderwerp van een afwezigheidsmelding ({subject[:60]})")
    if _is_acknowledgement(subject) and not asks:
        return FilterVerdict("autoreply", f"ontvangstbevestiging van een ticketsysteem ({subject[:60]})")
    if _is_acknowledgement(text[:1500]) and not _asks(text) and len(text) <= 2500:
        return FilterVerdict("autoreply", "tekst van een ontvangstbevestiging zonder vraag")
    return None


def _is_acknowledgement(text: str) -> bool:
    return _ACK_CUE.search(text) is not None and _ACK_RE.search(text) is not None


def _new_text(mail: ParsedMail) -> str:
    return _new_text_of(mail.text)


@lru_cache(maxsize=2)
def _new_text_of(text: str) -> str:
    """The text without quoted history; two filters ask for it of the same mail, one after the other."""
    return split_reply(text).new_text


def _asks(text: str) -> bool:
    """Whether the text has a question mark outside the standard "heeft u nog vragen?" lines.

    Both alternatives of the pattern stay inside one sentence (no `.!?` or newline) and end at its "?", so only
    the sentences that end in "?" are tried, each on its own: the same answer as removing every boilerplate
    match from the whole text, without the pattern's leading `[^.!?\n]*` being retried at every position of
    long question-free text (that was a sixth of the time spent preparing a mail)."""
    if "?" not in text:
        return False
    return any(sentence.endswith("?") and not _BOILERPLATE_QUESTION.fullmatch(sentence)
               for sentence in _SENTENCES.findall(text))


_STRONG_CUES = [
    re.compile(p, re.I)
    for p in (
        r"\bik ben (momenteel |vandaag |helaas )?"
        r"(afwezig|niet (aanwezig|op kantoor|bereikbaar)|met (verlof|vakantie))"
        r"\b.{0,40}\b(tot|t/m|tot en met|van|vanaf)\b",
        r"\bik ben (tot|t/m|tot en met|van) .{0,40}\b(afwezig|niet aanwezig|met vakantie|met verlof)\b",
        r"\bI (am|will be) (currently )?(out of (the )?office|away|on (annual )?leave|on holiday)\b",
        r"\bthis is an automat(ic|ed) (reply|response|message)\b",
        r"\bdit is een automatisch (antwoord|gegenereerd bericht|bericht)\b",
    )
]
_SUPPORT_CUES = [
    re.compile(p, re.I)
    for p in (
        r"\b(beperkt|geen) toegang tot (mijn )?(e-?mail|mail)\b",
        r"\b(in )?(dringende|spoedeisende) (gevallen|zaken)\b",
        r"\b(na mijn terugkomst|na terugkomst|zodra ik terug ben|bij terugkomst)\b",
        r"\b(uw|je) (e-?mail|bericht) wordt (niet )?(doorgestuurd|gelezen)\b",
        r"\b(for (urgent|immediate) (matters|assistance|questions))\b",
        r"\b(upon|on) my return\b",
        r"\b(limited|no) access to (my )?e-?mail\b",
        r"\bneem (dan )?contact op met\b",
        r"\bplease contact\b",
    )
]


def auto_body(mail: ParsedMail, ctx: FilterContext) -> FilterVerdict | None:
    """Auto-replies without headers: needs a strong cue plus support, and no real question in the text."""
    text = _new_text(mail)
    strong = sum(1 for cue in _STRONG_CUES if cue.search(text))
    if not strong:
        return None
    score = 2 * strong + sum(1 for cue in _SUPPORT_CUES if cue.search(text))
    if "x-auto-response-suppress" in mail.headers:
        score += 1
    # A person who mentions being away but asks something is still asking a question.
    if "?" in text:
        score -= 3
    if len(text) > 1200:
        score -= 2
    if score >= 3:
        return FilterVerdict("autoreply", "tekst van een afwezigheidsmelding zonder vraag")
    return None


Filter = Callable[[ParsedMail, FilterContext], FilterVerdict | None]
# Order matters: the most certain signals first, content heuristics last.
FILTERS: list[Filter] = [own_mail, bounce, auto_headers, auto_subject, bulk, acknowledgement, auto_body]


def classify_mail(
    parsed: ParsedMail,
    own_domains: Iterable[str] = (),
    own_message_id_domain: str | None = None,
    own_addresses: Iterable[str] = (),
    filters: list[Filter] | None = None,
) -> MailKind:
    """Run the ordered filters; the first verdict wins, otherwise the mail is a question."""
    domains = {d.lower() for d in own_domains}
    if own_message_id_domain:
        domains.add(own_message_id_domain.lower())
    ctx = FilterContext(frozenset(domains), frozenset(a.lower() for a in own_addresses))
    for check in filters or FILTERS:
        verdict = check(parsed, ctx)
        if verdict is not None:
            return MailKind(verdict.kind, verdict.reason, check.__name__)
    return MailKind("question", "vraag van een persoon", "default")
