"""What earlier imports sent: per-product digests and the last accepted feed size.

Kept as a few JSON flags of the engine's ``StateStore`` (SQLite on the
embedded default, DynamoDB in AWS), sharded by a hash of the handle so no
single value grows past DynamoDB's item size even for 100,000 products, and
so a run that saves progress rewrites only the shards it touched.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from typing import Protocol

SHARDS = 64
PREFIX = "import.digests."
LAST_COUNT = "import.last_count"
JOURNAL = "import.journal"
JOURNAL_CHUNK = 2000
"""Lines of the journal per flag: 2,000 (handle, digest) pairs stay far below 400 KB."""


class FlagStore(Protocol):
    """The part of the inventory engine's ``StateStore`` the importer uses."""

    def flag(self, name: str) -> str | None: ...

    def set_flag(self, name: str, value: str | None) -> None: ...


def shard_of(handle: str) -> int:
    return zlib.crc32(handle.encode()) % SHARDS


class ImportMemory:
    """Digests of what Shopify (or the local store) accepted, loaded once, saved by shard."""

    def __init__(self, state: FlagStore) -> None:
        self.state = state
        self._shards: dict[int, dict[str, str]] = {}
        self._dirty: set[int] = set()

    def digests(self) -> dict[str, str]:
        """Every remembered handle -> digest."""
        merged: dict[str, str] = {}
        for number in range(SHARDS):
            merged.update(self._shard(number))
        return merged

    def remember(self, handle: str, digest: str | None) -> None:
        """Note (or, with None, forget) one product's digest; :meth:`save` writes it."""
        number = shard_of(handle)
        shard = self._shard(number)
        if digest is None:
            if shard.pop(handle, None) is not None:
                self._dirty.add(number)
        elif shard.get(handle) != digest:
            shard[handle] = digest
            self._dirty.add(number)

    def save(self) -> None:
        """Write the shards changed since the last save."""
        for number in sorted(self._dirty):
            shard = self._shards[number]
            text = json.dumps(shard, sort_keys=True, separators=(",", ":")) if shard else None
            self.state.set_flag(f"{PREFIX}{number:02d}", text)
        self._dirty.clear()

    def last_count(self) -> int | None:
        value = self.state.flag(LAST_COUNT)
        return int(value) if value and value.isdigit() else None

    def set_last_count(self, count: int) -> None:
        self.state.set_flag(LAST_COUNT, str(count))

    def _shard(self, number: int) -> dict[str, str]:
        if number not in self._shards:
            raw = self.state.flag(f"{PREFIX}{number:02d}")
            loaded = json.loads(raw) if raw else {}
            self._shards[number] = dict(loaded) if isinstance(loaded, Mapping) else {}
        return self._shards[number]

    # journal: what a run is sending, so a run that dies before the results arrive
    # (a Lambda timeout while Shopify's bulk operation still runs) is settled by the next

    def open_journal(self, lines: list[tuple[str, str]]) -> None:
        """Note the changes about to be sent, in the order the writer sends them."""
        chunks = [lines[i:i + JOURNAL_CHUNK] for i in range(0, len(lines), JOURNAL_CHUNK)]
        for number, chunk in enumerate(chunks):
            self.state.set_flag(f"{JOURNAL}.{number:03d}", json.dumps(chunk))
        self.state.set_flag(JOURNAL, json.dumps({"operation": None, "chunks": len(chunks)}))

    def journal_operation(self, operation: str) -> None:
        """The writer started ``operation`` (a bulk mutation) for the journal's lines."""
        head = json.loads(self.state.flag(JOURNAL) or "{}")
        self.state.set_flag(JOURNAL, json.dumps({**head, "operation": operation}))

    def journal(self) -> tuple[str | None, list[tuple[str, str]]] | None:
        """``(operation, [(handle, digest)])`` of a run that did not finish, else None."""
        raw = self.state.flag(JOURNAL)
        if not raw:
            return None
        head = json.loads(raw)
        lines: list[tuple[str, str]] = []
        for number in range(int(head.get("chunks") or 0)):
            lines += [(h, d) for h, d in json.loads(self.state.flag(f"{JOURNAL}.{number:03d}")
                                                     or "[]")]
        return head.get("operation"), lines

    def close_journal(self) -> None:
        raw = self.state.flag(JOURNAL)
        chunks = int(json.loads(raw).get("chunks") or 0) if raw else 0
        for number in range(chunks):
            self.state.set_flag(f"{JOURNAL}.{number:03d}", None)
        self.state.set_flag(JOURNAL, None)
