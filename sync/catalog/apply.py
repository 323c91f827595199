"""Execute a catalog plan against a products table: schema, then rows in batches, then publish.

The applier is the only part that writes. It talks to a :class:`ProductTable`
(HubDB through the SDK, or the local HubDB), so the same code runs in tests,
the demo and production. Writes go to the draft; publishing happens once, at
the end, only when the plan changed something or an earlier run left the draft
unpublished, so a run that dies midway leaves the live table as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sync.catalog.plan import Plan
from sync.catalog.rows import encode
from sync.catalog.schema import create_request, meta_tags_wanted, patch_request
from sync.catalog.table import BY_NAME, OPTION_TYPES
from sync.errors import HubshopError, InputError

MAX_BATCH = 100


class ProductTable(Protocol):
    """One HubDB table's draft/publish endpoints, as the applier needs them."""

    name: str

    def draft_table(self) -> dict[str, Any] | None:
        """The draft table (HubDB JSON), or None when the table does not exist."""

    def draft_rows(self, *, keys: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Every draft row, or only rows whose ``shopify_id`` is in ``keys``."""

    def create_table(self, request: dict[str, Any]) -> dict[str, Any]: ...

    def update_table(self, request: dict[str, Any]) -> dict[str, Any]: ...

    def create_rows(self, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]: ...

    def update_rows(self, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]: ...

    def purge_rows(self, row_ids: list[str]) -> None: ...

    def publish(self) -> dict[str, Any]: ...


class CatalogWriteError(HubshopError):
    """A write to the table failed; the message names the table, the rows and HubDB's reason."""


@dataclass
class ApplyResult:
    batches: int = 0
    schema_calls: int = 0
    published: bool = False


Progress = Callable[[int], None]


def apply_plan(
    plan: Plan,
    table: ProductTable,
    *,
    batch_size: int = MAX_BATCH,
    on_rows: Progress | None = None,
    publish: bool = True,
) -> ApplyResult:
    """Write ``plan`` into ``table`` and publish when it should.

    Args:
        plan: from :func:`sync.catalog.plan.plan_sync` on this table's draft.
        table: where to write.
        batch_size: rows per batch call (HubDB allows at most 100).
        on_rows: told how many rows each finished batch wrote (progress bars).
        publish: False writes the draft only (``catalog sync --no-publish``).

    Raises:
        CatalogWriteError: HubDB refused a write; earlier batches stay in the
            draft, unpublished, and the next run finishes the job.
    """
    if not 1 <= batch_size <= MAX_BATCH:
        raise InputError("[catalog] batch_size", f"{batch_size} is outside 1..{MAX_BATCH}")
    result = ApplyResult()
    live = _apply_schema(plan, table, result)
    columns = {c["name"]: c for c in (live or {}).get("columns") or []}
    tick = on_rows or (lambda _n: None)
    for chunk in _chunks(plan.deletes, batch_size):
        _write(table.name, "deleting", [d.handle for d in chunk],
               lambda c=chunk: table.purge_rows([d.row_id for d in c]))
        result.batches += 1
        tick(len(chunk))
    for chunk in _chunks(plan.creates, batch_size):
        inputs = [
            {"path": c.row.path, "name": c.row.name, "values": _values(c.row.values, columns)}
            for c in chunk
        ]
        _write(table.name, "creating", [c.row.path for c in chunk],
               lambda i=inputs: table.create_rows(i))
        result.batches += 1
        tick(len(chunk))
    for chunk in _chunks(plan.updates, batch_size):
        inputs = []
        for update in chunk:
            item: dict[str, Any] = {"id": update.row_id, "values": _values(update.values, columns)}
            if update.path is not None:
                item["path"] = update.path
            if update.name is not None:
                item["name"] = update.name
            inputs.append(item)
        _write(table.name, "updating", [u.handle for u in chunk],
               lambda i=inputs: table.update_rows(i))
        result.batches += 1
        tick(len(chunk))
    if plan.needs_publish and publish:
        _write(table.name, "publishing", [], table.publish)
        result.published = True
    return result


def _apply_schema(plan: Plan, table: ProductTable, result: ApplyResult) -> dict[str, Any] | None:
    live = plan.table_before
    if not plan.schema:
        return live
    options: dict[str, set[str]] = {}
    for change in plan.schema:
        if change.kind == "add_options" and change.column:
            options.setdefault(change.column, set()).update(change.options)
    if live is None:
        request = create_request(table.name, options)
        live = _write(table.name, "creating the table", [], lambda: table.create_table(request))
        result.schema_calls += 1
    else:
        patch = patch_request(live, plan.schema)
        if patch is not None:
            live = _write(table.name, "changing columns of", [],
                          lambda: table.update_table(patch))
            result.schema_calls += 1
    wanted = meta_tags_wanted(live)
    if wanted != dict(live.get("dynamicMetaTags") or {}):
        live = _write(table.name, "setting meta tags of", [],
                      lambda: table.update_table({"dynamicMetaTags": wanted}))
        result.schema_calls += 1
    return live


def _values(values: dict[str, Any], columns: dict[str, dict[str, Any]]) -> dict[str, Any]:
    encoded = {}
    for name, value in values.items():
        kind = BY_NAME[name].type
        column = columns.get(name, {"name": name, "type": kind})
        if kind in OPTION_TYPES and value is not None:
            value = value if isinstance(value, tuple) or kind == "SELECT" else (value,)
        encoded[name] = encode(kind, value, column)
    return encoded


def _write(table: str, doing: str, rows: list[str], call: Callable[[], Any]) -> Any:
    try:
        return call()
    except HubshopError as exc:
        shown = ""
        if rows:
            listed = ", ".join(rows[:5]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
            shown = f" rows {listed}"
        raise CatalogWriteError(
            f"table {table}: {doing}{shown} failed: {exc}. The published table is unchanged;"
            " run the sync again once the cause is fixed"
        ) from exc


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
