"""One job run as the state store keeps it: kind, start, end, result, counts and API calls.

Every job (catalog sync, theme upload, inventory reconcile/resume/poll, the
nightly import) records this shape, so ``hubshop status`` and the console read
one history whatever wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sync.model.time import iso


def run_summary(kind: str, start: datetime, end: datetime, *, result: str = "ok",
                counts: Mapping[str, int] | None = None,
                api_calls: Mapping[str, int] | None = None,
                error: str | None = None, **extra: object) -> dict[str, object]:
    """The record of one run (``result``: ``ok``, ``failed`` or ``paused``).

    ``at`` repeats ``end`` for readers of the older shape.
    """
    summary: dict[str, object] = {
        "kind": kind, "start": iso(start), "end": iso(end), "at": iso(end), "result": result,
        "counts": {k: int(v) for k, v in (counts or {}).items()},
        "api_calls": {k: int(v) for k, v in (api_calls or {}).items()},
    }
    if error:
        summary["error"] = error
    summary.update(extra)
    return summary
