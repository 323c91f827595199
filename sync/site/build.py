"""Render a HubSpot theme to a static site: every page template, one page per product row, assets.

The static site is what the browser tests, Lighthouse and a quick look need:
no HubSpot account, the same HTML HubSpot would serve for the page's default
content. Any HubSpot theme folder works; ours additionally gets the top-level
``modules/`` merged in, as upload does.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from html import escape, unescape
from pathlib import Path
from typing import Any

from sync.errors import HubshopError, InputError
from sync.paths import asset_dir
from sync.site.hubdb_snapshot import ROWS_SNAPSHOT_DIR, SnapshotSource, write_rows_snapshots
from sync.site.hubl import HubDBSource, HublEnvironment, RequestContext
from sync.site.hubl.diagnostics import HublWarning
from sync.site.hubl.hubdb import is_missing_table
from sync.site.routes import PageTemplate, output_file, page_templates, row_url

BUILD_MARKER = ".hubshop-build"
ROWS_SNAPSHOT_META = f'<meta name="hubshop:rows-snapshot" content="/{ROWS_SNAPSHOT_DIR}/">'
STATIC_HEAD = ROWS_SNAPSHOT_META + (
    "<script>if(location.search){document.documentElement.classList.add('hubshop-pending')}"
    "</script>")
"""Injected into every built page: where the rows are, and (with a query string, which a file
server ignores) a class that keeps the product grid unpainted until its script has caught up
with the URL, so the shopper never sees the unfiltered listing jump to the filtered one."""
STATIC_NOSCRIPT = (
    '<noscript><p class="product-grid__status">This copy of the shop filters, sorts and pages '
    "with JavaScript: turn it on to narrow the list. Without it, every product is shown."
    "</p></noscript>")
"""Put before the list of each grid with filters in a static build: a file server ignores the
query string, so without JavaScript ``?category=Boots`` would silently show every product."""
_FILTER_GRID_LIST = re.compile(
    r'(<section class="product-grid product-grid--filters"(?:(?!</section>).)*?)'
    r'(<ul class="product-grid__list")', re.DOTALL)
SKIPPED_FILES = frozenset({"fields.json", "theme.json", "meta.json", "module.html", "brand.yml"})
SKIPPED_SUFFIXES = frozenset({".md", ".yml", ".yaml"})
_PLACEHOLDER = re.compile(r'data-hubshop-placeholder="([^"]+)"')
_COLUMNS_TAG = re.compile(r'<[^<>]*\bdata-hubdb-columns="[^"]*"[^<>]*>')
"""An element whose script reads a HubDB table names it (``data-table``) and the columns it
asks the rows API for (``data-hubdb-columns``): the static build's rows snapshot holds those."""


@dataclass
class BuildResult:
    """What a build produced: pages rendered, templates that failed (with why), assets copied.

    ``notes`` are ``(template or table, what happened)`` pairs worth telling but
    not failures: a dynamic page with no table to list, a table not synced yet.
    ``warnings`` are ``(page, warning)`` pairs a page rendered on from (empty
    output where HubSpot would print data), ``placeholders`` ``(page, kind)``
    for each stand-in for HubSpot-hosted data, so wrong output is never silent.
    """

    out_dir: Path
    rendered: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, HublWarning]] = field(default_factory=list)
    placeholders: list[tuple[str, str]] = field(default_factory=list)
    assets: int = 0
    seconds: float = 0.0
    columns: dict[str, set[str]] = field(default_factory=dict, repr=False)
    """HubDB columns the pages' scripts read, per table (``data-hubdb-columns``)."""

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class SiteOptions:
    """How to render: where rows come from and what the pages believe their address is.

    Args:
        hubdb: the HubDB source (``LocalHubDBSource``); ``None`` renders pages without data
            and fails those that need it.
        modules_dirs: folders of ``name.module`` directories merged into the theme.
        base_url: scheme and host the pages are rendered for (canonical URLs, ``request``).
        theme_settings: overrides of the theme's ``fields.json`` defaults.
        dynamic_table: the table dynamic pages list; defaults to the theme's
            ``shop.product_table`` setting, else ``products``.
        static_dirs: extra folders copied to URL prefixes (``{"/demo": DEMO_DIR}``).
        portal_id: the HubSpot account id pages see as ``hub_id``.
    """

    hubdb: HubDBSource | None = None
    modules_dirs: tuple[Path, ...] = ()
    base_url: str = "http://localhost:8000"
    theme_settings: Mapping[str, Any] = field(default_factory=dict)
    dynamic_table: str | None = None
    static_dirs: Mapping[str, Path] = field(default_factory=dict)
    portal_id: int = 0


# Links hubshop's own theme shows for the menu its header reads, before HubSpot hosts one.
SHOP_SAMPLE_MENU = (("Home", "/"), ("Shop", "/products"), ("About", "/about"),
                    ("Contact", "/contact"))


