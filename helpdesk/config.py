"""Configuration: defaults, then HELPDESK_* environment variables, then the test dict. The only place that reads
the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ENV_PREFIX = "HELPDESK_"

# Environment variables that are read, with the config key they set and a converter.
_INT = int


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "ja", "on"}


def _blob_store(value: str) -> str:
    """`fs` or `db` (helpdesk/blobs/)."""
    if value not in ("fs", "db"):
        raise ValueError(value)
    return value


def _limit(value: str) -> str:
    """A rate limit such as "5 per 5 minutes" (the `limits` notation), checked at start-up."""
    from limits import parse

    parse(value)  # raises ValueError for anything it cannot read
    return value


ENV_KEYS: dict[str, tuple[str, Any]] = {
    "DATA_DIR": ("DATA_DIR", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "DEV": ("DEV_MODE", _bool),
    "IMAP_HOST": ("IMAP_HOST", str),
    "IMAP_PORT": ("IMAP_PORT", _INT),
    "IMAP_USER": ("IMAP_USER", str),
    "IMAP_PASSWORD": ("IMAP_PASSWORD", str),
    "IMAP_FOLDER": ("IMAP_FOLDER", str),
    "IMAP_SSL": ("IMAP_SSL", _bool),
    "IMAP_STARTTLS": ("IMAP_STARTTLS", _bool),
    "IMAP_PROCESSED_FOLDER": ("IMAP_PROCESSED_FOLDER", str),
    "SMTP_HOST": ("SMTP_HOST", str),
    "SMTP_PORT": ("SMTP_PORT", _INT),
    "SMTP_USER": ("SMTP_USER", str),
    "SMTP_PASSWORD": ("SMTP_PASSWORD", str),
    "SMTP_FROM": ("SMTP_FROM", str),
    "SMTP_STARTTLS": ("SMTP_STARTTLS", _bool),
    "SMTP_SSL": ("SMTP_SSL", _bool),
    "PUBLIC_URL": ("PUBLIC_URL", str),
    "TRIAGE_THRESHOLD": ("TRIAGE_THRESHOLD", float),
    "CONTENT_GAP_MATCH": ("CONTENT_GAP_MATCH", float),
    "MAX_ATTACHMENT_BYTES": ("MAX_ATTACHMENT_BYTES", _INT),
    "RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "TRUST_PROXY": ("TRUST_PROXY", _INT),
    "BLOB_STORE": ("BLOB_STORE", _blob_store),
    "RETENTION_TICKET_MONTHS": ("RETENTION_TICKET_MONTHS", _INT),
    "RETENTION_FILES_MONTHS": ("RETENTION_FILES_MONTHS", _INT),
    "RETENTION_SEARCH_LOG_MONTHS": ("RETENTION_SEARCH_LOG_MONTHS", _INT),
    "RETENTION_AUDIT_MONTHS": ("RETENTION_AUDIT_MONTHS", _INT),
    "RETENTION_CHECK_SECONDS": ("RETENTION_CHECK_SECONDS", _INT),
    "LOGIN_LIMIT_PER_ADDRESS": ("LOGIN_LIMIT_PER_ADDRESS", _limit),
    "LOGIN_LIMIT_PER_ACCOUNT": ("LOGIN_LIMIT_PER_ACCOUNT", _limit),
    "LOGIN_ACCOUNT_CEILING": ("LOGIN_ACCOUNT_CEILING", _limit),
    "FAQ_SEARCH_LIMIT": ("FAQ_SEARCH_LIMIT", _limit),
    "API_SEARCH_LIMIT": ("API_SEARCH_LIMIT", _limit),
    "FAQ_FEEDBACK_LIMIT": ("FAQ_FEEDBACK_LIMIT", _limit),
    "TOTP_REQUIRED_FOR_ADMINS": ("TOTP_REQUIRED_FOR_ADMINS", _bool),
    "OUTBOX_THREAD": ("OUTBOX_THREAD", _bool),
    "OUTBOX_LEASE_SECONDS": ("OUTBOX_LEASE_SECONDS", _INT),
    "INGEST_WORKERS": ("INGEST_WORKERS", _INT),
    "THREAD_SAME_DOMAIN": ("THREAD_SAME_DOMAIN", _bool),
    "ACKNOWLEDGE": ("ACKNOWLEDGE", _bool),
    "TRUSTED_AUTHSERV_ID": ("TRUSTED_AUTHSERV_ID", str),
    "INGEST_MAIL_SECONDS": ("INGEST_MAIL_SECONDS", float),
    "RESPONSE_TARGET_DAYS": ("RESPONSE_TARGET_DAYS", _INT),
    "OFFICE_HOURS": ("OFFICE_HOURS", str),
}


class ConfigError(RuntimeError):
    """The configuration is incomplete or inconsistent."""


def defaults() -> dict[str, Any]:
    """The built-in defaults; paths are filled in by `finalize`."""
    return {
        "DATA_DIR": "instance",
        "SQLALCHEMY_DATABASE_URI": None,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SQLALCHEMY_ECHO": False,  # Flask-SQLAlchemy's default, named here for the Core engine (helpdesk/engine.py)
        "SECRET_KEY": None,
        "DEV_MODE": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": None,  # None: secure unless debug/dev/testing
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "RATELIMIT_STORAGE_URI": None,  # None: counters in the database, shared by every worker and node
        "TRUST_PROXY": 0,  # reverse proxies in front of us whose X-Forwarded-* headers are believed
        "BLOB_STORE": "fs",  # raw mail and attachments: "fs" (the data dir) or "db" (the database, every node)
        "LOGIN_LIMIT_PER_ADDRESS": "20 per 10 minutes",  # one address, any account
        "LOGIN_LIMIT_PER_ACCOUNT": "5 per 5 minutes",  # one account from one address: a wall
        "LOGIN_ACCOUNT_CEILING": "20 per 15 minutes",  # one account from everywhere: beyond it, a delay
        "LOGIN_DELAY_STEP": 0.25,  # seconds of delay per attempt over the ceiling ...
        "LOGIN_DELAY_MAX": 3.0,  # ... up to this, so the owner still gets in from elsewhere
        "RETENTION_TICKET_MONTHS": 12,  # closed tickets are anonymised after this
        "RETENTION_FILES_MONTHS": 3,  # original mails and attachments of closed tickets are removed after this
        "RETENTION_SEARCH_LOG_MONTHS": 6,
        "RETENTION_AUDIT_MONTHS": 24,  # audit events not tied to a ticket or article
        "RETENTION_CHECK_SECONDS": 3600,  # `flask ingest` checks this often whether today's retention run is due
        "PASSWORD_RESET_MAX_AGE": 24 * 3600,  # seconds a one-time password-reset link stays valid
        "FAQ_SEARCH_LIMIT": "60 per minute",  # per client address: the FAQ search page
        "API_SEARCH_LIMIT": "120 per minute",  # per client address: the JSON search API (search as you type)
        "FAQ_FEEDBACK_LIMIT": "10 per minute",  # per client address: "was this helpful?"
        # Static URLs carry a version (?v=<hash of the file>), so browsers may keep them a year.
        "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
        "COMPRESS_MIMETYPES": ["text/html", "application/json", "text/css", "text/javascript",
                               "application/javascript", "image/svg+xml", "text/csv"],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 500,
        "COMPRESS_STREAMS": False,  # streamed exports stay streamed
        "COMPRESS_BR_LEVEL": 4,  # brotli 4 costs about what gzip 6 does and is smaller
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "IMAP_HOST": None,
        "IMAP_PORT": None,
        "IMAP_USER": None,
        "IMAP_PASSWORD": None,
        "IMAP_FOLDER": "INBOX",
        "IMAP_SSL": True,
        "IMAP_STARTTLS": False,
        "IMAP_PROCESSED_FOLDER": "Verwerkt",
        "SMTP_HOST": None,
        "SMTP_PORT": 25,
        "SMTP_USER": None,
        "SMTP_PASSWORD": None,
        "SMTP_FROM": "Helpdesk IPO <ipo@duo.nl>",
        "SMTP_STARTTLS": False,
        "SMTP_SSL": False,
        "SMTP_TIMEOUT": 30,  # seconds for connecting and each SMTP command
        "PUBLIC_URL": "http://127.0.0.1:5000",
        "MESSAGE_ID_DOMAIN": "ipo-helpdesk.duo.nl",
        "OWN_ADDRESSES": ["ipo@duo.nl"],
        "TRIAGE_THRESHOLD": 0.55,
        "MAX_ATTACHMENT_BYTES": 10 * 1024 * 1024,
        "MAX_MAIL_BYTES": 30 * 1024 * 1024,
        "FLOOD_MAX_PER_HOUR": 20,
        "INGEST_WORKERS": None,  # worker processes that prepare big batches; None: one per core
        "INGEST_MAIL_SECONDS": 10.0,  # wall-clock budget to read one mail; over it: quarantined. 0: no limit
        "TOTP_REQUIRED_FOR_ADMINS": False,
        "OUTBOX_THREAD": False,  # send from a thread inside the web process (`make run`)
        "OUTBOX_INTERVAL": 10,  # seconds between the sender's rounds
        "OUTBOX_MAX_ATTEMPTS": 8,  # delivery attempts before a reply is marked failed
        "OUTBOX_LEASE_SECONDS": 600,  # a claimed reply of a sender that died is sent by another after this
        "DASHBOARD_CACHE_SECONDS": 60,  # the dashboard's figures are recomputed at most this often per process
        "REPLY_ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,  # all files of one reply together
        "REPLY_ATTACHMENT_MAX_FILES": 5,
        "REPLY_ATTACHMENT_TYPES": {  # extension -> the content type it is sent as
            ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
            ".txt": "text/plain", ".csv": "text/csv", ".odt": "application/vnd.oasis.opendocument.text",
            ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
        "ACKNOWLEDGE": False,  # an acknowledgement mail on each new question ticket (on in the demo data)
        "ACKNOWLEDGE_MIN_SCORE": 0.70,  # bench/acknowledge_links.py: 97.5 % of mails with links have a right one
        "ACKNOWLEDGE_MAX_LINKS": 3,
        # "Vragen zonder goed artikel": a ticket whose best suggested article contains at most this share of the
        # main question's words (weighted by rarity) is a content gap; the newest MAX_TICKETS of a period are grouped
        "CONTENT_GAP_MATCH": 0.45,
        "CONTENT_GAP_MAX_TICKETS": 2000,
        "CONTENT_GAP_SIMILARITY": 0.3,  # knowledge.clusters: cosine from which a question joins a group
        "CONTENT_GAP_GROUPS": 30,
        "CONTENT_GAP_EXAMPLES": 3,
        "ACKNOWLEDGE_PERIOD_HOURS": 24,  # at most one acknowledgement per sender in this period
        "ACKNOWLEDGE_ANSWER_TIME": "binnen twee werkdagen",
        "THREAD_SAME_DOMAIN": True,  # a sender from the requester's own mail domain may join the ticket
        "TRUSTED_AUTHSERV_ID": None,  # authserv-id of our receiving server's Authentication-Results
        "RESPONSE_TARGET_DAYS": 2,  # working days for an answer, unless RESPONSE_TARGETS names the category
        "RESPONSE_TARGETS": {},  # category key -> working days
        "OFFICE_HOURS": "09:00-17:00",  # local time in OFFICE_TIMEZONE, weekdays that are no public holiday
        "OFFICE_TIMEZONE": "Europe/Amsterdam",
        "EXPORT_MAX_ROWS": 200_000,  # rows in one CSV download of the queue
        "HOLIDAY_COUNTRY": "NL",  # public holidays from the `holidays` library
    }


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Read the HELPDESK_* variables that are set; a bad value is a ConfigError naming the variable."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for suffix, (key, convert) in ENV_KEYS.items():
        raw = environ.get(ENV_PREFIX + suffix)
        if raw is None or raw == "":
            continue
        try:
            values[key] = convert(raw)
        except ValueError as exc:
            raise ConfigError(f"{ENV_PREFIX}{suffix} heeft een ongeldige waarde: {raw!r}") from exc
    return values


def finalize(config: dict[str, Any], *, debug: bool, testing: bool) -> None:
    """Derive paths and the secret key; raise ConfigError when production lacks a secret key."""
    data_dir = Path(config["DATA_DIR"]).resolve()
    config["DATA_DIR"] = str(data_dir)
    config.setdefault("INDEX_DIR", str(data_dir / "index"))
    config.setdefault("ATTACHMENT_DIR", str(data_dir / "attachments"))
    config.setdefault("RAW_MAIL_DIR", str(data_dir / "raw"))
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{data_dir / 'helpdesk.sqlite3'}"
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        # a file next to us never drops the connection: no ping before every checkout
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {**config["SQLALCHEMY_ENGINE_OPTIONS"], "pool_pre_ping": False}
    relaxed = debug or testing or config.get("DEV_MODE")
    if config.get("SESSION_COOKIE_SECURE") is None:
        config["SESSION_COOKIE_SECURE"] = not relaxed
        config["REMEMBER_COOKIE_SECURE"] = not relaxed
    if not config.get("SECRET_KEY"):
        if not relaxed:
            raise ConfigError(
                "HELPDESK_SECRET_KEY ontbreekt. Zet een lange geheime sleutel in de omgeving "
                "(of start in ontwikkelmodus met HELPDESK_DEV=1 of --debug)."
            )
        config["SECRET_KEY"] = _dev_secret_key(data_dir)


def _dev_secret_key(data_dir: Path) -> str:
    """Generate a key once into the data dir, so sessions survive restarts in development."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def debug_requested() -> bool:
    """Whether Flask's debug mode was asked for through the environment (`flask --debug` sets FLASK_DEBUG)."""
    return _bool(os.environ.get("FLASK_DEBUG", "0"))
