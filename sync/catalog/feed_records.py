"""The warehouse's catalog as a feed: flat records (one per variant) through a field mapping.

Warehouse software exports its catalog as rows of its own field names, one
row per variant, grouped by a product key. ``[warehouse] catalog_fields`` maps
hubshop's names (``handle``, ``title``, ``sku``, ``price``, ``option1_name`` …)
to the warehouse's. The rows are laid out as a Shopify legacy CSV table so the
one product reader (and its checks) serves every format; places then name the
warehouse's own field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sync.catalog.csv_table import CsvRecord, CsvTable
from sync.catalog.feed import Feed, FeedProblem
from sync.catalog.feed_csv import feed_from_table
from sync.catalog.product_csv import COLUMNS
from sync.errors import InputError

# hubshop's record names -> the product reader's logical fields (where they differ).
ALIASES = {"compare_at_price": "compare_at", "image": "image_src", "description": "body_html"}
REQUIRED = ("handle", "title", "price")


def feed_from_records(records: Iterable[tuple[int, Mapping[str, Any]]], mapping: Mapping[str, str],
                      source: str) -> Feed:
    """Products from ``(line, record)`` pairs; ``mapping`` is hubshop name -> warehouse field.

    A mapping naming a field no record has, or leaving out a required name, is
    refused as a whole-feed problem naming the setting.
    """
    logical = {ALIASES.get(name, name): field for name, field in mapping.items()}
    unknown = sorted(set(logical) - set(COLUMNS))
    missing = [name for name in REQUIRED if ALIASES.get(name, name) not in logical
               and not (name == "handle" and "title" in logical)]
    if unknown or missing:
        problem = (f"unknown names {', '.join(unknown)}" if unknown
                   else f"no field for {', '.join(missing)}")
        known = ", ".join(sorted({*COLUMNS, *ALIASES}))
        return Feed(source, problems=[FeedProblem(InputError(
            "[warehouse] catalog_fields", f"the catalog field mapping has {problem}",
            f"map hubshop's names ({known}) to the warehouse's fields in hubshop.toml"), None)])
    names = list(logical)
    header = [COLUMNS[name][0] for name in names]
    rows = []
    for line, record in records:
        cells = ["" if record.get(logical[n]) is None else str(record.get(logical[n]))
                 for n in names]
        rows.append(CsvRecord(line, cells, line))
    table = CsvTable(source, header, rows)
    for number, title in enumerate(header):
        table._index.setdefault(title.casefold(), number)
    feed = feed_from_table(table)
    labels = {COLUMNS[n][0]: logical[n] for n in names}
    feed.problems = [FeedProblem(_relabel(p.error, labels), p.handle) for p in feed.problems]
    for place in feed.places.values():
        place.labels = {n: logical[n] for n in names}
    return feed


def _relabel(error: InputError, labels: Mapping[str, str]) -> InputError:
    where = error.where
    for header, field in labels.items():
        if where.endswith(f"({header})"):
            where = where[: -len(header) - 2] + f"({field})"
            break
    return InputError(where, error.problem, error.fix)

