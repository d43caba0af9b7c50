"""The web application: `create_app` builds and wires it.

It is built in three steps (issue 18: a `flask` command starts with only what it uses):
1. settings and the command list (stand-ins, `cli.py`): all that `flask --help` needs;
2. the database: Flask-SQLAlchemy with the models, the data dir, and the listeners that keep the search index and
   triage in step with every commit: what a command needs;
3. the web: login, CSRF, Babel, compression, the blueprints with their routes, headers and error pages.
`create_app` takes all three at once. With `lazy=True` (what `app.py` asks for under the `flask` command) it takes
only the first; the app takes the second before the first query, and the third before anything needs a URL rule,
a request or a template (see `HelpdeskApp`), so every page and command works as on an app built at once.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from flask.globals import _cv_request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.templating import DispatchingJinjaLoader
from jinja2 import Environment as BaseEnvironment
from werkzeug.routing import Map

from . import config as config_module

ROOT = Path(__file__).resolve().parent.parent
DATABASE, WEB = 1, 2  # how far `HelpdeskApp.finish_setup` goes
PLAIN_URLS = 512  # URLs without arguments (and static files' URLs) kept per app


class HelpdeskApp(Flask):
    """Flask, with the steps that `create_app` left for later taken the first time something needs them.

    The database step comes with the first session or engine (`extensions.py`: every query and `db.engine` ask
    for one), the first look-up of an extension it registers (`app.extensions["migrate"]`) and `flask shell`; the
    web step with the URL map (a request context binds it, `url_for` builds from it, `flask routes` lists it) and
    the template loader (rendering a template loads it). Neither waits for an app context: Flask's `--help`
    pushes one for every command it lists. So nothing can see the app half-built. Several threads may meet a
    missing step at once (a threaded server's first requests): one takes it, the others wait for it.
    """

    def __init__(self, import_name: str, *, freeze: bool = False) -> None:
        self._steps: list[Callable[[HelpdeskApp], None]] = []
        self._started = self._finished = 0
        self._setup_lock = threading.RLock()
        self.freeze_built = freeze
        self._plain_urls: dict[tuple[str, str, str | None], str] = {}
        super().__init__(import_name)
        self.extensions = _Extensions(self)

    @contextmanager
    def building(self) -> Iterator[None]:
        """With `freeze_built` (`app.py`): no garbage collection while the app is built, and what was built is
        frozen (`gc.freeze()`), so no later collection walks it again.

        What start-up builds (modules, the app, its routes) lives as long as the process, so the collector is kept
        out of its way, as CPython's `gc.freeze()` documentation suggests for servers: collections during the
        imports cost a command ~65 ms of CPU, and a web worker's first requests would pay for walking those
        ~90,000 objects again. Start-up leaves no cyclic garbage (`gc.collect()` after `create_app()` finds none),
        so nothing is kept that would have been freed. Tests build their apps without it (each would freeze the
        apps of the tests before)."""
        if not self.freeze_built:
            yield
            return
        collecting = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            gc.freeze()
            if collecting:
                gc.enable()

    def defer(self, *steps: Callable[[HelpdeskApp], None]) -> None:
        """Steps to take later, in this order (the DATABASE step first, then WEB)."""
        self._steps.extend(steps)

    def finish_setup(self, upto: int = WEB) -> None:
        """Take the deferred steps up to and including `upto` that are not taken yet."""
        target = min(upto, len(self._steps))
        if self._finished >= target:
            return
        with self._setup_lock:  # reentrant: a step itself adds URL rules (which asks for the URL map)
            if self._started >= target:
                return  # taken by another thread meanwhile, or being taken by this one
            with self.building():
                while self._started < target:
                    step = self._steps[self._started]
                    self._started += 1
                    step(self)
                    self._finished += 1

    def make_shell_context(self) -> dict[str, Any]:
        self.finish_setup(DATABASE)  # `flask shell` offers `db` and the models (Flask-SQLAlchemy's processor)
        return super().make_shell_context()

    @property
    def url_map(self) -> Map:  # type: ignore[override]
        self.finish_setup(WEB)
        return self._url_map

    @url_map.setter
    def url_map(self, value: Map) -> None:
        self._url_map = value

    def url_for(self, endpoint: str, /, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None, **values: Any) -> str:
        """Flask's `url_for`; inside a request, the URLs of pages without arguments and of static files are kept
        per script root (every page's layout builds the same ten of them; a build is ~5 µs each)."""
        ctx = _cv_request.get(None)
        if ctx is None or _anchor or _method or _scheme or _external or endpoint[:1] == "." \
                or not values.keys() <= {"filename"}:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme,
                                   _external=_external, **values)
        key = (ctx.request.script_root, endpoint, values.get("filename"))
        url = self._plain_urls.get(key)
        if url is None:
            url = super().url_for(endpoint, **values)
            if len(self._plain_urls) < PLAIN_URLS:
                self._plain_urls[key] = url
        return url

    def create_global_jinja_loader(self) -> DispatchingJinjaLoader:
        return _LoaderAfterSetup(self)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, which build their signer only for a request that brings a session cookie
    (Flask builds one for every request, cookie or not)."""

    def open_session(self, app: Flask, request: Any) -> SecureCookieSession | None:  # type: ignore[override]
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


class _Extensions(dict):
    """`app.extensions`: looking up one that a deferred step registers (Flask-Migrate's config for `flask db` and
    the schema check, Flask-Babel's for a date format) takes that step first; `get` and `in` take none."""

    def __init__(self, app: HelpdeskApp) -> None:
        super().__init__()
        self.app = app

    def __missing__(self, key: str) -> Any:
        for step in (DATABASE, WEB):
            self.app.finish_setup(step)
            if dict.__contains__(self, key):
                return dict.__getitem__(self, key)
        raise KeyError(key)


class _LoaderAfterSetup(DispatchingJinjaLoader):
    """Flask's template loader, which first finishes the app: its blueprints hold templates, and the web step
    adds the filters and globals that Jinja looks up when it compiles one. (Flask creates the Jinja environment
    itself while it loads the app for any command, so that is no sign a template is needed.)"""

    app: HelpdeskApp

    def get_source(self, environment: BaseEnvironment, template: str) -> tuple[str, str | None, Callable | None]:
        self.app.finish_setup(WEB)
        return super().get_source(environment, template)

    def list_templates(self) -> list[str]:
        self.app.finish_setup(WEB)
        return super().list_templates()


def create_app(test_config: dict[str, Any] | None = None, *, lazy: bool = False, freeze: bool = False,
               warm: bool = False) -> Flask:
    """Application factory: defaults, then HELPDESK_* environment variables, then `test_config`.

    `lazy`: leave the database and web steps until first needed (see the module docstring); `freeze`: keep the
    garbage collector out of building it (`HelpdeskApp.building`); `warm` (a WSGI server's app): also take what
    the first public requests would pay for (`warm_up`)."""
    app = HelpdeskApp(__name__, freeze=freeze)  # static files in helpdesk/static/, so an installed wheel serves them
    with app.building():
        _configure(app, test_config)
    app.defer(_database_step, _web_step)
    if not lazy:
        app.finish_setup()
        if warm:
            with app.building():
                warm_up(app)
    _start_background(app)
    return app


def _configure(app: HelpdeskApp, test_config: dict[str, Any] | None) -> None:
    """The first step: settings and the command list."""
    settings = config_module.defaults()
    if not (test_config or {}).get("IGNORE_ENVIRONMENT"):
        settings.update(config_module.from_environment())
    settings.update(test_config or {})
    testing = bool(settings.get("TESTING"))
    debug = app.debug or config_module.debug_requested()
    config_module.finalize(settings, debug=debug, testing=testing)
    app.config.update(settings)
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUST_PROXY"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from .ids import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    _register_cli(app)


def _database_step(app: Flask) -> None:
    """What a command needs: the data dir, the database and the listeners that act on its commits."""
    from .extensions import db, migrate
    from .files import prepare_data_dir

    prepare_data_dir(app.config["DATA_DIR"], app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)

    from .index_sync import init_app as init_index_sync
    from .kb.search_service import init_app as init_search_index
    from .triage.service import init_app as init_triage

    init_search_index(app)
    init_triage(app)
    init_index_sync(app)


def _web_step(app: Flask) -> None:
    """What only requests need: the extensions that act on them, the blueprints, headers and error pages."""
    from .static_files import init_static
    from .web import init_web

    _init_web_extensions(app)
    init_static(app)
    _register_blueprints(app)
    init_web(app)


# What the public pages render: compiled before the first visitor asks.
PUBLIC_TEMPLATES = ("faq/index.html", "faq/search.html", "faq/article.html", "errors/error.html")


def warm_up(app: Flask) -> None:
    """Before a server's worker takes requests: compile the public pages' templates, catch up with the database
    and open the search index with what its first searches need (`search_service.warm_up`), so no visitor waits
    ~1 s for them."""
    from .index_sync import sync_caches
    from .kb.search_service import warm_up as warm_up_search

    with app.app_context():
        for name in PUBLIC_TEMPLATES:
            app.jinja_env.get_template(name)
        try:
            sync_caches(force=True)  # a process's first look at the change counters also compares fingerprints
            warm_up_search()
        except Exception:  # noqa: BLE001 - only an optimisation: the first requests try again
            app.logger.warning("Opwarmen van de zoekindex mislukt", exc_info=True)


def _start_background(app: Flask) -> None:
    """The outbox sender thread, only when HELPDESK_OUTBOX_THREAD is set (`make run`)."""
    from .outbox import init_app as init_outbox

    init_outbox(app)


def _init_web_extensions(app: Flask) -> None:
    from .auth.sessions import session_is_live
    from .extensions import db
    from .index_sync import init_requests as init_index_sync_requests
    from .models import User
    from .web_extensions import babel, csrf, login_manager

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te bekijken."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    babel.init_app(app)
    init_index_sync_requests(app)

    app.session_interface = CookieSessions()

    @app.before_request
    def load_user_afresh() -> None:
        # the signed-in user is looked up (and its session checked) on every request, even when an outer app
        # context (a test, a script) keeps `g` alive across requests
        g.pop("_login_user", None)
        if not request.cookies:
            # no session and no remember cookie: a visitor, known without Flask-Login's look-up (which hashes
            # the address and browser for its session protection on every request)
            g._login_user = login_manager.anonymous_user()

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
