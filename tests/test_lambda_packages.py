"""Both Lambda packages, built as AWS runs them, answer a recorded event on Python 3.12.

``scripts/build_lambda.sh all --install`` builds each package with only its own
requirements (the runtime's CPython 3.12 wheels) and 3.12 bytecode. Each handler
is then imported from the built package and invoked once, in a clean 3.12
interpreter (``-I -S``, an empty environment) whose ``sys.path`` is only the
package and the runtime's boto3, so nothing on this machine can stand in for a
missing requirement. AWS is moto's server on loopback (``AWS_ENDPOINT_URL``),
Shopify is the Shopify fake served over HTTP, HubSpot the HubDB fake.
"""

from __future__ import annotations

import glob
import io
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from requests.structures import CaseInsensitiveDict

from sync.local.db import connect
from sync.local.shop import LocalShop
from sync.model.shop import Option, Product, Variant
from sync.paths import REPO_DIR
from sync.plumbing.clock import VirtualClock
from tests.fakes.hubdb_loopback import LoopbackServer, Reply, Request
from tests.fakes.hubdb_server import HubDBFake
from tests.fakes.shopify.fake import ShopifyFake
from tests.fakes.shopify.transport import graphql_reply
from tests.test_service_world import PUSH_KEY, REGION, WEBHOOK_SECRET, create_tables

pytestmark = pytest.mark.slow

SCRIPT = REPO_DIR / "scripts" / "build_lambda.sh"
EVENTS = REPO_DIR / "tests" / "events"
STORE = "fernhill-demo.myshopify.com"
WAREHOUSE = "Fernhill Warehouse"
CONSOLE_CLIENT_ID = "0b7c4e2f9a1d3c5e7f9a1b3d5c7e9f2a"  # the Shopify app's client id
TOML = f"""
[inventory]
location_map = {{ "WH-MAIN" = "{WAREHOUSE}" }}

[warehouse]
kind = "csv"
fields = {{ sku = "sku", location = "location", on_hand = "on_hand", allocated = "allocated" }}
"""
"""The deployer's settings, in the field names of the recorded pushes (HUBSHOP_CONFIG)."""
FEED = ("sku,location,on_hand,allocated\n"
        "TEE-S,WH-MAIN,9,0\nTEE-M,WH-MAIN,5,0\nTEE-L,WH-MAIN,5,0\nMUG-1,WH-MAIN,3,1\n")

_RUNNER = r"""
import importlib, json, sys, time
package, runtime, name, event_path = sys.argv[1:5]
sys.path[:0] = [package, runtime]

class Context:
    function_name = "hubshop-smoke"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:hubshop-smoke"
    aws_request_id = "7f0e1d2c-3b4a-4958-8776-655443322110"
    def get_remaining_time_in_millis(self):
        return 30000

started = time.perf_counter()
module = importlib.import_module(name)
imported = time.perf_counter()
with open(event_path, encoding="utf-8") as file:
    event = json.load(file)
answer = module.handler(event, Context())
done = time.perf_counter()
elsewhere = sorted({m.__file__ for m in list(sys.modules.values())
                    if getattr(m, "__file__", None)
                    and not m.__file__.startswith((package, runtime, sys.base_prefix))})
print("SMOKE " + json.dumps({"answer": answer, "import_s": imported - started,
                             "invoke_s": done - imported, "elsewhere": elsewhere}, default=str))
"""


def _runtime_python() -> str | None:
    """The template's runtime (Python 3.12): LAMBDA_PYTHON, python3.12 on PATH, or pyenv's."""
    root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates = [os.environ.get("LAMBDA_PYTHON"), shutil.which("python3.12"),
                  *sorted(glob.glob(f"{root}/versions/3.12.*/bin/python3.12"))]
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.executable); "
                                "sys.exit(sys.version_info[:2] != (3, 12))"],
                               capture_output=True, text=True, check=False)
        if probe.returncode == 0:
            return probe.stdout.strip()
    return None


RUNTIME = _runtime_python()


