"""scripts/build_lambda.sh: each package from its own requirements; inventory has no HubSpot."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sync.paths import REPO_DIR

SCRIPT = REPO_DIR / "scripts" / "build_lambda.sh"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("bash") is None:
        pytest.skip("bash is not available")
    out = tmp_path_factory.mktemp("lambda")
    subprocess.run(["bash", str(SCRIPT), "all"], check=True, capture_output=True, text=True,
                   timeout=300, env={**os.environ, "LAMBDA_BUILD_DIR": str(out),
                                     "PYTHON": sys.executable})
    return out


def test_the_inventory_package_has_no_hubspot_site_or_cli(built: Path) -> None:
    package = built / "inventory"
    assert (package / "sync" / "service" / "queue_handler.py").is_file()
    for absent in ("cli", "site", "hubspot", "site_refresh", "local/demo"):
        assert not (package / "sync" / absent).exists(), absent
    text = (package / "requirements.txt").read_text(encoding="utf-8")
    requirements = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert any(line.startswith("aws-lambda-powertools") for line in requirements)
    assert not [line for line in requirements if "hubspot" in line or "jinja2" in line.lower()]


def test_the_site_package_brings_its_own_requirements(built: Path) -> None:
    package = built / "site"
    assert (package / "sync" / "site_refresh" / "handler.py").is_file()
    assert (package / "sync" / "hubspot").is_dir()
    assert "hubspot-api-client" in (package / "requirements.txt").read_text(encoding="utf-8")
    assert not (package / "sync" / "cli").exists()
