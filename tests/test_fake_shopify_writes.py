"""The Shopify fake's writes: 2026-04 inventory rules, productSet, webhooks, bulk JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from tests.fakes.shopify.fixtures import *  # noqa: F403 - pytest fixtures

DOCS = Path(__file__).parent / "fixtures" / "shopify"
MAIN = "gid://shopify/Location/61000000001"
FLOOR = "gid://shopify/Location/61000000002"


def doc(name: str) -> str:
    return (DOCS / f"{name}.graphql").read_text()


def item_of(fake, sku: str) -> str:
    return fake.shop.get_variant(sku)[1].inventory_item_id


def set_input(item: str, quantity: int, change_from: int | None, **extra) -> dict:
    entry = {"inventoryItemId": item, "locationId": MAIN, "quantity": quantity,
             "changeFromQuantity": change_from} | extra
    return {"name": "available", "reason": "correction",
            "referenceDocumentUri": "gid://hubshop/Sync/1", "quantities": [entry]}


def test_set_quantities_applies_and_reports_the_adjustment_group(shopify_fake):
    # given
    item = item_of(shopify_fake, "MUG-1")
    # when
    body = shopify_fake.execute(doc("inventory_set"), {"input": set_input(item, 20, 12),
                                                       "key": "k-1"})
    # then
    result = body["data"]["inventorySetQuantities"]
    assert result["userErrors"] == []
    group = result["inventoryAdjustmentGroup"]
    assert group["reason"] == "correction"
    assert {c["name"]: (c["delta"], c["quantityAfterChange"]) for c in group["changes"]} == {
        "available": (8, 20), "on_hand": (8, 20)}
    assert group["changes"][0]["item"]["id"] == item
    assert shopify_fake.shop.level(item, MAIN).available == 20


def test_same_key_and_input_replays_without_applying_twice(shopify_fake):
    # given
    item = item_of(shopify_fake, "MUG-1")
    adjust = {"name": "available", "reason": "received",
              "changes": [{"inventoryItemId": item, "locationId": MAIN, "delta": 3,
                           "changeFromQuantity": None}]}
    # when
    first = shopify_fake.execute(doc("inventory_adjust"), {"input": adjust, "key": "k-2"})
    again = shopify_fake.execute(doc("inventory_adjust"), {"input": adjust, "key": "k-2"})
    # then
    assert first["data"] == again["data"]
    assert shopify_fake.shop.level(item, MAIN).available == 15


def test_a_key_is_forgotten_after_the_retention_window(shopify_fake, shopify_clock):
    # given an adjustment applied under key k-3
    item = item_of(shopify_fake, "MUG-1")
    adjust = {"name": "available", "reason": "received",
              "changes": [{"inventoryItemId": item, "locationId": MAIN, "delta": 3,
                           "changeFromQuantity": None}]}
    shopify_fake.execute(doc("inventory_adjust"), {"input": adjust, "key": "k-3"})
    # when the same request comes back just inside the window, it is a replay
    shopify_clock.advance(24 * 3600 - 1)
    shopify_fake.execute(doc("inventory_adjust"), {"input": adjust, "key": "k-3"})
    assert shopify_fake.shop.level(item, MAIN).available == 15
    # when it comes back after the window, Shopify has forgotten the key: it applies again
    shopify_clock.advance(1)
    shopify_fake.execute(doc("inventory_adjust"), {"input": adjust, "key": "k-3"})
    assert shopify_fake.shop.level(item, MAIN).available == 18


def test_same_key_with_different_input_is_a_parameter_mismatch(shopify_fake):
    item = item_of(shopify_fake, "MUG-1")
    shopify_fake.execute(doc("inventory_set"), {"input": set_input(item, 20, None), "key": "k"})
    body = shopify_fake.execute(doc("inventory_set"), {"input": set_input(item, 21, None),
                                                       "key": "k"})
    errors = body["data"]["inventorySetQuantities"]["userErrors"]
    assert [e["code"] for e in errors] == ["IDEMPOTENCY_KEY_PARAMETER_MISMATCH"]
    assert shopify_fake.shop.level(item, MAIN).available == 20


def test_inventory_mutations_without_an_idempotency_key_fail(shopify_fake):
    item = item_of(shopify_fake, "MUG-1")
    document = doc("inventory_set").replace(" @idempotent(key: $key)", "").replace(
        ", $key: String!", "")
    body = shopify_fake.execute(document, {"input": set_input(item, 1, None)})
    assert "idempotency key is required" in body["errors"][0]["message"].lower()
    assert shopify_fake.shop.level(item, MAIN).available == 12


def test_a_stale_change_from_applies_nothing_in_the_call(shopify_fake):
    # given: the mug is right, the tee is stale
    mug, tee = item_of(shopify_fake, "MUG-1"), item_of(shopify_fake, "TEE-S")
    payload = set_input(mug, 30, 12)
    payload["quantities"].append({"inventoryItemId": tee, "locationId": MAIN, "quantity": 9,
                                  "changeFromQuantity": 4})
    # when
    body = shopify_fake.execute(doc("inventory_set"), {"input": payload, "key": "k-3"})
    # then
    result = body["data"]["inventorySetQuantities"]
    assert result["inventoryAdjustmentGroup"] is None
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
        ("CHANGE_FROM_QUANTITY_STALE", ["input", "quantities", "1", "changeFromQuantity"])]
    assert shopify_fake.shop.level(mug, MAIN).available == 12


def test_change_from_quantity_must_be_present_and_null_opts_out(shopify_fake):
    item = item_of(shopify_fake, "MUG-1")
    absent = set_input(item, 4, None)
    del absent["quantities"][0]["changeFromQuantity"]
    refused = shopify_fake.execute(doc("inventory_set"), {"input": absent, "key": "k-4"})
    error = refused["data"]["inventorySetQuantities"]["userErrors"][0]
    assert error["field"][-1] == "changeFromQuantity"
    assert "required" in error["message"]
    applied = shopify_fake.execute(doc("inventory_set"), {"input": set_input(item, 4, None),
                                                          "key": "k-5"})
    assert applied["data"]["inventorySetQuantities"]["userErrors"] == []


def test_unstocked_and_untracked_items_get_shopifys_codes(shopify_fake):
    tee, gift = item_of(shopify_fake, "TEE-S"), item_of(shopify_fake, "GIFT-25")
    unstocked = set_input(tee, 1, None)
    unstocked["quantities"][0]["locationId"] = FLOOR
    codes = []
    for key, payload in (("a", unstocked), ("b", set_input(gift, 1, None))):
        body = shopify_fake.execute(doc("inventory_set"), {"input": payload, "key": key})
        codes += [e["code"] for e in body["data"]["inventorySetQuantities"]["userErrors"]]
    assert codes == ["ITEM_NOT_STOCKED_AT_LOCATION", "NON_MUTABLE_INVENTORY_ITEM"]
    # when: activate it at the shop floor
    activated = shopify_fake.execute(doc("inventory_activate"),
                                     {"item": tee, "location": FLOOR, "available": 2})
    level = activated["data"]["inventoryActivate"]["inventoryLevel"]
    assert level["quantities"] == [{"name": "available", "quantity": 2}]


def test_product_set_upserts_by_handle_and_keeps_ids(shopify_fake):
    # given
    product_input = {
        "title": "Bark Cap", "handle": "bark-cap", "status": "ACTIVE", "tags": ["hats"],
        "productOptions": [{"name": "Colour", "values": [{"name": "Brown"}, {"name": "Green"}]}],
        "variants": [
            {"sku": f"CAP-{c.upper()}", "price": "19.00",
             "optionValues": [{"optionName": "Colour", "name": c}],
             "inventoryQuantities": [{"locationId": MAIN, "name": "available", "quantity": 4}]}
            for c in ("Brown", "Green")
        ],
    }
    variables = {"input": product_input, "identifier": {"handle": "bark-cap"},
                 "synchronous": True}
    # when
    created = shopify_fake.execute(doc("product_set"), variables)["data"]["productSet"]
    product_input["title"] = "Bark Cap II"
    updated = shopify_fake.execute(doc("product_set"), variables)["data"]["productSet"]
    # then
    assert created["userErrors"] == [] and updated["userErrors"] == []
    assert updated["product"]["id"] == created["product"]["id"]
    assert updated["product"]["title"] == "Bark Cap II"
    assert updated["product"]["variants"] == created["product"]["variants"]
    cap = shopify_fake.shop.get_variant("CAP-BROWN")[1]
    assert shopify_fake.shop.level(cap.inventory_item_id, MAIN).available == 4


def test_async_product_set_completes_after_virtual_time(shopify_fake, shopify_clock):
    # given
    variables = {"input": {"title": "Leaf Scarf", "handle": "leaf-scarf"},
                 "identifier": {"handle": "leaf-scarf"}, "synchronous": False}
    operation = shopify_fake.execute(doc("product_set"), variables)["data"]["productSet"]
    op_id = operation["productSetOperation"]["id"]
    # when / then
    assert operation["productSetOperation"]["status"] == "CREATED"
    assert shopify_fake.shop.get_product("leaf-scarf") is None
    shopify_clock.advance(1.5)
    polled = shopify_fake.execute(doc("product_operation"), {"id": op_id})
    assert polled["data"]["productOperation"]["status"] == "COMPLETE"
    assert polled["data"]["productOperation"]["product"]["handle"] == "leaf-scarf"


def test_webhook_subscriptions_are_unique_per_topic_and_address(shopify_fake):
    variables = {"topic": "INVENTORY_LEVELS_UPDATE", "uri": "https://example.com/hooks"}
    first = shopify_fake.execute(doc("webhook_create"), variables)["data"]
    duplicate = shopify_fake.execute(doc("webhook_create"), variables)["data"]
    subscription = first["webhookSubscriptionCreate"]["webhookSubscription"]
    assert subscription["topic"] == "INVENTORY_LEVELS_UPDATE"
    assert duplicate["webhookSubscriptionCreate"]["userErrors"][0]["message"] == (
        "Address for this topic has already been taken")
    listed = shopify_fake.execute(doc("webhooks"))["data"]["webhookSubscriptions"]["nodes"]
    assert [w["id"] for w in listed] == [subscription["id"]]
    deleted = shopify_fake.execute(doc("webhook_delete"), {"id": subscription["id"]})
    assert deleted["data"]["webhookSubscriptionDelete"]["deletedWebhookSubscriptionId"]
    assert shopify_fake.execute(doc("webhooks"))["data"]["webhookSubscriptions"]["nodes"] == []


def test_bulk_query_runs_on_the_clock_and_serves_jsonl_with_parent_ids(shopify_fake,
                                                                        shopify_clock):
    # given
    started = shopify_fake.execute(doc("bulk_run"), {"query": doc("bulk_products")})
    assert started["data"]["bulkOperationRunQuery"]["bulkOperation"]["status"] == "CREATED"
    shopify_clock.advance(0.5)
    running = shopify_fake.execute(doc("bulk_current"))["data"]["currentBulkOperation"]
    assert (running["status"], running["url"]) == ("RUNNING", None)
    # when
    shopify_clock.advance(1)
    done = shopify_fake.execute(doc("bulk_current"))["data"]["currentBulkOperation"]
    lines = [json.loads(line) for line in requests.get(done["url"], timeout=5).text.splitlines()]
    # then
    assert done["status"] == "COMPLETED"
    assert done["objectCount"] == "8" and done["rootObjectCount"] == "3"
    assert int(done["fileSize"]) > 0
    tee = next(line for line in lines if line.get("handle") == "fern-tee")
    assert "variants" not in tee and "__parentId" not in tee
    children = [line for line in lines if line.get("__parentId") == tee["id"]]
    assert sorted(line["sku"] for line in children) == ["TEE-L", "TEE-M", "TEE-S"]
    assert len([line for line in lines if "__parentId" not in line]) == 3


def test_a_bulk_query_writes_its_lines_as_group_objects_asks(shopify_fake, shopify_clock):
    # given the same query run grouped, then ungrouped (Shopify's default since 2026-01)
    from sync.shopify.client import load_document

    files = {}
    for grouped in (True, False):
        shopify_fake.execute(load_document("bulk_run_query"),
                             {"query": doc("bulk_products"), "groupObjects": grouped})
        # when
        shopify_clock.advance(2)
        done = shopify_fake.execute(doc("bulk_current"))["data"]["currentBulkOperation"]
        files[grouped] = [json.loads(line) for line in
                          requests.get(done["url"], timeout=5).text.splitlines()]
    # then grouped: each product, then its variants directly below it in their order
    lines = files[True]
    tee = lines[0]
    assert tee["handle"] == "fern-tee"
    assert [line["sku"] for line in lines[1:4]] == ["TEE-S", "TEE-M", "TEE-L"]
    assert {line["__parentId"] for line in lines[1:4]} == {tee["id"]}
    assert "__parentId" not in lines[4]
    # and ungrouped: the same lines in no promised order
    assert files[False] != lines
    assert sorted(map(json.dumps, files[False])) == sorted(map(json.dumps, lines))


def test_bulk_query_with_a_bad_document_is_a_user_error(shopify_fake):
    body = shopify_fake.execute(doc("bulk_run"), {"query": "{ products { nodes { nope } } }"})
    errors = body["data"]["bulkOperationRunQuery"]["userErrors"]
    assert errors[0]["code"] == "INVALID" and errors[0]["field"] == ["query"]
