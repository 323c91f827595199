"""Pruning the embedded store's short-lived rows: what DynamoDB's TTL does in AWS.

Seen webhook ids only matter while Shopify may still redeliver (up to 48
hours); ``hubshop serve`` deletes the older ones once an hour, keeping
:data:`~sync.service.settings.WEBHOOK_ID_TTL_SECONDS`' worth (three days), so
the table stays the size of three days of traffic instead of growing forever.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sync.local.db import transaction


def prune_seen_webhooks(conn: sqlite3.Connection, before: datetime) -> int:
    """Delete webhook ids remembered before ``before``; returns how many went.

    Ids are stored with their ISO time in UTC (``SqliteState.remember``), so the
    text comparison is a time comparison.
    """
    with transaction(conn):
        return conn.execute("DELETE FROM inventory_seen WHERE at < ?",
                            (before.isoformat(),)).rowcount
