"""HubL's global functions: assets, dates, colours, HubDB, menus and HubSpot-hosted data.

Functions whose data only HubSpot hosts (blog posts, CRM objects, CTAs, files)
are marked with :func:`placeholder`; coverage reports them as such.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jinja2 import Undefined
from jinja2.utils import Namespace
from markupsafe import Markup, escape

from sync.site.hubl import colors, timefmt
from sync.site.hubl.diagnostics import note_placeholder
from sync.site.hubl.dialect import TEMPLATE_KEYWORD, resolve_theme_path
from sync.site.hubl.errors import HublProblem
from sync.site.hubl.hubdb import HubDBFunctions
from sync.site.hubl.page import current_page
from sync.site.hubl.placeholders import placeholder_html

if TYPE_CHECKING:
    from sync.site.hubl.environment import HublEnvironment

PLACEHOLDER_ATTR = "_hubl_placeholder"
# get_asset_version("@hubspot/<module>"): the built-in modules here render version 1 markup.
BUILTIN_MODULE_VERSION = 1


def placeholder(function: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a function whose real data lives only in HubSpot."""
    setattr(function, PLACEHOLDER_ATTR, True)
    return function


def is_placeholder(obj: Any) -> bool:
    return bool(getattr(obj, PLACEHOLDER_ATTR, False))


class Assets:
    """Asset URLs and ``require_*`` collection for one environment."""

    def __init__(self, env: HublEnvironment) -> None:
        self.env = env

    def path(self, path: str, template: str | None) -> str:
        relative = resolve_theme_path(self.env.theme_dir, str(path), template or "")
        if not (self.env.theme_dir / relative).is_file():
            raise HublProblem(f"asset not found: {path} (resolved to {relative})",
                              "relative asset paths start from the template's folder")
        return relative

    def url(self, path: str, **kwargs: Any) -> str:
        text = str(path)
        if text.startswith(("http://", "https://", "//")):
            return text
        return self.env.assets_base_url + self.path(text, kwargs.get(TEMPLATE_KEYWORD))

    def version(self, path: str, **kwargs: Any) -> Any:
        if str(path).startswith("@hubspot/"):
            return BUILTIN_MODULE_VERSION
        relative = self.path(str(path), kwargs.get(TEMPLATE_KEYWORD))
        digest = hashlib.md5((self.env.theme_dir / relative).read_bytes(), usedforsecurity=False)
        return digest.hexdigest()[:8]

    def require_css(self, path: str, attributes: dict[str, Any] | None = None,
                    **kwargs: Any) -> str:
        url = self.url(path, **kwargs)
        attrs = _attributes(attributes)
        current_page().add_head(f'<link rel="stylesheet" href="{escape(url)}"{attrs}>', key=url)
        return ""

    def require_js(self, path: str, position: str | dict[str, Any] = "footer",
                   attributes: dict[str, Any] | None = None, **kwargs: Any) -> str:
        if isinstance(position, dict):
            attributes, position = position, position.get("position", "footer")
        url = self.url(path, **kwargs)
        extra = {k: v for k, v in (attributes or {}).items() if k != "position"}
        tag = f'<script src="{escape(url)}"{_attributes(extra)}></script>'
        page = current_page()
        (page.add_head if position == "head" else page.add_footer)(tag, key=url)
        return ""

    def include_css(self, path: str, **kwargs: Any) -> Markup:
        return Markup(f'<link rel="stylesheet" href="{escape(self.url(path, **kwargs))}">')  # noqa: S704 - renderer output is HTML

    def include_javascript(self, path: str, **kwargs: Any) -> Markup:
        return Markup(f'<script src="{escape(self.url(path, **kwargs))}"></script>')  # noqa: S704 - renderer output is HTML


def _attributes(attributes: dict[str, Any] | None) -> str:
    parts = []
    for key, value in (attributes or {}).items():
        if value is True:
            parts.append(f" {escape(key)}")
        elif value not in (False, None):
            parts.append(f' {escape(key)}="{escape(value)}"')
    return "".join(parts)


