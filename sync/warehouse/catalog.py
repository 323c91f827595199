"""The warehouse's product catalog: rows from its REST API or its CSV drop (a folder or s3://).

``[warehouse] paths.catalog`` says where: an API path for ``kind = "rest"``, a
CSV file (or ``s3://bucket/key``) for ``kind = "csv"``. Rows keep the
warehouse's own field names; ``[warehouse] catalog_fields`` maps them in the
catalog engine (:mod:`sync.catalog.feed_records`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from sync.catalog.csv_table import read_csv_text
from sync.errors import ConfigError, InputError

Rows = list[tuple[int, Mapping[str, Any]]]


def rest_catalog_rows(warehouse: Any, path: str) -> tuple[str, Rows]:
    """``(source, [(item number, record)])`` from a ``RestWarehouse``'s catalog path."""
    rows = warehouse.rows(path)
    bad = next((n for n, row in enumerate(rows, start=1) if not isinstance(row, dict)), None)
    if bad is not None:
        raise InputError(f"warehouse GET {path} item {bad}", "the item is not a JSON object",
                         "the catalog must list one object per variant")
    return f"warehouse:{path.split('?')[0]}", list(enumerate(rows, start=1))


def csv_catalog_rows(location: str, *, s3: Any = None) -> tuple[str, Rows]:
    """``(source, [(line, record)])`` from a catalog CSV on disk or under ``s3://``."""
    text = read_text(location, s3=s3)
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    rows: Rows = []
    start = 2
    for record in reader:
        rows.append((start, {k.strip(): v for k, v in record.items() if k}))
        start = reader.line_num + 1
    return location, rows


def read_text(location: str, *, s3: Any = None) -> str:
    """A feed file's text from a path or an ``s3://bucket/key`` URL."""
    if not location.startswith("s3://"):
        return read_csv_text(location)
    bucket, _, key = location[len("s3://"):].partition("/")
    if not bucket or not key:
        raise ConfigError(f"{location} is not an s3://bucket/key URL")
    if s3 is None:
        import boto3

        s3 = boto3.client("s3")
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except Exception as exc:  # noqa: BLE001 - botocore's errors are many; name the object
        raise InputError(location, f"the feed cannot be read from S3 ({type(exc).__name__})",
                         "check the bucket, the key and the function's s3:GetObject right"
                         ) from None
    return body.decode("utf-8-sig")
