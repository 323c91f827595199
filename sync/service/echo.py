"""Values a caller sent, cut to size before they are echoed in an answer or written to a log.

A warehouse may push a 100 KB "SKU" or a million unknown ones; the answer and
the logs must stay small either way: each echoed value is clipped to
:data:`MAX_ECHO_CHARS` (with its full length said), and a list of rejections
keeps its first :data:`MAX_REJECTIONS` and a count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MAX_ECHO_CHARS = 64
MAX_REASON_CHARS = 300
MAX_REJECTIONS = 100


def clip(value: Any, limit: int = MAX_ECHO_CHARS) -> Any:
    """``value`` if short (or not text), else its first ``limit`` characters and its length."""
    if not isinstance(value, str) or len(value) <= limit:
        return value
    return f"{value[:limit]}… ({len(value):,} chars)"


def rejection_json(rejection: Any) -> dict[str, Any]:
    """One rejection as the answer shows it, every echoed field clipped."""
    return {"where": clip(rejection.where), "sku": clip(rejection.sku),
            "reason": clip(rejection.reason, MAX_REASON_CHARS)}


def capped(rejections: Sequence[Any]) -> dict[str, Any]:
    """``rejected`` (the first :data:`MAX_REJECTIONS`, clipped) and ``rejected_count`` (all)."""
    return {"rejected": [rejection_json(r) for r in rejections[:MAX_REJECTIONS]],
            "rejected_count": len(rejections)}
