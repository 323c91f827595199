"""The nightly run reports how old the keys hubshop sends are; the template alarms on them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from sync import env_names as E
from sync.service import schedule_handler
from sync.service.key_ages import secret_age_days
from tests.test_service_template import load_template
from tests.test_service_world import LambdaContext, World, event, make_world


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from make_world(tmp_path, monkeypatch)


def test_a_secrets_age_is_read_from_its_current_version_date(world: World) -> None:
    # given a secret, and a day 100 days after it was put
    arn = world.secrets.create_secret(Name="hubshop/hubspot-age", SecretString="{}")["ARN"]
    [version] = [v for v in world.secrets.list_secret_version_ids(SecretId=arn)["Versions"]]
    later = version["CreatedDate"] + timedelta(days=100)
    # when its age is asked
    # then it is 100 days
    assert secret_age_days(world.secrets, arn, later) == 100.0


def test_the_nightly_run_publishes_the_warehouse_and_hubspot_key_ages(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given the schedule function as deployed: the warehouse secret, and HubSpot's for its age
    hubspot = world.secrets.create_secret(Name="hubshop/hubspot",
                                          SecretString='{"access_token": "pat"}')["ARN"]
    world.wiring.environ[E.HUBSPOT_AGE_SECRET] = hubspot
    world.wiring._secretsmanager = world.secrets
    monkeypatch.setattr(schedule_handler, "WIRING", world.wiring)
    # when the nightly reconcile runs
    result = schedule_handler.handler(event("scheduler_nightly_reconcile"), LambdaContext())
    # then both ages are in its result and published as KeyAgeDays, one per key
    assert set(result["key_age_days"]) == {"warehouse", "hubspot"}
    published = {}
    for line in capsys.readouterr().out.splitlines():
        if '"KeyAgeDays"' in line and '"_aws"' in line:
            data = json.loads(line)
            published[data["key"]] = data["KeyAgeDays"]
            assert data["service"] == "inventory"
    assert set(published) == {"warehouse", "hubspot"}


def test_the_template_alarms_on_old_keys() -> None:
    resources = load_template()["Resources"]
    alarms = {r["Properties"]["Dimensions"][1]["Value"]: r["Properties"]
              for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"
              and r["Properties"].get("MetricName") == "KeyAgeDays"}
    assert set(alarms) == {"warehouse", "hubspot"}
    assert all(a["Threshold"] == {"Ref": "MaxKeyAgeDays"} for a in alarms.values())
    schedule = resources["ScheduleFunction"]["Properties"]
    assert schedule["Environment"]["Variables"][E.HUBSPOT_AGE_SECRET] == {"Ref": "HubSpotSecret"}
