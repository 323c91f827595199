"""The variables every HubL page sees: ``content``, ``request``, ``theme``, ``page_meta`` …"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from sync.site.hubl import timefmt
from sync.site.hubl.hubdb import hubl_row
from sync.site.hubl.page import FOOTER_MARK, HEADER_MARK, RequestContext

if TYPE_CHECKING:
    from sync.site.hubl.environment import HublEnvironment


def page_variables(env: HublEnvironment, template: str, content: dict[str, Any],
                   dynamic_row: dict[str, Any] | None, dynamic_table_id: Any,
                   request: RequestContext) -> dict[str, Any]:
    """Build the page's variables; ``content`` keys override the defaults."""
    now = env.now()
    url = request.full_url.split("?")[0]
    page_content = {
        "id": 0, "name": "", "html_title": "", "meta_description": "", "absolute_url": url,
        "url": url, "canonical_url": "", "template_path": template, "language": "en",
        # HubSpot's publish_date_localized is a string in the account's date format.
        "publish_date": now, "publish_date_localized": timefmt.ldml(now, "long"),
        "created": now, "updated": now,
        "widgets": {}, "widget_containers": {}, "translated_content": {}, "label": "",
        "head_html": "", "footer_html": "", "featured_image": "", "featured_image_alt_text": "",
        "author_name": "", "topic_list": [], "tag_list": [], "post_body": "",
        "use_featured_image": False, "blog_post_author": {},
    }
    page_content.update(content)
    row = hubl_row(dynamic_row) if dynamic_row else None
    table_id = dynamic_table_id if dynamic_table_id is not None else content.get(
        "dynamic_page_hubdb_table_id")
    return {
        "content": page_content,
        "page_meta": {"html_title": page_content["html_title"],
                      "meta_description": page_content["meta_description"],
                      "canonical_url": page_content["canonical_url"] or url},
        "request": request.as_hubl(),
        "theme": env.theme_settings,
        "brand_settings": _brand(env),
        "site_settings": {"company_name": "", "company_domain": request.domain,
                          "favicon_src": "", **env.site_settings},
        "hub_id": env.portal_id, "portal_id": env.portal_id,
        "local_dt": now, "year": now.year,
        "dynamic_page_hubdb_row": row,
        "dynamic_page_hubdb_table_id": table_id if row is not None or table_id else None,
        "dynamic_page_route_level": 1 if row is not None else 0,
        "standard_header_includes": Markup(HEADER_MARK),  # noqa: S704 - renderer output is HTML
        "standard_footer_includes": Markup(FOOTER_MARK),  # noqa: S704 - renderer output is HTML
        "is_in_editor": False, "is_in_page_editor": False, "is_in_previewer": False,
        "is_in_theme_editor": False, "is_in_module_previewer": False,
        "widget_data": {}, "template_path": template, "builtin_module_icons": {},
        "builtin_body_classes": "",
        "html_lang": page_content["language"], "html_lang_dir": "",
    }


def _brand(env: HublEnvironment) -> dict[str, Any]:
    brand = {"primaryLogo": {}, "logos": [], "colors": [], "primaryColor": {},
             "secondaryColor": {}, "accentColor1": {}, "favicons": [], "primaryFavicon": {}}
    brand.update(env.brand_settings)
    return brand