def make_environment(theme_dir: Path, options: SiteOptions) -> HublEnvironment:
    """The renderer for a theme with these options (shared with the preview server).

    Menus only HubSpot hosts render as placeholders; hubshop's own theme gets
    its shop's links in them, any other theme neutral ones.
    """
    ours = Path(theme_dir).resolve() == asset_dir("theme").resolve()
    return HublEnvironment(
        theme_dir,
        hubdb=options.hubdb,
        theme_settings=dict(options.theme_settings),
        modules_dirs=list(options.modules_dirs),
        request=RequestContext.from_url(options.base_url + "/"),
        portal_id=options.portal_id,
        sample_menu=SHOP_SAMPLE_MENU if ours else None,
    )


def dynamic_table(env: HublEnvironment, options: SiteOptions) -> str:
    """The table dynamic pages read: the option, the theme's setting, else ``products``."""
    return options.dynamic_table or theme_dynamic_table(env) or "products"


def theme_dynamic_table(env: HublEnvironment) -> str | None:
    """The table the theme itself says its dynamic pages list (ours: ``shop.product_table``).

    Other themes leave it to the page settings in HubSpot, so they have none.
    """
    shop = env.theme_settings.get("shop")
    table = shop.get("product_table") if isinstance(shop, dict) else None
    return table if isinstance(table, str) and table else None


def dynamic_rows(env: HublEnvironment, options: SiteOptions) -> list[dict[str, Any]] | None:
    """Every published row of the dynamic table, page by page (HubDB's 1,000-row pages).

    ``None`` when the table does not exist: nothing to list, which is not a failure.
    """
    if options.hubdb is None:
        return []
    table = dynamic_table(env, options)
    try:
        options.hubdb.table(table)
    except HubshopError as exc:
        if is_missing_table(exc):
            return None
        raise
    rows: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = options.hubdb.rows(table, [("limit", "1000"), ("offset", str(offset))])
        results = page.get("results", [])
        rows.extend(results)
        offset += len(results)
        if not results or offset >= int(page.get("total", offset)):
            return rows


def build_site(theme_dir: Path, out_dir: Path, options: SiteOptions | None = None) -> BuildResult:
    """Render every page template and dynamic row of ``theme_dir`` into ``out_dir``.

    ``out_dir`` must be empty, missing, or an earlier build (which is replaced),
    so a typo never deletes someone's folder.

    Raises:
        InputError: ``out_dir`` holds files that are not an earlier build.
    """
    options = options or SiteOptions()
    if options.hubdb is not None and not isinstance(options.hubdb, SnapshotSource):
        options = replace(options, hubdb=SnapshotSource(options.hubdb))
    started = time.perf_counter()
    theme_dir, out_dir = Path(theme_dir), Path(out_dir)
    _prepare(out_dir)
    result = BuildResult(out_dir)
    env = make_environment(theme_dir, options)
    pages = page_templates(theme_dir, env.theme_settings)
    rows: list[dict[str, Any]] | None = None
    for page in pages:
        _render_one(env, options, page, page.url, None, result)
        if page.dynamic:
            if rows is None:
                rows = _rows_or_note(env, options, page, result)
            for row in rows:
                _render_one(env, options, page, row_url(page, row.get("path") or str(row["id"])),
                            row, result)
    result.assets = copy_assets(env, theme_dir, out_dir, options, result)
    if isinstance(options.hubdb, SnapshotSource):
        result.assets += write_rows_snapshots(options.hubdb, out_dir, result.columns)
    result.notes += [(table, "HubDB table does not exist: pages that list it render empty")
                     for table in sorted(env.missing_tables)]
    result.seconds = time.perf_counter() - started
    return result


def _rows_or_note(env: HublEnvironment, options: SiteOptions, page: PageTemplate,
                  result: BuildResult) -> list[dict[str, Any]]:
    """The dynamic table's rows; a missing table is a note, any other trouble a failure."""
    try:
        rows = dynamic_rows(env, options)
    except HubshopError as exc:
        result.failed.append((f"{page.template} (rows)", str(exc)))
        return []
    if rows is not None:
        return rows
    table = dynamic_table(env, options)
    if theme_dynamic_table(env) is None:
        why = (f"dynamic page: no table configured (the theme names none and {table!r} "
               "does not exist); rendered once without a row")
    else:
        why = f"dynamic page: table {table!r} does not exist yet; no row pages"
    result.notes.append((page.template, why))
    return []


def _prepare(out_dir: Path) -> None:
    if out_dir.exists():
        if (out_dir / BUILD_MARKER).exists():
            shutil.rmtree(out_dir)
        elif any(out_dir.iterdir()):
            raise InputError(str(out_dir), "is not empty and is not an earlier build",
                             "pick an empty or new folder for --out")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / BUILD_MARKER).write_text("built by hubshop theme build\n", encoding="utf-8")


