"""The site-freshness function: marked products re-synced into HubDB, nothing lost on failure."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync.config import load_settings
from sync.local.catalog_source import LocalSource
from sync.local.db import connect
from sync.local.hubdb import LocalHubDB
from sync.local.product_table import LocalProductTable
from sync.local.shop import LocalShop
from sync.plumbing.clock import VirtualClock
from sync.service.dynamo_state import DynamoState
from sync.site_refresh.refresh import refresh_products
from tests.test_service_world import World, make_world


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from make_world(tmp_path, monkeypatch)


@pytest.fixture
def table(world: World) -> Iterator[LocalProductTable]:
    conn = connect(":memory:")
    yield LocalProductTable(LocalHubDB(conn, VirtualClock()), "products")
    conn.close()


def _rows(table: LocalProductTable) -> dict[str, Any]:
    return {row["values"]["shopify_id"]: row["values"] for row in table.draft_rows()} \
        if table.draft_table() else {}


def test_marked_products_get_their_rows_and_the_marks_are_used_up(
    world: World, table: LocalProductTable, tmp_path: Path
) -> None:
    # given two products the inventory side marked (a stock flip and a products/update)
    shop: LocalShop = world.shop
    marked = [p.id for p in shop.list_products()][:2]
    state = DynamoState("hubshop-state", client=world.dynamodb, clock=world.clock)
    state.mark_products(marked)
    # when the function runs
    counts = refresh_products(state, load_settings(env={}, cwd=tmp_path),
                              source=LocalSource(shop), target=table, clock=world.clock)
    # then exactly those products were synced, and the next run has nothing to do
    assert counts["products"] == 2
    assert set(_rows(table)) == set(marked)
    assert refresh_products(state, load_settings(env={}, cwd=tmp_path), source=LocalSource(shop),
                            target=table, clock=world.clock) == {"products": 0}


def test_the_refresh_records_its_catalog_run_in_the_state_store(
    world: World, table: LocalProductTable, tmp_path: Path
) -> None:
    # given a marked product, and the stack's state table the status reads
    state = DynamoState("hubshop-state", client=world.dynamodb, clock=world.clock)
    state.mark_products([p.id for p in world.shop.list_products()][:1])
    # when the function runs
    refresh_products(state, load_settings(env={}, cwd=tmp_path),
                     source=LocalSource(world.shop), target=table, clock=world.clock)
    # then its catalog sync is the catalog's last run in DynamoDB
    [run] = [r for r in state.runs(10) if r["kind"] == "catalog_sync"]
    assert run["result"] == "ok" and run["counts"]["created"] == 1


def test_a_failed_sync_puts_the_marks_back(world: World, tmp_path: Path) -> None:
    # given a marked product and a HubDB that fails
    state = DynamoState("hubshop-state", client=world.dynamodb, clock=world.clock)
    state.mark_products(["gid://shopify/Product/1"])

    class Broken:
        kind = "broken"
        calls = 0

        def draft_table(self) -> None:
            raise RuntimeError("HubDB is down")

    # when the function runs
    with pytest.raises(RuntimeError, match="HubDB is down"):
        refresh_products(state, load_settings(env={}, cwd=tmp_path),
                         source=LocalSource(world.shop), target=Broken(), clock=world.clock)
    # then the product is still marked for the next run
    assert state.take_products() == ["gid://shopify/Product/1"]


def test_a_run_takes_at_most_its_limit(world: World, table: LocalProductTable,
                                       tmp_path: Path) -> None:
    state = DynamoState("hubshop-state", client=world.dynamodb, clock=world.clock)
    ids = [p.id for p in world.shop.list_products()]
    state.mark_products(ids)
    counts = refresh_products(state, load_settings(env={}, cwd=tmp_path),
                              source=LocalSource(world.shop), target=table, clock=world.clock,
                              limit=1)
    assert counts["products"] == 1 and counts["waiting"] == len(ids) - 1
    assert len(state.take_products()) == len(ids) - 1


def test_the_site_handler_may_import_hubspot_but_the_inventory_ones_never_do() -> None:
    # the separate package is where the HubSpot SDK lives; it still imports cleanly
    code = "import sync.site_refresh.handler, sync.jobs.catalog; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "ok"
