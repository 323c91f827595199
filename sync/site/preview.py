"""Serve a theme live on localhost: pages rendered per request, HubDB's public read API, reload.

Unlike the static build, every request is rendered with its own query string,
so the product grid's server-side filters work without JavaScript, and its
JavaScript gets answers from ``/cms/v3/hubdb/tables/{t}/rows`` exactly as it
would from HubSpot's public API: only for a table with ``allowPublicApiAccess``,
else 403, as HubSpot answers an unauthenticated read. Pages reload themselves when a theme file
changes.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from sync.errors import HubshopError
from sync.site.build import (
    SiteOptions,
    asset_files,
    dynamic_table,
    ensure_title,
    make_environment,
    page_content,
)
from sync.site.hubdb_snapshot import SnapshotSource
from sync.site.hubl import HublEnvironment, RequestContext
from sync.site.routes import PageTemplate, page_templates

CHANGES_PATH = "/__hubshop/changes"
_ROWS_PREFIX = "/cms/v3/hubdb/tables/"
RELOAD_SCRIPT = (
    "<script>(function(){var v=null;setInterval(function(){fetch('" + CHANGES_PATH + "')"
    ".then(function(r){return r.json()}).then(function(d){if(v!==null&&d.version!==v)"
    "{location.reload()}v=d.version}).catch(function(){})},1000)}());</script>"
)


class PreviewSite:
    """Answers one request at a time from a theme folder; the HTTP layer stays thin.

    Args:
        theme_dir: the theme root.
        options: as for the build (HubDB source, merged modules, static folders).
        live_reload: inject the script that reloads a page when a file changes.
    """

    def __init__(self, theme_dir: Path, options: SiteOptions, *, live_reload: bool = True) -> None:
        self.theme_dir = Path(theme_dir)
        self.snapshot = SnapshotSource(options.hubdb) if options.hubdb is not None else None
        self.options = replace(options, hubdb=self.snapshot)
        self.live_reload = live_reload
        self._lock = threading.Lock()
        self._version = ""
        self._env: HublEnvironment | None = None
        self._pages: list[PageTemplate] = []

    def version(self) -> str:
        """A fingerprint of every theme and module file's size and modification time."""
        roots = [self.theme_dir, *self.options.modules_dirs]
        stamp = 0
        for root in roots:
            for path in Path(root).rglob("*"):
                if path.is_file():
                    info = path.stat()
                    stamp = hash((stamp, str(path), info.st_mtime_ns, info.st_size))
        return f"{stamp & 0xFFFFFFFFFFFF:x}"

    def _current(self) -> HublEnvironment:
        version = self.version()
        if self._env is None or version != self._version:
            self._env = make_environment(self.theme_dir, self.options)
            self._pages = page_templates(self.theme_dir, self._env.theme_settings)
            self._version = version
        return self._env

    def handle(self, raw_path: str, host: str) -> tuple[int, str, bytes]:
        """``(status, content type, body)`` for a GET of ``raw_path``."""
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        with self._lock:
            if path == CHANGES_PATH:
                return _json(200, {"version": self.version()})
            env = self._current()
            if self.snapshot is not None:
                self.snapshot.refresh()
            if path.startswith(_ROWS_PREFIX):
                return self._rows(path, parts.query)
            asset = self._asset(env, path)
            if asset is not None:
                return asset
            request = RequestContext.from_url(f"http://{host}{raw_path}")
            return self._page(env, path, request)

    def _rows(self, path: str, query: str) -> tuple[int, str, bytes]:
        rest = path[len(_ROWS_PREFIX):].split("/")
        if len(rest) != 2 or rest[1] != "rows" or self.options.hubdb is None:
            return _json(404, {"status": "error", "message": "Not found", "category": "NOT_FOUND"})
        pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "portalId"]
        try:
            if not self.options.hubdb.table(rest[0]).get("allowPublicApiAccess"):
                return _json(403, _not_public(rest[0]))
            body = self.options.hubdb.rows(rest[0], pairs)
        except HubshopError as exc:
            status = int(getattr(exc, "status", 400) or 400)
            return _json(status, {"status": "error", "message": str(exc),
                                  "category": "VALIDATION_ERROR" if status == 400 else "ERROR"})
        return _json(200, body)

    def _asset(self, env: HublEnvironment, path: str) -> tuple[int, str, bytes] | None:
        relative = path.lstrip("/")
        for prefix, folder in self.options.static_dirs.items():
            stem = prefix.strip("/") + "/"
            if relative.startswith(stem):
                candidate = (Path(folder) / relative[len(stem):]).resolve()
                if candidate.is_file() and candidate.is_relative_to(Path(folder).resolve()):
                    return 200, _type(candidate), candidate.read_bytes()
        for source, site_path in asset_files(self.theme_dir, self.options.modules_dirs):
            if site_path != relative:
                continue
            if source.suffix == ".css" and source.is_relative_to(self.theme_dir):
                css = env.render_string(source.read_text(encoding="utf-8"), name=site_path)
                return 200, "text/css; charset=utf-8", css.encode()
            return 200, _type(source), source.read_bytes()
        return None

    def _page(self, env: HublEnvironment, path: str, request: RequestContext
              ) -> tuple[int, str, bytes]:
        url = path if path.endswith((".html", "/")) else path + "/"
        status, page, row = 200, None, None
        for candidate in self._pages:
            if candidate.url == url:
                page = candidate
                break
            prefix = candidate.url.rstrip("/") + "/"
            handle = url[len(prefix):].strip("/")
            if candidate.dynamic and url.startswith(prefix) and handle and "/" not in handle:
                row = self._row(env, handle)
                if row is not None:
                    page = candidate
                    break
        if page is None:
            status = 404
            page = next((p for p in self._pages if p.error_page), None)
            if page is None:
                return 404, "text/plain; charset=utf-8", b"Not found"
        try:
            content = page_content(page, row)
            html = ensure_title(env.render_template(page.template, content=content,
                                                    dynamic_row=row, request=request), content)
        except HubshopError as exc:
            return 500, "text/plain; charset=utf-8", f"{exc}\n".encode()
        if self.live_reload:
            html = html.replace("</body>", RELOAD_SCRIPT + "</body>", 1)
        return status, "text/html; charset=utf-8", html.encode()

    def _row(self, env: HublEnvironment, handle: str) -> dict[str, Any] | None:
        if self.options.hubdb is None:
            return None
        found = self.options.hubdb.rows(dynamic_table(env, self.options),
                                        [("hs_path__eq", handle), ("limit", "1")])
        results = found.get("results") or []
        return results[0] if results else None


