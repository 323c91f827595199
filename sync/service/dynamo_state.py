"""The inventory StateStore on DynamoDB: one table, conditional writes, TTL on short-lived items.

Layout (partition key ``pk``, sort key ``sk``, TTL attribute ``expires_at``):

=====================  =====================  ==============================================
pk                     sk                     what
=====================  =====================  ==============================================
``ledger#<0..7>``      ``["SKU","WH-MAIN"]``  a :class:`LedgerEntry` (sharded by SKU hash)
``line#<line id>``     ``-``                  an order line's counts seen so far
``webhook#<id>``       ``-``                  a handled webhook id (expires after 3 days)
``flag``               name                   flags: ``paused``, cursors, location map
``pending``            ``["SKU","WH-MAIN"]``  the newest record held while paused
``product``            product gid            products for the site-freshness function
``run``                time + sequence        run summaries (expire after 90 days)
=====================  =====================  ==============================================

Ledger writes are optimistic: each item carries a revision ``rev``; a write
is conditioned on the revision this store read (or on the item not existing),
so two consumers racing on one SKU cannot silently overwrite each other — the
loser gets :class:`StateConflict` and its SQS message is retried. Writes of
many entries go in transactions of up to 100, each all-or-nothing.
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import count
from typing import Any

from sync.inventory.codec import dump, load_entry, load_record, queue_time
from sync.inventory.ports import LedgerEntry, StateConflict, StockRecord
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.service.settings import LINE_STATE_TTL_SECONDS, RUN_TTL_SECONDS, WEBHOOK_ID_TTL_SECONDS

__all__ = ["DynamoState", "StateConflict"]

LEDGER_SHARDS = 8
TRANSACTION_LIMIT = 100
NO_SORT = "-"


class DynamoState:
    """A :class:`sync.inventory.ports.StateStore` on one DynamoDB table.

    Create one per invocation (it remembers the revisions it read); the boto3
    client may be shared across invocations.
    """

    def __init__(self, table: str, *, client: Any = None, clock: Clock = SYSTEM_CLOCK) -> None:
        if client is None:
            import boto3

            client = boto3.client("dynamodb")
        self.table, self.client, self.clock = table, client, clock
        self._revs: dict[tuple[str, str], int] = {}
        self._taken_pending: list[dict[str, Any]] | None = None
        self._sequence = count()

    # ledger ----------------------------------------------------------------------------

    def get(self, sku: str, location: str) -> LedgerEntry | None:
        item = self.client.get_item(TableName=self.table, Key=_ledger_key(sku, location),
                                    ConsistentRead=True).get("Item")
        if item is None:
            self._revs[(sku, location)] = 0
            return None
        return self._entry(item)

    def put(self, entries: Iterable[LedgerEntry]) -> None:
        latest = {e.key: e for e in entries}  # one write per item, the last one wins
        batch = list(latest.values())
        for start in range(0, len(batch), TRANSACTION_LIMIT):
            self._put_chunk(batch[start:start + TRANSACTION_LIMIT])

    def items(self) -> list[LedgerEntry]:
        found = [self._entry(item) for shard in range(LEDGER_SHARDS)
                 for item in self._query(f"ledger#{shard}")]
        return sorted(found, key=lambda e: e.key)

    # order lines -----------------------------------------------------------------------

    def line_state(self, line_id: str) -> str | None:
        item = self._get(f"line#{line_id}", NO_SORT)
        return item["counts"]["S"] if item else None

    def set_line_state(self, line_id: str, counts: str) -> None:
        self._put(f"line#{line_id}", NO_SORT, {"counts": {"S": counts}},
                  ttl=LINE_STATE_TTL_SECONDS)

    # webhook dedupe --------------------------------------------------------------------

    def seen(self, event_id: str) -> bool:
        item = self._get(f"webhook#{event_id}", NO_SORT)
        return item is not None and not self._expired(item)

    def remember(self, event_id: str, at: datetime) -> None:
        self._put(f"webhook#{event_id}", NO_SORT, {"at": {"S": at.isoformat()}},
                  ttl=WEBHOOK_ID_TTL_SECONDS)

    # flags -----------------------------------------------------------------------------

    def flag(self, name: str) -> str | None:
        item = self._get("flag", name)
        return item["value"]["S"] if item else None

    def set_flag(self, name: str, value: str | None) -> None:
        if value is None:
            self.client.delete_item(TableName=self.table, Key=_key("flag", name))
        else:
            self._put("flag", name, {"value": {"S": value}})

    # pause queue -----------------------------------------------------------------------

    def enqueue(self, records: Sequence[StockRecord]) -> None:
        """Hold each record, one per (SKU, location): a newer-or-equal warehouse time wins.

        Each put is conditioned on the held record's time, so two writers
        queueing at once keep the newer figure whichever lands last.
        """
        for record in records:
            item = {**_key("pending", json.dumps([record.sku, record.location],
                                                 ensure_ascii=False)),
                    "record": {"S": dump(record)}, "at": {"S": queue_time(record)},
                    "queued": {"S": f"{self._time_key()}#{uuid.uuid4().hex[:8]}"}}
            try:
                self.client.put_item(
                    TableName=self.table, Item=item,
                    ConditionExpression="attribute_not_exists(pk) OR #at <= :at",
                    ExpressionAttributeNames={"#at": "at"},
                    ExpressionAttributeValues={":at": item["at"]})
            except self.client.exceptions.ConditionalCheckFailedException:
                continue  # a newer figure for this key is already held

    def pending(self) -> list[StockRecord]:
        items = sorted(self._query("pending"), key=lambda i: i.get("queued", i["sk"])["S"])
        self._taken_pending = items
        return [load_record(item["record"]["S"]) for item in items]

    def clear_pending(self) -> None:
        """Delete the records :meth:`pending` returned (all, if it was not called).

        Records queued after that read stay queued for the next resume, also
        one that replaced a record read (conditioned on its ``queued`` token).
        """
        items = self._taken_pending if self._taken_pending is not None else list(
            self._query("pending"))
        for item in items:
            delete: dict[str, Any] = {"TableName": self.table,
                                      "Key": {"pk": item["pk"], "sk": item["sk"]}}
            if "queued" in item:
                delete.update(ConditionExpression="#q = :q",
                              ExpressionAttributeNames={"#q": "queued"},
                              ExpressionAttributeValues={":q": item["queued"]})
            try:
                self.client.delete_item(**delete)
            except self.client.exceptions.ConditionalCheckFailedException:
                continue  # replaced by a newer figure since it was read: keep it
        self._taken_pending = None

    # products --------------------------------------------------------------------------

    def mark_products(self, product_ids: Iterable[str]) -> None:
        for product in dict.fromkeys(product_ids):
            self._put("product", product, {"at": {"S": self.clock.now().isoformat()}})

    def take_products(self) -> list[str]:
        """Claim the marked products: each one is returned by exactly one taker."""
        taken: list[str] = []
        for item in self._query("product"):
            key = _key("product", item["sk"]["S"])
            old = self.client.delete_item(TableName=self.table, Key=key,
                                          ReturnValues="ALL_OLD").get("Attributes")
            if old:
                taken.append(item["sk"]["S"])
        return taken

    # runs ------------------------------------------------------------------------------

    def record_run(self, summary: dict[str, object]) -> None:
        self._put("run", self._time_key(), {"summary": {"S": json.dumps(summary, default=str)}},
                  ttl=RUN_TTL_SECONDS)

    def runs(self, limit: int = 10) -> list[dict[str, object]]:
        answer = self.client.query(
            TableName=self.table, KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": "run"}}, ScanIndexForward=False, Limit=limit)
        return [json.loads(item["summary"]["S"]) for item in answer.get("Items", [])]

    # internals -------------------------------------------------------------------------

    def _entry(self, item: dict[str, Any]) -> LedgerEntry:
        entry = load_entry(item["entry"]["S"])
        self._revs[entry.key] = int(item["rev"]["N"])
        return entry

    def _put_chunk(self, entries: list[LedgerEntry]) -> None:
        writes = []
        for entry in entries:
            rev = self._revs.get(entry.key, 0)
            item = {**_ledger_key(entry.sku, entry.location), "sku": {"S": entry.sku},
                    "location": {"S": entry.location}, "entry": {"S": dump(entry)},
                    "rev": {"N": str(rev + 1)}}
            put: dict[str, Any] = {"TableName": self.table, "Item": item}
            if rev:
                put["ConditionExpression"] = "rev = :rev"
                put["ExpressionAttributeValues"] = {":rev": {"N": str(rev)}}
            else:
                put["ConditionExpression"] = "attribute_not_exists(pk)"
            writes.append({"Put": put})
        try:
            if len(writes) == 1:
                self.client.put_item(**writes[0]["Put"])
            else:
                self.client.transact_write_items(TransactItems=writes)
        except (self.client.exceptions.ConditionalCheckFailedException,
                self.client.exceptions.TransactionCanceledException) as exc:
            for entry in entries:
                self._revs.pop(entry.key, None)
            names = ", ".join(f"{e.sku}@{e.location}" for e in entries[:5])
            raise StateConflict(f"ledger changed by another writer since it was read ({names}"
                                f"{' …' if len(entries) > 5 else ''}); retry") from exc
        for entry in entries:
            self._revs[entry.key] = self._revs.get(entry.key, 0) + 1

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        return self.client.get_item(TableName=self.table, Key=_key(pk, sk),
                                    ConsistentRead=True).get("Item")

    def _put(self, pk: str, sk: str, values: dict[str, Any], *, ttl: int | None = None) -> None:
        item = {**_key(pk, sk), **values}
        if ttl is not None:
            item["expires_at"] = {"N": str(int(self.clock.now().timestamp()) + ttl)}
        self.client.put_item(TableName=self.table, Item=item)

    def _query(self, pk: str) -> Iterator[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "TableName": self.table, "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}}, "ConsistentRead": True}
        while True:
            answer = self.client.query(**kwargs)
            yield from answer.get("Items", [])
            if "LastEvaluatedKey" not in answer:
                return
            kwargs["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def _time_key(self) -> str:
        return f"{self.clock.now().isoformat()}#{next(self._sequence):06d}"

    def _expired(self, item: dict[str, Any]) -> bool:
        # TTL deletion lags by up to days; an expired id counts as gone
        expires = item.get("expires_at")
        return expires is not None and Decimal(expires["N"]) < int(self.clock.now().timestamp())


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _ledger_key(sku: str, location: str) -> dict[str, Any]:
    shard = zlib.crc32(sku.encode("utf-8")) % LEDGER_SHARDS
    return _key(f"ledger#{shard}", json.dumps([sku, location], ensure_ascii=False))
