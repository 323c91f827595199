"""Rotating the warehouse's push API key: Secrets Manager's four steps, and nothing cut off.

Secrets Manager calls the rotation Lambda four times with the same
``ClientRequestToken``: ``createSecret`` makes the new key as ``AWSPENDING``,
``setSecret`` would install it elsewhere (the service reads keys straight from
Secrets Manager, so the new key is accepted from this moment), ``testSecret``
checks that it is a well-formed key the push endpoint accepts, and
``finishSecret`` makes it ``AWSCURRENT`` (the old one becomes ``AWSPREVIOUS``).
The endpoint accepts CURRENT, PREVIOUS and PENDING, so the warehouse keeps
working with the old key until the *next* rotation: one rotation period to
fetch the new one. Every step is safe to repeat.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from sync.errors import InputError
from sync.service.secrets import CURRENT, PENDING, SecretReader

log = logging.getLogger(__name__)

KEY_LENGTH = 48
KEY_PATTERN = re.compile(r"^[A-Za-z0-9]{32,128}$")
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")


def rotate_step(event: Mapping[str, Any], client: Any,
                check: Callable[[str, str], bool] | None = None) -> str:
    """Run the step ``event`` names for the secret and token it names; returns the step.

    Args:
        event: ``{"SecretId", "ClientRequestToken", "Step"}`` from Secrets Manager.
        client: a boto3 ``secretsmanager`` client.
        check: ``check(secret_id, key)`` the push endpoint's key check (default:
            a fresh :class:`SecretReader` over ``client``, bypassing any cache).

    Raises:
        InputError: an unknown step, rotation not enabled, or a token that is
            not a version of this secret.
    """
    secret_id, token, step = (event.get("SecretId"), event.get("ClientRequestToken"),
                              event.get("Step"))
    if step not in STEPS or not secret_id or not token:
        raise InputError("rotation event", f"step {step!r} for {secret_id!r}",
                         f"expected one of {', '.join(STEPS)} with SecretId and token")
    described = client.describe_secret(SecretId=secret_id)
    if not described.get("RotationEnabled"):
        raise InputError(f"secret {secret_id}", "rotation is not enabled")
    stages = described.get("VersionIdsToStages", {})
    if token not in stages:
        raise InputError(f"secret {secret_id}", f"version {token} is not one of its versions")
    if CURRENT in stages[token]:
        log.info("rotation %s: version is already AWSCURRENT", step)
        return step
    if step == "createSecret":
        _create(client, secret_id, token)
    elif step == "setSecret":
        log.info("rotation setSecret: the push endpoint reads keys from Secrets Manager;"
                 " the pending key is accepted from now on")
    elif step == "testSecret":
        _test(client, secret_id, token, check)
    else:
        _finish(client, secret_id, token, stages)
    return step


def _create(client: Any, secret_id: str, token: str) -> None:
    client.get_secret_value(SecretId=secret_id, VersionStage=CURRENT)  # must exist
    try:
        client.get_secret_value(SecretId=secret_id, VersionId=token, VersionStage=PENDING)
        log.info("rotation createSecret: pending key already made")
        return
    except client.exceptions.ResourceNotFoundException:
        pass
    key = client.get_random_password(PasswordLength=KEY_LENGTH, ExcludePunctuation=True,
                                     IncludeSpace=False)["RandomPassword"]
    client.put_secret_value(SecretId=secret_id, ClientRequestToken=token, SecretString=key,
                            VersionStages=[PENDING])
    log.info("rotation createSecret: new key made as AWSPENDING")


def _test(client: Any, secret_id: str, token: str,
          check: Callable[[str, str], bool] | None) -> None:
    key = client.get_secret_value(SecretId=secret_id, VersionId=token,
                                  VersionStage=PENDING)["SecretString"]
    if not KEY_PATTERN.match(key):
        raise InputError(f"secret {secret_id}", "the pending key is not 32-128 letters and digits")
    if check is None:
        from sync.service.secrets import staged_provider

        reader = SecretReader(staged_provider(boto3_client=client), max_age=0)
        check = reader.check_key
    if not check(secret_id, key):
        raise InputError(f"secret {secret_id}", "the push endpoint's key check refuses the "
                                                "pending key")
    log.info("rotation testSecret: the pending key is accepted")


def _finish(client: Any, secret_id: str, token: str, stages: Mapping[str, list[str]]) -> None:
    current = next((version for version, names in stages.items() if CURRENT in names), None)
    client.update_secret_version_stage(SecretId=secret_id, VersionStage=CURRENT,
                                       MoveToVersionId=token, RemoveFromVersionId=current)
    log.info("rotation finishSecret: new key is AWSCURRENT; the old one stays accepted as"
             " AWSPREVIOUS until the next rotation")
