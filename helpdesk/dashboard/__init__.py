"""Figures for the helpdesk team: charts (server-side SVG) each followed by the same data as a table."""

from . import views
from .blueprint import bp

__all__ = ["bp", "views"]
