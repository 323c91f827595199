"""The inventory policy: the ``[inventory]`` settings the engine decides with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sync.errors import ConfigError

FORWARD, OFFSET, OVERWRITE = "forward", "offset", "overwrite"


@dataclass(frozen=True)
class Policy:
    """How the engine turns warehouse figures into Shopify's ``available``.

    ``location_map`` maps warehouse location codes to Shopify location names;
    a location in neither direction of it is never written.
    """

    location_map: Mapping[str, str] = field(default_factory=dict)
    buffer: int = 0
    buffers: Mapping[str, int] = field(default_factory=dict)
    hand_edits: str = OFFSET
    batch_size: int = 100
    quantity_ceiling: int = 100_000
    activate_unstocked: bool = False
    max_rereads: int = 3
    max_deferrals: int = 5
    # how long a write sent may still land: longer than any one call's budget (the
    # consumer function's timeout is 120 s); meanwhile other runs leave the key alone
    write_lease_seconds: int = 300

    def __post_init__(self) -> None:
        if self.hand_edits not in (FORWARD, OFFSET, OVERWRITE):
            raise ConfigError(f"[inventory] hand_edits = {self.hand_edits!r}: use forward, "
                              "offset or overwrite")
        if self.batch_size < 1 or self.batch_size > 250:
            raise ConfigError(f"[inventory] batch_size = {self.batch_size}: use 1 to 250")
        if self.buffer < 0 or any(v < 0 for v in self.buffers.values()):
            raise ConfigError("[inventory] buffer and buffers must not be negative")

    @classmethod
    def from_settings(cls, inventory: object) -> Policy:
        """Build from :class:`sync.config.InventorySettings`."""
        return cls(
            location_map=dict(inventory.location_map),
            buffer=inventory.buffer,
            buffers=dict(inventory.buffers),
            hand_edits=inventory.hand_edits,
            batch_size=inventory.batch_size,
            quantity_ceiling=inventory.quantity_ceiling,
            activate_unstocked=inventory.activate_unstocked,
        )

    def buffer_for(self, sku: str) -> int:
        """Units held back for ``sku``: its own buffer, else the global one."""
        return self.buffers.get(sku, self.buffer)

    def code_for(self, location_name: str) -> str | None:
        """The warehouse code of a Shopify location name (None: unmapped)."""
        for code, name in self.location_map.items():
            if name == location_name:
                return code
        return None
