"""Administration forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from ..models import ROLE_LABELS


class UserForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul een e-mailadres in."),
                                                  Email("Dit is geen geldig e-mailadres."), Length(max=254)])
    name = StringField("Naam", validators=[Length(max=200)])
    role = SelectField("Rol", choices=[SelectChoice(key, label) for key, label in ROLE_LABELS.items()])
    password = PasswordField("Wachtwoord (minstens 12 tekens)", validators=[
        DataRequired("Vul een wachtwoord in."), Length(min=12, max=200, message="Minstens 12 tekens.")])
