"""Shopify App Bridge session tokens: HS256 JWTs signed with the app's client secret.

The embedded page trusts a request only when its token verifies: signature with
the client secret, ``aud`` = the client id, ``exp`` and ``nbf`` against the
injected clock (a few seconds of leeway for clock skew, as Shopify advises), and
``dest`` naming the shop (with ``iss`` on the same shop's admin). Any failure is
the same :class:`InvalidSessionToken` with no detail, so a caller learns nothing
from a forged token. The page's own forms carry a token the server signs the
same way (:func:`issue_token`), so an action needs the secret just like a load.
"""

from __future__ import annotations

import secrets as _secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import jwt

from sync.plumbing.clock import SYSTEM_CLOCK, Clock

ALGORITHM = "HS256"
LEEWAY_SECONDS = 5
FORM_TOKEN_SECONDS = 600
REQUIRED_CLAIMS = ("aud", "exp", "nbf", "dest", "iss")


class InvalidSessionToken(Exception):
    """The token did not verify; deliberately without detail (answered as a bare 401)."""


@dataclass(frozen=True)
class SessionKeys:
    """What verifies a token: the app's client id and secret, and the shop it must name."""

    client_id: str
    secret: str
    shop: str | None = None

    def __repr__(self) -> str:
        return f"SessionKeys(client_id={self.client_id!r}, secret='***', shop={self.shop!r})"


def verify_token(token: str | None, keys: SessionKeys, *, clock: Clock = SYSTEM_CLOCK,
                 leeway: int = LEEWAY_SECONDS) -> dict[str, Any]:
    """The token's claims when it verifies in every respect, else :class:`InvalidSessionToken`."""
    if not token:
        raise InvalidSessionToken
    try:
        claims = jwt.decode(
            token, keys.secret, algorithms=[ALGORITHM], audience=keys.client_id,
            options={"require": list(REQUIRED_CLAIMS), "verify_exp": False,
                     "verify_nbf": False, "verify_iat": False},
        )
    except jwt.PyJWTError:
        raise InvalidSessionToken from None
    now = _epoch(clock.now())
    try:
        expires, not_before = float(claims["exp"]), float(claims["nbf"])
    except (TypeError, ValueError):
        raise InvalidSessionToken from None
    if now >= expires + leeway or now < not_before - leeway:
        raise InvalidSessionToken
    shop = _host(claims.get("dest"))
    if not shop or _host(claims.get("iss")) != shop:
        raise InvalidSessionToken
    if keys.shop and shop != keys.shop:
        raise InvalidSessionToken
    return claims


def issue_token(keys: SessionKeys, shop: str, *, clock: Clock = SYSTEM_CLOCK,
                seconds: int = FORM_TOKEN_SECONDS, subject: str = "console",
                expires_at: float | None = None, extra: dict[str, str] | None = None) -> str:
    """A token shaped like App Bridge's, signed with the same secret (forms, local console).

    ``expires_at`` (epoch seconds), when later than ``now + seconds``, is the
    expiry instead: a page's form token lives as long as the token that loaded
    the page (see :mod:`sync.operator.console_app`). ``extra`` claims ride along
    signed (an action's outcome, shown once by the page it redirects to).
    """
    now = int(_epoch(clock.now()))
    expires = max(now + seconds, int(expires_at or 0))
    claims: dict[str, Any] = {
        "iss": f"https://{shop}/admin", "dest": f"https://{shop}", "aud": keys.client_id,
        "sub": subject, "exp": expires, "nbf": now, "iat": now, "jti": _secrets.token_hex(8)}
    claims.update(extra or {})
    return jwt.encode(claims, keys.secret, algorithm=ALGORITHM)


def shop_of(claims: dict[str, Any]) -> str:
    """The shop domain a verified token names (``dest`` without the scheme)."""
    return _host(claims.get("dest")) or ""


def _host(value: Any) -> str | None:
    if not isinstance(value, str) or not value.startswith("https://"):
        return None
    return urlsplit(value).hostname


def _epoch(moment: datetime) -> float:
    return moment.timestamp()
