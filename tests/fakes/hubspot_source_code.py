"""CMS Source Code API v3 routes for the HubDB loopback fake: the design manager's files.

Built from HubSpot's public spec (``sourceCode.json``): ``PUT …/content/{path}``
takes multipart ``file`` and answers ``AssetFileMetadata``; ``GET …/metadata/{path}``
answers it for a file (with ``hash``) or a folder (with ``children``);
``POST …/validate/{path}`` answers an ``Error`` when the file is not valid;
``DELETE …/content/{path}`` answers 204. Usage::

    with HubDBFake(clock=clock) as fake:
        files = add_source_code_routes(fake)
        …
        assert files.files["draft"]["hubshop/theme.json"] == b"{…}"
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from tests.fakes.hubdb_loopback import Reply, Request, error_body
from tests.fakes.hubdb_server import HubDBFake

BASE = "/cms/v3/source-code/{env:draft|published}"


@dataclass
class SourceCodeStore:
    """The fake's file system: environment → path → bytes, plus what validate rejected."""

    clock: Any
    files: dict[str, dict[str, bytes]] = field(
        default_factory=lambda: {"draft": {}, "published": {}})
    created: dict[tuple[str, str], int] = field(default_factory=dict)
    updated: dict[tuple[str, str], int] = field(default_factory=dict)

    def now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    def put(self, request: Request) -> Reply:
        env, path = request.params["env"], request.params["path"]
        content = _multipart_file(request)
        if content is None:
            return Reply(400, error_body("The request needs a multipart 'file' part",
                                         "VALIDATION_ERROR"))
        now = self.now_ms()
        self.created.setdefault((env, path), now)
        self.updated[(env, path)] = now
        self.files[env][path] = content
        return Reply(200, self._file_meta(env, path))

    def metadata(self, request: Request) -> Reply:
        env, path = request.params["env"], request.params["path"].strip("/")
        if path in self.files[env]:
            return Reply(200, self._file_meta(env, path))
        prefix = path + "/"
        children = sorted({p[len(prefix):].split("/", 1)[0]
                           for p in self.files[env] if p.startswith(prefix)})
        if not children:
            return Reply(404, error_body(f"No file or folder at {path}", "OBJECT_NOT_FOUND"))
        now = self.now_ms()
        return Reply(200, {"id": path, "name": path.rsplit("/", 1)[-1], "folder": True,
                           "children": children, "createdAt": now, "updatedAt": now})

    def validate(self, request: Request) -> Reply:
        path = request.params["path"]
        content = _multipart_file(request)
        if content is None:
            return Reply(400, error_body("The request needs a multipart 'file' part",
                                         "VALIDATION_ERROR"))
        problems = _problems(path, content)
        if problems:
            body = error_body(f"{path} is not valid", "VALIDATION_ERROR")
            body["errors"] = [{"message": p} for p in problems]
            return Reply(400, body)
        return Reply(200, None)

    def delete(self, request: Request) -> Reply:
        env, path = request.params["env"], request.params["path"]
        if self.files[env].pop(path, None) is None:
            return Reply(404, error_body(f"No file at {path}", "OBJECT_NOT_FOUND"))
        return Reply(204, None)

    def _file_meta(self, env: str, path: str) -> dict[str, Any]:
        return {"id": path, "name": path.rsplit("/", 1)[-1], "folder": False,
                "hash": hashlib.md5(self.files[env][path]).hexdigest(),  # noqa: S324
                "createdAt": self.created[(env, path)], "updatedAt": self.updated[(env, path)]}


def _multipart_file(request: Request) -> bytes | None:
    kind = request.headers.get("content-type", "")
    if "multipart/form-data" not in kind:
        return None
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {kind}\r\n\r\n".encode() + request.body)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            return part.get_payload(decode=True) or b""
    return None


def _problems(path: str, content: bytes) -> list[str]:
    """What HubSpot's validator would object to that a fake can know: JSON and annotations."""
    text = content.decode("utf-8", "replace")
    if path.endswith(".json"):
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            return [f"line {exc.lineno}: {exc.msg}"]
    if "/templates/" in f"/{path}" and path.endswith(".html") and not re.match(
            r"\s*<!--.*?templateType:", text, re.DOTALL):
        return ["Template is missing its templateType annotation"]
    return []


def add_source_code_routes(fake: HubDBFake) -> SourceCodeStore:
    """Add the Source Code routes to a running or new HubDB fake; returns its file store."""
    store = SourceCodeStore(fake.clock)
    fake.route("GET", f"{BASE}/metadata/{{path:.+}}", store.metadata)
    fake.route("PUT", f"{BASE}/content/{{path:.+}}", store.put)
    fake.route("DELETE", f"{BASE}/content/{{path:.+}}", store.delete)
    fake.route("POST", f"{BASE}/validate/{{path:.+}}", store.validate)
    return store
