"""The call log: what each request asked and what it cost, so tests can assert call budgets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    """One request as the fake saw it.

    ``outcome`` is ``ok``, ``throttled``, ``max_cost``, ``invalid``, ``unauthorized``,
    ``fault`` or ``error``; ``status`` the HTTP status (200 for direct ``execute``).
    """

    operation_name: str | None
    root_fields: list[str]
    variables: dict[str, Any]
    requested_cost: int = 0
    actual_cost: int | None = None
    outcome: str = "ok"
    status: int = 200
    at: float = 0.0
    errors: list[str] = field(default_factory=list)
    operation_type: str = "query"

    @property
    def is_mutation(self) -> bool:
        return self.operation_type == "mutation"


class CallLog(list):
    """A list of :class:`Call` with the questions tests ask of it."""

    def named(self, operation_name: str) -> list[Call]:
        return [call for call in self if call.operation_name == operation_name]

    def touching(self, root_field: str) -> list[Call]:
        return [call for call in self if root_field in call.root_fields]

    def total_cost(self) -> int:
        return sum(call.actual_cost or 0 for call in self)
