"""The HTTP face of the fake on a ``responses`` mock: GraphQL, the token grant, bulk files."""

from __future__ import annotations

import json
import re
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import responses

if TYPE_CHECKING:
    from .fake import ShopifyFake

TOKEN_LIFETIME = 86399
GRANTED_SCOPE = "read_products,write_products,read_inventory,write_inventory,read_locations"
UNAUTHORIZED = "[API] Invalid API key or access token (unrecognized login or wrong password)"
DEPRECATION_HEADER = "X-Shopify-API-Deprecated-Reason"

Reply = tuple[int, dict[str, str], str]


def install(fake: ShopifyFake, mock: responses.RequestsMock) -> None:
    """Register the fake's three endpoints on ``mock`` (a ``responses.RequestsMock``)."""
    mock.add_callback(
        responses.POST, fake.graphql_url, callback=lambda r: graphql_reply(fake, r)
    )
    mock.add_callback(
        responses.POST,
        f"{fake.base_url}/admin/oauth/access_token",
        callback=lambda r: token_reply(fake, r),
    )
    mock.add_callback(
        responses.GET,
        re.compile(re.escape(fake.state.bulk_host) + r"/.*"),
        callback=lambda r: bulk_file_reply(fake, r),
    )
    mock.add_callback(
        responses.POST, f"{fake.state.upload_host}/", callback=lambda r: upload_reply(fake, r)
    )


def graphql_reply(fake: ShopifyFake, request: Any) -> Reply:
    """Auth, then any queued transport fault, then :meth:`ShopifyFake.execute`."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if fake.deprecation:
        headers[DEPRECATION_HEADER] = fake.deprecation
    if not _authorized(fake, request.headers.get("X-Shopify-Access-Token")):
        fake.calls.append(_transport_call(fake, "unauthorized", 401))
        return 401, headers, json.dumps({"errors": UNAUTHORIZED})
    fault = fake.faults.pop(transport=True)
    if fault is not None:
        if fault.kind == "lost_response":
            payload = json.loads(request.body or b"{}")
            fake.execute(payload["query"], payload.get("variables") or {},
                         payload.get("operationName"))
            fake.calls[-1].outcome = "lost"
            raise fault.exception()
        fake.calls.append(_transport_call(fake, "fault", fault.status))
        if fault.kind != "http":
            raise fault.exception()
        return fault.status, {**headers, **fault.http_headers()}, json.dumps(fault.http_body())
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return 400, headers, json.dumps({"errors": "Bad Request: body is not JSON"})
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return 400, headers, json.dumps({"errors": {"query": "Required parameter missing"}})
    body = fake.execute(
        payload["query"], payload.get("variables") or {}, payload.get("operationName")
    )
    return 200, headers, json.dumps(body)


def token_reply(fake: ShopifyFake, request: Any) -> Reply:
    """The client-credentials grant: a fresh token valid for 86,399 virtual seconds."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    form = _form(request)
    if form.get("grant_type") != "client_credentials":
        error = {"error": "unsupported_grant_type", "error_description": "use client_credentials"}
        return 400, headers, json.dumps(error)
    if form.get("client_id") != fake.client_id or not secrets.compare_digest(
        form.get("client_secret", ""), fake.client_secret
    ):
        error = {"error": "invalid_client", "error_description": "Client authentication failed"}
        return 401, headers, json.dumps(error)
    token = f"shpat_granted_{len(fake.issued_tokens) + 1:04d}"
    fake.issued_tokens[token] = fake.clock.monotonic() + TOKEN_LIFETIME
    body = {"access_token": token, "scope": GRANTED_SCOPE, "expires_in": TOKEN_LIFETIME}
    return 200, headers, json.dumps(body)


def bulk_file_reply(fake: ShopifyFake, request: Any) -> Reply:
    """A finished bulk operation's JSONL, as Shopify's storage bucket would serve it."""
    content = fake.state.bulk_files.get(request.url.split("?", 1)[0])
    if content is None:
        return 404, {"Content-Type": "application/xml"}, "<Error><Code>NoSuchKey</Code></Error>"
    return 200, {"Content-Type": "application/jsonl"}, content.decode("utf-8")


def upload_reply(fake: ShopifyFake, request: Any) -> Reply:
    """A staged upload: a multipart form whose ``key`` names the file, as S3 takes it."""
    from email.parser import BytesParser
    from email.policy import HTTP

    body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
    head = f"Content-Type: {request.headers.get('Content-Type', '')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    fields: dict[str, bytes] = {}
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        fields[str(name)] = part.get_payload(decode=True) or b""
    key, content = fields.get("key"), fields.get("file")
    if not key or content is None:
        return 400, {"Content-Type": "application/xml"}, "<Error><Code>InvalidArgument</Code>" \
            "<Message>key and file are required</Message></Error>"
    fake.state.staged_uploads[key.decode()] = content
    return 201, {"Content-Type": "application/xml"}, f"<PostResponse><Key>{key.decode()}" \
        "</Key></PostResponse>"


def _authorized(fake: ShopifyFake, token: str | None) -> bool:
    if not token:
        return False
    if secrets.compare_digest(token, fake.token):
        return True
    expires = fake.issued_tokens.get(token)
    return expires is not None and fake.clock.monotonic() < expires


def _form(request: Any) -> dict[str, str]:
    body = request.body or ""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if body.lstrip().startswith("{"):
        try:
            return {k: str(v) for k, v in json.loads(body).items()}
        except ValueError:
            return {}
    return {k: v[0] for k, v in parse_qs(body).items()}


def _transport_call(fake: ShopifyFake, outcome: str, status: int) -> Any:
    from .calls import Call

    return Call(None, [], {}, outcome=outcome, status=status, at=fake.clock.monotonic())