def _not_public(table: str) -> dict[str, Any]:
    """HubSpot refuses unauthenticated row reads of a table not opened to the public API."""
    return {"status": "error", "category": "FORBIDDEN",
            "message": f"HubDB table {table!r} does not allow public API access: turn on "
                       "allowPublicApiAccess on the table (the catalog sync creates the "
                       "product table with it) or the grid cannot filter without a reload"}


def _json(status: int, body: Any) -> tuple[int, str, bytes]:
    return status, "application/json; charset=utf-8", json.dumps(body).encode()


def _type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return kind + ("; charset=utf-8" if kind.startswith("text/") or kind.endswith("script")
                   else "")


def make_server(site: PreviewSite, host: str = "127.0.0.1", port: int = 8000
                ) -> ThreadingHTTPServer:
    """An HTTP server answering with ``site``; port 0 picks a free one."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            status, kind, body = site.handle(self.path, self.headers.get("Host", host))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if self.path.startswith(_ROWS_PREFIX):
                self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def start_preview(site: PreviewSite, host: str = "127.0.0.1", port: int = 0
                  ) -> tuple[ThreadingHTTPServer, str]:
    """Serve in a background thread (tests, benchmarks); returns the server and its base URL."""
    server = make_server(site, host, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://{host}:{server.server_address[1]}"