def hubl_functions(env: HublEnvironment) -> dict[str, Any]:
    """Every HubL function, bound to ``env``."""
    assets = Assets(env)
    hubdb = HubDBFunctions(env.hubdb, env.missing_tables)
    counter = itertools.count(1)

    def today(tz: str | None = None) -> Any:
        return env.now().astimezone(timefmt.zone(tz or env.timezone))

    def module_asset_url(name: str) -> str:
        return env.assets_base_url + str(name)

    def resize_image_url(url: str, width: int = 0, height: int = 0, length: int = 0,
                         upscale: bool = False, upsize: bool = False) -> str:
        if not url or "hubfs" not in str(url):
            return str(url or "")
        sep = "&" if "?" in str(url) else "?"
        params = [f"width={int(width)}"] if width else []
        params += [f"height={int(height)}"] if height else []
        params += [f"length={int(length)}"] if length else []
        return str(url) + (sep + "&".join(params) if params else "")

    def set_response_code(code: int) -> str:
        current_page().widget_data["__response_code__"] = int(code)
        return ""

    def type_of(value: Any) -> str:
        return {bool: "bool", int: "long", float: "double", str: "str", list: "list",
                dict: "dict"}.get(type(value), type(value).__name__)

    def menu(menu_id: Any = "default", root_type: str = "site_root", root_key: Any = None
             ) -> dict[str, Any]:
        tree = env.menus.get(str(menu_id))
        if tree is None:
            note_placeholder("menu()")
            return {"children": [_menu_node(label, url) for label, url in env.sample_menu],
                    "label": "", "url": "", "hubshop_placeholder": True}
        return tree if isinstance(tree, dict) else {"children": tree}

    functions: dict[str, Any] = {
        "get_asset_url": assets.url, "get_asset_version": assets.version,
        "require_css": assets.require_css, "require_js": assets.require_js,
        "include_css": assets.include_css, "include_javascript": assets.include_javascript,
        "get_public_template_url": lambda path, **kw: env.assets_base_url + resolve_theme_path(
            env.theme_dir, str(path), kw.get(TEMPLATE_KEYWORD, "")),
        "module_asset_url": module_asset_url, "resize_image_url": resize_image_url,
        "range": _hubl_range, "namespace": Namespace,
        "today": today, "datetimeformat": lambda v, f="%H:%M / %d-%m-%Y", tz=None:
            timefmt.strftime(v, f, tz or env.timezone),
        "format_date": lambda v, f="medium", tz=None, loc=None: timefmt.ldml(v, f, tz, "date"),
        "format_time": lambda v, f="medium", tz=None, loc=None: timefmt.ldml(v, f, tz, "time"),
        "format_datetime": lambda v, f="medium", tz=None, loc=None:
            timefmt.ldml(v, f, tz, "datetime"),
        "to_local_time": lambda v, tz=None: timefmt.to_datetime(v, tz or env.timezone),
        "unixtimestamp": lambda v=None: timefmt.millis(env.now() if v is None else v),
        "strtotime": lambda s, f=None, tz=None: timefmt.parse(str(s), f, tz),
        "strtodate": lambda s, f=None, tz=None: timefmt.parse(str(s), f, tz).date(),
        "color_variant": _color_variant, "color_contrast": colors.passes,
        "truncate": lambda s, n=255, killwords=False, end="...": _truncate(str(s), n, end),
        "type": type_of, "unique_string": lambda: uuid.uuid4().hex,
        "set_response_code": set_response_code,
        "personalization_token": lambda token, default="": default,
        "geo_distance": _geo_distance,
        "format_address": _format_address,
        "format_company_name": lambda name, *a, **kw: str(name),
        "format_name": lambda first, last="", *a, **kw: f"{first} {last}".strip(),
        "i18n_getlanguage": lambda: "en", "locale_name": _locale_name,
        "footer_js": _page_includes("footer"), "head_css": _page_includes("css"),
        "head_js": _page_includes("js"), "head_elements": _page_includes("head"),
        "hubdb_table_rows": hubdb.table_rows, "hubdb_table_row": hubdb.table_row,
        "hubdb_table": hubdb.table, "hubdb_table_column": hubdb.table_column,
        "menu": menu,
    }
    functions.update(_placeholders(env, counter))
    return functions


def _hubl_range(start: Any, stop: Any = None, step: Any = 1) -> list[int]:
    """HubL caps ``range`` at 1000 items, like Jinjava, and takes whole numbers however typed."""
    start, step = _whole(start), _whole(step)
    values = range(start) if stop is None else range(start, _whole(stop), step)
    return list(itertools.islice(values, 1000))


def _whole(value: Any) -> int:
    """``2``, ``2.0`` or ``"2"`` as 2 (Jinjava reads range's arguments as integers)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not number.is_integer():
        raise HublProblem(f"range: {value!r} is not a whole number", "pass whole numbers")
    return int(number)


# What menu() answers for a menu only HubSpot hosts (not passed in ``menus=``): neutral
# links, as any theme's placeholder; hubshop's own theme is given its shop's links instead.
SAMPLE_MENU = (("Menu link 1", "#"), ("Menu link 2", "#"), ("Menu link 3", "#"))


def _menu_node(label: str, url: str) -> dict[str, Any]:
    """A node as HubSpot's ``menu()`` returns it."""
    return {"label": label, "url": url, "children": [], "activeBranch": False,
            "activeNode": False, "level": 1, "linkTarget": None, "pageId": None,
            "pageTitle": label, "contentType": None, "hubshop_placeholder": True}


def _color_variant(color: Any, amount: int = 0) -> str:
    """``color_variant`` of an unset colour field is empty, as in HubSpot."""
    if color in (None, "") or isinstance(color, Undefined):
        return ""
    return colors.variant(color, amount)


def _truncate(text: str, length: int, end: str) -> str:
    return text if len(text) <= length else text[: max(0, length - len(end))] + end


