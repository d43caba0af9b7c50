"""Administration: staff accounts, the mailbox status and the quarantine."""

from . import mail, views
from .blueprint import bp

__all__ = ["bp", "mail", "views"]
