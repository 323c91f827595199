"""The HTTP edge: API Gateway HTTP API (payload v2) requests in, queue messages and answers out.

Routing is Powertools' ``APIGatewayHttpResolver``; three routes do work:
``POST /webhooks/shopify`` (HMAC-checked, then the body is cut down to what
the engine needs and queued), ``POST /warehouse/stock`` (API key, then every
line is checked and the good ones queued, the bad ones answered with reasons,
the first 100 and a count) and ``POST /reconcile`` (API key, queues a
reconcile). Nothing slow happens here: Shopify wants an answer within five
seconds, and the consumer behind the queue retries what fails. The same
function serves Lambda and ``hubshop serve``; only the :class:`Edge` differs.
Values the caller sent (SKUs, topics, paths) are clipped before they are
echoed or logged (:mod:`sync.service.echo`).
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from sync.inventory.policy import Policy
from sync.inventory.records import parse_records
from sync.model.stock import Rejection
from sync.service import settings as S
from sync.service.decisions_log import log_rejections
from sync.service.echo import capped, clip
from sync.service.messages import Message, ReconcileMessage, StockMessage, WebhookMessage
from sync.service.payloads import minimise
from sync.service.signatures import verify

log = logging.getLogger(__name__)

METHODS = {S.ROUTE_WEBHOOKS: "POST", S.ROUTE_STOCK: "POST", S.ROUTE_RECONCILE: "POST",
           S.ROUTE_HEALTH: "GET"}


class NotAccepted(Exception):
    """The queue could not take the messages now; the caller is told to send again (503)."""


@dataclass
class Edge:
    """What the HTTP edge needs from where it runs.

    ``check_key``: is this the warehouse's API key (any live stage)?
    ``webhook_secrets``: the Shopify app's signing secrets, current first.
    ``send``: put messages on the queue (SQS, or ``serve``'s SQLite queue); it
    returns only once they are durable, or raises (:class:`NotAccepted`: 503).
    ``known_skus``: which of these SKUs the store has, where the edge can tell
    cheaply (``hubshop serve``'s local store); None leaves it to the consumer,
    which rejects and logs unknown SKUs (the Lambda edge must answer within
    Shopify's and the warehouse's timeouts without reading Shopify).
    ``health``: what ``GET /health`` adds (``serve``: queue and dead-letter depths).
    """

    check_key: Callable[[str | None], bool]
    webhook_secrets: Callable[[], Sequence[str]]
    send: Callable[[list[Message]], None]
    policy: Policy
    fields: Mapping[str, str]
    known_skus: Callable[[list[str]], Collection[str]] | None = None
    health: Callable[[], Mapping[str, Any]] | None = None


_local = threading.local()  # one resolver per thread (its context is per instance) ...
# ... but Powertools keeps the current event on the BaseRouter class, shared by every
# resolver: two threads resolving at once (``serve``'s pool) could read each other's body
# and headers, so a resolve holds this lock throughout (a Lambda never waits on it)
_resolving = threading.Lock()


def handle_http(event: Mapping[str, Any], edge: Edge, context: Any = None) -> dict[str, Any]:
    """Answer one API Gateway HTTP API (v2) event."""
    app = getattr(_local, "app", None)
    if app is None:
        app = _local.app = _resolver()
    event = dict(event)
    path = str(event.get("rawPath") or "/").rstrip("/") or "/"
    event["rawPath"] = path
    with _resolving:
        app.append_context(edge=edge)
        try:
            response = app.resolve(event, context)
        finally:
            app.clear_context()
    method = event.get("requestContext", {}).get("http", {}).get("method", "GET").upper()
    log.info("http %s %s -> %s", clip(method), clip(path), response["statusCode"],
             extra={"route": clip(path), "status": response["statusCode"]})
    return response


def answer(status: int, data: Mapping[str, Any], headers: Mapping[str, str] | None = None
           ) -> Response:
    """A JSON answer (keys sorted, so answers compare byte for byte)."""
    return Response(status_code=status, content_type="application/json",
                    body=json.dumps(data, sort_keys=True, default=str), headers=dict(headers or {}))


def _resolver() -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver()

    def request() -> tuple[bytes, dict[str, str], Edge, str] | Response:
        current = app.current_event
        raw = current.get("body") or ""
        body = base64.b64decode(raw) if current.get("isBase64Encoded") else (
            raw.encode("utf-8") if isinstance(raw, str) else bytes(raw))
        if len(body) > S.MAX_BODY_BYTES:
            return answer(413, {"error": f"body over {S.MAX_BODY_BYTES:,} bytes; send it in parts"})
        headers = {str(k).lower(): str(v) for k, v in (current.get("headers") or {}).items()}
        # API Gateway's id is unique per request: with the chunk number it keys each queued
        # message, so Powertools' idempotency drops redeliveries but never a later push that
        # happens to carry the same figures (5 -> 4 -> 5 must end at 5)
        request_id = str(current.get("requestContext", {}).get("requestId") or "") \
            or uuid.uuid4().hex
        return body, headers, app.context["edge"], request_id

    def route(work: Callable[..., Response]) -> Callable[[], Response]:
        def run() -> Response:
            got = request()
            if isinstance(got, Response):
                return got
            try:
                return work(*got)
            except NotAccepted as exc:
                log.warning("not accepted: %s", exc)
                return answer(503, {"error": "the queue cannot take it now; send it again"},
                              {"Retry-After": "1"})
        run.__name__ = work.__name__
        return run

    app.post(S.ROUTE_WEBHOOKS)(route(_webhook))
    app.post(S.ROUTE_STOCK)(route(_stock))
    app.post(S.ROUTE_RECONCILE)(route(_reconcile))

    @app.get(S.ROUTE_HEALTH)
    def health() -> Response:
        edge: Edge = app.context["edge"]
        extra = dict(edge.health()) if edge.health is not None else {}
        return answer(200, {"ok": True, **extra})

    @app.not_found
    def not_found(_: NotFoundError) -> Response:
        path = app.current_event.path
        if path in METHODS:
            return answer(405, {"error": f"{path} takes {METHODS[path]}"})
        return answer(404, {"error": f"no route {clip(path)}"})

    return app


def _webhook(body: bytes, headers: Mapping[str, str], edge: Edge, _: str) -> Response:
    # the signature first: with a bad one, nothing of the body is read
    if not verify(body, headers.get(S.HMAC_HEADER), edge.webhook_secrets()):
        log.warning("webhook refused: bad or missing HMAC signature")
        return answer(401, {"error": "invalid webhook signature"})
    topic = headers.get(S.TOPIC_HEADER, "")
    webhook_id = headers.get(S.WEBHOOK_ID_HEADER) or headers.get(S.EVENT_ID_HEADER)
    if not topic or not webhook_id:
        return answer(400, {"error": f"missing {S.TOPIC_HEADER} or {S.WEBHOOK_ID_HEADER} header"})
    if topic not in S.WEBHOOK_TOPICS:
        log.info("webhook topic %s ignored", clip(topic), extra={"topic": clip(topic)})
        return answer(200, {"ignored": clip(topic)})
    if len(webhook_id) > S.MAX_WEBHOOK_ID_CHARS:
        return answer(400, {"error": f"{S.WEBHOOK_ID_HEADER} is longer than "
                                     f"{S.MAX_WEBHOOK_ID_CHARS} characters"})
    payload, problem = parse_json(body)
    if problem:
        return answer(400, {"error": problem})
    if not isinstance(payload, dict):
        return answer(400, {"error": "body is not a JSON object"})
    edge.send([WebhookMessage(f"webhook:{webhook_id}", topic, webhook_id,
                              minimise(topic, payload))])
    log.info("webhook %s queued", topic, extra={"topic": topic, "webhook_id": webhook_id})
    return answer(200, {"queued": topic})


def _stock(body: bytes, headers: Mapping[str, str], edge: Edge, request_id: str) -> Response:
    if not edge.check_key(headers.get(S.API_KEY_HEADER)):
        log.warning("warehouse push refused: bad or missing API key")
        return answer(401, {"error": f"missing or wrong {S.API_KEY_HEADER} header"})
    data, problem = parse_json(body)
    if problem:
        return answer(400, {"error": problem})
    rows = data.get("records") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        return answer(400, {"error": 'body must be a JSON list of records or {"records": [...]}'})
    try:
        good, rejected = _check_lines(rows, edge)
    except _LineError as exc:
        return answer(400, {"error": clip(str(exc), 300)})
    if edge.known_skus is not None and good:
        known = set(edge.known_skus(sorted({r.sku for r in good})))
        rejected += [Rejection(r.where, r.sku, "unknown SKU: the store has no variant with it")
                     for r in good if r.sku not in known]
        good = [r for r in good if r.sku in known]
    records = good
    chunks = [records[i:i + S.RECORDS_PER_MESSAGE]
              for i in range(0, len(records), S.RECORDS_PER_MESSAGE)]
    edge.send([StockMessage(f"stock:{request_id}:{number}", chunk, f"push {request_id}")
               for number, chunk in enumerate(chunks)])
    status = 202 if records or not rejected else 422
    log_rejections(rejected, stage="edge")
    log.info("warehouse push: %d accepted, %d rejected", len(records), len(rejected),
             extra={"accepted": len(records), "rejected": len(rejected)})
    return answer(status, {"accepted": len(records), "messages": len(chunks),
                           **capped(rejected)})


def _reconcile(body: bytes, headers: Mapping[str, str], edge: Edge, request_id: str
               ) -> Response:
    if not edge.check_key(headers.get(S.API_KEY_HEADER)):
        return answer(401, {"error": f"missing or wrong {S.API_KEY_HEADER} header"})
    skus = None
    if body.strip():
        data, problem = parse_json(body)
        if problem:
            return answer(400, {"error": f'{problem}; send nothing or {{"skus": ["SKU", ...]}}'})
        skus = data.get("skus") if isinstance(data, dict) else None
        if skus is not None and not (isinstance(skus, list)
                                     and all(isinstance(s, str) and s for s in skus)):
            return answer(400, {"error": '"skus" must be a list of SKU strings'})
    edge.send([ReconcileMessage(f"reconcile:{request_id}", skus)])
    shown = [clip(s) for s in skus[:MAX_SHOWN]] if skus is not None else None
    return answer(202, {"queued": "reconcile", "skus": shown,
                        **({"skus_count": len(skus)} if skus and len(skus) > MAX_SHOWN else {})})


MAX_SHOWN = 100


def parse_json(body: bytes) -> tuple[Any, str]:
    """``(data, "")``, or ``(None, why)`` for a body no route should try to use.

    Besides syntax, Python's JSON reader refuses integers of more than 4,300
    digits (ValueError) and runs out of stack on deep nesting (RecursionError);
    anything nested deeper than :data:`~sync.service.settings.MAX_JSON_DEPTH`
    is refused too, since no payload of ours needs it.
    """
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        return None, f"body is not JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
    except UnicodeDecodeError:
        return None, "body is not UTF-8 JSON"
    except ValueError as exc:  # int digits limit
        return None, f"body is not usable JSON: {str(exc).split(';')[0]}"
    except RecursionError:
        return None, f"body is nested more than {S.MAX_JSON_DEPTH} levels deep"
    if _depth(data) > S.MAX_JSON_DEPTH:
        return None, f"body is nested more than {S.MAX_JSON_DEPTH} levels deep"
    return data, ""


def _depth(data: Any) -> int:
    """How deep lists and objects nest (iterative: the value itself may be deep)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, level)
            if level <= S.MAX_JSON_DEPTH:
                stack.extend((v, level + 1) for v in value)
    return deepest


class _LineError(ValueError):
    """A line the record parser cannot even judge (named with its place)."""


def _check_lines(rows: list[Any], edge: Edge) -> tuple[list[Any], list[Any]]:
    """Every line checked; a line the parser chokes on is named with its place and reason."""
    options = {"ceiling": edge.policy.quantity_ceiling, "locations": edge.policy.location_map,
               "fields": edge.fields}
    try:
        return parse_records(rows, source="body", **options)
    except (ValueError, OverflowError, RecursionError):
        pass
    for index, row in enumerate(rows):  # find the line, to name it
        try:
            parse_records([row], source="body", **options)
        except (ValueError, OverflowError, RecursionError) as exc:
            reason = str(exc).split(";")[0] or type(exc).__name__
            raise _LineError(f"body[{index}]: {reason}") from None
    raise _LineError("the lines could not be checked")
