"""Sign-in forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional


class LoginForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul uw e-mailadres in."), Length(max=254)])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in."), Length(max=200)])
    code = StringField("Code uit uw authenticator-app of een herstelcode", validators=[Optional(), Length(max=24)])


class TotpForm(FlaskForm):
    code = StringField("Code uit uw authenticator-app", validators=[DataRequired("Vul de code van 6 cijfers in."),
                                                                      Length(min=6, max=8)])
