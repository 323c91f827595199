"""The site on the embedded default: rows from the local HubDB, demo images served locally.

Both ``hubshop theme build|preview`` and ``hubshop demo`` render through
:func:`local_site_options`, so the demo shows exactly what the commands do.
Demo product images have URLs under ``/demo/`` (real syncs carry Shopify CDN
URLs), so the demo data folder is always served there.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path

from sync.config import Settings
from sync.paths import DEMO_DIR, asset_dir
from sync.site.build import SiteOptions
from sync.site.hubl import LocalHubDBSource

DEMO_IMAGES_URL = "/demo/images"


def theme_folders(
    settings: Settings, theme_dir: str | Path | None = None
) -> tuple[Path, tuple[Path, ...]]:
    """The theme to render (argument, ``[site] theme``, or ours) and the modules merged into it."""
    ours = asset_dir("theme").resolve()
    configured = theme_dir or settings.site.theme
    folder = Path(configured).resolve() if configured else ours
    modules = (asset_dir("modules"),) if folder == ours else ()
    return folder, modules


def local_site_options(
    settings: Settings,
    conn: sqlite3.Connection,
    *,
    modules: tuple[Path, ...],
    base_url: str,
    static_dirs: Mapping[str, Path] | None = None,
) -> SiteOptions:
    """Render options over the local store's HubDB tables, with the demo images served."""
    portal = settings.site.portal_id or settings.hubspot.account_id
    return SiteOptions(
        hubdb=LocalHubDBSource(conn),
        modules_dirs=modules,
        base_url=base_url.rstrip("/"),
        dynamic_table=settings.catalog.table,
        static_dirs={DEMO_IMAGES_URL: DEMO_DIR / "images", **(static_dirs or {})},
        portal_id=int(portal) if portal and str(portal).isdigit() else 0,
    )


def default_out(settings: Settings) -> Path:
    """Where a build goes when no ``--out`` is given: ``[site] out``, else ``HOME/site``."""
    return Path(settings.site.out) if settings.site.out else settings.home / "site"
