"""Readable Dutch descriptions of audit events on a ticket."""

from __future__ import annotations

import re
from typing import Any

from knowledge.categories import label

from ..models import STATUS_LABELS, AuditEvent

ACTIONS = {
    "reply_sent": "Antwoord verstuurd",  # events from before the outbox said what really happened
    "reply_queued": "Antwoord in de wachtrij",
    "reply_delivered": "Antwoord verzonden (de mailserver nam het aan)",
    "reply_failed": "Verzending mislukt",
    "reply_cancelled": "Antwoord geannuleerd, niet verstuurd",
    "reply_bounced": "Antwoord niet afgeleverd",
    "acknowledged": "Automatische ontvangstbevestiging in de wachtrij",
    "held_released": "Vastgehouden mail vrijgegeven naar de wachtrij",
    "held_discarded": "Vastgehouden mail weggegooid",
    "note_added": "Notitie toegevoegd",
    "category_changed": "Categorie gewijzigd",
    "status_changed": "Status gewijzigd",
    "assigned": "Behandelaar gewijzigd",
    "outbox_retry": "Verzending opnieuw gestart",
    "ticket_created": "Ticket aangemaakt",
    "message_added": "Bericht toegevoegd",
    "triaged": "Automatisch gecategoriseerd",
    "mail_received": "Mail ontvangen",
    "wave_answered": "Beantwoord via een golf",
    "snoozed": "Later oppakken",
    "returned": "Terug in de wachtrij",
    "merged": "Samengevoegd",
    "macro_applied": "Macro toegepast",
}


_REASON_WORDS = re.compile(r"^(?:[^.:]*\.\s*)?(?:woorden|words)\s*:\s*", re.IGNORECASE)
_REASON_LABEL = re.compile(r"^[^.:]*:\s*")


def plain_reason(reason: str | None) -> str:
    """Triage's reason as an agent reads it: 'genoemd: kosten, per medewerker', without the model's wording."""
    text = (reason or "").strip()
    if not text:
        return ""
    words = _REASON_WORDS.sub("", text, count=1)
    if words != text:
        return f"genoemd: {words}"
    return _REASON_LABEL.sub("", text, count=1)  # "Kosten: geen duidelijke aanwijzingen in de tekst"


def _cat(value: Any) -> str:
    return label(value, "geen")


def _status(value: Any) -> str:
    return STATUS_LABELS.get(value, str(value)) if value else "—"


def describe_event(event: AuditEvent) -> str:
    """One line for the audit trail: what happened, with the old and new value where that helps."""
    label = ACTIONS.get(event.action, event.action.replace("_", " ").capitalize())
    d = event.detail or {}
    if event.action == "category_changed":
        return f"{label}: {_cat(d.get('old'))} → {_cat(d.get('new'))}"
    if event.action == "status_changed":
        return f"{label}: {_status(d.get('old'))} → {_status(d.get('new'))}"
    if event.action == "assigned":
        return f"{label}: {d.get('old') or 'niemand'} → {d.get('new') or 'niemand'}"
    if event.action == "mail_received":
        return f"{label} (in een bestaand gesprek)" if d.get("threaded") else f"{label}; ticket aangemaakt"
    if event.action in ("reply_failed", "reply_bounced") and d.get("error"):
        return f"{label}: {d['error']}"
    if event.action in ("reply_sent", "reply_queued"):
        extra = f" (artikel {d['article']})" if d.get("article") else ""
        return f"{label}{extra}; status {_status(d.get('status_to'))}"
    if event.action == "snoozed":
        return f"{label} tot {d.get('until', '?')}"
    if event.action == "macro_applied":
        return f"{label}: {d.get('title', '?')}"
    if event.action == "merged":
        return f"{label} met {d['into']}" if d.get("into") else f"{label}: {d.get('source')} is hierin opgegaan"
    return label
