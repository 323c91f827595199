"""``catalog rollback``: the rows of the previous published version back in the table, published.

Pure over the ``ProductTable`` Protocol: the snapshot (rows as HubDB answered
them before the last publish) is compared with the draft by row id. Rows the
snapshot has and the draft lacks are created, rows that differ are updated in
place (so dynamic page ids stay), rows the snapshot lacks are purged. The
publish that follows takes a snapshot of what it replaces, so a second rollback
goes forward again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sync.catalog.apply import MAX_BATCH, ProductTable

KEPT = ("path", "name", "values")


@dataclass
class RollbackPlan:
    """Row changes that bring the draft back to the snapshot."""

    table: str
    taken_at: str
    create: list[dict[str, Any]] = field(default_factory=list)
    update: list[dict[str, Any]] = field(default_factory=list)
    purge: list[str] = field(default_factory=list)
    unchanged: int = 0
    dry_run: bool = False
    published: bool = False
    api_calls: dict[str, int] = field(default_factory=lambda: {"hubspot": 0})

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "restored_from": self.taken_at,
                "created": len(self.create), "updated": len(self.update),
                "deleted": len(self.purge), "unchanged": self.unchanged,
                "dry_run": self.dry_run, "published": self.published,
                "api_calls": dict(self.api_calls)}


def plan_rollback(snapshot: Mapping[str, Any], draft: Sequence[Mapping[str, Any]]) -> RollbackPlan:
    """Compare the kept rows with the draft by row id (pure)."""
    plan = RollbackPlan(table=str(snapshot["table"]), taken_at=str(snapshot["taken_at"]))
    current = {str(row["id"]): row for row in draft}
    kept = {str(row["id"]): row for row in snapshot["rows"]}
    for row_id, row in kept.items():
        wanted = {k: row.get(k) for k in KEPT if row.get(k) is not None}
        now = current.get(row_id)
        if now is None:
            plan.create.append(wanted)
        elif any(_norm(now.get(k)) != _norm(v) for k, v in wanted.items()):
            plan.update.append({"id": row_id, **wanted})
        else:
            plan.unchanged += 1
    plan.purge = sorted(row_id for row_id in current if row_id not in kept)
    return plan


def apply_rollback(plan: RollbackPlan, table: ProductTable) -> RollbackPlan:
    """Write the plan into the draft in batches of 100, then publish."""
    for start in range(0, len(plan.purge), MAX_BATCH):
        table.purge_rows(plan.purge[start:start + MAX_BATCH])
    for start in range(0, len(plan.create), MAX_BATCH):
        table.create_rows(plan.create[start:start + MAX_BATCH])
    for start in range(0, len(plan.update), MAX_BATCH):
        table.update_rows(plan.update[start:start + MAX_BATCH])
    table.publish()
    plan.published = True
    return plan


def _norm(value: Any) -> Any:
    """HubDB answers numbers as 1.0 or 1 and options with extra keys; compare what matters."""
    if isinstance(value, dict):
        if value.get("type") == "option":
            return ("option", value.get("name"))
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
