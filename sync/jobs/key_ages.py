"""How long hubshop has been sending each key it holds, for ``hubshop inventory status``.

A key from the environment carries no date, so the age shown is the time
since hubshop first saw *this* key: a fingerprint (a SHA-256 prefix, never the
key) and that first sighting are kept in the state's flags, and a new key
starts again at zero. In AWS the secrets' version dates give the real ages
(:mod:`sync.service.key_ages`, alarmed past ``MaxKeyAgeDays``).
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime

from sync import env_names as E
from sync.config import Secret, Settings
from sync.inventory.ports import StateStore

FLAG = "key_seen:"


def held_keys(settings: Settings) -> dict[str, Secret | None]:
    """The keys hubshop sends or checks: the push key, the warehouse's, HubSpot's token."""
    push = os.environ.get(E.HUBSHOP_PUSH_KEY)
    return {"push_key": Secret(push) if push else None,
            "warehouse_api_key": settings.warehouse.api_key,
            "hubspot_token": settings.hubspot.access_token}


def key_ages(settings: Settings, state: StateStore, now: datetime) -> dict[str, float | None]:
    """Days since each configured key was first seen (None: not configured)."""
    ages: dict[str, float | None] = {}
    for name, key in held_keys(settings).items():
        if key is None:
            ages[name] = None
            continue
        print_ = hashlib.sha256(key.reveal().encode()).hexdigest()[:16]
        seen = state.flag(FLAG + name)
        known, _, since = (seen or "").partition("@")
        if known != print_ or not since:
            since = now.isoformat()
            state.set_flag(FLAG + name, f"{print_}@{since}")
        ages[name] = round((now - datetime.fromisoformat(since)).total_seconds() / 86400, 2)
    return ages