@dataclass
class Built:
    root: Path
    log: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    if RUNTIME is None:
        pytest.skip("no Python 3.12 (the template's Lambda runtime) found: install python3.12 "
                    "or set LAMBDA_PYTHON to build and run the packages as AWS would")
    if shutil.which("bash") is None:
        pytest.skip("bash is not available")
    out = tmp_path_factory.mktemp("lambda")
    arch = "arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64"
    done = subprocess.run(
        ["bash", str(SCRIPT), "all", "--install"], capture_output=True, text=True, timeout=900,
        check=False, env={**os.environ, "LAMBDA_BUILD_DIR": str(out), "LAMBDA_ARCH": arch,
                          "LAMBDA_PYTHON": RUNTIME, "PYTHON": sys.executable})
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    return Built(out, done.stdout)


class ShopifyServer(LoopbackServer):
    """The Shopify fake's GraphQL endpoint on loopback (its own auth: the access token)."""

    def __init__(self, fake: ShopifyFake) -> None:
        super().__init__()
        self.fake = fake
        self.route("POST", "/admin/api/{version}/graphql.json", self._graphql, auth=False)

    def _graphql(self, request: Request) -> Reply:
        headers = CaseInsensitiveDict(request.headers)  # HTTP header names ignore case
        status, headers, body = graphql_reply(self.fake, SimpleNamespace(
            headers=headers, body=request.body))
        return Reply(status, body.encode("utf-8"), headers)


def _shop(clock: VirtualClock) -> LocalShop:
    shop = LocalShop(connect(":memory:"), clock)
    shop.add_location(WAREHOUSE)
    sizes = ("S", "M", "L")
    shop.upsert_product(Product(
        handle="fern-tee", title="Fern Tee", vendor="Fernhill", product_type="Shirts",
        body_html='<p onclick="x()">Organic <b>cotton</b>.</p><script>alert(1)</script>',
        options=[Option("Size", sizes)],
        variants=[Variant(sku=f"TEE-{size}", price=Decimal("25.00"), options={"Size": size},
                          title=size, inventory_quantity=5, position=n)
                  for n, size in enumerate(sizes, start=1)]), stock_at=WAREHOUSE)
    shop.upsert_product(Product(
        handle="moss-mug", title="Moss Mug", vendor="Fernhill", product_type="Mugs",
        variants=[Variant(sku="MUG-1", price=Decimal("14.50"), inventory_quantity=12)]),
        stock_at=WAREHOUSE)
    return shop


@dataclass
class Cloud:
    """moto on loopback with the stack's resources, the Shopify and HubDB fakes, and env."""

    env: dict[str, str]
    functions: dict[str, dict[str, str]]
    aws: dict[str, Any]
    hubdb: HubDBFake
    shop: LocalShop


