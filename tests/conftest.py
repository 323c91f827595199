"""Fixtures every test file may use: an isolated environment, contracts, clocks."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from sync import env_names
from sync.paths import contracts_dir
from sync.plumbing.clock import VirtualClock

# The shared fakes' fixtures (shopify_fake, shopify_shop, shopify_clock, shopify_schema).
pytest_plugins = ["tests.fakes.shopify.fixtures"]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's credentials or writes into the checkout."""
    for name in env_names.ALL:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(env_names.HUBSHOP_HOME, str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def _isolated_logging():
    """Undo what a test's logging set-up did to the ``sync`` loggers (Powertools copies its
    handlers onto them in a simulated Lambda), so one test's JSON lines never leak into the next."""
    sync_logger = logging.getLogger("sync")
    saved = (list(sync_logger.handlers), sync_logger.propagate, sync_logger.level)
    yield
    sync_logger.handlers[:] = saved[0]
    sync_logger.propagate, sync_logger.level = saved[1], saved[2]


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture(scope="session")
def contracts() -> Path:
    """The shared API contracts; absent in a user's own clone, always present in CI."""
    path = contracts_dir()
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"contracts folder {path} missing in CI (set HUBSHOP_CONTRACTS)")
        pytest.skip(f"API contracts not found at {path} (set HUBSHOP_CONTRACTS to run these)")
    return path
