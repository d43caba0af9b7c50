"""Security headers on every kind of response, and cookie flags."""

from __future__ import annotations

from tests.conftest import PASSWORD
from tests.security.xss_corpus import find_active_content

SAFE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}

# (role, path, expected status): one of each response type the app produces.
RESPONSES = [
    (None, "/faq", 200),
    (None, "/faq/search?q=kosten", 200),
    (None, "/faq/wat-kost-eherkenning", 200),
    (None, "/api/faq/search?q=kosten", 200),
    (None, "/healthz", 200),
    (None, "/login", 200),
    (None, "/", 302),
    (None, "/tickets/", 302),
    (None, "/bestaat-niet", 404),
    (None, "/api/bestaat-niet", 404),
    (None, "/static/css/site.css", 200),
    ("agent", "/tickets/", 200),
    ("agent", "/dashboard/", 200),
    ("agent", "/admin/", 403),
    ("editor", "/kb/", 200),
    ("admin", "/admin/users", 200),
]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0].lower()] = [t.lower() for t in tokens[1:]]
    return directives


def header_problems(path: str, response) -> list[str]:
    """What is missing or unsafe in one response's security headers."""
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    directives = csp_directives(csp)
    scripts = directives.get("script-src", directives.get("default-src"))
    if scripts is None:
        problems.append(f"CSP beperkt scripts niet: {csp!r}")
    else:
        problems += [
            f"script-src bevat {u}"
            for u in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:")
            if u in scripts
        ]
    if directives.get("object-src") != ["'none'"]:
        problems.append("CSP zonder object-src 'none'")
    if "base-uri" not in directives:
        problems.append("CSP zonder base-uri")
    if directives.get("frame-ancestors") not in (["'none'"], ["'self'"]) and response.headers.get(
        "X-Frame-Options"
    ) not in {"DENY", "SAMEORIGIN"}:
        problems.append("geen bescherming tegen framing")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options ontbreekt")
    if response.headers.get("Referrer-Policy") not in SAFE_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {response.headers.get('Referrer-Policy')!r}")
    return [f"{path}: {p}" for p in problems]


class RoleClient:
    """A test client signed in as one role; each request gets its own app context, because the test's
    pushed context would otherwise share Flask-Login's cached user (in `g`) between clients."""

    def __init__(self, app, email: str | None) -> None:
        self.app = app
        self.client = app.test_client()
        if email:
            assert self.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302

    def get(self, path: str, **kwargs):
        with self.app.app_context():
            return self.client.get(path, **kwargs)

    def post(self, path: str, **kwargs):
        with self.app.app_context():
            return self.client.post(path, **kwargs)


def signed_in_clients(app, make_user) -> dict[str | None, RoleClient]:
    """A test client per role (None = anonymous), signed in through /login."""
    clients = {None: RoleClient(app, None)}
    for role in ("agent", "editor", "admin"):
        clients[role] = RoleClient(app, make_user(role).email)
    return clients


def test_security_headers_on_every_response_type(seeded, make_user):
    clients = signed_in_clients(seeded, make_user)
    problems = []
    for role, path, status in RESPONSES:
        response = clients[role].get(path)
        if response.status_code != status:
            problems.append(f"{path} als {role}: HTTP {response.status_code}, verwacht {status}")
        problems += header_problems(path, response)
        if (
            role
            and response.mimetype == "text/html"
            and "no-store" not in response.headers.get("Cache-Control", "")
        ):
            problems.append(f"{path}: pagina voor medewerkers mag niet in een cache")
        response.close()
    assert not problems, "\n".join(problems)


def test_pages_carry_no_inline_script_or_style(seeded, make_user):
    """The CSP would block inline scripts, handlers and style attributes, so the pages must not need them."""
    clients = signed_in_clients(seeded, make_user)
    problems = []
    for role, path, _status in RESPONSES:
        response = clients[role].get(path)
        page = response.get_data(as_text=True)
        response.close()
        if response.mimetype != "text/html":
            continue
        problems += [f"{path}: {found}" for found in find_active_content(page)]
        if " style=" in page or "<style" in page:
            problems.append(f"{path}: inline CSS (CSP style-src 'self' blokkeert die)")
    assert not problems, "\n".join(problems)


def test_json_answers_are_json_not_html(seeded, client):
    for path in ("/api/faq/search?q=%3Cscript%3E", "/api/bestaat-niet", "/healthz"):
        response = client.get(path)
        assert response.mimetype == "application/json", path


def _set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user("agent")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    session = [c for c in _set_cookies(response) if c.startswith("session=")]
    assert session, _set_cookies(response)
    flags = session[0].lower()
    assert "httponly" in flags
    assert "samesite=lax" in flags or "samesite=strict" in flags


def test_cookies_are_secure_outside_debug(make_app, make_user):
    app = make_app(TESTING=False)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    client = app.test_client()
    with app.app_context():
        user = make_user("agent")
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    cookies = _set_cookies(response)
    assert cookies and all("secure" in c.lower() for c in cookies), cookies
