"""Secrets from AWS Secrets Manager through Powertools' parameters utility, cached with a max age.

Callers holding a key from before a rotation must not be cut off, so key
checks accept every live stage of a secret: ``AWSCURRENT``, ``AWSPREVIOUS``
and, during a rotation, ``AWSPENDING``. Powertools caches by secret name
only, so each stage is asked for under its own cache name
(``<secret-id>|<stage>``). A stage that does not exist is cached as empty,
so a missing ``AWSPREVIOUS`` costs one call per max age, not one per request.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sync.service.settings import SECRETS_MAX_AGE_SECONDS, SECRETS_REFRESH_GAP_SECONDS

CURRENT, PREVIOUS, PENDING = "AWSCURRENT", "AWSPREVIOUS", "AWSPENDING"
LIVE_STAGES = (CURRENT, PREVIOUS, PENDING)
_SEPARATOR = "|"  # never part of a secret name or ARN


def staged_provider(**kwargs: Any) -> Any:
    """Powertools' ``SecretsProvider`` where ``name|STAGE`` reads that stage of the secret.

    Built on first use, so importing a handler does not import the parameters
    utility (and a second copy of boto3's loaders) before the first event.
    """
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    class StagedSecretsProvider(SecretsProvider):
        def _get(self, name: str, **sdk_options: Any) -> str | bytes:
            secret_id, _, stage = name.partition(_SEPARATOR)
            if stage:
                sdk_options["VersionStage"] = stage
            try:
                return super()._get(secret_id, **sdk_options)
            except self.client.exceptions.ResourceNotFoundException:
                if stage and stage != CURRENT:
                    return ""  # no such stage (yet): cached as empty
                raise

    return StagedSecretsProvider(**kwargs)


class SecretReader:
    """Reads staged secrets for the handlers; one per warm Lambda container.

    Args:
        provider: a Powertools provider (default: :func:`staged_provider`, created
            on first use so importing this module makes no AWS client).
        max_age: seconds a value is cached.
        monotonic: the clock that spaces forced refreshes.
    """

    def __init__(
        self,
        provider: Any = None,
        *,
        max_age: int = SECRETS_MAX_AGE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._provider = provider
        self.max_age = max_age
        self._monotonic = monotonic
        self._refreshed: dict[str, float] = {}

    @property
    def provider(self) -> Any:
        if self._provider is None:
            self._provider = staged_provider()
        return self._provider

    def value(self, secret_id: str, stage: str = CURRENT, *, force: bool = False) -> str:
        """The secret's string at ``stage`` ('' when that stage does not exist)."""
        value = self.provider.get(f"{secret_id}{_SEPARATOR}{stage}", max_age=self.max_age,
                                  force_fetch=force)
        return value.decode("utf-8") if isinstance(value, bytes) else str(value or "")

    def values(self, secret_id: str, stages: Iterable[str] = LIVE_STAGES, *,
               force: bool = False) -> list[str]:
        """The non-empty strings of ``stages``, deduplicated, in stage order."""
        found: list[str] = []
        for stage in stages:
            value = self.value(secret_id, stage, force=force)
            if value and value not in found:
                found.append(value)
        return found

    def json_fields(self, secret_id: str, stage: str = CURRENT) -> dict[str, str]:
        """A JSON secret's string fields (``{}`` for a missing stage)."""
        text = self.value(secret_id, stage)
        if not text:
            return {}
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            raise ValueError(f"secret {secret_id} ({stage}) is not a JSON object") from None
        if not isinstance(data, dict):
            raise ValueError(f"secret {secret_id} ({stage}) is not a JSON object")
        return {str(k): str(v) for k, v in data.items() if v not in (None, "")}

    def check_key(self, secret_id: str, given: str | None) -> bool:
        """True when ``given`` equals a live stage of the key secret (constant-time compare).

        A miss re-reads the secret once (at most every few seconds), so a key
        rotated a moment ago is accepted without waiting for the cache to expire.
        """
        if not given:
            return False
        if _matches(given, self.values(secret_id)):
            return True
        now = self._monotonic()
        if now - self._refreshed.get(secret_id, float("-inf")) < SECRETS_REFRESH_GAP_SECONDS:
            return False
        self._refreshed[secret_id] = now
        return _matches(given, self.values(secret_id, force=True))

    def webhook_secrets(self, secret_id: str) -> list[str]:
        """The Shopify app's signing secrets: current first, then the one before a rotation."""
        found: list[str] = []
        for stage in (CURRENT, PREVIOUS):
            fields = self.json_fields(secret_id, stage)
            secret = fields.get("webhook_secret") or fields.get("client_secret")
            if secret and secret not in found:
                found.append(secret)
        return found

    def environment(self, secret_id: str, names: Mapping[str, str]) -> dict[str, str]:
        """A JSON secret's fields renamed to hubshop's environment names (for ``load_settings``)."""
        fields = self.json_fields(secret_id)
        return {env: fields[key] for key, env in names.items() if key in fields}


def _matches(given: str, candidates: Iterable[str]) -> bool:
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(candidate.encode("utf-8"), given.encode("utf-8"))
    return matched
