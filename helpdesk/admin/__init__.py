"""Administration: staff accounts, the mailbox status and the quarantine, audit log, privacy, retention and
organisations."""

from . import accounts, audit, mail, organisations, privacy, retention, views
from .blueprint import bp

__all__ = ["accounts", "audit", "bp", "mail", "organisations", "privacy", "retention", "views"]
