"""The public eHerkenning FAQ and its JSON search API."""

from . import views
from .blueprint import bp

__all__ = ["bp", "views"]
