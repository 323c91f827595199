"""Each key hubshop holds: its age, last and next rotation, for ``hubshop status``.

A key from the environment carries no date, so the age shown is the time
since hubshop first saw *this* key: a fingerprint (a SHA-256 prefix, never the
key) and that first sighting are kept in the state's flags, and a new key
starts again at zero; nothing rotates it locally. In AWS the stack's secrets
give the real dates (:meth:`sync.jobs.stack.DeployedService.keys`): the current
version's, and Secrets Manager's rotation rule and next rotation.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from typing import Any

from sync import env_names as E
from sync.config import Secret, Settings
from sync.inventory.ports import StateStore

FLAG = "key_seen:"
NOT_LOCAL = "not rotated locally"
NOT_SET = "not set"
# the keys each job sends or checks (names as in status' "keys")
JOB_KEYS = {
    "catalog": ("shopify", "hubspot_token"),
    "inventory": ("push_key", "shopify", "shopify_webhook_secret", "warehouse_api_key"),
    "nightly": ("shopify", "warehouse_api_key"),
    "theme": ("hubspot_token",),
}


def held_keys(settings: Settings) -> dict[str, Secret | None]:
    """The keys hubshop sends or checks here, by the names the stack's secrets have in status."""
    push = os.environ.get(E.HUBSHOP_PUSH_KEY)
    shopify = settings.shopify
    return {"push_key": Secret(push) if push else None,
            "shopify": shopify.access_token or shopify.client_secret,
            "shopify_webhook_secret": shopify.webhook_secret,
            "warehouse_api_key": settings.warehouse.api_key,
            "hubspot_token": settings.hubspot.access_token}


def key_entry(*, since: datetime | None, now: datetime, last_rotated: datetime | None = None,
              next_rotation: datetime | None = None, rotation_days: int | None = None,
              rotation: str, is_set: bool = True) -> dict[str, Any]:
    """One key in status: whole days of age and ISO dates (the CLI contract), never the key.

    A key put a moment "after" ``now`` (AWS's clock a little ahead of this one) is 0
    days old, not -1.
    """
    return {"set": is_set, "age_days": max(0, (now - since).days) if since else None,
            "since": _iso(since), "last_rotated": _iso(last_rotated),
            "next_rotation": _iso(next_rotation), "rotation_days": rotation_days,
            "rotation": rotation}


def local_keys(settings: Settings, state: StateStore, now: datetime) -> dict[str, dict[str, Any]]:
    """Each key held here: its age since first seen; none is rotated locally."""
    keys: dict[str, dict[str, Any]] = {}
    for name, key in held_keys(settings).items():
        if key is None:
            keys[name] = key_entry(since=None, now=now, rotation=NOT_SET, is_set=False)
            continue
        print_ = hashlib.sha256(key.reveal().encode()).hexdigest()[:16]
        seen = state.flag(FLAG + name)
        known, _, since = (seen or "").partition("@")
        if known != print_ or not since:
            since = now.isoformat()
            state.set_flag(FLAG + name, f"{print_}@{since}")
        keys[name] = key_entry(since=datetime.fromisoformat(since), now=now, rotation=NOT_LOCAL)
    return keys


def by_job(keys: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """``keys`` split by the jobs that use them (a key may serve several)."""
    return {job: {name: keys[name] for name in names if name in keys}
            for job, names in JOB_KEYS.items()}


def key_lines(keys: dict[str, dict[str, Any]]) -> list[str]:
    """The text view: a line a key held (age, last and next rotation or why none), then
    one line naming the keys not set."""
    lines, unset = [], []
    for name, key in keys.items():
        if not key["set"]:
            unset.append(name)
            continue
        age = "age unknown" if key["age_days"] is None else f"{key['age_days']} day(s) old"
        parts = [f"{name}: {age}"]
        if key["last_rotated"]:
            parts.append(f"last rotated {key['last_rotated']}")
        parts.append(f"next rotation {key['next_rotation']}" if key["next_rotation"]
                     else key["rotation"])
        lines.append(", ".join(parts))
    if unset:
        lines.append(f"{NOT_SET}: {', '.join(unset)}")
    return lines


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None
