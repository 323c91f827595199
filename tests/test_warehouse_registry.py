"""A new warehouse is one adapter plus one registry line: a toy one, defined here, reconciles."""

from __future__ import annotations

from datetime import datetime

import pytest

from sync.config import WarehouseSettings, load_settings
from sync.errors import ConfigError
from sync.inventory import run
from sync.jobs import inventory as jobs
from sync.local.db import connect
from sync.local.shop import LocalShop
from sync.model.stock import Rejection, StockRecord, StockSnapshot
from sync.plumbing.clock import VirtualClock
from tests.fakes.shopify.fixtures import seed_shop


class ToyWarehouse:
    """The whole adapter a new warehouse needs: the ``Warehouse`` Protocol and a factory."""

    can_adjust = False

    def __init__(self, figures: dict[tuple[str, str], int]) -> None:
        self.figures = figures

    @classmethod
    def from_settings(cls, settings: WarehouseSettings) -> ToyWarehouse:
        # a real adapter reads settings.url / api_key / fields here
        return cls({("TEE-S", "MAIN"): 11, ("TEE-M", "MAIN"): 5})

    def snapshot(self) -> StockSnapshot:
        records = [StockRecord(sku, code, qty, where=f"toy:{sku}")
                   for (sku, code), qty in sorted(self.figures.items())]
        return StockSnapshot(records, [Rejection("toy:line-9", "TEE-Z", "unreadable line")])

    def changes(self, since: datetime | None) -> list[StockRecord]:
        return self.snapshot().records

    def adjust(self, sku: str, location: str, delta: int, reason: str, reference: str) -> None:
        raise AssertionError("hand edits are kept as offsets here; nothing is forwarded")


@pytest.fixture
def toy_settings(tmp_path, monkeypatch):
    # given the toy adapter registered under its kind (the one registry line) ...
    monkeypatch.setitem(jobs.WAREHOUSES, "toy", ToyWarehouse.from_settings)
    # ... and a project that names it, with its location map
    (tmp_path / "hubshop.toml").write_text(
        '[warehouse]\nkind = "toy"\n\n[inventory.location_map]\nMAIN = "Main Warehouse"\n')
    return load_settings(env={"HUBSHOP_HOME": str(tmp_path / "home")}, cwd=tmp_path)


def test_a_registered_toy_warehouse_reconciles_through_the_composition_layer(toy_settings):
    # given a local shop with the tee at 5 in every size
    clock = VirtualClock()
    conn = connect(toy_settings.database)
    seed_shop(LocalShop(conn, clock))
    # when the composition layer opens the ports and the engine reconciles twice
    ports = jobs.open_ports(toy_settings, conn, clock)
    first = run.reconcile(ports.store, ports.warehouse, ports.state, ports.policy, clock=clock)
    second = run.reconcile(ports.store, ports.warehouse, ports.state, ports.policy, clock=clock)
    # then the toy's figures reached the store, its refused line is reported, and the
    # second run has nothing to write
    assert isinstance(ports.warehouse, ToyWarehouse)
    levels = {lv.sku: lv.available for lv in LocalShop(conn, clock).levels() if lv.sku}
    assert levels["TEE-S"] == 11 and levels["TEE-M"] == 5
    assert first.written == 1 and second.written == 0
    assert [(r.where, r.sku) for r in first.rejected] == [("toy:line-9", "TEE-Z")]
    conn.close()


def test_an_unknown_kind_names_the_setting_and_the_registered_kinds(tmp_path):
    # given a project naming a warehouse nobody registered
    (tmp_path / "hubshop.toml").write_text('[warehouse]\nkind = "carrier-pigeon"\n')
    settings = load_settings(env={"HUBSHOP_HOME": str(tmp_path / "home")}, cwd=tmp_path)
    # when / then
    with pytest.raises(ConfigError, match=r"\[warehouse\] kind = 'carrier-pigeon'; choose csv"):
        jobs.open_warehouse(settings)


def test_real_shopify_credentials_without_a_warehouse_setting_name_the_settings(tmp_path):
    # given Shopify configured for real, and neither WAREHOUSE_FEED nor WAREHOUSE_URL
    settings = load_settings(env={"HUBSHOP_HOME": str(tmp_path / "home"),
                                  "SHOPIFY_STORE": "brand.myshopify.com",
                                  "SHOPIFY_ACCESS_TOKEN": "shpat_x"}, cwd=tmp_path)
    # when / then: an error naming both settings, never the demo feed
    with pytest.raises(ConfigError, match=r"WAREHOUSE_FEED.*WAREHOUSE_URL"):
        jobs.open_warehouse(settings)
    assert not jobs.is_demo_feed(settings)


def test_without_shopify_credentials_the_demo_feed_still_serves_the_embedded_default(tmp_path):
    # given no credentials at all
    settings = load_settings(env={"HUBSHOP_HOME": str(tmp_path / "home")}, cwd=tmp_path)
    # when
    warehouse = jobs.open_warehouse(settings)
    # then
    assert jobs.is_demo_feed(settings) and warehouse.snapshot().records
