"""Start page and health check."""

from . import views
from .blueprint import bp

__all__ = ["bp", "views"]
