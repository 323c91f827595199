"""Rotating the key hubshop sends to a REST warehouse that can issue one itself.

Where ``[warehouse] paths.rotate_key`` names the warehouse's key-issuing
endpoint, the warehouse secret rotates like the push key, in Secrets
Manager's four steps: ``createSecret`` asks the warehouse for a new key with
the current one (:meth:`RestWarehouse.issue_key`) and stores it as
``AWSPENDING``; ``setSecret`` has nothing to do (the warehouse made it);
``testSecret`` reads the warehouse's changes with the pending key;
``finishSecret`` makes it current. Each step is safe to repeat. Elsewhere the
key's age is alarmed on instead (:mod:`sync.service.key_ages`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from sync.errors import InputError
from sync.service.secrets import CURRENT, PENDING

log = logging.getLogger(__name__)

Open = Callable[[str], Any]  # api key -> a RestWarehouse using it


def rotate_warehouse_step(event: Mapping[str, Any], client: Any, open_warehouse: Open) -> str:
    """Run one rotation step for the warehouse secret (JSON ``{"api_key"}``)."""
    secret_id, token, step = (event.get("SecretId"), event.get("ClientRequestToken"),
                              event.get("Step"))
    described = client.describe_secret(SecretId=secret_id)
    stages = described.get("VersionIdsToStages", {})
    if token not in stages and step != "createSecret":  # createSecret makes the version
        raise InputError(f"secret {secret_id}", f"version {token} is not one of its versions")
    if CURRENT in stages.get(token, ()):
        return str(step)
    if step == "createSecret":
        try:
            client.get_secret_value(SecretId=secret_id, VersionId=token, VersionStage=PENDING)
            return step  # made by an earlier attempt
        except client.exceptions.ResourceNotFoundException:
            pass
        current = _fields(client.get_secret_value(SecretId=secret_id, VersionStage=CURRENT))
        new_key = open_warehouse(current.get("api_key", "")).issue_key()
        client.put_secret_value(SecretId=secret_id, ClientRequestToken=token,
                                SecretString=json.dumps({**current, "api_key": new_key}),
                                VersionStages=[PENDING])
        log.info("warehouse key rotation: the warehouse issued a new key (AWSPENDING)")
    elif step == "testSecret":
        pending = _fields(client.get_secret_value(SecretId=secret_id, VersionId=token,
                                                  VersionStage=PENDING))
        from sync.plumbing.clock import SYSTEM_CLOCK

        open_warehouse(pending.get("api_key", "")).changes(SYSTEM_CLOCK.now())
        log.info("warehouse key rotation: the pending key reads the warehouse")
    elif step == "finishSecret":
        current = next((v for v, names in stages.items() if CURRENT in names), None)
        client.update_secret_version_stage(SecretId=secret_id, VersionStage=CURRENT,
                                           MoveToVersionId=token, RemoveFromVersionId=current)
        log.info("warehouse key rotation: the new key is current")
    return str(step)


def _fields(answer: Mapping[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(answer.get("SecretString") or "{}")
    except ValueError:
        raise InputError("warehouse secret", "is not JSON", '{"api_key": "..."}') from None
    return data if isinstance(data, dict) else {}
