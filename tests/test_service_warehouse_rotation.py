"""The key hubshop sends to a REST warehouse rotates where the warehouse can issue one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

from sync.service.warehouse_rotation import rotate_warehouse_step
from sync.warehouse.rest import RestWarehouse
from tests.test_service_world import World, make_world

WMS = "https://wms.example.com/api"
PATHS = {"snapshot": "/stock", "changes": "/stock/changes?since={since}",
         "rotate_key": "/keys/rotate"}


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from make_world(tmp_path, monkeypatch)


@responses.activate
def test_the_warehouse_issues_the_new_key_and_it_becomes_current(world: World) -> None:
    # given a warehouse that issues keys, and the secret holding the one hubshop sends
    secret = world.wiring.environ["HUBSHOP_WAREHOUSE_SECRET"]
    responses.post(f"{WMS}/keys/rotate", json={"api_key": "issued-key-2"})
    responses.get(f"{WMS}/stock/changes", json=[])

    def opened(key: str) -> RestWarehouse:
        return RestWarehouse(WMS, api_key=key, paths=PATHS, clock=world.clock)

    token = "rotation-token-0001-0001-000000000001"
    # when the four steps run (create twice: every step may repeat)
    for step in ("createSecret", "createSecret", "setSecret", "testSecret", "finishSecret"):
        rotate_warehouse_step({"SecretId": secret, "ClientRequestToken": token, "Step": step},
                              world.secrets, opened)
    # then the warehouse was asked once, with the old key, and the new key is current
    posts = [c for c in responses.calls if c.request.method == "POST"]
    assert len(posts) == 1
    assert posts[0].request.headers["X-Api-Key"] == "wms-key-from-secrets-manager"
    current = json.loads(world.secrets.get_secret_value(
        SecretId=secret, VersionStage="AWSCURRENT")["SecretString"])
    assert current["api_key"] == "issued-key-2"
    tested = [c for c in responses.calls if c.request.method == "GET"]
    assert tested and tested[0].request.headers["X-Api-Key"] == "issued-key-2"


def test_a_warehouse_without_the_path_cannot_issue_keys() -> None:
    from sync.errors import RemoteError

    warehouse = RestWarehouse(WMS, paths={"snapshot": "/stock"})
    assert not warehouse.can_issue_keys
    with pytest.raises(RemoteError, match="rotate_key"):
        warehouse.issue_key()
