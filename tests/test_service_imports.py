"""Import hygiene of the Lambda handlers: no HubSpot SDK, no Jinja2, and a quick cold import.

Each check runs in a fresh interpreter, as a Lambda cold start does. The
time budget is the issue's: handler import under 400 ms with boto3 at about
200 ms, i.e. at most twice boto3's own import on the same machine — a ratio
of CPU times, so a slow or busy CI machine does not fail it for the wrong reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HANDLERS = (
    "sync.service.http_handler",
    "sync.service.queue_handler",
    "sync.service.schedule_handler",
    "sync.service.rotation_handler",
    "sync.service.console_handler",
)
FORBIDDEN = ("hubspot", "jinja2", "click", "sync.cli", "sync.site", "sync.hubspot")

_PROBE = """
import json, sys, time
started = time.process_time()
for name in sys.argv[1:]:
    __import__(name)
elapsed = time.process_time() - started
print(json.dumps({"seconds": elapsed, "modules": sorted(sys.modules)}))
"""


def _import(*modules: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE, *modules], capture_output=True,
                         text=True, check=True, timeout=120)
    return json.loads(out.stdout)


@pytest.mark.parametrize("handler", HANDLERS)
def test_importing_a_handler_loads_neither_hubspot_nor_jinja2(handler: str) -> None:
    # given a fresh interpreter / when it imports the handler module
    loaded = _import(handler)["modules"]
    # then none of the heavy or unrelated packages came with it
    for name in FORBIDDEN:
        assert not [m for m in loaded if m == name or m.startswith(name + ".")], name


def test_the_consumer_after_its_first_batch_still_has_no_hubspot() -> None:
    # what the consumer imports lazily on its first batch counts too
    loaded = _import("sync.service.queue_handler", "sync.service.consumer",
                     "aws_lambda_powertools.utilities.batch",
                     "aws_lambda_powertools.utilities.idempotency",
                     "aws_lambda_powertools.utilities.parameters", "sync.jobs.inventory",
                     "sync.service.dynamo_state", "sync.shopify.client",
                     "sync.warehouse.rest", "sync.warehouse.csv_drop")["modules"]
    assert "hubspot" not in loaded and "jinja2" not in loaded
    assert not [m for m in loaded if _is_demo(m)]


DEMO_MODULES = ("sync.local.demo", "sync.demo")


def _is_demo(name: str) -> bool:
    return any(name == d or name.startswith(d + ".") for d in DEMO_MODULES)


@pytest.mark.parametrize("handler", HANDLERS)
def test_importing_a_handler_and_its_wiring_loads_no_demo_module(handler: str) -> None:
    # given a fresh interpreter / when it imports the handler and everything an event
    # makes it import (the AWS wiring, the composition layer and both warehouse adapters)
    loaded = _import(handler, "sync.service.aws", "sync.service.work",
                     "sync.service.scheduled", "sync.service.consumer", "sync.jobs.inventory",
                     "sync.warehouse.rest", "sync.warehouse.csv_drop",
                     "sync.service.http_edge")["modules"]
    # then no demo code came with it (the Lambda build deletes the demo data)
    assert not [m for m in loaded if _is_demo(m)]


@pytest.mark.slow
def test_cold_import_costs_at_most_twice_boto3(capsys: pytest.CaptureFixture[str]) -> None:
    # given boto3's own cold import time on this machine, and (interleaved with it, so
    # a burst of load elsewhere hits both alike) each handler module imported cold with
    # boto3 (which the first event needs anyway; handlers create their clients lazily)
    boto3_runs: list[float] = []
    runs: dict[str, list[float]] = {h: [] for h in HANDLERS}
    for _ in range(2):
        for handler in HANDLERS:
            boto3_runs.append(_import("boto3")["seconds"])
            runs[handler].append(_import("boto3", handler)["seconds"])
    boto3_alone = min(boto3_runs)
    times = {h: min(t) for h, t in runs.items()}
    # then each stays within the issue's budget (400 ms against boto3's 200 ms)
    with capsys.disabled():
        each = ", ".join(f"boto3 + {h.rsplit('.', 1)[1]} {t * 1000:.0f} ms"
                         for h, t in times.items())
        print(f"\n  cold import (CPU): boto3 alone {boto3_alone * 1000:.0f} ms; {each}")
    for handler, seconds in times.items():
        assert seconds <= 2 * boto3_alone, (handler, seconds, boto3_alone)


def test_handlers_only_take_over_hubshops_logging_inside_lambda() -> None:
    # given a handler imported in an ordinary process, and one in a Lambda-like process
    probe = ("import logging, sync.service.http_handler; "
             "print(len(logging.getLogger('sync').handlers))")
    plain = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True, timeout=120, env={**os.environ,
                                                          "AWS_LAMBDA_FUNCTION_NAME": ""})
    in_lambda = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                               check=True, timeout=120,
                               env={**os.environ, "AWS_LAMBDA_FUNCTION_NAME": "hubshop-http"})
    # then only the Lambda one routes sync.* through Powertools' JSON handler
    assert plain.stdout.strip() == "0"
    assert in_lambda.stdout.strip() == "1"
