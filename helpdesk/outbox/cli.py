"""Commands of this feature package."""

from flask import Flask


def register(app: Flask) -> None:
    """Attach this package's commands to the app."""
