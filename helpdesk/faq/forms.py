"""The public feedback form under every article."""

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length


class FeedbackForm(FlaskForm):
    reason = TextAreaField("Wat kunnen we verbeteren? (niet verplicht)",
                           validators=[Length(max=2000, message="Gebruik maximaal 2000 tekens.")])
    ja = SubmitField("Ja")
    nee = SubmitField("Nee")
