"""Password rules: long enough, not a common password, not built from the user's own name or address."""

from __future__ import annotations

import re

MIN_LENGTH = 12
MIN_SCORE = 3  # zxcvbn 0-4: 3 is "safely unguessable: moderate protection from offline attacks"
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the start of a long password tells enough


def _own_words(email: str, name: str) -> list[str]:
    local, _, domain = email.lower().partition("@")
    words = re.split(r"[^a-z0-9]+", f"{local} {domain.split('.')[0]} {name.lower()}")
    return [w for w in words if len(w) >= 4]


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """A Dutch sentence saying what is wrong with `password`, or None when it may be used."""
    if len(password) < MIN_LENGTH:
        return f"Het wachtwoord moet minstens {MIN_LENGTH} tekens lang zijn."
    lowered = password.lower()
    if email and email.lower() in lowered or any(word in lowered for word in _own_words(email, name)):
        return "Het wachtwoord mag uw naam of e-mailadres niet bevatten."
    from zxcvbn import zxcvbn  # its word lists cost ~40 ms to load: only a password being set needs them

    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=[email, name, *_own_words(email, name)])
    if len(set(password)) < 5 or result["score"] < MIN_SCORE:
        return ("Dit wachtwoord is te makkelijk te raden (het lijkt op een veelgebruikt wachtwoord of een "
                "eenvoudig patroon). Kies bijvoorbeeld vier of vijf losse woorden achter elkaar.")
    return None
