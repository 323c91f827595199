"""A tiny subset of Shopify's product search syntax, turned into SQL over ``shop_products p``.

Supported terms, joined by whitespace (AND): ``updated_at:>'ISO'`` (also
``created_at``, with ``>``, ``>=``, ``<``, ``<=``), ``status:active``,
``sku:X``, ``handle:X``, ``tag:X``, ``id:123``, ``product_type:X``,
``vendor:X``, and bare words matched against the title. Values may be quoted
with ``'`` or ``"``. Anything else raises a ShopError, because a silently
ignored filter would make a sync read far more (or less) than it meant to.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sync.local.shop_types import ShopError, parse_number
from sync.model.time import iso

_TERM = re.compile(r"^(?P<field>[a-z_]+):(?P<op>>=|<=|>|<|=)?(?P<value>.*)$")


@dataclass
class Where:
    """SQL conditions (ANDed) and their parameters."""

    clauses: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)

    def add(self, clause: str, *params: object) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1"


def parse_query(query: str, where: Where) -> None:
    """Add the conditions of a Shopify search ``query`` to ``where``."""
    try:
        terms = shlex.split(query)
    except ValueError as exc:
        raise ShopError("INVALID_QUERY", f"query {query!r}: {exc}", ["query"]) from exc
    for term in terms:
        if term.upper() == "AND":
            continue
        match = _TERM.match(term)
        if not match:
            where.add("p.title LIKE ?", f"%{term}%")
            continue
        name, op, value = match["field"], match["op"] or "=", match["value"].strip("'\"")
        _add_term(where, query, name, op, value)


def _add_term(where: Where, query: str, name: str, op: str, value: str) -> None:
    if name in ("updated_at", "created_at"):
        where.add(f"p.{name} {op} ?", iso(_time(query, value)))
    elif op != "=":
        raise ShopError("INVALID_QUERY", f"query {query!r}: {name} takes no comparison", ["query"])
    elif name == "status":
        where.add("p.status = ?", value.upper())
    elif name == "handle":
        where.add("p.handle = ?", value)
    elif name in ("vendor", "product_type", "title"):
        where.add(f"p.{name} = ? COLLATE NOCASE", value)
    elif name == "tag":
        where.add(
            "EXISTS (SELECT 1 FROM json_each(p.tags) t WHERE t.value = ? COLLATE NOCASE)", value
        )
    elif name == "sku":
        where.add("EXISTS (SELECT 1 FROM shop_variants v WHERE v.product_num = p.num"
                  " AND v.sku = ?)", value)
    elif name == "id":
        number = parse_number("Product", value)
        if number is None:
            raise ShopError("INVALID_QUERY", f"query {query!r}: id {value!r} is not a number",
                            ["query"])
        where.add("p.num = ?", number)
    else:
        raise ShopError(
            "INVALID_QUERY",
            f"query {query!r}: field {name!r} is not supported by the local store"
            " (updated_at, created_at, status, sku, handle, tag, id, vendor, product_type, title)",
            ["query"],
        )


def _time(query: str, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ShopError(
            "INVALID_QUERY", f"query {query!r}: {value!r} is not an ISO 8601 time", ["query"]
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
