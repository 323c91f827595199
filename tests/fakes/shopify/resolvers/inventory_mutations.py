"""Inventory writes: set and adjust quantities (2026-04 rules) and ``inventoryActivate``.

Every quantity must carry ``changeFromQuantity`` (``null`` opts out); all checks
run before anything is written and the writes share one transaction, so a
stale or invalid quantity leaves the whole call unapplied, as in Shopify.
"""

from __future__ import annotations

from typing import Any

from sync.local.db import transaction
from sync.local.shop_types import ShopError

from ..registry import resolves, user_error
from ..state import timestamp
from .idempotency import run_idempotent
from .views import inventory_level, item_view, location

_SET_NAMES = ("available", "on_hand")
# The local shop's codes where Shopify's enums spell them differently.
_CODE_ALIASES = {"UNTRACKED_ITEM": "NON_MUTABLE_INVENTORY_ITEM"}


@resolves("Mutation", "inventorySetQuantities")
def set_quantities(_: Any, info: Any, input: dict) -> dict:  # noqa: A002
    return run_idempotent(info, input, lambda: _set(info, input))


@resolves("Mutation", "inventoryAdjustQuantities")
def adjust_quantities(_: Any, info: Any, input: dict) -> dict:  # noqa: A002
    return run_idempotent(info, input, lambda: _adjust(info, input))


@resolves("Mutation", "inventoryActivate")
def activate(_: Any, info: Any, **args: Any) -> dict:
    def apply() -> dict:
        state = info.context
        problems = _locate(state, args["inventoryItemId"], args["locationId"], [], None)
        if problems:
            return {"inventoryLevel": None, "userErrors": problems}
        quantity = args.get("available")
        if quantity is None:
            quantity = args.get("onHand") or 0
        try:
            level = state.shop.activate(args["inventoryItemId"], args["locationId"], quantity)
        except ShopError as error:
            return {"inventoryLevel": None, "userErrors": [user_error(error.message, error.field)]}
        return {"inventoryLevel": inventory_level(level, state), "userErrors": []}

    return run_idempotent(info, args, apply, required=False)


def _set(info: Any, data: dict) -> dict:
    state, codes = info.context, _codes(info, "InventorySetQuantitiesUserErrorCode")
    name = data["name"]
    errors: list[dict] = []
    if name not in _SET_NAMES:
        errors.append(user_error(f"The quantity name {name!r} is not valid: use available or"
                                 " on_hand.", ["input", "name"], "INVALID_NAME"))
    checked_name = name if name in _SET_NAMES else None
    seen: set[tuple[str, str]] = set()
    for index, quantity in enumerate(data["quantities"]):
        where = ["input", "quantities", str(index)]
        pair = (quantity["inventoryItemId"], quantity["locationId"])
        if pair in seen:
            errors.append(user_error(
                "The combination of inventoryItemId and locationId must be unique.",
                where, "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"))
        seen.add(pair)
        errors += _check_quantity(state, quantity, where, checked_name)
    if errors:
        return _refused(errors, codes)
    return _apply(info, data, codes, lambda q: state.shop.set_quantity(
        q["inventoryItemId"], q["locationId"], name=name, quantity=q["quantity"],
        change_from=q["changeFromQuantity"], reason=data["reason"],
        reference=data.get("referenceDocumentUri")), data["quantities"], "quantities")


def _adjust(info: Any, data: dict) -> dict:
    state, codes = info.context, _codes(info, "InventoryAdjustQuantitiesUserErrorCode")
    name = data["name"]
    errors: list[dict] = []
    for index, change in enumerate(data["changes"]):
        where = ["input", "changes", str(index)]
        if name != "available" and not change.get("ledgerDocumentUri"):
            errors.append(user_error(f"A ledgerDocumentUri is required for quantity name {name!r}.",
                                     [*where, "ledgerDocumentUri"], "INVALID_LEDGER_DOCUMENT"))
        errors += _check_quantity(state, change, where, name)
    if errors:
        return _refused(errors, codes)
    return _apply(info, data, codes, lambda c: state.shop.adjust_quantity(
        c["inventoryItemId"], c["locationId"], name=name, delta=c["delta"],
        reason=data["reason"], reference=data.get("referenceDocumentUri")),
        data["changes"], "changes")