@pytest.fixture(scope="module")
def cloud(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cloud]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}
    aws = {name: boto3.client(name, endpoint_url=endpoint, region_name=REGION,
                              aws_access_key_id="testing", aws_secret_access_key="testing")
           for name in ("dynamodb", "sqs", "secretsmanager", "s3")}
    state, idempotency = create_tables(aws["dynamodb"])
    dlq = aws["sqs"].create_queue(QueueName="hubshop-events-dlq")["QueueUrl"]
    queue = aws["sqs"].create_queue(QueueName="hubshop-events")["QueueUrl"]
    aws["s3"].create_bucket(Bucket="fernhill-wms",
                            CreateBucketConfiguration={"LocationConstraint": REGION})
    aws["s3"].put_object(Bucket="fernhill-wms", Key="stock/2026-11-25.csv", Body=FEED.encode())
    config = tmp_path_factory.mktemp("config") / "hubshop.toml"
    config.write_text(TOML, encoding="utf-8")
    clock = VirtualClock()
    shop = _shop(clock)
    shopify = ShopifyFake(shop, clock, base_url=f"https://{STORE}")
    secret = aws["secretsmanager"].create_secret
    push = secret(Name="hubshop/push-key", SecretString=PUSH_KEY)["ARN"]
    with ShopifyServer(shopify) as shopify_server, HubDBFake() as hubdb:
        shopify_secret = secret(Name="hubshop/shopify", SecretString=json.dumps(
            {"access_token": shopify.token, "client_id": CONSOLE_CLIENT_ID,
             "client_secret": WEBHOOK_SECRET}))["ARN"]
        warehouse = secret(Name="hubshop/warehouse",
                           SecretString=json.dumps({"api_key": "unused"}))["ARN"]
        hubspot = secret(Name="hubshop/hubspot",
                         SecretString=json.dumps({"access_token": hubdb.token}))["ARN"]
        env = {
            "PATH": "/usr/bin:/bin", "HOME": str(tmp_path_factory.mktemp("home")),
            **credentials, "AWS_ENDPOINT_URL": endpoint,
            "SHOPIFY_STORE": STORE, "SHOPIFY_ADMIN_URL": shopify_server.url,
            "HUBSPOT_API_BASE": hubdb.url, "WAREHOUSE_FEED": "s3://fernhill-wms/stock/",
            "HUBSHOP_HOME": "/tmp/hubshop", "HUBSHOP_CONFIG": str(config),
            "HUBSHOP_STATE_TABLE": state,
            "HUBSHOP_IDEMPOTENCY_TABLE": idempotency, "HUBSHOP_EVENTS_QUEUE_URL": queue,
            "POWERTOOLS_SERVICE_NAME": "hubshop-inventory", "POWERTOOLS_LOG_LEVEL": "WARNING",
            "POWERTOOLS_METRICS_NAMESPACE": "Hubshop",
        }
        functions = {  # each function's own variables, as template.yaml gives them
            "sync.service.http_handler": {"HUBSHOP_PUSH_KEY_SECRET": push,
                                          "HUBSHOP_SHOPIFY_SECRET": shopify_secret},
            "sync.service.queue_handler": {"HUBSHOP_SHOPIFY_SECRET": shopify_secret,
                                           "HUBSHOP_WAREHOUSE_SECRET": warehouse},
            "sync.service.schedule_handler": {"HUBSHOP_SHOPIFY_SECRET": shopify_secret,
                                              "HUBSHOP_WAREHOUSE_SECRET": warehouse,
                                              "HUBSHOP_DEAD_LETTER_QUEUE_URL": dlq},
            "sync.service.rotation_handler": {},
            "sync.service.console_handler": {"HUBSHOP_SHOPIFY_SECRET": shopify_secret,
                                             "HUBSHOP_WAREHOUSE_SECRET": warehouse,
                                             "HUBSHOP_DEAD_LETTER_QUEUE_URL": dlq,
                                             "HUBSHOP_STACK_NAME": "hubshop-smoke"},
            "sync.site_refresh.handler": {"HUBSHOP_SHOPIFY_SECRET": shopify_secret,
                                          "HUBSHOP_HUBSPOT_SECRET": hubspot},
        }
        yield Cloud(env, functions, {**aws, "push": push, "queue": queue, "state": state,
                                     "rotation": _rotation_function(endpoint)}, hubdb, shop)
    moto.stop()


def _rotation_function(endpoint: str) -> str:
    """The rotation function as registered in moto (its invocations are routed to the package)."""
    def client(name: str) -> Any:
        return boto3.client(name, endpoint_url=endpoint, region_name=REGION,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    role = client("iam").create_role(RoleName="rotation", AssumeRolePolicyDocument="{}")
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context): pass\n")
    return client("lambda").create_function(
        FunctionName="hubshop-key-rotation", Runtime="python3.12", Role=role["Role"]["Arn"],
        Handler="sync.service.rotation_handler.handler", Code={"ZipFile": code.getvalue()},
    )["FunctionArn"]


