"""The agent workspace: the queue, the ticket page and its actions, canned replies and waves."""

# microblog's pattern without the late import: `bp` lives in blueprint.py, the views register on it.
from . import pending, targets, views  # pending, targets: keep their columns right before every flush
from .blueprint import bp

__all__ = ["bp", "pending", "targets", "views"]
