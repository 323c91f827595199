"""HubSpot's built-in modules (``@hubspot/rich_text``, ``linked_image``, ``form`` …), locally.

Each has HubSpot's field defaults and markup; the ones whose data HubSpot hosts
(forms, CTAs, blog widgets, videos) render inside a ``data-hubshop-placeholder``
element.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import escape

from sync.site.hubl.blog_modules import blog_posts, pagination
from sync.site.hubl.default_modules import DEFAULT_MODULES, EMAIL_MODULES
from sync.site.hubl.placeholders import form_html

if TYPE_CHECKING:
    from sync.site.hubl.environment import HublEnvironment

Render = Callable[["HublEnvironment", dict[str, Any], str], str]


@dataclass(frozen=True)
class BuiltinModule:
    """A built-in module: its field defaults, how it renders, and whether it is a placeholder."""

    render: Render
    defaults: dict[str, Any] = field(default_factory=dict)
    placeholder: bool = False


def _image(values: dict[str, Any]) -> dict[str, Any]:
    img = values.get("img") if isinstance(values.get("img"), dict) else {}

    def pick(key: str, default: Any = None) -> Any:
        return img.get(key) or values.get(key) or default

    return {"src": pick("src", ""), "alt": pick("alt", ""), "width": pick("width"),
            "height": pick("height"), "loading": pick("loading", "lazy"),
            "size_type": pick("size_type", "auto"), "max_width": pick("max_width"),
            "max_height": pick("max_height")}


def _size(image: dict[str, Any]) -> tuple[Any, Any, str]:
    """``(width, height, style)`` as HubSpot's image field sizes an image.

    ``auto`` keeps the file's size but never wider than its container;
    ``auto_custom_max`` caps it at ``max_width`` (height scaled to match);
    ``exact`` uses the given size. Every size keeps ``max-width: 100%`` so an
    image never overflows its column.
    """
    width, height = image["width"], image["height"]
    if image["size_type"] == "auto_custom_max" and image["max_width"]:
        cap = image["max_width"]
        if width and height and _number(width):
            height = round(_number(height) * _number(cap) / _number(width))
        width = cap
        if image["max_height"] and not height:
            height = image["max_height"]
        return width, height, f"max-width: min(100%, {escape(cap)}px); height: auto;"
    return width, height, "max-width: 100%; height: auto;"


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _img_tag(image: dict[str, Any], css: str = "hs-image-widget") -> str:
    if not image["src"]:
        return ""
    width, height, style = _size({"size_type": "auto", "max_width": None, "max_height": None,
                                  **image})
    size = "".join(f' {k}="{escape(v)}"' for k, v in (("width", width), ("height", height))
                   if v)
    loading = f' loading="{escape(image["loading"])}"' if image["loading"] != "disabled" else ""
    return (f'<img src="{escape(image["src"])}" class="{css}" alt="{escape(image["alt"])}"'
            f'{size} style="{style}"{loading}>')


def _href(link: Any) -> tuple[str, bool]:
    if isinstance(link, dict):
        url = link.get("url")
        href = url.get("href", "") if isinstance(url, dict) else (url or "")
        return str(href or ""), bool(link.get("open_in_new_tab"))
    return str(link or ""), False


def _linked_image(env: HublEnvironment, values: dict[str, Any], name: str) -> str:
    image = _img_tag(_image(values))
    href, new_tab = _href(values.get("link"))
    if not href or not image:
        return image
    target = ' target="_blank" rel="noopener"' if new_tab or values.get("target") else ""
    return f'<a href="{escape(href)}"{target}>{image}</a>'


def _header(env: HublEnvironment, values: dict[str, Any], name: str) -> str:
    level = str(values.get("header_tag") or values.get("heading_level") or "h1")
    return f"<{level}>{values.get('value', '')}</{level}>"


def _section_header(env: HublEnvironment, values: dict[str, Any], name: str) -> str:
    level = str(values.get("heading_level") or "h1")
    sub = values.get("subheader") or ""
    return ('<div class="widget-type-section_header">'
            '<div class="hs_cos_wrapper_type_section_header">'
            f"<{level}>{values.get('header', '')}</{level}>"
            + (f'<h2 class="subheader">{sub}</h2>' if sub else "") + "</div></div>")


def _button(env: HublEnvironment, values: dict[str, Any], name: str) -> str:
    href, new_tab = _href(values.get("link"))
    target = ' target="_blank" rel="noopener"' if new_tab else ""
    return (f'<a href="{escape(href or "#")}" class="hs-button"{target}>'
            f'{escape(values.get("button_text", ""))}</a>')


def _logo(env: HublEnvironment, values: dict[str, Any], name: str) -> str:
    brand = env.brand_settings.get("primaryLogo") or {}
    logo = {**brand, **{k: v for k, v in values.items() if v not in (None, "")}}
    image = _img_tag({"src": logo.get("src", ""), "alt": logo.get("alt", ""),
                      "width": logo.get("width"), "height": logo.get("height"),
                      "loading": logo.get("loading", "eager")}, css="hs-image-widget")
    company = env.site_settings.get("company_name", "")
    inner = image or ("" if logo.get("suppress_company_name") else
                      f'<h1 class="hs-logo-text">{escape(company)}</h1>')
    link = logo.get("link") or "/"
    return (f'<a href="{escape(link)}" id="hs-link-{escape(name)}" '
            f'style="border-width:0px;border:0px;">{inner}</a>')


def menu_html(items: list[dict[str, Any]], flow: str = "horizontal", depth: int = 1) -> str:
    """HubSpot's menu markup for a tree of ``{label, url, children}``."""
    lis = []
    for item in items:
        children = item.get("children") or []
        css = f"hs-menu-item hs-menu-depth-{depth}" + (" hs-item-has-children" if children else "")
        nested = menu_html(children, flow, depth + 1) if children else ""
        sub = f'<ul role="menu" class="hs-menu-children-wrapper">{nested}</ul>' if nested else ""
        lis.append(f'<li class="{css}" role="none"><a href="{escape(item.get("url", "#"))}" '
                   f'role="menuitem">{escape(item.get("label", ""))}</a>{sub}</li>')
    if depth > 1:
        return "".join(lis)
    return (f'<div class="hs-menu-wrapper active-branch flyouts hs-menu-flow-{escape(flow)}" '
            f'role="navigation"><ul role="menu">{"".join(lis)}</ul></div>')


