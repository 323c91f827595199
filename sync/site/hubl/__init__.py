"""The local HubL renderer: HubSpot themes rendered offline on Jinja2 (HubL is Jinjava).

Usage::

    from sync.site.hubl import HublEnvironment, LocalHubDBSource, RequestContext

    env = HublEnvironment(
        "theme",                                  # the theme root (theme.json)
        hubdb=LocalHubDBSource(conn),             # sqlite conn or LocalHubDB; None = no HubDB
        theme_settings={"shop": {"domain": "x.myshopify.com"}},  # over fields.json defaults
        modules_dirs=["modules"],                 # module sources merged into theme/modules
        request=RequestContext.from_url("https://shop.example/products?category=bags"),
        assets_base_url="/",                      # prefix of get_asset_url() results
        portal_id=123, clock=VirtualClock(),      # hub_id/portal_id; local_dt/today()/year
    )
    html = env.render_template("templates/product.html",
                               content={"html_title": "Bag", "meta_description": "…"},
                               dynamic_row=row_v3_json, dynamic_table_id="products",
                               request=RequestContext.from_url("https://shop.example/p/bag"))
    html = env.render_module("../modules/product-grid", {"columns": 3})
    html = env.render_string('{% module "x" path="@hubspot/rich_text" html="<p>Hi</p>" %}')

Every error (syntax, unknown tag/filter/function/test, missing module or asset,
bad HubDB query, HubSpot's 10 ``hubdb_table_rows`` calls per page) is a
:class:`HublError` whose ``where`` is ``template:line``. What Jinjava only
warns about (undefined variables and properties printed, methods called on
undefined values) renders on as HubSpot renders it; the render's warnings,
each naming ``template:line``, are in ``env.last_warnings``.

Escaping: HubSpot does not autoescape HubL output, and neither does this
renderer by default (so a template behaves the same in both places). Templates
must escape product text with ``|escape`` (or ``|escape_attr`` in attributes);
rich text columns hold sanitised HTML and may print raw. ``autoescape=True`` is
available for stricter local checks.

Data only HubSpot hosts (forms, blog posts, CTAs, CRM, memberships, videos, and
menus not passed in ``menus=``) renders as real-looking markup carrying
``data-hubshop-placeholder``. :func:`coverage_report` classifies every name in
HubSpot's HubL catalogue as supported, placeholder or error.
"""

from __future__ import annotations

from sync.site.hubl.coverage import CoverageRow, coverage_report
from sync.site.hubl.environment import HublEnvironment
from sync.site.hubl.errors import HublError
from sync.site.hubl.hubdb import (
    DEFAULT_ROW_LIMIT,
    MAX_ROWS_CALLS_PER_PAGE,
    HubDBSource,
    LocalHubDBSource,
    hubl_row,
)
from sync.site.hubl.page import RequestContext

__all__ = [
    "DEFAULT_ROW_LIMIT",
    "MAX_ROWS_CALLS_PER_PAGE",
    "CoverageRow",
    "HubDBSource",
    "HublEnvironment",
    "HublError",
    "LocalHubDBSource",
    "RequestContext",
    "coverage_report",
    "hubl_row",
]
