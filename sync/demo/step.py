"""What one ``hubshop demo`` step reports; its own module so steps and the runner never import
each other in a circle."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DemoStep:
    """One named step's result: a line for people and counts for ``--json``."""

    name: str
    line: str
    data: dict[str, object] = field(default_factory=dict)