def page_content(page: PageTemplate, row: dict[str, Any] | None) -> dict[str, Any]:
    """The ``content`` a page answers with: its name and title, as HubSpot gives them.

    A dynamic row page is titled by its row's name (the table's title mapping);
    any other page has the name a page made from the template starts with (the
    template's label) and no title of its own yet, so a theme's own fallback
    title shows (a system page's ``pageTitle`` too); :func:`ensure_title` keeps a theme
    without one from an empty ``<title>``.
    """
    name = str((row or {}).get("name") or page.label or Path(page.template).stem)
    return {"name": name, "html_title": name if row else ""}


_EMPTY_TITLE = re.compile(r"<title>\s*</title>", re.IGNORECASE)


def ensure_title(html: str, content: dict[str, Any]) -> str:
    """Give a page with an empty or no ``<title>`` the page's name, as HubSpot's editor names
    a new page (a theme that titles itself keeps its own)."""
    title = f"<title>{escape(str(content['name']))}</title>"
    if _EMPTY_TITLE.search(html):
        return _EMPTY_TITLE.sub(lambda _: title, html, count=1)
    if "<title" not in html.lower() and "</head>" in html:
        return html.replace("</head>", title + "</head>", 1)
    return html


def _render_one(env: HublEnvironment, options: SiteOptions, page: PageTemplate, url: str,
                row: dict[str, Any] | None, result: BuildResult) -> None:
    label = page.template if row is None else f"{page.template} [{row.get('path')}]"
    try:
        content = page_content(page, row)
        html = env.render_template(
            page.template,
            content=content,
            dynamic_row=row,
            request=RequestContext.from_url(options.base_url + url),
        )
    except HubshopError as exc:
        result.failed.append((label, str(exc)))
        return
    html = ensure_title(html, content)
    record_render(result, label, env, html)
    if "data-hubdb-columns" in html:
        for tag in _COLUMNS_TAG.findall(html):
            table, columns = _attribute(tag, "data-table"), _attribute(tag, "data-hubdb-columns")
            if table and columns:
                result.columns.setdefault(table, set()).update(
                    c.strip() for c in columns.split(",") if c.strip())
    if options.hubdb is not None:
        html = html.replace("</head>", STATIC_HEAD + "</head>", 1)
        html = _FILTER_GRID_LIST.sub(lambda m: m.group(1) + STATIC_NOSCRIPT + m.group(2), html)
    target = result.out_dir / output_file(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    result.rendered.append(output_file(url))


def record_render(result: BuildResult, label: str, env: HublEnvironment, html: str) -> None:
    """Keep what a render rendered on from and which placeholders it printed."""
    result.warnings += [(label, warning) for warning in env.last_warnings]
    result.placeholders += [(label, kind) for kind in _PLACEHOLDER.findall(html)]
    result.placeholders += [(label, kind) for kind in env.last_placeholders]


def copy_assets(env: HublEnvironment, theme_dir: Path, out_dir: Path, options: SiteOptions,
                result: BuildResult) -> int:
    """Theme files (CSS rendered as HubL, like HubSpot does), merged modules, static folders."""
    count = 0
    for source, relative in asset_files(theme_dir, options.modules_dirs):
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".css" and source.is_relative_to(theme_dir):
            try:
                css = env.render_string(source.read_text(encoding="utf-8"), name=relative)
            except HubshopError as exc:
                result.failed.append((relative, str(exc)))
                continue
            record_render(result, relative, env, css)
            target.write_text(css, encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        count += 1
    for prefix, folder in options.static_dirs.items():
        destination = out_dir / prefix.strip("/")
        shutil.copytree(folder, destination, dirs_exist_ok=True)
        count += sum(1 for p in Path(folder).rglob("*") if p.is_file())
    return count


def asset_files(theme_dir: Path, modules_dirs: Iterable[Path]) -> list[tuple[Path, str]]:
    """``(file, site path)`` for each file a browser may fetch; templates and JSON stay out."""
    found: dict[str, Path] = {}
    roots = [(theme_dir, "")] + [(Path(d), "modules/") for d in modules_dirs]
    for root, prefix in roots:
        for path in sorted(Path(root).rglob("*")):
            relative = path.relative_to(root).as_posix()
            if not path.is_file() or relative.startswith("templates/") or _skipped(Path(relative)):
                continue
            found.setdefault(prefix + relative, path)
    return [(path, relative) for relative, path in sorted(found.items())]


def _skipped(path: Path) -> bool:
    """Not served: theme metadata, module templates, docs, dot-files (relative ``path``)."""
    return (path.name in SKIPPED_FILES or path.suffix in SKIPPED_SUFFIXES
            or path.name.startswith(".") or any(p.startswith(".") for p in path.parts[:-1])
            or (path.suffix == ".html" and path.parent.suffix == ".module"))


def _attribute(tag: str, name: str) -> str:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return unescape(found.group(1)) if found else ""
