"""The demo's site step: build the shipped theme over the freshly synced product table."""

from __future__ import annotations

from sync.config import Settings
from sync.demo.step import DemoStep
from sync.jobs.theme import build_theme
from sync.local.db import connect
from sync.local.demo import demo_clock
from sync.site.embedded import default_out, local_site_options, theme_folders


def site_step(settings: Settings) -> DemoStep:
    """Render every page template and product page into ``HOME/site`` (or ``[site] out``),
    recorded as a ``theme_build`` run so ``hubshop status`` shows the theme job."""
    folder, modules = theme_folders(settings)
    out = default_out(settings)
    conn = connect(settings.database)
    try:
        options = local_site_options(
            settings, conn, modules=modules, base_url=f"http://localhost:{settings.site.port}"
        )
        result = build_theme(settings, folder, out, options, clock=demo_clock())
    finally:
        conn.close()
    line = (
        f"built {len(result.rendered)} pages into {out}/ "
        f"({len(result.failed)} failed) in {result.seconds:.1f} s"
    )
    return DemoStep(
        "site",
        line,
        {"pages": len(result.rendered), "failed": len(result.failed), "out": str(out)},
    )
