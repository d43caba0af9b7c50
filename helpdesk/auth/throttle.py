"""Login throttling: every attempt is counted (atomically, in the shared store) BEFORE the password is checked.

Three counters: per account from one address (the wall the attacker's address hits), per address (one address
trying many accounts), and per account from everywhere: over that ceiling an attempt is slowed down, not refused,
so the owner can still sign in from another address while an attack goes on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app

from ..ratelimit import Hit, clear, client_address, counter_key, hit, wait_text


@dataclass(frozen=True)
class Verdict:
    """May this attempt be checked; if not, the Hit that refused it; `warning` when one attempt is left."""

    refused: Hit | None
    delay: float = 0.0
    warning: str = ""


def _normal(email: str) -> str:
    return email.strip().lower()[:254]


def _pair_key(email: str, address: str) -> str:
    return counter_key("login-pair", _normal(email), address)


def count_attempt(email: str) -> Verdict:
    """Count a sign-in attempt for `email` from this client; say whether its password may be checked."""
    config = current_app.config
    address = client_address()
    per_address = hit(counter_key("login-addr", address), config["LOGIN_LIMIT_PER_ADDRESS"])
    pair = hit(_pair_key(email, address), config["LOGIN_LIMIT_PER_ACCOUNT"])
    account = hit(counter_key("login-account", _normal(email)), config["LOGIN_ACCOUNT_CEILING"])
    for result in (per_address, pair):
        if not result.allowed:
            return Verdict(refused=result)
    over = account.count - account.limit
    delay = min(float(config["LOGIN_DELAY_MAX"]), over * float(config["LOGIN_DELAY_STEP"])) if over > 0 else 0.0
    last = min((per_address, pair), key=lambda r: r.remaining)
    warning = ""
    if last.remaining == 1:
        warning = (f"Let op: u kunt het nog één keer proberen. Daarna moet u {wait_text(last.wait_seconds)} "
                   "wachten voordat u weer kunt inloggen.")
    elif last.remaining == 0:
        warning = (f"Dit was uw laatste poging. U kunt over {wait_text(last.wait_seconds)} opnieuw proberen "
                   "in te loggen.")
    return Verdict(refused=None, delay=delay, warning=warning)


def slow_down(verdict: Verdict) -> None:
    """Wait as long as the verdict asks: the growing delay for an account under attack (capped)."""
    if verdict.delay > 0:
        time.sleep(verdict.delay)


def refused_text(result: Hit) -> str:
    return (f"Te veel mislukte inlogpogingen. Probeer het over {wait_text(result.wait_seconds)} opnieuw, "
            "of vraag een beheerder om uw wachtwoord opnieuw in te stellen.")


def forget_attempts(email: str) -> None:
    """After a successful sign-in this address starts afresh for this account."""
    clear(_pair_key(email, client_address()), current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])
