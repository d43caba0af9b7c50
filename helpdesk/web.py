"""Cross-cutting web concerns: security headers, error pages, template helpers."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, jsonify, render_template, request
from flask_babel import format_datetime
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from knowledge.search import text_language

from .extensions import db
from .models import CATEGORY_LABELS, STATUS_LABELS

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'"
)

# Sent with every response, unless the response sets one of them itself.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)

ERROR_TEXTS = {
    400: ("Ongeldig verzoek", "Het verzoek kon niet worden verwerkt. Controleer wat u hebt ingevuld."),
    403: ("Geen toegang", "U hebt geen toegang tot deze pagina met uw rol."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer). Controleer het adres."),
    405: ("Niet toegestaan", "Deze handeling is op deze pagina niet mogelijk."),
    410: ("Pagina verwijderd", "Deze pagina is niet meer beschikbaar."),
    413: ("Bestand te groot", "Wat u wilt versturen is te groot. Probeer een kleiner bestand."),
    429: ("Te veel pogingen", "U hebt het te vaak geprobeerd. Wacht een paar minuten en probeer het opnieuw."),
    500: ("Er ging iets mis", "Er ging aan onze kant iets mis. Probeer het later opnieuw."),
    503: ("Tijdelijk niet beschikbaar", "De dienst is tijdelijk niet beschikbaar. Probeer het later opnieuw."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def render_error(code: int, message: str | None = None) -> tuple[Response | str, int]:
    title, default_text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    text = message or default_text
    if _wants_json():
        return jsonify({"error": title, "message": text, "status": code}), code
    return render_template("errors/error.html", code=code, title=title, text=text), code


# Pages that carry personal or one-time data even for a visitor who is not signed in.
NO_STORE_ENDPOINTS = frozenset({"auth.login", "auth.reset_password_page"})


def hide_server_version() -> None:
    """The development server (`flask run`, `make run`) names Werkzeug's and Python's versions in `Server`;
    gunicorn says only "gunicorn". Nothing a visitor needs, and a help to an attacker picking exploits."""
    from werkzeug.serving import WSGIRequestHandler

    WSGIRequestHandler.version_string = lambda self: "helpdesk"  # type: ignore[method-assign]


def init_web(app: Flask) -> None:
    """Register headers, error handlers and template helpers."""
    hide_server_version()

    @app.after_request
    def security_headers(response: Response) -> Response:
        # one look at the response's own headers, not a scan of them per header (`setdefault`)
        own = {key.lower() for key, _value in response.headers.items()}
        response.headers.extend([item for item in SECURITY_HEADERS if item[0].lower() not in own])
        if request.path.startswith("/static/"):
            return response
        if current_user.is_authenticated or request.endpoint in NO_STORE_ENDPOINTS:
            # staff pages and files (attachments, raw mail) never land in a browser or proxy cache: send_file's
            # own "no-cache" still stores them, so it is replaced, not kept
            response.headers["Cache-Control"] = "no-store"
        if str(app.config["PUBLIC_URL"] or "").startswith("https://"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    @app.before_request
    def refuse_nul_bytes() -> tuple[Response | str, int] | None:
        # PostgreSQL cannot store or compare NUL in text: no page has one in its address, and a form with one
        # is refused clearly instead of failing with a 500 on save
        if any("\x00" in str(value) for value in (request.view_args or {}).values()):
            return render_error(404)
        if request.method == "POST" and any("\x00" in value for _key, values in request.form.lists()
                                            for value in values):
            return render_error(400, "Wat u hebt ingevuld bevat een ongeldig teken (een nul-byte), bijvoorbeeld "
                                     "uit gekopieerde tekst. Verwijder het en probeer het opnieuw; er is niets "
                                     "opgeslagen.")
        return None

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[Response | str, int]:
        return render_error(400, "Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het "
                                 "nog eens; er is niets opgeslagen.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response | str, int] | HTTPException:
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[Response | str, int]:
        app.logger.exception("Onverwachte fout bij %s %s", request.method, request.path)
        # A failed statement leaves the transaction unusable; the error page itself may need the database
        # (the signed-in user), and so may the next request on this session.
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the database itself may be what failed
            app.logger.warning("rollback na fout mislukt", exc_info=True)
        return render_error(500)

    @app.template_filter("taal")
    def taal(text: str | None) -> str:
        """The language of a short text such as a title: "en" or "nl"."""
        return text_language(text or "")

    @app.template_filter("lang_attr")
    def lang_attr(code: str | None) -> Markup:
        """` lang="en"` for a passage in another language than the page's Dutch (WCAG 3.1.2), else nothing."""
        return Markup(' lang="{}"').format(code) if code and code != "nl" else Markup("")

    @app.template_filter("datum")
    def datum(value: datetime | None, fmt: str = "d MMMM yyyy HH:mm") -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime) and value.tzinfo is None:
            from datetime import UTC

            value = value.replace(tzinfo=UTC)
        return format_datetime(value, fmt)

    @app.context_processor
    def labels() -> dict[str, object]:
        return {"CATEGORY_LABELS": CATEGORY_LABELS, "STATUS_LABELS": STATUS_LABELS}
