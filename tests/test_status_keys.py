"""Key ages and rotation in status, on the embedded default (the stack's are in
test_deployed_stack.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from sync.config import load_settings
from sync.inventory.memory_state import MemoryState
from sync.jobs.key_ages import NOT_LOCAL, by_job, key_lines, local_keys
from sync.plumbing.clock import VirtualClock


def test_a_local_key_ages_from_first_sight_and_a_new_key_starts_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a warehouse key and a Shopify token held here
    env = {"WAREHOUSE_API_KEY": "wms-one", "SHOPIFY_STORE": "x.myshopify.com",
           "SHOPIFY_ACCESS_TOKEN": "shpat_one"}
    state, clock = MemoryState(), VirtualClock()
    local_keys(load_settings(env=env, cwd=tmp_path), state, clock.now())
    # when three days pass, and then the warehouse key is replaced
    clock.advance(timedelta(days=3, hours=2).total_seconds())
    aged = local_keys(load_settings(env=env, cwd=tmp_path), state, clock.now())
    renewed = local_keys(load_settings(env={**env, "WAREHOUSE_API_KEY": "wms-two"},
                                       cwd=tmp_path), state, clock.now())
    # then
    assert aged["warehouse_api_key"]["age_days"] == 3 and aged["shopify"]["age_days"] == 3
    assert renewed["warehouse_api_key"]["age_days"] == 0 and renewed["shopify"]["age_days"] == 3
    assert aged["shopify"]["rotation"] == NOT_LOCAL and aged["shopify"]["next_rotation"] is None
    assert aged["shopify"]["since"] == "2026-01-01T00:00:00+00:00"


def test_each_job_shows_the_keys_it_uses_and_the_text_names_them(tmp_path: Path) -> None:
    # given
    keys = local_keys(load_settings(env={"WAREHOUSE_API_KEY": "wms"}, cwd=tmp_path),
                      MemoryState(), VirtualClock().now())
    # when
    jobs = by_job(keys)
    lines = key_lines(jobs["nightly"])
    # then
    assert set(jobs["theme"]) == {"hubspot_token"}
    assert set(jobs["nightly"]) == {"shopify", "warehouse_api_key"}
    assert lines == ["warehouse_api_key: 0 day(s) old, not rotated locally", "not set: shopify"]
    assert all("wms" not in line for line in lines)


def test_a_key_put_a_moment_ahead_of_this_clock_is_zero_days_old() -> None:
    # given AWS's clock a second ahead of this machine's (a secret put just now)
    from sync.jobs.key_ages import key_entry

    now = VirtualClock().now()
    # when
    entry = key_entry(since=now + timedelta(seconds=1), now=now, rotation="not rotated")
    # then its age is 0 days, never -1
    assert entry["age_days"] == 0
