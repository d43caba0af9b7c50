"""The web application: `create_app` builds and wires it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, g

from . import config as config_module
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .files import prepare_data_dir

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: defaults, then HELPDESK_* environment variables, then `test_config`."""
    app = Flask(__name__)  # static files in helpdesk/static/, so an installed wheel serves them too
    settings = config_module.defaults()
    if not (test_config or {}).get("IGNORE_ENVIRONMENT"):
        settings.update(config_module.from_environment())
    settings.update(test_config or {})
    testing = bool(settings.get("TESTING"))
    debug = app.debug or config_module.debug_requested()
    config_module.finalize(settings, debug=debug, testing=testing)
    app.config.update(settings)
    prepare_data_dir(app.config["DATA_DIR"], app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUST_PROXY"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from .web import IdConverter, init_web

    app.url_map.converters["int"] = IdConverter  # before any route is added

    from .static_files import init_static

    _init_extensions(app)
    init_static(app)
    _register_blueprints(app)
    _register_cli(app)
    init_web(app)
    _start_background(app)
    return app


def _start_background(app: Flask) -> None:
    """The outbox sender thread, only when HELPDESK_OUTBOX_THREAD is set (`make run`)."""
    from .outbox import init_app as init_outbox

    init_outbox(app)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te bekijken."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    babel.init_app(app)
    limiter.init_app(app)

    from .kb.search_service import init_app as init_search_index
    from .triage.service import init_app as init_triage

    init_search_index(app)
    init_triage(app)

    from .index_sync import init_app as init_index_sync

    init_index_sync(app)

    from .auth.sessions import session_is_live
    from .models import User

    @app.before_request
    def load_user_afresh() -> None:
        # the signed-in user is looked up (and its session checked) on every request, even when an outer app
        # context (a test, a script) keeps `g` alive across requests
        g.pop("_login_user", None)

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id)) if user_id.isascii() and user_id.isdigit() else None
        return user if user is not None and user.active and session_is_live(user.id) else None


def _register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .core import bp as core_bp
    from .dashboard import bp as dashboard_bp
    from .editor import bp as editor_bp
    from .faq import bp as faq_bp
    from .tickets import bp as tickets_bp

    for bp in (core_bp, auth_bp, admin_bp, tickets_bp, faq_bp, editor_bp, dashboard_bp):
        app.register_blueprint(bp)


def _register_cli(app: Flask) -> None:
    from .cli import register_cli

    register_cli(app)
