"""What Shopify really charges for each document, learned from its answers.

Shopify publishes cost rules but says running a query is the only way to know
its cost, and live shops report costs far from the rules both ways. So the
client keeps, per document, the ratio of the cost Shopify reported
(``extensions.cost.requestedQueryCost``, or the cost named by a
``MAX_COST_EXCEEDED`` error) to our estimate (:func:`sync.shopify.cost.estimate_cost`)
and sizes pages and throttle waits from estimate × ratio.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Observation:
    """One document's latest reading: our estimate, Shopify's figure, and their ratio."""

    estimated: int
    reported: int

    @property
    def ratio(self) -> float:
        return self.reported / self.estimated if self.estimated > 0 else 1.0


class CostCalibration:
    """Per document (keyed by its text): Shopify's reported cost ÷ our estimate.

    Until a document has been answered once, its ratio is 1 (the published
    rules). The latest reading wins: a shop's pricing can change, and a page
    size chosen from a stale ratio is corrected by the next answer (or, if too
    large, by ``MAX_COST_EXCEEDED``, which names the true cost). Thread-safe.
    """

    def __init__(self) -> None:
        self._seen: dict[str, Observation] = {}
        self._names: dict[str, str] = {}
        self._lock = threading.Lock()

    def observe(self, document: str, estimated: int, reported: int, *, name: str = "") -> float:
        """Record Shopify's ``reported`` cost for a request we estimated at ``estimated``."""
        if estimated <= 0 or reported < 0:
            return self.ratio(document)
        with self._lock:
            self._seen[document] = Observation(int(estimated), int(reported))
            if name:
                self._names[document] = name
            return self._seen[document].ratio

    def ratio(self, document: str) -> float:
        """Observed ÷ estimated for ``document``; 1.0 until it has been observed."""
        with self._lock:
            seen = self._seen.get(document)
        return seen.ratio if seen else 1.0

    def known(self, document: str) -> bool:
        """True once Shopify has priced ``document`` for this client."""
        with self._lock:
            return document in self._seen

    def expected(self, document: str, estimated: int) -> int:
        """What Shopify should charge for a request we estimate at ``estimated``."""
        return int(math.ceil(estimated * self.ratio(document) - 1e-9))

    def summary(self) -> dict[str, float]:
        """Operation name (or document head) -> ratio, for logs and reports."""
        with self._lock:
            return {self._names.get(doc, doc[:40]): round(obs.ratio, 3)
                    for doc, obs in self._seen.items()}
