"""Shopify's product CSV (either header dialect) as a :class:`Feed`, one product's problems apart.

The existing reader (:mod:`sync.catalog.product_csv`) refuses a file whole; an
import with ``--skip-invalid`` needs to know which *product* each problem
belongs to. Rows are owned by their handle (continuation rows repeat it), so
the problems are grouped by handle, those products' rows are dropped and the
rest is read again.
"""

from __future__ import annotations

from sync.catalog.csv_table import CsvTable
from sync.catalog.feed import Feed, FeedProblem, Place, line_of
from sync.catalog.product_csv import (
    COLUMNS,
    DIALECTS,
    column_map,
    detect_dialect,
    products_from_table,
    slugify,
)
from sync.errors import InputErrors

MAX_PASSES = 3
"""Dropping a product's rows cannot create new problems, but never loop forever."""


def parse_csv_feed(text: str, source: str) -> Feed:
    """Read product CSV text into a feed; ``source`` names the file in every place."""
    try:
        table = CsvTable.parse(text, source)
    except InputErrors as errors:
        return Feed(source, problems=[FeedProblem(error, None) for error in errors.errors])
    return feed_from_table(table)


def feed_from_table(table: CsvTable) -> Feed:
    """A feed from a parsed table whose header is one of Shopify's dialects."""
    source = table.source
    feed = Feed(source)
    try:
        dialect = detect_dialect(table)
    except InputErrors as errors:
        feed.problems.extend(FeedProblem(error, None) for error in errors.errors)
        return feed
    columns = column_map(table, dialect)
    owners = _owners(table, columns)
    starts: dict[str, int] = {}
    for record in table.records:
        starts.setdefault(owners.get(record.line, ""), record.line)
    slot = DIALECTS.index(dialect)
    places = {name: index + 1 for name, index in columns.items()}
    labels = {name: COLUMNS[name][slot] for name in columns}
    bad: set[str] = set()
    for _ in range(MAX_PASSES):
        kept = [r for r in table.records if owners.get(r.line, "") not in bad]
        try:
            feed.products = products_from_table(CsvTable(source, table.header, kept,
                                                         table._index))
            break
        except InputErrors as errors:
            for error in errors.errors:
                handle = owners.get(line_of(error.where) or 0) or None
                feed.problems.append(FeedProblem(error, handle))
                if handle is None:
                    return feed
                bad.add(handle)
    for product in feed.products:
        feed.places[product.handle] = Place(source, starts.get(product.handle, 2), places,
                                            labels)
    return feed


def _owners(table: CsvTable, columns: dict[str, int]) -> dict[int, str]:
    """Record line -> the handle it belongs to (its own, or the slug of its Title)."""
    owners: dict[int, str] = {}
    handle_at, title_at = columns.get("handle"), columns.get("title")
    for record in table.records:
        cells = record.cells
        handle = cells[handle_at].strip() if handle_at is not None and handle_at < len(cells) \
            else ""
        if not handle and title_at is not None and title_at < len(cells):
            handle = slugify(cells[title_at].strip())
        if handle:
            for line in range(record.line, max(record.line, record.end) + 1):
                owners.setdefault(line, handle)
    return owners

