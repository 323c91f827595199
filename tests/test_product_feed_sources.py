"""Where feeds come from: a path, an ``s3://`` URL (moto), or the warehouse (REST via responses)."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
import responses
from moto import mock_aws

from sync.config import load_settings
from sync.errors import ConfigError
from sync.jobs.products import open_feed

EXPORT = Path(__file__).parent / "fixtures" / "import" / "shopify_export_legacy.csv"
MAPPING = {"handle": "group", "title": "name", "sku": "item", "price": "unit_price",
           "option1_name": "opt", "option1_value": "val"}


def settings(tmp_path: Path, toml: str = "", **env: str):
    (tmp_path / "hubshop.toml").write_text(toml)
    return load_settings(flags={"home": str(tmp_path / "h")}, env=env, cwd=tmp_path)


def test_an_s3_feed_is_read_like_a_file(tmp_path):
    # given
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1")
        s3.create_bucket(Bucket="feeds", CreateBucketConfiguration={
            "LocationConstraint": "eu-west-1"})
        s3.put_object(Bucket="feeds", Key="nightly/products.csv", Body=EXPORT.read_bytes())
        # when
        feed = open_feed("s3://feeds/nightly/products.csv", settings(tmp_path), s3=s3)
        missing = open_feed("s3://feeds/nightly/none.csv", settings(tmp_path), s3=s3)
    # then
    assert [p.handle for p in feed.products] == ["linen-shirt", "oak-bowl", "gift-card"]
    assert feed.places["oak-bowl"].at().startswith("s3://feeds/nightly/products.csv:8:")
    assert missing.fatal and "cannot be read from S3" in missing.problems[0].error.problem


def test_the_warehouse_rest_catalog_maps_its_fields(tmp_path):
    # given
    fields = ", ".join(f'{name} = "{field}"' for name, field in MAPPING.items())
    toml = ('[warehouse]\nkind = "rest"\npaths = { catalog = "/v1/catalog" }\n'
            f"catalog_fields = {{ {fields} }}\n")
    config = settings(tmp_path, toml, WAREHOUSE_URL="https://wms.example.com/api")
    items = [{"group": "tee", "name": "Tee", "item": "T-S", "unit_price": "10", "opt": "Size",
              "val": "S"},
             {"group": "tee", "item": "T-M", "unit_price": "10", "val": "M"},
             {"group": "cap", "name": "Cap", "item": "C-1", "unit_price": "-"}]
    # when
    with responses.RequestsMock() as mock:
        mock.get("https://wms.example.com/api/v1/catalog", json={"items": items[:2],
                                                                 "next": "?page=2"})
        mock.get("https://wms.example.com/api/v1/catalog?page=2", json={"items": items[2:]})
        feed = open_feed("warehouse", config)
    # then
    assert [p.handle for p in feed.products] == ["tee"]
    assert [v.sku for v in feed.products[0].variants] == ["T-S", "T-M"]
    assert feed.problems[0].error.where == "warehouse:/v1/catalog:3:4 (unit_price)"


def test_the_warehouse_csv_drop_catalog_is_read_through_the_mapping(tmp_path):
    # given
    drop = tmp_path / "catalog.csv"
    drop.write_text("group,name,item,unit_price,opt,val\ntee,Tee,T-S,10,Size,S\n"
                    "tee,,T-M,11,,M\n")
    toml = (f'[warehouse]\nkind = "csv"\npaths = {{ catalog = "{drop}" }}\n'
            'catalog_fields = { handle = "group", title = "name", sku = "item", '
            'price = "unit_price", option1_name = "opt", option1_value = "val" }\n')
    # when
    feed = open_feed("warehouse", settings(tmp_path, toml))
    # then
    (tee,) = feed.products
    assert [str(v.price) for v in tee.variants] == ["10", "11"]
    assert feed.places["tee"].at("price") == f"{drop}:2:4 (unit_price)"


def test_warehouse_without_a_catalog_path_says_which_setting(tmp_path):
    # when / then
    with pytest.raises(ConfigError, match=r"\[warehouse\] paths.catalog"):
        open_feed("warehouse", settings(tmp_path))


@pytest.mark.parametrize("name", ["feed.jsonl", "feed.ndjson"])
def test_json_lines_are_recognised_by_suffix(tmp_path, name):
    # given
    path = tmp_path / name
    path.write_text('{"handle": "tee", "title": "Tee", "variants": [{"price": "5"}]}\n')
    # when
    feed = open_feed(str(path), settings(tmp_path))
    # then
    assert [p.handle for p in feed.products] == ["tee"]