def _invoke(built: Built, cloud: Cloud, package: str, handler: str, event: Path) -> dict:
    root = built.root / package
    done = subprocess.run(
        [str(RUNTIME), "-I", "-S", "-c", _RUNNER, str(root), str(built.root / ".runtime"),
         handler, str(event)],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
        env={**cloud.env, **cloud.functions[handler], "LAMBDA_TASK_ROOT": str(root),
             "AWS_LAMBDA_FUNCTION_NAME": handler.rsplit(".", 2)[-2]})
    lines = [line for line in done.stdout.splitlines() if line.startswith("SMOKE ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:] + done.stdout[-2000:]
    result = json.loads(lines[-1][len("SMOKE "):])
    assert result["elsewhere"] == [], "modules from outside the package and the runtime"
    print(f"{package:<9} {handler:<32} import {result['import_s']:.2f} s,"
          f" invoke {result['invoke_s']:.2f} s")
    return result["answer"]


def test_each_package_is_built_with_3_12_bytecode_and_imports_clean(built: Built) -> None:
    # then the build's own clean-interpreter import passed for both, and ships .pyc for 3.12
    assert built.log.count('clean import: {"import_seconds"') == 2, built.log
    for package in ("inventory", "site"):
        root = built.root / package
        sources = list((root / "sync").rglob("*.py"))
        compiled = list((root / "sync").rglob("__pycache__/*.cpython-312.pyc"))
        assert sources and len(compiled) == len(sources), package
        assert not (root / "boto3").exists(), "boto3 comes with the runtime, not the package"
    assert (built.root / "site" / "nh3").is_dir() and (built.root / "site" / "bs4").is_dir()
    assert not (built.root / "inventory" / "hubspot").exists()


def test_the_http_function_takes_a_warehouse_push(built: Built, cloud: Cloud) -> None:
    # when
    answer = _invoke(built, cloud, "inventory", "sync.service.http_handler",
                     EVENTS / "apigw_stock_push.json")
    # then the push was accepted and its valid records queued for the consumer
    assert answer["statusCode"] == 202, answer
    queued = cloud.aws["sqs"].receive_message(QueueUrl=cloud.aws["queue"],
                                              MaxNumberOfMessages=10)["Messages"]
    assert json.loads(queued[0]["Body"])["kind"] == "stock"


def test_the_consumer_processes_a_recorded_batch(built: Built, cloud: Cloud) -> None:
    # when
    answer = _invoke(built, cloud, "inventory", "sync.service.queue_handler",
                     EVENTS / "sqs_events_batch.json")
    # then only the bogus message is reported failed; the stock record reached Shopify
    assert [f["itemIdentifier"] for f in answer["batchItemFailures"]] == \
        [_message_ids(EVENTS / "sqs_events_batch.json")[-1]], answer
    assert _available(cloud.shop, "TEE-S") == 7  # on_hand 7, allocated 0 in the recorded event


def test_the_nightly_reconcile_runs_against_the_s3_feed(built: Built, cloud: Cloud) -> None:
    # when
    answer = _invoke(built, cloud, "inventory", "sync.service.schedule_handler",
                     EVENTS / "scheduler_nightly_reconcile.json")
    # then the feed's two changed figures were written to Shopify, nothing refused
    assert (answer["kind"], answer["written"], answer["unchanged"]) == ("reconcile", 2, 2), answer
    assert answer["problems"] == 0 and answer["rejected"] == [], answer


def test_secrets_manager_rotates_the_push_key_through_the_packaged_function(
    built: Built, cloud: Cloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given moto's Secrets Manager calls the packaged rotation function for each step
    from moto.awslambda.models import LambdaBackend

    steps: list[str] = []

    def invoke(self: Any, function_name: str, qualifier: Any, body: Any, headers: Any,
               response_headers: Any) -> bytes:
        event = tmp_path / f"step{len(steps)}.json"
        event.write_text(body if isinstance(body, str) else body.decode(), encoding="utf-8")
        steps.append(_invoke(built, cloud, "inventory", "sync.service.rotation_handler",
                             event)["step"])
        return b"null"

    monkeypatch.setattr(LambdaBackend, "invoke", invoke)
    secrets = cloud.aws["secretsmanager"]
    # when a rotation starts, as the stack's rotation schedule does
    secrets.rotate_secret(SecretId=cloud.aws["push"], RotationLambdaARN=cloud.aws["rotation"],
                          RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=True)
    # then every step ran in the package, a new key is current and the old one previous
    assert steps == ["createSecret", "setSecret", "testSecret", "finishSecret"]
    current = secrets.get_secret_value(SecretId=cloud.aws["push"])["SecretString"]
    previous = secrets.get_secret_value(SecretId=cloud.aws["push"], VersionStage="AWSPREVIOUS")
    assert current != PUSH_KEY and previous["SecretString"] == PUSH_KEY


def test_the_site_function_writes_marked_products_to_hubdb(built: Built, cloud: Cloud) -> None:
    # given a product the inventory side marked
    product = cloud.shop.list_products()[0]
    cloud.aws["dynamodb"].put_item(TableName=cloud.aws["state"], Item={
        "pk": {"S": "product"}, "sk": {"S": product.id},
        "at": {"S": "2026-11-25T12:30:00+00:00"}})
    marks = cloud.aws["dynamodb"].query(
        TableName=cloud.aws["state"], KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "product"}})["Count"]
    # when
    answer = _invoke(built, cloud, "site", "sync.site_refresh.handler",
                     EVENTS / "scheduler_site_refresh.json")
    # then every marked product (this one, and those the stock events marked) has its row,
    # its description sanitised by the packaged nh3
    assert answer["products"] == marks, answer
    rows = cloud.hubdb.hubdb.rows("products", draft=True)["results"]
    (row,) = [r for r in rows if r["values"].get("shopify_id") == product.id]
    assert row["values"]["description"] == "<p>Organic <b>cotton</b>.</p>"


def test_the_console_function_serves_the_page_to_a_valid_session_token_only(
    built: Built, cloud: Cloud, tmp_path: Path
) -> None:
    # given the recorded page load with an App Bridge session token signed by the app's
    # client secret (valid now: the packaged handler checks it against the real clock),
    # and the same load with a token signed by someone else
    import time

    import jwt

    now = int(time.time())
    claims = {"iss": f"https://{STORE}/admin", "dest": f"https://{STORE}",
              "aud": CONSOLE_CLIENT_ID, "sub": "74", "exp": now + 60, "nbf": now, "iat": now,
              "jti": "0c1d", "sid": "9e8f"}
    recorded = (EVENTS / "apigw_console_page.json").read_text(encoding="utf-8")
    good, forged = tmp_path / "good.json", tmp_path / "forged.json"
    good.write_text(recorded.replace(
        "SESSION_TOKEN", jwt.encode(claims, WEBHOOK_SECRET, algorithm="HS256")), "utf-8")
    forged.write_text(recorded.replace("SESSION_TOKEN", jwt.encode(
        claims, "a-guessed-secret-0123456789abcdef", algorithm="HS256")), "utf-8")
    # when
    page = _invoke(built, cloud, "inventory", "sync.service.console_handler", good)
    refused = _invoke(built, cloud, "inventory", "sync.service.console_handler", forged)
    # then the page shows the service's state and Shopify's payouts; the forgery learns nothing
    assert page["statusCode"] == 200, page
    body = page["body"]
    assert "stack hubshop-smoke (AWS)" in body and '<h2 id="pay">Payouts</h2>' in body
    assert "unavailable" not in body and "no API to start a withdrawal" in body, body[-3000:]
    assert "Drift is unknown" not in body, body[-3000:]
    assert (refused["statusCode"], refused["body"]) == (401, "Unauthorized")


def _available(shop: LocalShop, sku: str) -> int:
    (variant,) = [v for p in shop.list_products() for v in p.variants if v.sku == sku]
    (level,) = [x for x in shop.levels() if x.inventory_item_id == variant.inventory_item_id]
    return level.available


def _message_ids(path: Path) -> list[str]:
    return [r["messageId"] for r in json.loads(path.read_text(encoding="utf-8"))["Records"]]
