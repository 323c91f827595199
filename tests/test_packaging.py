"""The wheel carries what an installed hubshop needs: the theme, the modules, the demo store."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_theme_modules_and_demo_data(tmp_path: Path) -> None:
    pytest.importorskip("hatchling", reason="hatchling (the dev extra) builds the wheel")
    # when
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    # then
    wheel = next(tmp_path.glob("hubshop-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "sync/_assets/theme/theme.json" in names
    assert "sync/_assets/theme/templates/layouts/base.html" in names
    assert any(n.startswith("sync/_assets/modules/shopify-buy-button.module/") for n in names)
    assert "sync/local/demo/products.csv" in names
    assert any(n.startswith("sync/shopify/queries/") and n.endswith(".graphql") for n in names)
    assert not any("node_modules" in n or n.startswith("tests/") for n in names)


def test_assets_resolve_from_a_checkout() -> None:
    from sync.paths import asset_dir

    assert (asset_dir("theme") / "theme.json").is_file()
    assert (asset_dir("modules") / "product-grid.module").is_dir()
