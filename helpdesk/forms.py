"""Forms shared by every feature."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A button-only form (publish, retry, log out, deactivate …): just the CSRF token."""
