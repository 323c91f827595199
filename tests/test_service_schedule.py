"""The scheduled function: nightly reconcile with its drift metric, and the warehouse poll."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses

from sync.errors import InputError
from sync.inventory.policy import Policy
from sync.inventory.ports import Ports
from sync.local.inventory import LocalInventory
from sync.service import schedule_handler
from sync.service.dynamo_state import DynamoState
from sync.service.work import POLLED_FLAG, poll
from sync.warehouse.rest import RestWarehouse
from tests.test_service_world import LambdaContext, World, event, make_world

WAREHOUSE = "https://wms.example.com/api/"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from make_world(tmp_path, monkeypatch)


@pytest.fixture
def scheduled(world: World, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(schedule_handler, "WIRING", world.wiring)
    return lambda name: schedule_handler.handler(event(name), LambdaContext())


def _metrics(output: str) -> dict[str, Any]:
    """The CloudWatch embedded-metric-format values printed on stdout."""
    found: dict[str, Any] = {}
    for line in output.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            data = json.loads(line)
            for metric in data["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                found[metric["Name"]] = data[metric["Name"]]
            found["namespace"] = data["_aws"]["CloudWatchMetrics"][0]["Namespace"]
            assert data["service"] == "inventory"  # the dimension the DriftAlarm watches
    return found


def test_the_nightly_reconcile_corrects_drift_and_reports_it(
    scheduled: Any, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # given Shopify out of step with the warehouse feed for two SKUs
    # when the scheduler's nightly event arrives
    result = scheduled("scheduler_nightly_reconcile")
    # then both are corrected, and the Drift metric says how many were off
    assert result["written"] == 2 and world.level("TEE-S") == 9
    metrics = _metrics(capsys.readouterr().out)
    assert metrics["namespace"] == "Hubshop" and metrics["Drift"] == [2.0]
    # and a second night finds nothing to correct
    again = scheduled("scheduler_nightly_reconcile")
    assert again["written"] == 0
    assert _metrics(capsys.readouterr().out)["Drift"] == [0.0]


def test_an_unknown_schedule_input_is_refused(world: World, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    monkeypatch.setattr(schedule_handler, "WIRING", world.wiring)
    with pytest.raises(InputError, match="reconcile"):
        schedule_handler.handler({"kind": "nap"}, LambdaContext())


@responses.activate
def test_the_poll_applies_only_what_changed_since_the_last_poll(world: World) -> None:
    # given a REST warehouse (responses plays it) that reports one movement since the last poll
    state = DynamoState("hubshop-state", client=world.dynamodb, clock=world.clock)
    state.set_flag(POLLED_FLAG, "2026-11-25T12:00:00+00:00")
    responses.get(f"{WAREHOUSE}stock/changes", json={"items": [
        {"sku": "MUG-1", "location": "WH-MAIN", "on_hand": 4, "allocated": 0}]})
    runtime = Ports(store=LocalInventory(world.shop),
                    warehouse=RestWarehouse(WAREHOUSE, api_key="wms-key"), state=state,
                    policy=Policy(location_map={"WH-MAIN": "Main Warehouse"}),
                    clock=world.clock)
    # when the poll runs
    result = poll(runtime)
    # then it asked for changes since then, with the key, and applied the one movement
    request = responses.calls[0].request
    assert "since=2026-11-25T12%3A00%3A00%2B00%3A00" in request.url
    assert request.headers["X-Api-Key"] == "wms-key"
    assert result["written"] == 1 and world.level("MUG-1") == 4
    # and the next poll starts from this one
    assert state.flag(POLLED_FLAG) == world.clock.now().isoformat()


def test_the_scheduled_reconcile_records_its_run_in_dynamodb(scheduled: Any,
                                                             world: World) -> None:
    # given the stack's state table
    from sync.jobs.runs import last_runs

    # when the scheduler's nightly reconcile runs
    scheduled("scheduler_nightly_reconcile")
    # then the inventory's last run, as hubshop --stack status reads it, is that reconcile
    state = DynamoState("hubshop-state", client=world.dynamodb, clock=world.clock)
    run = last_runs(state)["inventory"]
    assert run is not None and run["kind"] == "reconcile" and run["counts"]["written"] == 2


def test_the_nightly_run_reports_the_dead_letter_depth(
    scheduled: Any, world: World, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture
) -> None:
    # given two messages waiting in the dead-letter queue
    for n in range(2):
        world.sqs.send_message(QueueUrl=world.dlq_url, MessageBody=json.dumps({"id": f"d{n}"}))
    # when the nightly reconcile runs
    with caplog.at_level(logging.INFO, logger="sync"):
        result = scheduled("scheduler_nightly_reconcile")
    # then its result, its metrics and its status line all say so
    assert result["dead_letters"] == 2
    assert _metrics(capsys.readouterr().out)["DeadLetters"] == [2.0]
    [status] = [r for r in caplog.records if getattr(r, "event", None) == "status"]
    assert status.dead_letters == 2 and status.drift == 2
