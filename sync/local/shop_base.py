"""What every part of the local shop shares: the connection, clock, ids, outbox and row readers."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sync.local import shop_schema  # noqa: F401 - registers the ``shop`` migrations
from sync.local.shop_types import ID_BASES, make_gid, parse_number
from sync.model.shop import (
    Image,
    InventoryPolicy,
    Location,
    Option,
    Product,
    ProductStatus,
    Variant,
)
from sync.model.time import from_iso, iso
from sync.plumbing.clock import SYSTEM_CLOCK, Clock

# Webhook ids are UUIDs in Shopify; ours derive from the event row so they are reproducible.
_WEBHOOK_NAMESPACE = uuid.UUID("6f1c1f6e-3c4e-4d53-9a55-7b1f5d2f0c11")


class ShopBase:
    """Connection, clock and the helpers the catalog, stock and order code all use."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock = SYSTEM_CLOCK) -> None:
        self.conn = conn
        self.clock = clock

    # ids, time, outbox -----------------------------------------------------------------

    def _now(self) -> datetime:
        return self.clock.now()

    def _next_number(self, kind: str) -> int:
        """The next numeric id of ``kind``; never reused, even after a delete."""
        row = self.conn.execute("SELECT last FROM shop_ids WHERE kind = ?", (kind,)).fetchone()
        number = row["last"] + 1 if row else ID_BASES[kind]
        self.conn.execute(
            "INSERT INTO shop_ids (kind, last) VALUES (?, ?)"
            " ON CONFLICT(kind) DO UPDATE SET last = excluded.last",
            (kind, number),
        )
        return number

    def _next_numbers(self, kind: str, count: int) -> int:
        """The first of ``count`` consecutive new numbers of ``kind``, taken in one go.

        Exactly what ``count`` calls of :meth:`_next_number` would hand out, in two
        statements instead of ``2 * count``.
        """
        row = self.conn.execute("SELECT last FROM shop_ids WHERE kind = ?", (kind,)).fetchone()
        first = row["last"] + 1 if row else ID_BASES[kind]
        if count:
            self.conn.execute(
                "INSERT INTO shop_ids (kind, last) VALUES (?, ?)"
                " ON CONFLICT(kind) DO UPDATE SET last = excluded.last",
                (kind, first + count - 1),
            )
        return first

    def _emit_many(self, events: Sequence[tuple[str, dict, datetime]]) -> None:
        """Queue webhooks in order, as :meth:`_emit` one by one would, in two statements.

        The rows get the ids the one-by-one inserts would (the table's
        AUTOINCREMENT counter, else its largest id, plus one), so each webhook id
        (derived from the event id) is the same too.
        """
        if not events:
            return
        seq = self.conn.execute(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'shop_events'), 0),"
            " COALESCE((SELECT MAX(id) FROM shop_events), 0)) AS last"
        ).fetchone()["last"]
        stamps: dict[datetime, str] = {}
        self.conn.executemany(
            "INSERT INTO shop_events (id, topic, payload, created_at, webhook_id)"
            " VALUES (?, ?, ?, ?, ?)",
            [(event_id, topic, json.dumps(payload, sort_keys=True),
              stamps.get(at) or stamps.setdefault(at, iso(at)),
              str(uuid.uuid5(_WEBHOOK_NAMESPACE, f"{event_id}:{topic}")))
             for event_id, (topic, payload, at) in enumerate(events, start=seq + 1)],
        )

    def _emit(self, topic: str, payload: dict, at: datetime) -> None:
        """Queue a webhook; the caller's transaction makes it atomic with the change."""
        cursor = self.conn.execute(
            "INSERT INTO shop_events (topic, payload, created_at, webhook_id)"
            " VALUES (?, ?, ?, ?)",
            (topic, json.dumps(payload, sort_keys=True), iso(at), f"pending-{uuid.uuid4()}"),
        )
        event_id = cursor.lastrowid
        webhook_id = str(uuid.uuid5(_WEBHOOK_NAMESPACE, f"{event_id}:{topic}"))
        self.conn.execute(
            "UPDATE shop_events SET webhook_id = ? WHERE id = ?", (webhook_id, event_id)
        )

    # lookups ---------------------------------------------------------------------------

    def _location_num(self, key: str | None) -> int | None:
        """A location's number from its gid, numeric id or name."""
        if key is None:
            return None
        number = parse_number("Location", key)
        if number is not None:
            row = self.conn.execute(
                "SELECT num FROM shop_locations WHERE num = ?", (number,)
            ).fetchone()
        else:
            row = self.conn.execute(
                "SELECT num FROM shop_locations WHERE name = ?", (key,)
            ).fetchone()
        return row["num"] if row else None

    def _product_num(self, key: str) -> int | None:
        number = parse_number("Product", key)
        if number is not None:
            row = self.conn.execute(
                "SELECT num FROM shop_products WHERE num = ?", (number,)
            ).fetchone()
            if row:
                return row["num"]
        row = self.conn.execute(
            "SELECT num FROM shop_products WHERE handle = ?", (key,)
        ).fetchone()
        return row["num"] if row else None

    def _variant_row(self, key: str) -> sqlite3.Row | None:
        """A variant row from its gid, its inventory item's gid, or its SKU (first by id)."""
        for kind, column in (("ProductVariant", "num"), ("InventoryItem", "item_num")):
            if key.startswith(f"gid://shopify/{kind}/"):
                number = parse_number(kind, key)
                return self.conn.execute(
                    f"SELECT * FROM shop_variants WHERE {column} = ?", (number,)
                ).fetchone()
        row = self.conn.execute(
            "SELECT * FROM shop_variants WHERE sku = ? AND sku != '' ORDER BY num LIMIT 1",
            (key,),
        ).fetchone()
        if row is None and key.isdigit():
            row = self.conn.execute(
                "SELECT * FROM shop_variants WHERE num = ?", (int(key),)
            ).fetchone()
        return row

    # row readers -----------------------------------------------------------------------

    def _location(self, row: sqlite3.Row) -> Location:
        return Location(name=row["name"], id=make_gid("Location", row["num"]),
                        active=bool(row["active"]))

    def _products(self, numbers: Sequence[int]) -> list[Product]:
        """Products for ``numbers``, in that order, with variants, quantities and collections."""
        if not numbers:
            return []
        marks = ",".join("?" * len(numbers))
        rows = {
            r["num"]: r
            for r in self.conn.execute(
                f"SELECT * FROM shop_products WHERE num IN ({marks})", list(numbers)
            )
        }
        variants: dict[int, list[Variant]] = {n: [] for n in numbers}
        for v in self.conn.execute(
            "SELECT v.*, (SELECT COALESCE(SUM(l.available), 0) FROM shop_levels l"
            "   WHERE l.item_num = v.item_num) AS quantity"
            f" FROM shop_variants v WHERE v.product_num IN ({marks})"
            " ORDER BY v.product_num, v.position, v.num",
            list(numbers),
        ):
            variants[v["product_num"]].append(_variant(v))
        collections = self._collections_by_product([rows[n] for n in numbers if n in rows])
        return [
            _product(rows[n], variants[n], collections.get(rows[n]["handle"], []))
            for n in numbers
            if n in rows
        ]

    def _collections_by_product(self, rows: Sequence[sqlite3.Row]) -> dict[str, list[str]]:
        """Collection handles per product handle: manual memberships plus smart tag rules."""
        found: dict[str, set[str]] = {r["handle"]: set() for r in rows}
        if not found:
            return {}
        for m in self.conn.execute(
            "SELECT m.collection_handle, m.product_handle FROM shop_memberships m"
            " JOIN shop_collections c ON c.handle = m.collection_handle AND c.rule_tag IS NULL"
            f" WHERE m.product_handle IN ({','.join('?' * len(found))})",
            list(found),
        ):
            if m["product_handle"] in found:
                found[m["product_handle"]].add(m["collection_handle"])
        smart = self.conn.execute(
            "SELECT handle, rule_tag FROM shop_collections WHERE rule_tag IS NOT NULL"
        ).fetchall()
        for r in rows:
            tags = {t.lower() for t in json.loads(r["tags"])}
            found[r["handle"]].update(s["handle"] for s in smart if s["rule_tag"].lower() in tags)
        return {handle: sorted(handles) for handle, handles in found.items()}


