"""Webhook subscriptions: create (unique per topic and address), delete, list."""

from __future__ import annotations

from typing import Any

from sync.model.shop import numeric_id

from ..connections import paginate
from ..registry import resolves, user_error
from ..schema import API_VERSION
from ..state import timestamp

_SCHEMES = ("https://", "pubsub://", "arn:aws:events:")


@resolves("Mutation", "webhookSubscriptionCreate")
def create(_: Any, info: Any, topic: str, webhookSubscription: dict) -> dict:  # noqa: N803
    state = info.context
    uri = webhookSubscription.get("uri")
    if not uri or not uri.startswith(_SCHEMES):
        error = user_error(f"Address {uri!r} is invalid: use an https://, pubsub:// or"
                           " arn:aws:events: address.", ["webhookSubscription", "uri"])
        return {"webhookSubscription": None, "userErrors": [error]}
    for existing in state.webhooks.values():
        if existing["topic"] == topic and existing["uri"] == uri:
            error = user_error("Address for this topic has already been taken",
                               ["webhookSubscription", "callbackUrl"])
            return {"webhookSubscription": None, "userErrors": [error]}
    webhook_id = state.next_gid("WebhookSubscription")
    now = timestamp(state.now())
    record = {
        "__typename": "WebhookSubscription",
        "id": webhook_id,
        "legacyResourceId": numeric_id(webhook_id),
        "topic": topic,
        "uri": uri,
        "callbackUrl": uri,
        "format": webhookSubscription.get("format") or "JSON",
        "includeFields": webhookSubscription.get("includeFields") or [],
        "metafieldNamespaces": webhookSubscription.get("metafieldNamespaces") or [],
        "metafields": [],
        "filter": webhookSubscription.get("filter"),
        "name": webhookSubscription.get("name"),
        "apiVersion": {"handle": API_VERSION, "displayName": API_VERSION, "supported": True},
        "createdAt": now,
        "updatedAt": now,
    }
    state.webhooks[webhook_id] = record
    return {"webhookSubscription": record, "userErrors": []}


@resolves("Mutation", "webhookSubscriptionDelete")
def delete(_: Any, info: Any, id: str) -> dict:  # noqa: A002
    if info.context.webhooks.pop(id, None) is None:
        error = user_error("Webhook subscription does not exist", ["id"])
        return {"deletedWebhookSubscriptionId": None, "userErrors": [error]}
    return {"deletedWebhookSubscriptionId": id, "userErrors": []}


@resolves("QueryRoot", "webhookSubscriptions")
def subscriptions(_: Any, info: Any, **args: Any) -> dict:
    found = list(info.context.webhooks.values())
    if args.get("topics"):
        found = [w for w in found if w["topic"] in args["topics"]]
    if args.get("uri"):
        found = [w for w in found if w["uri"] == args["uri"]]
    if args.get("format"):
        found = [w for w in found if w["format"] == args["format"]]
    window = {k: args.get(k) for k in ("first", "after", "last", "before", "reverse")}
    return paginate(found, view=lambda w: w, key=lambda w: w["id"],
                    bulk=info.context.bulk, **window)
