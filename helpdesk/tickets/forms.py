"""Forms of the agent workspace (all with CSRF through Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from knowledge.categories import CATEGORY_LABELS

from ..ids import parse_id
from ..models import STATUS_LABELS
from .pending import LATER, MAX_SNOOZE_DAYS

REPLY_STATUS_CHOICES = [SelectChoice("pending", "Wacht op aanvrager"), SelectChoice("solved", "Opgelost"),
                        SelectChoice("open", "Open houden")]


class HiddenNumberField(IntegerField):
    """A number the page itself fills in (a version, a message id): anything else means a damaged form."""

    widget = HiddenField.widget

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if valuelist and valuelist[0].strip():
            self.data = parse_id(valuelist[0])
            if self.data is None:
                raise ValueError("Het formulier is beschadigd. Laad de pagina opnieuw; er is niets verstuurd.")


DAMAGED = "Het formulier is beschadigd. Laad de pagina opnieuw; er is niets verstuurd."


def idempotency_field() -> HiddenField:
    """The form's one-time key (set when the page is drawn): a second POST of the same form sends nothing."""
    return HiddenField(validators=[Optional(), Regexp(r"^[A-Za-z0-9_-]{16,48}$", message=DAMAGED)])


class ReplyForm(FlaskForm):
    body = TextAreaField("Antwoord aan de aanvrager", validators=[
        DataRequired("Schrijf een antwoord voordat u het verstuurt."), Length(max=50_000)])
    version = HiddenNumberField(validators=[Optional()])
    seen_message_id = HiddenNumberField(validators=[Optional()])
    article_slug = HiddenField(validators=[Length(max=200)])
    idempotency_key = idempotency_field()
    to = StringField("Aan", validators=[Length(max=500)])
    cc = StringField("Cc (meerdere adressen scheiden met komma's)", validators=[Length(max=2000)])
    attachments = MultipleFileField("Bijlagen")
    status_after = SelectField("Status na verzenden", choices=REPLY_STATUS_CHOICES, default="pending")
    canned = SelectField("Standaardantwoord", choices=[], validate_choice=False)
    insert_canned = SubmitField("Invoegen")
    apply_macro = StringField(validators=[Length(max=20)])  # a macro's button: its id (see use_article)
    # set by a suggestion's "Gebruik dit antwoord" button; not a HiddenField, which hidden_tag() would render empty
    use_article = StringField(validators=[Length(max=200)])
    send_close = SubmitField("Verstuur en sluit")
    send_wait = SubmitField("Verstuur, wacht op antwoord")

    def chosen_status(self) -> str:
        """The status after sending: what the pressed button says (a form without them: the status field)."""
        if self.send_close.data:
            return "solved"
        if self.send_wait.data:
            return "pending"
        return self.status_after.data or "pending"


class NoteForm(FlaskForm):
    note = TextAreaField("Interne notitie (wordt nooit gemaild)", validators=[
        DataRequired("Schrijf een notitie."), Length(max=20_000)])


def _category_choices() -> list[SelectChoice]:
    return [SelectChoice(key, name) for key, name in CATEGORY_LABELS.items()]


class CategoryForm(FlaskForm):
    category = SelectField("Categorie", choices=_category_choices)  # a callable: read from the list on each use


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=[SelectChoice(k, v) for k, v in STATUS_LABELS.items()])


class SnoozeForm(FlaskForm):
    until = DateField("Later oppakken tot", validators=[DataRequired("Kies een datum.")])


class MergeForm(FlaskForm):
    target = StringField("Samenvoegen met ticket", validators=[
        DataRequired("Vul het nummer in van het ticket dat blijft, bijvoorbeeld IPO-12."), Length(max=20)])
    confirm = HiddenField()


class TicketForm(FlaskForm):
    """Status, assignee and category in one form at the top of the ticket page."""

    status = SelectField("Status", choices=[SelectChoice(k, v) for k, v in STATUS_LABELS.items()])
    assignee = SelectField("Behandelaar", choices=[], validate_choice=False)
    category = SelectField("Categorie", choices=lambda: [SelectChoice("", "Nog geen"), *_category_choices()])


class BulkForm(FlaskForm):
    """The same three changes for the tickets ticked in the queue; an empty choice leaves that field alone."""

    status = SelectField("Status", choices=[SelectChoice("", "Niet wijzigen"),
                                            *[SelectChoice(k, v) for k, v in STATUS_LABELS.items()]])
    assignee = SelectField("Behandelaar", choices=[], validate_choice=False)
    category = SelectField("Categorie", choices=lambda: [SelectChoice("", "Niet wijzigen"), *_category_choices()])
    back = HiddenField(validators=[Length(max=2000)])


class AssignForm(FlaskForm):
    assignee = SelectField("Behandelaar", choices=[], validate_choice=False)


class WaveForm(FlaskForm):
    body = TextAreaField("Antwoord (gebruik {naam} voor de naam van de aanvrager)", validators=[
        DataRequired("Schrijf een antwoord."), Length(max=50_000)])
    seen_message_id = HiddenNumberField(validators=[Optional()])
    idempotency_key = idempotency_field()
    status_after = SelectField("Status na verzenden", choices=REPLY_STATUS_CHOICES, default="pending")


MACRO_STATUS_CHOICES = [SelectChoice("", "Niet wijzigen"), *[SelectChoice(k, v) for k, v in STATUS_LABELS.items()],
                        SelectChoice(LATER, "Later oppakken (over een aantal dagen)")]


class CannedReplyForm(FlaskForm):
    """A canned reply; with a status, category or assignee it is a macro that also changes the ticket."""

    title = StringField("Titel", validators=[DataRequired("Geef een titel."), Length(max=200)])
    body = TextAreaField("Tekst (gebruik {naam} voor de naam van de aanvrager)", validators=[Length(max=20_000)])
    shared = BooleanField("Delen met alle medewerkers")
    status = SelectField("Status", choices=MACRO_STATUS_CHOICES, default="")
    snooze_days = IntegerField("Aantal dagen (bij Later oppakken)", validators=[
        Optional(), NumberRange(1, MAX_SNOOZE_DAYS, f"Kies 1 tot en met {MAX_SNOOZE_DAYS} dagen.")])
    category = SelectField("Categorie", choices=lambda: [SelectChoice("", "Niet wijzigen"), *_category_choices()],
                           default="")
    assignee = SelectField("Behandelaar", choices=[], validate_choice=False)
