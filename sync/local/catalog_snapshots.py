"""The published rows of a products table, kept at each publish for ``catalog rollback``.

One JSON file per account and table under hubshop's home
(``catalog-snapshots/<account>-<table>.json``): the rows as HubDB answered them
just before the publish replaced them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sync.errors import InputError


def snapshot_path(home: Path, account: str, table: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in account) or "default"
    return Path(home) / "catalog-snapshots" / f"{safe}-{table}.json"


class SnapshotFile:
    """Read and write one table's snapshot of its previous published version."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def save(self, table: str, rows: list[dict[str, Any]], taken_at: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"table": table, "taken_at": taken_at, "rows": rows}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, sort_keys=True, default=str) + "\n", encoding="utf-8")
        tmp.replace(self.path)

    def load(self) -> dict[str, Any]:
        """``{"table", "taken_at", "rows"}``; a missing or unreadable file is a named error."""
        if not self.path.exists():
            raise InputError(str(self.path), "no previous published version is kept",
                             "a snapshot is taken at each publish by `hubshop catalog sync`;"
                             " publish once more before rolling back")
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {"table": data["table"], "taken_at": data["taken_at"], "rows": data["rows"]}
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(str(self.path), f"snapshot unreadable: {exc}") from None