def _menu(env: HublEnvironment, values: dict[str, Any], name: str) -> str:
    key = str(values.get("id") or values.get("menu") or values.get("site_map_name") or "default")
    tree = env.menus.get(key)
    flow = str(values.get("flow") or "horizontal")
    if tree is None:
        sample = [{"label": label, "url": url} for label, url in env.sample_menu]
        return f'<div data-hubshop-placeholder="menu">{menu_html(sample, flow)}</div>'
    items = tree.get("children", []) if isinstance(tree, dict) else tree
    return menu_html(items, flow)


def _simple_menu(env: HublEnvironment, values: dict[str, Any], name: str) -> str:
    tree = values.get("menu_tree") or []
    items = [{"label": i.get("link_label", i.get("label", "")),
              "url": i.get("link_url", i.get("url", "#")),
              "children": i.get("children", [])} for i in tree if isinstance(i, dict)]
    return menu_html(items, str(values.get("orientation") or "horizontal"))


def _icon(env: HublEnvironment, values: dict[str, Any], name: str) -> str:
    title = values.get("title") or ""
    decorative = values.get("purpose", "decorative") == "decorative" or not title
    aria = ' aria-hidden="true"' if decorative else \
        f' role="img" aria-labelledby="{escape(name)}-title"'
    label = "" if decorative else f'<title id="{escape(name)}-title">{escape(title)}</title>'
    return (f'<svg version="1.0" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"'
            f'{aria} data-hubshop-placeholder="icon" data-icon="{escape(values.get("name", ""))}"'
            f' width="{escape(values.get("width") or "1em")}"'
            f' height="{escape(values.get("height") or "1em")}">'
            f'{label}<circle cx="256" cy="256" r="200" fill="currentColor"/></svg>')


def _search_input(env: HublEnvironment, values: dict[str, Any], name: str) -> str:
    """HubSpot's site search box: a GET form to ``/hs-search-results`` with a labelled field.

    Its button is off unless ``include_search_button`` (HubSpot's default is false: themes
    draw the magnifier in the field, as the boilerplate's header does).
    """
    label = escape(values.get("field_label") or "Search")
    placeholder = escape(values.get("placeholder") or "")
    field = f"hs-search-{escape(name)}"
    action = escape(values.get("path") or "/hs-search-results")
    button = ('<button aria-label="Search"><span id="hs-search-button-label">Search</span>'
              '</button>') if values.get("include_search_button") else ""
    return ('<div class="hs-search-field"><div class="hs-search-field__bar">'
            f'<form data-hs-do-not-collect="true" action="{action}" role="search">'
            f'<label class="hs-search-field__label" for="{field}">{label}</label>'
            f'<input type="text" id="{field}" class="hs-search-field__input" name="term" '
            f'autocomplete="off" aria-label="{label}" placeholder="{placeholder}">'
            f'{button}</form></div><ul class="hs-search-field__suggestions"></ul></div>')


def _raw(key: str) -> Render:
    return lambda env, values, name: str(values.get(key) if values.get(key) is not None else "")


def _placeholder(kind: str, inner: str = "") -> Render:
    def render(env: HublEnvironment, values: dict[str, Any], name: str) -> str:
        body = form_html(name, values.get("title", ""), message=True) if kind == "form" else inner
        return f'<div data-hubshop-placeholder="{kind}">{body}</div>'

    return render


_IMG = {"src": "", "alt": "", "width": None, "height": None, "loading": "lazy"}
_LINK = {"url": {"href": "", "type": "EXTERNAL"}, "open_in_new_tab": False, "no_follow": False}

