"""Editor forms: the article form (with its three buttons), small action forms and the gaps period filter."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from knowledge.dutch import parse_synonym_line

from ..ids import parse_id
from ..models import CATEGORY_LABELS

DATE_MESSAGE = "Vul een geldige datum in als JJJJ-MM-DD, bijvoorbeeld 2026-09-01."


# as people type a date: 2026-09-01 (what a date input sends), 1-9-2026, 1/9/2026
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


class DutchDateField(DateField):
    """WTForms' DateField with the Dutch ways of typing a date and a Dutch message; when what was typed is wrong,
    the field shows it again."""

    def __init__(self, label: str | None = None, validators: list | None = None, **kwargs: object) -> None:
        super().__init__(label, validators, format=DATE_FORMATS, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata([valuelist[0].strip()])
        except ValueError:
            raise ValueError(DATE_MESSAGE) from None


class ArticleForm(FlaskForm):
    slug = StringField("Slug (webadres)", validators=[Optional(), Length(max=120, message="Maximaal 120 tekens.")])
    title = StringField("Titel", validators=[DataRequired("Vul een titel in."),
                                             Length(max=300, message="Maximaal 300 tekens.")])
    category = SelectField("Categorie", choices=[SelectChoice(k, v) for k, v in CATEGORY_LABELS.items()],
                           validate_choice=False)
    keywords = StringField("Trefwoorden", validators=[Length(max=2000, message="Maximaal 2000 tekens.")])
    synonyms = TextAreaField("Synoniemen", validators=[Length(max=4000, message="Maximaal 4000 tekens.")])
    summary = TextAreaField("Samenvatting", validators=[Length(max=1000, message="Maximaal 1000 tekens.")])
    review_date = DutchDateField("Controleren vóór", validators=[Optional()])
    body = TextAreaField("Tekst (Markdown)", validators=[
        DataRequired("Vul de tekst van het artikel in."),
        Length(max=200_000, message="De tekst is te lang (maximaal 200.000 tekens).")])
    note = StringField("Wat is er veranderd?", validators=[Length(max=500, message="Maximaal 500 tekens.")])
    # the revision number the form was filled from (empty for a new article); a save checks it is still the head
    base_version = HiddenField()
    preview = SubmitField("Voorbeeld")
    save = SubmitField("Opslaan als concept")
    publish = SubmitField("Publiceren")

    def validate_category(self, field: SelectField) -> None:
        if field.data not in CATEGORY_LABELS:
            raise ValidationError("Kies een categorie uit de lijst.")

    def validate_synonyms(self, field: StringField) -> None:
        for n, line in enumerate((field.data or "").splitlines(), start=1):
            if line.strip() and len(parse_synonym_line(line)) < 2:
                raise ValidationError(f"Regel {n} van de synoniemen heeft niet de vorm 'woord = ander woord'.")

    def base(self) -> int | None:
        """The revision number the editor started from, None when missing or not a number."""
        return parse_id(self.base_version.data)

    def values(self) -> dict[str, object]:
        """The form's content as fields for save_draft."""
        return {name: getattr(self, name).data for name in
                ("slug", "title", "category", "keywords", "synonyms", "summary", "review_date", "body", "note")}


PERIODS = {"7": "Laatste 7 dagen", "30": "Laatste 30 dagen", "90": "Laatste 90 dagen",
           "eigen": "Eigen periode (van–tot)"}


class PeriodForm(FlaskForm):
    """The content-gaps period: the last N days, or from–to dates."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    periode = SelectField("Periode", choices=[SelectChoice(k, v) for k, v in PERIODS.items()],
                          default="30", validate_choice=False)
    van = DutchDateField("Van (JJJJ-MM-DD)", validators=[Optional()])
    tot = DutchDateField("Tot en met (JJJJ-MM-DD)", validators=[Optional()])
