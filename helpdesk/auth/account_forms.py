"""Forms for one's own account and for password-reset links."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..models import NOTIFICATION_KINDS

_NEW = [DataRequired("Vul een nieuw wachtwoord in."), Length(max=200, message="Hoogstens 200 tekens.")]
_REPEAT = [DataRequired("Herhaal het nieuwe wachtwoord."), EqualTo("new", "De twee wachtwoorden zijn niet gelijk.")]


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Huidig wachtwoord", validators=[DataRequired("Vul uw huidige wachtwoord in."),
                                                            Length(max=200)])
    new = PasswordField("Nieuw wachtwoord", validators=_NEW)
    repeat = PasswordField("Herhaal het nieuwe wachtwoord", validators=_REPEAT)


class ResetPasswordForm(FlaskForm):
    new = PasswordField("Nieuw wachtwoord", validators=_NEW)
    repeat = PasswordField("Herhaal het nieuwe wachtwoord", validators=_REPEAT)


class ConfirmForm(FlaskForm):
    pass


class NotificationsForm(FlaskForm):
    """The notification mails an agent asks for; a field per NOTIFICATION_KINDS key, all off by default."""

    assigned = BooleanField(NOTIFICATION_KINDS["assigned"])
    reply = BooleanField(NOTIFICATION_KINDS["reply"])
    mention = BooleanField(NOTIFICATION_KINDS["mention"])
