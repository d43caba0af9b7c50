"""Administration: staff accounts, the mailbox status and the quarantine."""

from . import accounts, audit, mail, privacy, views
from .blueprint import bp

__all__ = ["accounts", "audit", "bp", "mail", "privacy", "views"]