def _check_quantity(state: Any, entry: dict, where: list[str], name: str | None) -> list[dict]:
    """Presence of ``changeFromQuantity``, item, location, stocking and staleness."""
    if "changeFromQuantity" not in entry:
        return [user_error("changeFromQuantity is required on every quantity: send the quantity"
                           " you expect, or null to skip the compare-and-swap check.",
                           [*where, "changeFromQuantity"], None)]
    problems = _locate(state, entry["inventoryItemId"], entry["locationId"], where, name)
    expected = entry["changeFromQuantity"]
    if problems or expected is None or name is None:
        return problems
    level = state.shop.level(entry["inventoryItemId"], entry["locationId"])
    current = level.available if name == "available" else getattr(level, name, None)
    if current is not None and current != expected:
        return [user_error(f"The specified compare quantity {expected} does not match the"
                           f" current {name} quantity {current}.",
                           [*where, "changeFromQuantity"], "CHANGE_FROM_QUANTITY_STALE")]
    return []


def _locate(state: Any, item_id: str, location_id: str, where: list[str],
            name: str | None) -> list[dict]:
    found = state.shop.get_variant(item_id) if item_id.startswith(
        "gid://shopify/InventoryItem/") else None
    if found is None:
        return [user_error("The specified inventory item could not be found.",
                           [*where, "inventoryItemId"], "INVALID_INVENTORY_ITEM")]
    if state.shop.get_location(location_id) is None or not location_id.startswith(
            "gid://shopify/Location/"):
        return [user_error("The specified location could not be found.",
                           [*where, "locationId"], "INVALID_LOCATION")]
    if name is None:
        return []
    if not found[1].inventory_tracked:
        return [user_error("The specified inventory item is not allowed to be adjusted via API:"
                           " its inventory is not tracked.", [*where, "inventoryItemId"],
                           "NON_MUTABLE_INVENTORY_ITEM")]
    if state.shop.level(item_id, location_id) is None:
        return [user_error("The specified inventory item is not stocked at the location.",
                           [*where, "locationId"], "ITEM_NOT_STOCKED_AT_LOCATION")]
    return []


def _apply(info: Any, data: dict, codes: set[str], write: Any, entries: list[dict],
           list_name: str) -> dict:
    """Write every entry in one transaction; any refusal rolls all of them back."""
    state = info.context
    before = {(e["inventoryItemId"], e["locationId"]): state.shop.level(
        e["inventoryItemId"], e["locationId"]) for e in entries}
    after = {}
    try:
        with transaction(state.shop.conn):
            for index, entry in enumerate(entries):
                try:
                    after[(entry["inventoryItemId"], entry["locationId"])] = write(entry)
                except ShopError as error:
                    error.field = ["input", list_name, str(index), *(error.field[3:] or [])]
                    raise
    except ShopError as error:
        return _refused([user_error(error.message, error.field, error.code)], codes)
    changes = []
    for key, old in before.items():
        new = after[key]
        for quantity in ("available", "on_hand", "unavailable"):
            delta = _value(new, quantity) - _value(old, quantity)
            if delta:
                changes.append(_change(state, key, quantity, delta, _value(new, quantity)))
    group = None
    if changes:
        group = {
            "__typename": "InventoryAdjustmentGroup",
            "id": state.next_gid("InventoryAdjustmentGroup"),
            "createdAt": timestamp(state.now()),
            "reason": data["reason"],
            "referenceDocumentUri": data.get("referenceDocumentUri"),
            "changes": lambda info, **filters: _filter(changes, filters),
            "app": None,
            "staffMember": None,
        }
    return {"inventoryAdjustmentGroup": group, "userErrors": []}


def _change(state: Any, key: tuple[str, str], name: str, delta: int, after: int) -> dict:
    place = state.shop.get_location(key[1])
    return {
        "name": name,
        "delta": delta,
        "quantityAfterChange": after,
        "ledgerDocumentUri": None,
        "item": item_view(state, key[0]),
        "location": location(place) if place else None,
        "_item_id": key[0],
        "_location_id": key[1],
    }


def _filter(changes: list[dict], filters: dict) -> list[dict]:
    items = filters.get("inventoryItemIds")
    places = filters.get("locationIds")
    names = filters.get("quantityNames")
    return [
        c for c in changes
        if (not items or c["_item_id"] in items)
        and (not places or c["_location_id"] in places)
        and (not names or c["name"] in names)
    ]


def _value(level: Any, name: str) -> int:
    return 0 if level is None else getattr(level, name)


def _codes(info: Any, enum_name: str) -> set[str]:
    return set(info.schema.get_type(enum_name).values)


def _refused(errors: list[dict], codes: set[str]) -> dict:
    """Keep only codes the payload's enum knows (mapped where the names differ)."""
    for error in errors:
        code = _CODE_ALIASES.get(error["code"] or "", error["code"])
        error["code"] = code if code in codes else None
    return {"inventoryAdjustmentGroup": None, "userErrors": errors}