BUILTIN_MODULES: dict[str, BuiltinModule] = {
    "rich_text": BuiltinModule(_raw("html"), {"html": ""}),
    "text": BuiltinModule(_raw("value"), {"value": ""}),
    "textarea": BuiltinModule(_raw("value"), {"value": ""}),
    "raw_html": BuiltinModule(_raw("value"), {"value": ""}),
    "boolean": BuiltinModule(lambda e, v, n: "true" if v.get("value") else "false",
                             {"value": False}),
    "choice": BuiltinModule(_raw("value"), {"value": "", "choices": ""}),
    "color": BuiltinModule(_raw("color"), {"color": ""}),
    "header": BuiltinModule(_header, {"value": "", "header_tag": "h1"}),
    "section_header": BuiltinModule(_section_header, {"header": "", "subheader": "",
                                                      "heading_level": "h1"}),
    "linked_image": BuiltinModule(_linked_image, {"img": dict(_IMG), "link": dict(_LINK)}),
    "image": BuiltinModule(_linked_image, {"img": dict(_IMG)}),
    "button": BuiltinModule(_button, {"button_text": "Learn more", "link": dict(_LINK)}),
    "logo": BuiltinModule(_logo, {"suppress_company_name": False}),
    "menu": BuiltinModule(_menu, {"id": None, "flow": "horizontal"}),
    "simple_menu": BuiltinModule(_simple_menu, {"menu_tree": [], "orientation": "horizontal"}),
    "icon": BuiltinModule(_icon, {"name": "", "style": "SOLID", "purpose": "decorative"}),
    "divider": BuiltinModule(lambda e, v, n: '<hr class="hs-divider">', {}),
    "horizontal_spacer": BuiltinModule(lambda e, v, n: '<span class="hs-horizontal-spacer"></span>',
                                       {}),
    "space": BuiltinModule(lambda e, v, n: "", {}),
    "form": BuiltinModule(_placeholder("form"), {"form": {}}, placeholder=True),
    "cta": BuiltinModule(_placeholder("cta", '<a class="cta_button" href="#">Call to action</a>'),
                         {"guid": ""}, placeholder=True),
    "social_sharing": BuiltinModule(_placeholder("social_sharing"), {}, placeholder=True),
    "follow_me": BuiltinModule(_placeholder("follow_me"), {}, placeholder=True),
    "video": BuiltinModule(_placeholder("video"), {}, placeholder=True),
    "video_player": BuiltinModule(_placeholder("video_player"), {}, placeholder=True),
    "image_gallery": BuiltinModule(_placeholder("image_gallery"), {}, placeholder=True),
    "image_slider": BuiltinModule(_placeholder("image_slider"), {}, placeholder=True),
    "gallery": BuiltinModule(_placeholder("gallery"), {}, placeholder=True),
    "blog_comments": BuiltinModule(_placeholder("blog_comments"), {}, placeholder=True),
    "blog_subscribe": BuiltinModule(_placeholder("form"), {}, placeholder=True),
    "post_filter": BuiltinModule(_placeholder("post_filter"), {}, placeholder=True),
    "post_listing": BuiltinModule(_placeholder("post_listing"), {}, placeholder=True),
    "rss_listing": BuiltinModule(_placeholder("rss_listing"), {}, placeholder=True),
    "language_switcher": BuiltinModule(_placeholder("language_switcher"), {}, placeholder=True),
    "google_search": BuiltinModule(_placeholder("google_search"), {}, placeholder=True),
    "page_footer": BuiltinModule(_placeholder("page_footer"), {}, placeholder=True),
    "search_input": BuiltinModule(_search_input, {"field_label": "", "placeholder": "Search",
                                                  "include_search_button": False,
                                                  "path": "/hs-search-results"}),
    "search_results": BuiltinModule(_placeholder("search_results"), {}, placeholder=True),
    "password_prompt": BuiltinModule(_placeholder("password_prompt"), {}, placeholder=True),
    "email_subscriptions": BuiltinModule(_placeholder("form"), {}, placeholder=True),
    "email_subscriptions_confirmation": BuiltinModule(
        _placeholder("email_subscriptions_confirmation"), {}, placeholder=True),
    "email_simple_subscription": BuiltinModule(_placeholder("form"), {}, placeholder=True),
    "membership_social_logins": BuiltinModule(_placeholder("membership_social_logins"), {},
                                              placeholder=True),
}
BUILTIN_MODULES.update({
    "blog_posts": BuiltinModule(blog_posts, {"layout": "grid"}, placeholder=True),
    "pagination": BuiltinModule(pagination, {"prev_link_text": "Prev", "next_link_text": "Next"},
                                placeholder=True),
    "blog_listing": BuiltinModule(blog_posts, {"layout": "grid"}, placeholder=True),
    "social_follow": BuiltinModule(_placeholder("social_follow"), {}, placeholder=True),
})
# Every other default module shows data only HubSpot holds (or shows only in email):
# a marked placeholder of its kind, so pages using it render.
BUILTIN_MODULES.update({
    name: BuiltinModule(_placeholder("email_only" if name in EMAIL_MODULES else name), {},
                        placeholder=True)
    for name in DEFAULT_MODULES if name not in BUILTIN_MODULES})