def money(value: Decimal | None) -> str | None:
    """Stored form of a price: two decimals, so ``10`` and ``10.00`` are the same price."""
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _variant(row: sqlite3.Row) -> Variant:
    return Variant(
        sku=row["sku"],
        price=Decimal(row["price"]),
        options=json.loads(row["options"]),
        title=row["title"],
        compare_at_price=Decimal(row["compare_at_price"]) if row["compare_at_price"] else None,
        inventory_quantity=row["quantity"],
        inventory_tracked=bool(row["tracked"]),
        inventory_policy=InventoryPolicy(row["policy"]),
        barcode=row["barcode"],
        grams=row["grams"],
        requires_shipping=bool(row["requires_shipping"]),
        taxable=bool(row["taxable"]),
        image_src=row["image_src"],
        position=row["position"],
        id=make_gid("ProductVariant", row["num"]),
        inventory_item_id=make_gid("InventoryItem", row["item_num"]),
    )


def _product(row: sqlite3.Row, variants: list[Variant], collections: list[str]) -> Product:
    return Product(
        handle=row["handle"],
        title=row["title"],
        body_html=row["body_html"],
        vendor=row["vendor"],
        product_type=row["product_type"],
        category=row["category"],
        tags=json.loads(row["tags"]),
        status=ProductStatus(row["status"]),
        published=bool(row["published"]),
        options=[Option(o["name"], tuple(o["values"])) for o in json.loads(row["options"])],
        variants=variants,
        images=[Image(**i) for i in json.loads(row["images"])],
        collections=collections,
        seo_title=row["seo_title"],
        seo_description=row["seo_description"],
        id=make_gid("Product", row["num"]),
        created_at=from_iso(row["created_at"]),
        updated_at=from_iso(row["updated_at"]),
    )
