"""The import boundaries hold: the contracts in pyproject.toml, checked by import-linter."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_are_kept() -> None:
    # given import-linter next to this interpreter (the dev extra installs it)
    linter = Path(sys.executable).with_name("lint-imports")
    if not linter.exists() and shutil.which("lint-imports") is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    # when every contract is checked
    out = subprocess.run([str(linter) if linter.exists() else "lint-imports", "--no-cache"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    # then none is broken (engines import no adapter, handlers reach no demo code, ...)
    assert out.returncode == 0, out.stdout[-3000:]
    assert "0 broken" in out.stdout