def _geo_distance(point_a: Any, lat: float, lon: float, unit: str = "MILES") -> float:
    lat1, lon1 = (point_a if isinstance(point_a, list | tuple) else (point_a["lat"],
                                                                      point_a["lon"]))
    rlat1, rlat2 = math.radians(float(lat1)), math.radians(float(lat))
    dlat, dlon = rlat2 - rlat1, math.radians(float(lon) - float(lon1))
    h = math.sin(dlat / 2) ** 2 + math.cos(rlat1) * math.cos(rlat2) * math.sin(dlon / 2) ** 2
    km = 2 * 6371.0088 * math.asin(math.sqrt(h))
    return {"KM": km, "KILOMETERS": km, "METERS": km * 1000, "FEET": km * 3280.84}.get(
        str(unit).upper(), km * 0.621371)


def _locale_name(code: str, in_locale: str = "en") -> str:
    names = {"en": "English", "fr": "French", "de": "German", "es": "Spanish",
             "it": "Italian", "nl": "Dutch", "pt": "Portuguese", "ja": "Japanese"}
    return names.get(str(code).split("-")[0].lower(), str(code))


def _placeholders(env: HublEnvironment, counter: Any) -> dict[str, Any]:
    """Functions over data only HubSpot hosts: empty results or placeholder markup."""

    def empty_list(*args: Any, **kwargs: Any) -> list[Any]:
        return []

    def empty_dict(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"hubshop_placeholder": True}

    def url_of(kind: str) -> Callable[..., str]:
        return lambda *args, **kwargs: "/" + "/".join([kind, *(str(a) for a in args[1:])])

    def cta_markup(guid: str = "", *args: Any, **kwargs: Any) -> Markup:
        return Markup(placeholder_html("cta", f"cta_{guid or next(counter)}",  # noqa: S704 - renderer output is HTML
                                       '<a class="cta_button" href="#">Call to action</a>'))

    def zero(*args: Any, **kwargs: Any) -> int:
        return 0

    def text(*args: Any, **kwargs: Any) -> str:
        return ""

    table: dict[str, Callable[..., Any]] = {
        "blog_all_posts_url": url_of("blog"), "blog_author_url": url_of("blog/author"),
        "blog_page_link": lambda page=1, *a: f"/blog/page/{page}",
        "blog_post_archive_url": url_of("blog/archive"), "blog_tag_url": url_of("blog/tag"),
        "blog_authors": empty_list, "blog_by_id": empty_dict, "blog_popular_posts": empty_list,
        "blog_post_by_id": empty_dict, "blog_recent_author_posts": empty_list,
        "blog_recent_posts": empty_list, "blog_recent_tag_posts": empty_list,
        "blog_recent_topic_posts": empty_list, "blog_tags": empty_list,
        "blog_topics": empty_list, "blog_total_post_count": zero,
        "content_by_id": empty_dict, "content_by_ids": empty_list, "page_by_id": empty_dict,
        "crm_associations": empty_list, "crm_object": empty_dict, "crm_objects": empty_list,
        "crm_property_definition": empty_dict, "crm_property_definitions": empty_list,
        "cta": cta_markup, "display_call_to_action": cta_markup, "data_token": text,
        "facebook_messenger_link": text, "file_by_id": empty_dict, "files_by_ids": empty_list,
        "flag_content_for_access_check": text, "follow_me_links": empty_list,
        "get_module_breakpoint_styles": text, "get_theme_breakpoint_styles": text,
        "get_public_template_url_by_id": text, "get_rss_url": url_of("rss"),
        "i18n_getmessage": lambda key, *a, **kw: str(key), "include_custom_fonts": text,
        "load_translations": empty_dict, "oembed": empty_dict,
        "personalization_api_url": text, "postal_location": empty_dict,
        "product_recommendations": empty_list, "script_embed": text,
        "sign_postlisting_url": lambda url="", *a: str(url),
        "topic_cluster_by_content_id": empty_dict, "video_metadata_by_player_id": empty_dict,
        "video_thumbnail": text,
    }
    return {name: placeholder(_named(fn, name)) for name, fn in table.items()}


def _named(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        note_placeholder(f"{name}()")
        return function(*args, **kwargs)

    call.__name__ = name
    return call


def _page_includes(part: str) -> Callable[[], Markup]:
    """``head_css()`` and friends: what the page required so far, printed where called."""

    def includes() -> Markup:
        page = current_page()
        items = page.footer if part == "footer" else page.head
        if part == "css":
            items = [i for i in items if i.startswith(("<link", "<style"))]
        elif part == "js":
            items = [i for i in items if i.startswith("<script")]
        return Markup("\n".join(items))  # noqa: S704 - renderer output is HTML

    return includes


def _format_address(locale: Any, address: Any = None, *parts: Any, **kwargs: Any) -> str:
    """One line of an address: HubSpot's fullAddress object, or loose parts, in order."""
    if isinstance(address, dict) or (address is None and kwargs):
        fields = {**(address or {}), **kwargs}
        city = " ".join(str(fields[k]) for k in ("city", "state", "zip") if fields.get(k))
        ordered = [fields.get("address"), fields.get("address1"), fields.get("address2"), city,
                   fields.get("country")]
        return ", ".join(str(p) for p in ordered if p)
    return ", ".join(str(p) for p in (address, *parts) if p)
