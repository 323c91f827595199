"""Which URL each page template answers, for the static build and the live preview alike.

HubSpot maps URLs to pages in its editor, not in the theme, so a local site
needs a rule (``x.hubl.html`` counts as ``x.html``): ``home.html``/``index.html``
is ``/``, an error template is ``/404.html``, any other page template is
``/<its path>/``, and a template that
reads ``dynamic_page_hubdb_row`` is a dynamic page: its own URL lists the table
and every row has ``<prefix>/<row path>/``. The prefix is the theme's
``shop.product_path`` setting when it has one (ours does), so links the theme
writes resolve locally exactly as in HubSpot.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.site.validate import read_annotation

NOT_PAGES = frozenset({"none", "global_partial", "section", "email", "drag_drop_email"})
# System pages HubSpot serves without a page of their own (no name, no html_title): templates
# set ``pageTitle`` for their <title>, as the boilerplate's system templates do.
SYSTEM_PAGES = frozenset({
    "error_page", "password_prompt_page", "search_results_page",
    "email_subscription_preferences_page", "email_backup_unsubscribe_page",
    "email_subscriptions_confirmation_page", "membership_login_page",
    "membership_register_page", "membership_reset_page", "membership_reset_request_page",
    "membership_email_page",
})
HOME_NAMES = ("home", "index")


@dataclass(frozen=True)
class PageTemplate:
    """A page template and where it lives on the local site."""

    template: str
    url: str
    dynamic: bool
    error_page: bool = False
    label: str = ""  # the annotation's label, the name a page made from it starts with
    system: bool = False  # a system page (404, search results, membership …): no html_title


def page_templates(theme_dir: Path, theme_settings: dict[str, Any]) -> list[PageTemplate]:
    """Every renderable page template of a theme with its URL, in path order."""
    templates_dir = theme_dir / "templates"
    found: list[PageTemplate] = []
    if not templates_dir.is_dir():
        return found
    dynamic_prefix = _dynamic_prefix(theme_settings)
    for path in sorted(templates_dir.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        annotation = read_annotation(source)
        if annotation is None or annotation["templateType"] in NOT_PAGES:
            continue
        relative = path.relative_to(theme_dir).as_posix()
        stem = template_stem(path.relative_to(templates_dir))
        dynamic = "dynamic_page_hubdb_row" in source
        error_page = annotation["templateType"] == "error_page"
        if error_page:
            name = stem.rsplit("/", 1)[-1]
            url = f"/{name}.html" if name.isdigit() else f"/{stem}/"
        elif stem in HOME_NAMES:
            url = "/"
        elif dynamic and dynamic_prefix:
            url = dynamic_prefix + "/"
        else:
            url = f"/{stem}/"
        found.append(PageTemplate(relative, url, dynamic, error_page,
                                  annotation.get("label", ""),
                                  annotation["templateType"] in SYSTEM_PAGES))
    return _unique(found)


def template_stem(relative: Path) -> str:
    """``system/404.hubl.html`` → ``system/404``: newer themes name templates ``*.hubl.html``."""
    name = relative.name.removesuffix(".html").removesuffix(".hubl")
    return relative.with_name(name).as_posix()


def _dynamic_prefix(theme_settings: dict[str, Any]) -> str:
    shop = theme_settings.get("shop")
    path = shop.get("product_path") if isinstance(shop, dict) else None
    if isinstance(path, str) and path.startswith("/") and len(path) > 1:
        return path.rstrip("/")
    return ""


def _unique(pages: list[PageTemplate]) -> list[PageTemplate]:
    """Two templates claiming one URL: the later one moves to ``/<its path>/``."""
    taken: set[str] = set()
    result = []
    for page in pages:
        url = page.url
        if url in taken:
            url = f"/{template_stem(Path(page.template).relative_to('templates'))}/"
        taken.add(url)
        result.append(PageTemplate(page.template, url, page.dynamic, page.error_page,
                                   page.label, page.system))
    return result


def row_url(page: PageTemplate, row_path: str) -> str:
    """The URL of one row of a dynamic page."""
    return f"{page.url.rstrip('/')}/{row_path.strip('/')}/"


def output_file(url: str) -> str:
    """Where a URL's HTML goes in a static build: ``/a/`` → ``a/index.html``."""
    if url.endswith(".html"):
        return url.lstrip("/")
    return (url.strip("/") + "/index.html").lstrip("/")
