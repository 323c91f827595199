"""Where hubshop finds the files it ships and the state it keeps.

An installed wheel carries ``theme/`` and ``modules/`` under ``sync/_assets``;
a source checkout has them at the repository root. Both must work, so every
caller asks here instead of building paths itself.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DEMO_DIR = PACKAGE_DIR / "local" / "demo"


def asset_dir(name: str) -> Path:
    """The shipped ``theme`` or ``modules`` folder, installed or from a checkout."""
    for candidate in (PACKAGE_DIR / "_assets" / name, REPO_DIR / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"hubshop's {name}/ folder is missing from this installation")


def contracts_dir() -> Path:
    """The shared API contracts (tests only): ``HUBSHOP_CONTRACTS`` or ``../shared/contracts``."""
    configured = os.environ.get("HUBSHOP_CONTRACTS")
    if configured:
        return Path(configured)
    return REPO_DIR.parent / "shared" / "contracts"
