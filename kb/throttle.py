"""Rate limits: how often one client (or one account) may do the expensive or sensitive things.

Built on Flask-Limiter and its ``limits`` storage. Counts live in this process's memory by
default; set ``KB_RATE_LIMIT_STORAGE`` to a shared store (``redis://host:6379``) and they hold
across every worker and node, which is what a limit on sign-ins needs to mean anything.

Views declare their limits with the decorators below; the numbers come from configuration at
request time, so an instance (or a test) can change them without re-importing anything.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

#: Failed sign-ins allowed per account and per client. Each window is longer and allows more,
#: so an attacker who keeps guessing waits a minute, then an hour: the delay grows.
SIGN_IN_PER_ACCOUNT = "5 per minute; 20 per hour; 100 per day"
SIGN_IN_PER_CLIENT = "20 per minute; 100 per hour; 500 per day"


def client_address() -> str:
    """The connecting address; behind a proxy, configure werkzeug's ``ProxyFix`` so this is
    the real client."""
    return get_remote_address() or "unknown"


limiter = Limiter(key_func=client_address, strategy="moving-window", headers_enabled=True)


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("RATE_LIMIT_STORAGE") or "memory://")
    app.config.setdefault("RATELIMIT_HEADER_RETRY_AFTER_VALUE", "delta-seconds")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "kb")
    limiter.init_app(app)


def _per_minute(setting: str = "RATE_LIMIT_PER_MINUTE") -> str:
    return f"{_allowance(setting)} per minute"


def _allowance(setting: str = "RATE_LIMIT_PER_MINUTE") -> int:
    return int(current_app.config.get(setting) or 0)


def _off(setting: str = "RATE_LIMIT_PER_MINUTE") -> bool:
    return _allowance(setting) <= 0


def _signed_in_user() -> str:
    """The signed-in user's id, else the client's address (for a request that is refused anyway)."""
    from flask_login import current_user

    if current_user.is_authenticated:
        return f"user:{current_user.get_id()}"
    return client_address()


def per_user(setting: str, bucket: str, on_breach=None):
    """``setting`` requests per signed-in user per minute (0 turns it off), wherever they come
    from: an editor's previews, for instance, each of which may spend a whole render budget."""
    return limiter.limit(lambda: _per_minute(setting), key_func=_signed_in_user, scope=bucket,
                         exempt_when=lambda: _off(setting), on_breach=on_breach)


def public_form(bucket: str, only_when=None, setting: str = "RATE_LIMIT_PER_MINUTE"):
    """``setting`` (``RATE_LIMIT_PER_MINUTE``) requests per client per minute for a public
    form (search, feedback); ``only_when`` narrows it to the requests that cost something."""

    def exempt() -> bool:
        return _off(setting) or (only_when is not None and not only_when())

    return limiter.limit(lambda: _per_minute(setting), scope=bucket, exempt_when=exempt)


def _failed_sign_in(response) -> bool:
    return response.status_code == 401


def _account() -> str:
    return "account:" + request.form.get("email", "").strip().lower()[:254]


def sign_in_attempts(view):
    """Failed sign-ins count per account and per client; once over, even the right password
    waits (429), so guessing stops paying off. Successful sign-ins cost nothing."""
    view = limiter.limit(SIGN_IN_PER_ACCOUNT, key_func=_account, methods=["POST"],
                         deduct_when=_failed_sign_in, scope="sign-in-account")(view)
    return limiter.limit(SIGN_IN_PER_CLIENT, methods=["POST"], deduct_when=_failed_sign_in,
                         scope="sign-in-client")(view)


#: Reset-link requests allowed per address asked about and per client: enough for a typo or a
#: lost message, too few to fill someone's inbox.
RESET_PER_ACCOUNT = "3 per hour; 10 per day"
RESET_PER_CLIENT = "10 per hour; 50 per day"


def password_reset_requests(view):
    """"Forgot password?" requests count per address and per client, sent or not, so the limit
    tells nothing about who has an account."""
    view = limiter.limit(RESET_PER_ACCOUNT, key_func=_account, methods=["POST"],
                         scope="reset-account")(view)
    return limiter.limit(RESET_PER_CLIENT, methods=["POST"], scope="reset-client")(view)


def public_posts_per_hour(bucket: str, setting: str):
    """``setting`` POSTs per client per hour (0 turns it off): a form whose every use costs a
    person's time, like a contact request. Reading the form is never counted."""
    return limiter.limit(lambda: f"{_allowance(setting)} per hour", scope=bucket, methods=["POST"],
                         exempt_when=lambda: _off(setting))
