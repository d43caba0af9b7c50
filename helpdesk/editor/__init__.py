"""Article editing for content editors, and the content-gaps page."""

from . import gaps, views
from .blueprint import bp

__all__ = ["bp", "gaps", "views"]
