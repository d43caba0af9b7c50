"""The routes of the agent workspace, one module per part; importing them registers them on `bp`."""

from ..blueprint import bp
from . import actions, canned, merge, organisations, queue, ticket, waves

__all__ = ["actions", "bp", "canned", "merge", "organisations", "queue", "ticket", "waves"]
