"""HubSpot's CMS Source Code API v3 (the design manager's files) through the official SDK.

Every call goes through the account's shared :class:`HubSpotClient`, so theme
uploads draw from the same 190-per-10-seconds pacer as catalog writes and are
retried on 429/5xx by ``sync.plumbing.retry``. Responses are read raw so the
uploader sees HubSpot's JSON as sent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sync.hubspot.client import HubSpotClient
from sync.hubspot.errors import HubSpotError, hubspot_error

CONTENT = "cms.source_code.content_api"
METADATA = "cms.source_code.metadata_api"
VALIDATION = "cms.source_code.validation_api"
ENVIRONMENTS = ("draft", "published")


class SourceCode:
    """Files of one environment (``draft`` or ``published``) of one account's design manager."""

    def __init__(self, client: HubSpotClient, environment: str = "draft") -> None:
        if environment not in ENVIRONMENTS:
            raise ValueError(f"environment must be draft or published, not {environment!r}")
        self.client = client
        self.environment = environment

    def upload(self, remote_path: str, local_file: Path) -> dict[str, Any]:
        """``PUT …/content/{path}`` (multipart ``file``): create or replace; returns metadata."""
        return self._sdk("upload file", CONTENT, "create_or_update", remote_path,
                         file=str(local_file)) or {}

    def validate(self, remote_path: str, local_file: Path) -> list[str]:
        """``POST …/validate/{path}``: HubSpot's own check; returns its messages (empty = ok)."""
        try:
            self._sdk("validate file", VALIDATION, "do_validate", remote_path,
                      file=str(local_file))
        except HubSpotError as exc:
            if exc.status != 400:
                raise
            details = [e.get("message", "") for e in exc.body.get("errors") or []]
            return [d for d in details if d] or [str(exc.body.get("message") or exc)]
        return []

    def metadata(self, remote_path: str) -> dict[str, Any] | None:
        """``GET …/metadata/{path}``: ``{id, name, folder, children, hash, …}`` or ``None``."""
        try:
            return self._sdk("read metadata", METADATA, "get", remote_path)
        except HubSpotError as exc:
            if exc.status == 404:
                return None
            raise

    def delete(self, remote_path: str) -> None:
        """``DELETE …/content/{path}``; a file already gone is fine."""
        try:
            self._sdk("delete file", CONTENT, "archive", remote_path)
        except HubSpotError as exc:
            if exc.status != 404:
                raise

    def list_files(self, folder: str) -> dict[str, str]:
        """Every file under ``folder`` (recursively) → its ``hash``; empty if the folder is new."""
        found: dict[str, str] = {}
        pending = [folder.strip("/")]
        while pending:
            path = pending.pop()
            meta = self.metadata(path)
            if meta is None:
                continue
            if meta.get("folder"):
                pending += [f"{path}/{child}" for child in meta.get("children") or []]
            else:
                found[path] = str(meta.get("hash") or "")
        return found

    def _sdk(self, what: str, api: str, method: str, remote_path: str, **kwargs: Any) -> Any:
        if method == "do_validate":
            fn, args = self._validate_call, (remote_path,)
        else:
            fn, args = getattr(self.client.api(api), method), (self.environment, remote_path)
        try:
            response = self.client.call(what, fn, *args, _preload_content=False, **kwargs)
        except Exception as exc:
            status = getattr(exc, "status", None)
            if type(exc).__name__.endswith("Exception") and isinstance(status, int):
                body = getattr(exc, "body", "") or ""
                text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
                raise hubspot_error(status, text, what=what, where=remote_path) from None
            raise
        data = response.data
        return json.loads(data) if data else None

    def _validate_call(self, remote_path: str, *, file: str, _preload_content: bool) -> Any:
        """``ValidationApi.do_validate`` through the SDK's own transport.

        hubspot-api-client 12's generated ``do_validate`` takes no ``environment``
        and sends the literal ``{environment}`` in the URL; the same request with
        both path parameters filled is made here with the SDK's ``call_api``.
        """
        api_client = self.client.api(VALIDATION).api_client
        return api_client.call_api(
            "/cms/v3/source-code/{environment}/validate/{path}", "POST",
            {"environment": self.environment, "path": remote_path}, [],
            {"Accept": "*/*", "Content-Type": "multipart/form-data"},
            body=None, post_params=[], files={"file": file}, response_types_map={},
            auth_settings=["oauth2"], _return_http_data_only=True,
            _preload_content=_preload_content,
        )
