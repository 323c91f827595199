"""The file-drop warehouse: newest CSV in a folder or under S3, bad rows named by line."""

from __future__ import annotations

import boto3
from moto import mock_aws

from sync.jobs.inventory import DEMO_FEED
from sync.warehouse.csv_drop import CsvDropWarehouse

HEADER = "sku,location_code,qty_on_hand,qty_allocated,qty_available,last_movement_at\n"


def test_the_demo_feed_reads_whole(tmp_path):
    # when
    warehouse = CsvDropWarehouse(DEMO_FEED)
    snapshot = warehouse.snapshot()
    records = snapshot.records
    # then
    lines = DEMO_FEED.read_text(encoding="utf-8").strip().splitlines()
    assert len(records) == len(lines) - 1 and snapshot.rejected == []
    assert records[0].where.endswith("warehouse_stock.csv:2")


def test_the_newest_file_in_a_folder_wins_and_bad_rows_name_their_line(tmp_path):
    # given
    (tmp_path / "2026-01-01.csv").write_text(HEADER + "A,WH,1,0,1,\n")
    (tmp_path / "2026-01-02.csv").write_text(
        HEADER + "A,WH,5,1,4,2026-01-02T10:00:00+01:00\nB,WH,x,0,0,\nC,WH,3,0,2,\n")
    # when
    warehouse = CsvDropWarehouse(tmp_path)
    snapshot = warehouse.snapshot()
    records = snapshot.records
    # then
    assert [(r.sku, r.on_hand, r.allocated) for r in records] == [("A", 5, 1)]
    assert [(r.where.rsplit("/", 1)[-1], r.sku) for r in snapshot.rejected] == [
        ("2026-01-02.csv:3", "B"), ("2026-01-02.csv:4", "C")]
    assert "inconsistent" in snapshot.rejected[1].reason


def test_adjustments_drop_one_file_per_reference(tmp_path):
    # given
    (tmp_path / "stock.csv").write_text(HEADER)
    warehouse = CsvDropWarehouse(tmp_path)
    # when
    warehouse.adjust("A", "WH", -2, "shopify_hand_edit", "hubshop:hand-edit:A:WH:3")
    warehouse.adjust("A", "WH", -2, "shopify_hand_edit", "hubshop:hand-edit:A:WH:3")
    # then
    files = list((tmp_path / "adjustments").iterdir())
    assert len(files) == 1 and "A,WH,-2" in files[0].read_text()


@mock_aws
def test_an_s3_prefix_works_like_a_folder(monkeypatch):
    # given
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket="drops", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_object(Bucket="drops", Key="stock/2026-01-01.csv", Body=HEADER + "A,WH,1,0,1,\n")
    s3.put_object(Bucket="drops", Key="stock/2026-01-02.csv", Body=HEADER + "A,WH,7,0,7,\n")
    warehouse = CsvDropWarehouse("s3://drops/stock/", s3=s3)
    # when
    snapshot = warehouse.snapshot()
    records = snapshot.records
    warehouse.adjust("A", "WH", 1, "shopify_hand_edit", "ref-9")
    # then
    assert [(r.sku, r.on_hand) for r in records] == [("A", 7)]
    assert "stock/adjustments/ref-9.csv" in [
        o["Key"] for o in s3.list_objects_v2(Bucket="drops")["Contents"]]
