"""A product feed as the importer sees it: valid products, where each came from, and problems.

Every reader (Shopify CSV, JSON lines, the warehouse's catalog records) gives a
:class:`Feed`, so validation, guards and planning never care about the format.
A problem names its place as ``file:line:column (field)`` and the product it
belongs to; a problem with no product (a broken header) spoils the whole feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sync.errors import InputError
from sync.model.shop import Product

_PLACE = re.compile(r":(\d+)(?::\d+)?(?: \(.*\))?$")


@dataclass
class Place:
    """Where a product starts in its feed, and the column of each of its fields (1-based)."""

    source: str
    line: int
    columns: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def at(self, name: str | None = None) -> str:
        """``file:line:column (Header)`` of ``name`` on this product's first line."""
        column = self.columns.get(name or "", 1)
        label = self.labels.get(name or "", name or "")
        text = f"{self.source}:{self.line}:{column}"
        return f"{text} ({label})" if label else text


@dataclass(frozen=True)
class FeedProblem:
    """One problem; ``handle`` None means the feed as a whole cannot be read."""

    error: InputError
    handle: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"where": self.error.where, "problem": self.error.problem,
                "fix": self.error.fix, "handle": self.handle}


@dataclass
class Feed:
    """The products of one feed that passed validation, plus every problem found."""

    source: str
    products: list[Product] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)
    problems: list[FeedProblem] = field(default_factory=list)

    @property
    def fatal(self) -> bool:
        """True when a problem concerns the whole file (nothing in it can be trusted)."""
        return any(p.handle is None for p in self.problems)

    @property
    def invalid(self) -> list[str]:
        """Handles of products refused, in feed order, each once."""
        return list(dict.fromkeys(p.handle for p in self.problems if p.handle is not None))

    @property
    def total(self) -> int:
        """Products the feed holds, valid or not: what the shrinking-feed guard counts."""
        return len(self.products) + len(self.invalid)

    def reject(self, handle: str | None, where: str, problem: str, fix: str) -> None:
        """Record a problem; the product (if any) leaves ``products`` when validation ends."""
        self.problems.append(FeedProblem(InputError(where, problem, fix), handle))

    def drop_invalid(self) -> None:
        """Keep only products without problems."""
        bad = set(self.invalid)
        self.products = [p for p in self.products if p.handle not in bad]


def line_of(where: str) -> int | None:
    """The line number in a ``file:line[:column] (Header)`` place, if it has one."""
    match = _PLACE.search(where)
    return int(match.group(1)) if match else None
