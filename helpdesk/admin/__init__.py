"""Administration: staff accounts, the mailbox status and the quarantine, audit log, privacy and retention."""

from . import accounts, audit, mail, privacy, retention, views
from .blueprint import bp

__all__ = ["accounts", "audit", "bp", "mail", "privacy", "retention", "views"]
