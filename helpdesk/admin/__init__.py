"""Administration: staff accounts, the mailbox status and the quarantine, audit log, privacy, retention,
organisations and the lessons triage learnt from agents."""

from . import accounts, audit, feedback, mail, organisations, privacy, retention, views
from .blueprint import bp

__all__ = ["accounts", "audit", "bp", "feedback", "mail", "organisations", "privacy", "retention", "views"]
