"""Shopify webhook signatures: HMAC-SHA256 of the raw body, base64, checked in constant time.

Shopify signs each delivery with the app's client secret. After the secret is
rotated it may keep signing with the old one for up to an hour, so a
delivery is genuine when it matches *any* of the secrets given (current and
previous). Nothing in the body is read before the signature is checked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def sign(body: bytes, secret: str) -> str:
    """The ``X-Shopify-Hmac-Sha256`` value Shopify would send for ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(body: bytes, signature: str | None, secrets: Iterable[str | None]) -> bool:
    """True when ``signature`` is the HMAC of ``body`` under one of ``secrets``.

    Every secret is compared (no early exit), each with
    :func:`hmac.compare_digest`, so timing says nothing about which matched.
    A missing signature or an empty secret list never verifies.
    """
    if not signature:
        return False
    given = signature.strip().encode("ascii", "replace")
    matched = False
    for secret in secrets:
        if secret:
            matched |= hmac.compare_digest(sign(body, secret).encode("ascii"), given)
    return matched
