"""The file-drop warehouse: stock CSVs in a local folder (or one file), or under ``s3://``.

The warehouse drops a CSV (field names from ``[warehouse] fields``); the
newest file is the snapshot, and rows moved after a time are the changes.
Adjustments (hand edits forwarded under ``hand_edits = "forward"``) are
dropped back as one small CSV per adjustment, named by its reference, so a
repeat is the same file and the warehouse imports it once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sync.config import WarehouseSettings
from sync.errors import ConfigError, InputError
from sync.inventory.records import parse_records
from sync.model.stock import Rejection, StockRecord, StockSnapshot

DEMO_FIELDS = {"sku": "sku", "location": "location_code", "on_hand": "qty_on_hand",
               "allocated": "qty_allocated", "available": "qty_available",
               "updated_at": "last_movement_at"}
OUTBOX = "adjustments"


class CsvDropWarehouse:
    """A :class:`sync.inventory.ports.Warehouse` over CSV files.

    Args:
        feed: a CSV file, a folder of them (the newest by name wins, so name
            drops by time), or ``s3://bucket/prefix``.
        fields: hubshop field name -> CSV column (default: the demo feed's).
        s3: a boto3 S3 client, for ``s3://`` feeds (created lazily otherwise).
    """

    def __init__(self, feed: str | Path, *, fields: Mapping[str, str] | None = None,
                 s3: Any = None) -> None:
        self.feed = str(feed)
        self.fields = dict(fields or DEMO_FIELDS)
        self._s3 = s3
        self.can_adjust = True

    def snapshot(self) -> StockSnapshot:
        name, text = self._newest()
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        _check_header(name, reader.fieldnames, self.fields)
        rows = list(reader)
        records = [{**row, "__where": f"{name}:{number}"} for number, row in
                   enumerate(rows, start=2)]
        good, rejected = _parse(records, self.fields, name)
        return StockSnapshot(good, rejected)

    def changes(self, since: datetime | None) -> list[StockRecord]:
        records = self.snapshot().records
        if since is None:
            return records
        return [r for r in records if r.updated_at is None or r.updated_at > since]

    def adjust(self, sku: str, location: str, delta: int, reason: str, reference: str) -> None:
        body = io.StringIO()
        writer = csv.writer(body, lineterminator="\n")
        writer.writerow([self.fields["sku"], self.fields["location"], "delta", "reason",
                         "reference"])
        writer.writerow([sku, location, delta, reason, reference])
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in reference) + ".csv"
        self._write(f"{OUTBOX}/{name}", body.getvalue())

    # storage ---------------------------------------------------------------------------

    def _newest(self) -> tuple[str, str]:
        if self.feed.startswith("s3://"):
            bucket, prefix = _split(self.feed)
            listed = self._client().list_objects_v2(Bucket=bucket, Prefix=prefix)
            keys = sorted(o["Key"] for o in listed.get("Contents", [])
                          if o["Key"].endswith(".csv") and f"/{OUTBOX}/" not in f"/{o['Key']}")
            if not keys:
                raise FileNotFoundError(f"no .csv stock file under {self.feed}")
            body = self._client().get_object(Bucket=bucket, Key=keys[-1])["Body"].read()
            return f"s3://{bucket}/{keys[-1]}", _text(f"s3://{bucket}/{keys[-1]}", body)
        path = Path(self.feed)
        if path.is_dir():
            files = sorted(p for p in path.glob("*.csv"))
            if not files:
                raise FileNotFoundError(f"no .csv stock file in {path}")
            path = files[-1]
        return str(path), _text(str(path), path.read_bytes())

    def _write(self, name: str, text: str) -> None:
        if self.feed.startswith("s3://"):
            bucket, prefix = _split(self.feed)
            key = f"{prefix.rstrip('/')}/{name}" if prefix else name
            self._client().put_object(Bucket=bucket, Key=key, Body=text.encode())
            return
        base = Path(self.feed)
        target = (base if base.is_dir() else base.parent) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def _client(self) -> Any:
        if self._s3 is None:
            import boto3

            self._s3 = boto3.client("s3")
        return self._s3


def _text(name: str, body: bytes) -> str:
    """The feed as text; a feed that is not UTF-8 is named with the first bad byte's place."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[:exc.start].count(b"\n") + 1
        raise InputError(f"{name}:{line}", f"not UTF-8 (byte 0x{body[exc.start]:02x})",
                         "save the feed as UTF-8") from None


def _check_header(name: str, header: list[str] | None, fields: Mapping[str, str]) -> None:
    """An empty feed, or one without the columns ``[warehouse] fields`` names, is refused
    whole: every row would be rejected, and a run would report nothing wrong."""
    if not header:
        raise InputError(f"{name}:1", "the feed is empty (no header line)",
                         "a stock file starts with a header line")
    wanted = [fields[key] for key in ("sku", "location") if key in fields]
    wanted += [] if any(fields.get(k) in header for k in ("on_hand", "available")) else [
        fields.get("on_hand", "on_hand")]
    missing = [column for column in wanted if column not in header]
    if missing:
        raise InputError(f"{name}:1", f"the header lacks {', '.join(missing)} (it has "
                         f"{', '.join(header[:8])})", "name the columns in [warehouse] fields")


def _split(url: str) -> tuple[str, str]:
    bucket, _, prefix = url[len("s3://"):].partition("/")
    return bucket, prefix


def _parse(rows: list[dict], fields: Mapping[str, str], source: str,
           ) -> tuple[list[StockRecord], list[Rejection]]:
    """Rows to records; a bad row becomes a rejection naming its file and line."""
    good: list[StockRecord] = []
    rejected: list[Rejection] = []
    for row in rows:
        where = row.pop("__where")
        records, bad = parse_records([row], fields=fields, source=where)
        good += [_at(r, where) for r in records]
        rejected += [Rejection(where, b.sku, b.reason) for b in bad]
    return good, rejected


def _at(record: StockRecord, where: str) -> StockRecord:
    return StockRecord(record.sku, record.location, record.on_hand, record.allocated,
                       record.updated_at, where)


def from_settings(settings: WarehouseSettings) -> CsvDropWarehouse:
    """The adapter for ``[warehouse] kind = "csv"`` (the composition layer's registry calls it).

    Raises:
        ConfigError: no feed (the composition layer fills in the demo feed where it applies).
    """
    if not settings.feed:
        raise ConfigError("[warehouse] kind = \"csv\" needs WAREHOUSE_FEED (a folder, a file "
                          "or s3://bucket/prefix)")
    return CsvDropWarehouse(settings.feed, fields=settings.fields or DEMO_FIELDS)
