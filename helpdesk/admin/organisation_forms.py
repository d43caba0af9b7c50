"""Forms of the organisations admin page."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class RenameOrganisationForm(FlaskForm):
    name = StringField("Naam", validators=[DataRequired("Vul een naam in."),
                                           Length(max=200, message="Hoogstens 200 tekens.")])


class AddDomainsForm(FlaskForm):
    domains = StringField("Maildomeinen toevoegen", validators=[
        DataRequired("Vul minstens één maildomein in, zoals school.nl."),
        Length(max=2000, message="Hoogstens 2000 tekens.")])
